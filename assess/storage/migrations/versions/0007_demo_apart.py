"""Demonstration data kept apart from real work: users, projects and rounds say whether
they belong to the demonstration (``is_demo``).

Before this revision the Settings page loaded the demo into any installation: its jurors
then received assignments in real rounds and its projects entered the national figures
and the workbook. The rows the demo made are marked here, by what only the demo makes:
accounts of its two e-mail domains, the projects they own, and rounds every application
of which comes from a demonstration project. An installation holding nothing else (no
account but administrators and demonstration accounts, no other project or round) becomes
a demonstration installation, so its figures keep showing the demo
(assess.services.installation).

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels = None
depends_on = None

TABLES = ("users", "projects", "rounds")
#: assess.services.demo.DEMO_DOMAIN and assess.services.demo_national.NATIONAL_DOMAIN, frozen here.
DEMO_EMAILS = ("%@demo.etwinning.example", "%@national.demo.etwinning.example")
#: assess.services.installation.DEMO_INSTALLATION_KEY, frozen here.
DEMO_INSTALLATION_KEY = "_demo_installation"


def upgrade() -> None:
    for table in TABLES:
        # A plain ADD COLUMN, not a batch: on SQLite a batch copies the table and drops the
        # old one, which foreign keys from the rows already stored refuse.
        op.add_column(table, sa.Column("is_demo", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(sa.text("UPDATE users SET is_demo = :yes WHERE email LIKE :small OR email LIKE :national")
               .bindparams(yes=True, small=DEMO_EMAILS[0], national=DEMO_EMAILS[1]))
    op.execute(sa.text("UPDATE projects SET is_demo = :yes WHERE owner_id IN (SELECT id FROM users WHERE is_demo)")
               .bindparams(yes=True))
    op.execute(sa.text(
        "UPDATE rounds SET is_demo = :yes "
        "WHERE EXISTS (SELECT 1 FROM applications a WHERE a.round_id = rounds.id) "
        "AND NOT EXISTS (SELECT 1 FROM applications a JOIN projects p ON p.id = a.project_id "
        "                WHERE a.round_id = rounds.id AND NOT p.is_demo)").bindparams(yes=True))
    demo_only = op.get_bind().scalar(sa.text(
        "SELECT EXISTS (SELECT 1 FROM projects WHERE is_demo) "
        "AND NOT EXISTS (SELECT 1 FROM projects WHERE NOT is_demo) "
        "AND NOT EXISTS (SELECT 1 FROM rounds WHERE NOT is_demo) "
        "AND NOT EXISTS (SELECT 1 FROM users u WHERE NOT u.is_demo "
        "                AND NOT EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'admin'))"))
    if demo_only:
        op.execute(sa.text("INSERT INTO settings (key, value, updated_at) VALUES (:key, 'true', CURRENT_TIMESTAMP)")
                   .bindparams(key=DEMO_INSTALLATION_KEY))


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM settings WHERE key = :key").bindparams(key=DEMO_INSTALLATION_KEY))
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("is_demo")
