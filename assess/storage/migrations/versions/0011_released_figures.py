"""Released survey figures: responses count in the figures five or more at a time.

Reading the results before and after one new submission gave that respondent's answers
and comment (the difference of two readings). From this revision, a response counts in
the figures only once it is *released* (``survey_responses.released``), and a campaign's
responses are released together when five or more wait, or when the campaign is closed
(assess.services.survey_release). The national figures read the counts as last released
(``survey_released_tallies``), a copy of ``survey_answer_tallies`` made at each release.

Campaigns that already have five respondents or more, and campaigns the teacher closed,
are released in full here: their figures stay what they were.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels = None
depends_on = None

#: assess.domain.survey_results.MIN_GROUP, frozen here.
MIN_GROUP = 5

RELEASED_NOW = (
    "SELECT campaign_id FROM survey_responses GROUP BY campaign_id HAVING COUNT(*) >= :min_group "
    "UNION SELECT id FROM survey_campaigns WHERE closed_at IS NOT NULL"
)


def upgrade() -> None:
    # A plain ADD COLUMN, not a batch: on SQLite a batch copies the table and drops the old
    # one, which the answers' foreign keys refuse.
    op.add_column("survey_responses",
                  sa.Column("released", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index("ix_survey_responses_campaign_released", "survey_responses", ["campaign_id", "released"])
    op.create_table(
        "survey_released_tallies",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(100), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "item_id", "score", name="pk_survey_released_tallies"),
        sa.ForeignKeyConstraint(["campaign_id"], ["survey_campaigns.id"],
                                name="fk_survey_released_tallies_campaign_id_survey_campaigns", ondelete="CASCADE"),
        sa.CheckConstraint("score BETWEEN 0 AND 5", name="ck_survey_released_tallies_score"),
    )
    params = {"min_group": MIN_GROUP, "yes": True}
    op.execute(sa.text(f"UPDATE survey_responses SET released = :yes WHERE campaign_id IN ({RELEASED_NOW})")
               .bindparams(**params))
    op.execute(sa.text(
        "INSERT INTO survey_released_tallies (campaign_id, item_id, score, answers) "
        f"SELECT campaign_id, item_id, score, answers FROM survey_answer_tallies WHERE campaign_id IN ({RELEASED_NOW})"
    ).bindparams(min_group=MIN_GROUP))


def downgrade() -> None:
    op.drop_table("survey_released_tallies")
    op.drop_index("ix_survey_responses_campaign_released", table_name="survey_responses")
    op.drop_column("survey_responses", "released")
