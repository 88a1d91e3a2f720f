"""Public links: one response per browser, a rate bound and a count of bursts.

- ``survey_campaigns.one_response_per_device`` (default true): the teacher may turn it off
  for a class sharing one tablet;
- ``survey_link_devices``: a keyed hash of (campaign, the browser's random cookie id) per
  browser that answered; no response id, no time;
- ``survey_link_pace``: per link campaign, the responses of the latest minute and the
  number that arrived in bursts (assess.services.link_guard).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels = None
depends_on = None


def _campaign(table: str) -> list:
    return [
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["survey_campaigns.id"], name=f"fk_{table}_campaign_id_survey_campaigns", ondelete="CASCADE"
        ),
    ]


def upgrade() -> None:
    # A plain ADD COLUMN, not a batch: on SQLite a batch copies the table, which the foreign
    # keys of the rows already stored refuse.
    op.add_column("survey_campaigns", sa.Column("one_response_per_device", sa.Boolean(), nullable=False,
                                                server_default=sa.true()))
    op.create_table(
        "survey_link_devices",
        *_campaign("survey_link_devices"),
        sa.Column("device_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "device_hash", name="pk_survey_link_devices"),
    )
    op.create_table(
        "survey_link_pace",
        *_campaign("survey_link_pace"),
        sa.Column("minute", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("in_minute", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("burst_responses", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("campaign_id", name="pk_survey_link_pace"),
    )


def downgrade() -> None:
    op.drop_table("survey_link_pace")
    op.drop_table("survey_link_devices")
    with op.batch_alter_table("survey_campaigns") as batch:
        batch.drop_column("one_response_per_device")
