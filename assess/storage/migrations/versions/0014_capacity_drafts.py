"""A juror's capacity (the most applications they judge in one round) and draft
applications (kept by the teacher, edited until the round closes, unseen by the jury).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels = None
depends_on = None


OLD_CHECK = "status IN ('submitted', 'withdrawn')"
NEW_CHECK = "status IN ('draft', 'submitted', 'withdrawn')"


def _status_check(old: str, new: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("ck_applications_status", "applications", type_="check")
        op.create_check_constraint("ck_applications_status", "applications", new)
        return
    # SQLite cannot alter a CHECK, and a batch copy would drop the applications table,
    # which the stored assignments, scores and decisions reference (ON DELETE CASCADE:
    # dropping it would delete them). The CHECK is rewritten in the schema instead, the
    # procedure SQLite documents for changing constraints that stored rows already meet
    # (sqlite.org/lang_altertable.html, "making other kinds of table schema changes").
    bind = op.get_bind()
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        bind.exec_driver_sql(
            "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = 'applications'",
            (old, new))
        bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade() -> None:
    # A plain ADD COLUMN, not a batch (see 0007: a batch copy of users is refused).
    op.add_column("users", sa.Column("max_per_round", sa.Integer(), nullable=True))
    _status_check(OLD_CHECK, NEW_CHECK)


def downgrade() -> None:
    # Drafts were never sent: they go, as the older schema has no place for them.
    op.execute("DELETE FROM applications WHERE status = 'draft'")
    _status_check(NEW_CHECK, OLD_CHECK)
    op.drop_column("users", "max_per_round")
