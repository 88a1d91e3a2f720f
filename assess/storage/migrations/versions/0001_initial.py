"""Initial schema: users and roles, schools, projects and partners, rubric versions,
self-assessments and their entries, audit log, settings.

Written by hand, with the constraint names the models' naming convention gives.

Revision ID: 0001
Revises:
Create Date: 2025-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _time(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _user(name: str, table: str) -> list:
    """A nullable reference to a user, set to NULL when the user is deleted."""
    return [
        sa.Column(name, sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            [name], ["users.id"], name=f"fk_{table}_{name}_users", ondelete="SET NULL"
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        _time("created_at"),
        _time("last_login_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("email", name="uq_users_email"),
        sa.CheckConstraint("email = lower(email)", name="ck_users_email_lower"),
    )
    op.create_table(
        "user_roles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "role", name="pk_user_roles"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_user_roles_user_id_users", ondelete="CASCADE"
        ),
        sa.CheckConstraint("role IN ('teacher', 'juror', 'admin')", name="ck_user_roles_role"),
    )
    op.create_table(
        "schools",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("region", sa.String(200), nullable=True),
        _time("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_schools"),
        sa.UniqueConstraint("name", "country", name="uq_schools_name_country"),
        sa.CheckConstraint(
            "length(country) = 2 AND country = upper(country)", name="ck_schools_country"
        ),
    )
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("age_min", sa.Integer(), nullable=False),
        sa.Column("age_max", sa.Integer(), nullable=False),
        sa.Column("subjects", JSON, nullable=False),
        sa.Column("languages", JSON, nullable=False),
        sa.Column("twinspace_url", sa.String(500), nullable=True),
        _time("created_at"),
        _time("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_projects"),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name="fk_projects_owner_id_users", ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name="fk_projects_school_id_schools"
        ),
        sa.CheckConstraint("age_min >= 2 AND age_max <= 21", name="ck_projects_age_bounds"),
        sa.CheckConstraint("age_min <= age_max", name="ck_projects_age_order"),
        sa.CheckConstraint("start_date <= end_date", name="ck_projects_date_order"),
    )
    op.create_index("ix_projects_owner_id", "projects", ["owner_id"])
    op.create_table(
        "project_partners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_project_partners"),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name="fk_project_partners_project_id_projects",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name="fk_project_partners_school_id_schools"
        ),
        sa.UniqueConstraint(
            "project_id", "school_id", name="uq_project_partners_project_id_school_id"
        ),
    )
    op.create_index("ix_project_partners_school_id", "project_partners", ["school_id"])
    op.create_table(
        "rubric_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rubric_id", sa.String(100), nullable=False),
        sa.Column("version", sa.String(50), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("content", JSON, nullable=False),
        _time("registered_at"),
        sa.PrimaryKeyConstraint("id", name="pk_rubric_versions"),
        sa.UniqueConstraint("rubric_id", "version", name="uq_rubric_versions_rubric_id_version"),
    )
    op.create_table(
        "self_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("rubric_version_id", sa.Integer(), nullable=False),
        sa.Column("eligibility", JSON, nullable=False),
        *_user("created_by", "self_assessments"),
        _time("created_at"),
        *_user("updated_by", "self_assessments"),
        _time("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_self_assessments"),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name="fk_self_assessments_project_id_projects",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rubric_version_id"],
            ["rubric_versions.id"],
            name="fk_self_assessments_rubric_version_id_rubric_versions",
        ),
        sa.UniqueConstraint(
            "project_id",
            "rubric_version_id",
            name="uq_self_assessments_project_id_rubric_version_id",
        ),
    )
    op.create_index(
        "ix_self_assessments_rubric_version_id", "self_assessments", ["rubric_version_id"]
    )
    op.create_table(
        "self_assessment_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("self_assessment_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(100), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("evidence_note", sa.Text(), nullable=False),
        sa.Column("evidence_links", JSON, nullable=False),
        *_user("updated_by", "self_assessment_entries"),
        _time("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_self_assessment_entries"),
        sa.ForeignKeyConstraint(
            ["self_assessment_id"],
            ["self_assessments.id"],
            name="fk_self_assessment_entries_self_assessment_id_self_assessments",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "self_assessment_id",
            "item_id",
            name="uq_self_assessment_entries_self_assessment_id_item_id",
        ),
        sa.CheckConstraint("level BETWEEN 0 AND 5", name="ck_self_assessment_entries_level"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        _time("at"),
        *_user("actor_id", "audit_log"),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("entity_type", sa.String(50), nullable=False),
        sa.Column("entity_id", sa.String(100), nullable=False),
        sa.Column("details", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index(
        "ix_audit_log_entity_type_entity_id", "audit_log", ["entity_type", "entity_id"]
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("value", JSON, nullable=False),
        _time("updated_at"),
        *_user("updated_by", "settings"),
        sa.PrimaryKeyConstraint("key", name="pk_settings"),
    )


def downgrade() -> None:
    for table in (
        "settings",
        "audit_log",
        "self_assessment_entries",
        "self_assessments",
        "rubric_versions",
        "project_partners",
        "projects",
        "schools",
        "user_roles",
        "users",
    ):
        op.drop_table(table)
