"""Standing conflicts of interest and teachers' declarations waiting for the office.

``standing_conflicts``: a juror who must never judge any application of a teacher (an
account) or of a school, in this round and every later one (a spouse, a former
colleague), typed (personal, former colleague, other) with a note, recorded by the
office or declared by the juror. ``conflict_declarations``: a teacher's declaration of a
conflict with a juror who has already saved scores on the application, kept until the
office confirms it (the scores go) or sets it aside.

Downgrading drops both tables: the standing conflicts are lost, and so are the
declarations still waiting (their audit events stay).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "standing_conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("juror_id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=True),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("relation", sa.String(20), nullable=False),
        sa.Column("origin", sa.String(10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_standing_conflicts"),
        sa.ForeignKeyConstraint(["juror_id"], ["users.id"], name="fk_standing_conflicts_juror_id_users",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["teacher_id"], ["users.id"], name="fk_standing_conflicts_teacher_id_users",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], name="fk_standing_conflicts_school_id_schools",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name="fk_standing_conflicts_created_by_users",
                                ondelete="SET NULL"),
        sa.UniqueConstraint("juror_id", "teacher_id", name="uq_standing_conflicts_juror_id_teacher_id"),
        sa.UniqueConstraint("juror_id", "school_id", name="uq_standing_conflicts_juror_id_school_id"),
        sa.CheckConstraint("(teacher_id IS NULL) <> (school_id IS NULL)",
                           name="ck_standing_conflicts_teacher_or_school"),
        sa.CheckConstraint("teacher_id IS NULL OR teacher_id <> juror_id", name="ck_standing_conflicts_not_self"),
        sa.CheckConstraint("relation IN ('personal', 'former_colleague', 'other')",
                           name="ck_standing_conflicts_relation"),
        sa.CheckConstraint("origin IN ('office', 'juror')", name="ck_standing_conflicts_origin"),
    )
    op.create_index("ix_standing_conflicts_juror_id", "standing_conflicts", ["juror_id"])
    op.create_index("ix_standing_conflicts_teacher_id", "standing_conflicts", ["teacher_id"])
    op.create_index("ix_standing_conflicts_school_id", "standing_conflicts", ["school_id"])
    op.create_table(
        "conflict_declarations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("juror_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_conflict_declarations"),
        sa.ForeignKeyConstraint(["juror_id"], ["users.id"], name="fk_conflict_declarations_juror_id_users",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"],
                                name="fk_conflict_declarations_application_id_applications", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name="fk_conflict_declarations_created_by_users",
                                ondelete="SET NULL"),
        sa.UniqueConstraint("juror_id", "application_id", name="uq_conflict_declarations_juror_id_application_id"),
    )
    op.create_index("ix_conflict_declarations_juror_id", "conflict_declarations", ["juror_id"])
    op.create_index("ix_conflict_declarations_application_id", "conflict_declarations", ["application_id"])


def downgrade() -> None:
    op.drop_table("conflict_declarations")
    op.drop_table("standing_conflicts")
