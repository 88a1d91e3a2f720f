"""E-mail: the outbox and the set-password links (assess.services.mail, docs/mail.md).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "outbox_mails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attachments", JSON, nullable=False),
        sa.Column("token_purpose", sa.String(20), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dedupe_key", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("edited_by", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_mails"),
        sa.UniqueConstraint("dedupe_key", name="uq_outbox_mails_dedupe_key"),
        sa.CheckConstraint("status IN ('held', 'queued', 'sent', 'failed', 'cancelled')",
                           name="ck_outbox_mails_status"),
        sa.ForeignKeyConstraint(["account_id"], ["users.id"], name="fk_outbox_mails_account_id_users",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name="fk_outbox_mails_created_by_users",
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["edited_by"], ["users.id"], name="fk_outbox_mails_edited_by_users",
                                ondelete="SET NULL"),
    )
    op.create_index("ix_outbox_mails_account_id", "outbox_mails", ["account_id"])
    op.create_index("ix_outbox_mails_status_next_attempt_at", "outbox_mails", ["status", "next_attempt_at"])
    op.create_table(
        "password_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_password_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_password_tokens_token_hash"),
        sa.CheckConstraint("purpose IN ('invitation', 'password_reset')", name="ck_password_tokens_purpose"),
        sa.ForeignKeyConstraint(["account_id"], ["users.id"], name="fk_password_tokens_account_id_users",
                                ondelete="CASCADE"),
    )
    op.create_index("ix_password_tokens_account_id", "password_tokens", ["account_id"])


def downgrade() -> None:
    op.drop_table("password_tokens")
    op.drop_table("outbox_mails")
