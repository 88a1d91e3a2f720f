"""The national jury: rounds, applications, conflicts of interest, assignments, jurors'
scores, decisions, partners' national labels (European label); users get a school.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _time(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _user(name: str, table: str, *, nullable: bool = True, ondelete: str = "SET NULL") -> list:
    return [
        sa.Column(name, sa.Integer(), nullable=nullable),
        sa.ForeignKeyConstraint([name], ["users.id"], name=f"fk_{table}_{name}_users", ondelete=ondelete),
    ]


def _application(table: str) -> list:
    return [
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"],
                                name=f"fk_{table}_application_id_applications", ondelete="CASCADE"),
    ]


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("school_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_users_school_id_schools", "schools", ["school_id"], ["id"])

    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("rubric_version_id", sa.Integer(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("per_application", sa.Integer(), nullable=False),
        sa.Column("aggregation", sa.String(10), nullable=False),
        sa.Column("disagreement_threshold", sa.Integer(), nullable=False),
        sa.Column("region_conflicts", sa.Boolean(), server_default=sa.false(), nullable=False),
        _time("published_at", nullable=True),
        *_user("created_by", "rounds"),
        _time("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_rounds"),
        sa.ForeignKeyConstraint(["rubric_version_id"], ["rubric_versions.id"],
                                name="fk_rounds_rubric_version_id_rubric_versions"),
        sa.CheckConstraint("kind IN ('label', 'contest', 'eql')", name="ck_rounds_kind"),
        sa.CheckConstraint("aggregation IN ('mean', 'median')", name="ck_rounds_aggregation"),
        sa.CheckConstraint("per_application BETWEEN 1 AND 10", name="ck_rounds_per_application"),
        sa.CheckConstraint("opens_on <= closes_on", name="ck_rounds_date_order"),
    )
    op.create_index("ix_rounds_rubric_version_id", "rounds", ["rubric_version_id"])

    op.create_table(
        "applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        *_user("teacher_id", "applications", nullable=False, ondelete="RESTRICT"),
        sa.Column("school_year", sa.String(9), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("eligibility", JSON, nullable=False),
        sa.Column("texts", JSON, nullable=False),
        sa.Column("evidence_links", JSON, nullable=False),
        sa.Column("resubmission_of", sa.Integer(), nullable=True),
        sa.Column("recheck_criteria", JSON, nullable=False),
        sa.Column("recheck_note", sa.Text(), nullable=False),
        _time("submitted_at"),
        _time("withdrawn_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_applications"),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name="fk_applications_round_id_rounds", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name="fk_applications_project_id_projects",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["resubmission_of"], ["applications.id"],
                                name="fk_applications_resubmission_of_applications", ondelete="SET NULL"),
        sa.UniqueConstraint("round_id", "project_id", name="uq_applications_round_id_project_id"),
        sa.CheckConstraint("status IN ('submitted', 'withdrawn')", name="ck_applications_status"),
    )
    for column in ("round_id", "project_id", "teacher_id"):
        op.create_index(f"ix_applications_{column}", "applications", [column])

    op.create_table(
        "conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        *_user("juror_id", "conflicts", nullable=False, ondelete="CASCADE"),
        *_application("conflicts"),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        *_user("created_by", "conflicts"),
        _time("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_conflicts"),
        sa.UniqueConstraint("juror_id", "application_id", "kind", name="uq_conflicts_juror_id_application_id_kind"),
        sa.CheckConstraint(
            "kind IN ('same_school', 'same_region', 'declared_by_juror', 'declared_by_teacher', 'office')",
            name="ck_conflicts_kind",
        ),
    )
    op.create_index("ix_conflicts_juror_id", "conflicts", ["juror_id"])
    op.create_index("ix_conflicts_application_id", "conflicts", ["application_id"])

    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        *_application("assignments"),
        *_user("juror_id", "assignments", nullable=False, ondelete="RESTRICT"),
        sa.Column("origin", sa.String(10), nullable=False),
        _time("submitted_at", nullable=True),
        *_user("created_by", "assignments"),
        _time("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_assignments"),
        sa.UniqueConstraint("application_id", "juror_id", name="uq_assignments_application_id_juror_id"),
        sa.CheckConstraint("origin IN ('auto', 'manual', 'extra')", name="ck_assignments_origin"),
    )
    op.create_index("ix_assignments_application_id", "assignments", ["application_id"])
    op.create_index("ix_assignments_juror_id", "assignments", ["juror_id"])

    op.create_table(
        "juror_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("rubric_version_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(100), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("private_note", sa.Text(), nullable=False),
        _time("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_juror_scores"),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignments.id"], name="fk_juror_scores_assignment_id_assignments",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["rubric_version_id"], ["rubric_versions.id"],
                                name="fk_juror_scores_rubric_version_id_rubric_versions"),
        sa.UniqueConstraint("assignment_id", "item_id", name="uq_juror_scores_assignment_id_item_id"),
        sa.CheckConstraint("level BETWEEN 0 AND 5", name="ck_juror_scores_level"),
    )
    op.create_index("ix_juror_scores_rubric_version_id", "juror_scores", ["rubric_version_id"])

    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        *_application("decisions"),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("levels", JSON, nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("percentage", sa.Float(), nullable=False),
        sa.Column("consensus_note", sa.Text(), nullable=False),
        *_user("staged_by", "decisions"),
        _time("staged_at"),
        _time("published_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
        sa.UniqueConstraint("application_id", name="uq_decisions_application_id"),
        sa.CheckConstraint("outcome IN ('label', 'no_label')", name="ck_decisions_outcome"),
    )

    op.create_table(
        "partner_labels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        *_user("created_by", "partner_labels"),
        _time("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_partner_labels"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name="fk_partner_labels_project_id_projects",
                                ondelete="CASCADE"),
        sa.UniqueConstraint("project_id", "country", name="uq_partner_labels_project_id_country"),
        sa.CheckConstraint("length(country) = 2 AND country = upper(country)", name="ck_partner_labels_country"),
    )
    op.create_index("ix_partner_labels_project_id", "partner_labels", ["project_id"])


def downgrade() -> None:
    for table in ("partner_labels", "decisions", "juror_scores", "assignments", "conflicts", "applications", "rounds"):
        op.drop_table(table)
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("fk_users_school_id_schools", type_="foreignkey")
        batch.drop_column("school_id")
