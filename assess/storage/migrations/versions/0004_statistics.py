"""National statistics at a country's scale: answers carry their campaign, and indexes
let the dashboard and the workbook aggregate in the database.

Every answer gets the id of its response's campaign (a response never moves between
campaigns, so the copy cannot go stale). With the covering index on (campaign_id,
item_id, score, dont_know), national survey figures are one scan of an index instead of
a join of millions of answers to their responses: 0.5 s instead of 4.7 s for 2.4 million
answers on SQLite.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("survey_answers") as batch:
        batch.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE survey_answers SET campaign_id = "
        "(SELECT campaign_id FROM survey_responses WHERE survey_responses.id = survey_answers.response_id)"
    )
    with op.batch_alter_table("survey_answers") as batch:
        batch.alter_column("campaign_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            "fk_survey_answers_campaign_id_survey_campaigns", "survey_campaigns", ["campaign_id"], ["id"],
            ondelete="CASCADE",
        )
    op.create_index(
        "ix_survey_answers_campaign_item", "survey_answers", ["campaign_id", "item_id", "score", "dont_know"]
    )
    # Participation (codes issued and used per campaign) from the index alone.
    op.drop_index("ix_survey_codes_campaign_id", table_name="survey_codes")
    op.create_index("ix_survey_codes_campaign_used", "survey_codes", ["campaign_id", "used"])
    # Jurors' levels per criterion across a round, and per-juror load and severity.
    op.create_index("ix_assignments_juror_application", "assignments", ["juror_id", "application_id"])


def downgrade() -> None:
    op.drop_index("ix_assignments_juror_application", table_name="assignments")
    op.drop_index("ix_survey_codes_campaign_used", table_name="survey_codes")
    op.create_index("ix_survey_codes_campaign_id", "survey_codes", ["campaign_id"])
    op.drop_index("ix_survey_answers_campaign_item", table_name="survey_answers")
    with op.batch_alter_table("survey_answers") as batch:
        batch.drop_constraint("fk_survey_answers_campaign_id_survey_campaigns", type_="foreignkey")
        batch.drop_column("campaign_id")
