"""A round's scoring deadline: the last day on which jurors are expected to submit
their scores (None: the office set none). It falls after the closing date: applications
are accepted up to and including ``closes_on``, the jury scores from the day after.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels = None
depends_on = None

CHECK = "ck_rounds_scoring_deadline_order"
RULE = "scoring_deadline IS NULL OR scoring_deadline > closes_on"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # A plain ADD COLUMN carrying its CHECK: SQLite cannot add a constraint later, and a
        # batch (copying the table) is refused by the foreign keys of the stored applications.
        op.execute(sa.text(f"ALTER TABLE rounds ADD COLUMN scoring_deadline DATE CONSTRAINT {CHECK} CHECK ({RULE})"))
        return
    op.add_column("rounds", sa.Column("scoring_deadline", sa.Date(), nullable=True))
    op.create_check_constraint(CHECK, "rounds", RULE)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(CHECK, "rounds", type_="check")
    op.drop_column("rounds", "scoring_deadline")
