"""European label: the office confirms or overrides each nomination proposal, with a
reason for an override.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "eql_nominations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("nominated", sa.Boolean(), nullable=False),
        sa.Column("overrides", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_eql_nominations"),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name="fk_eql_nominations_round_id_rounds",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"],
                                name="fk_eql_nominations_application_id_applications", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"], name="fk_eql_nominations_decided_by_users",
                                ondelete="SET NULL"),
        sa.UniqueConstraint("round_id", "application_id", name="uq_eql_nominations_round_id_application_id"),
    )
    op.create_index("ix_eql_nominations_round_id", "eql_nominations", ["round_id"])
    op.create_index("ix_eql_nominations_application_id", "eql_nominations", ["application_id"])


def downgrade() -> None:
    op.drop_table("eql_nominations")
