"""Survey codes replaced by a new sheet of slips (``survey_voided_codes``).

A teacher whose slips carry a wrong address, or were lost, voids the campaign's unused
codes and prints new ones (assess.services.campaigns.reissue_codes). The voided codes
leave ``survey_codes``, so participation counts only codes that can still be answered,
and are kept here by their SHA-256 alone, so the answering page can tell a respondent
holding an old slip that it was replaced.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "survey_voided_codes",
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["survey_campaigns.id"], name="fk_survey_voided_codes_campaign_id_survey_campaigns",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("code_hash", name="pk_survey_voided_codes"),
    )
    op.create_index("ix_survey_voided_codes_campaign_id", "survey_voided_codes", ["campaign_id"])


def downgrade() -> None:
    op.drop_index("ix_survey_voided_codes_campaign_id", table_name="survey_voided_codes")
    op.drop_table("survey_voided_codes")
