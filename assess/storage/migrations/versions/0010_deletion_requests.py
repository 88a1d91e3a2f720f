"""Requests to delete an account (GDPR, assess.services.privacy and docs/privacy.md).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "deletion_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("carried_out_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("carried_out_by", sa.Integer(), nullable=True),
        sa.Column("outcome", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_deletion_requests"),
        sa.CheckConstraint("status IN ('pending', 'done', 'cancelled')", name="ck_deletion_requests_status"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_deletion_requests_user_id_users",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["carried_out_by"], ["users.id"], name="fk_deletion_requests_carried_out_by_users",
                                ondelete="SET NULL"),
    )
    op.create_index("ix_deletion_requests_user_id", "deletion_requests", ["user_id"])


def downgrade() -> None:
    op.drop_table("deletion_requests")
