"""Conflict waivers: the office lets a juror judge one application despite a conflict
found from the schools (same school, same region), with a reason.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conflict_waivers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("juror_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_conflict_waivers"),
        sa.ForeignKeyConstraint(["juror_id"], ["users.id"], name="fk_conflict_waivers_juror_id_users",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"],
                                name="fk_conflict_waivers_application_id_applications", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name="fk_conflict_waivers_created_by_users",
                                ondelete="SET NULL"),
        sa.UniqueConstraint("juror_id", "application_id", "kind",
                            name="uq_conflict_waivers_juror_id_application_id_kind"),
        sa.CheckConstraint("kind IN ('same_school', 'same_region')", name="ck_conflict_waivers_kind"),
    )
    op.create_index("ix_conflict_waivers_juror_id", "conflict_waivers", ["juror_id"])
    op.create_index("ix_conflict_waivers_application_id", "conflict_waivers", ["application_id"])


def downgrade() -> None:
    op.drop_table("conflict_waivers")
