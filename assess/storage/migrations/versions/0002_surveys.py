"""Surveys: questionnaire versions, campaigns, single-use codes, link submissions, drafts,
anonymous responses and their answers, import log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _time(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _user(name: str, table: str) -> list:
    return [
        sa.Column(name, sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint([name], ["users.id"], name=f"fk_{table}_{name}_users", ondelete="SET NULL"),
    ]


def _campaign(table: str) -> list:
    return [
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["survey_campaigns.id"], name=f"fk_{table}_campaign_id_survey_campaigns", ondelete="CASCADE"
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "questionnaire_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", sa.String(100), nullable=False),
        sa.Column("version", sa.String(50), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("content", JSON, nullable=False),
        _time("registered_at"),
        sa.PrimaryKeyConstraint("id", name="pk_questionnaire_versions"),
        sa.UniqueConstraint("questionnaire_id", "version", name="uq_questionnaire_versions_questionnaire_id_version"),
    )
    op.create_table(
        "survey_campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(20), nullable=False),
        sa.Column("questionnaire_version_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(10), nullable=False),
        sa.Column("languages", JSON, nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        _time("closed_at", nullable=True),
        *_user("created_by", "survey_campaigns"),
        _time("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_survey_campaigns"),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name="fk_survey_campaigns_project_id_projects", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_version_id"],
            ["questionnaire_versions.id"],
            name="fk_survey_campaigns_questionnaire_versions",
        ),
        sa.CheckConstraint("audience IN ('pupils', 'families', 'teachers')", name="ck_survey_campaigns_audience"),
        sa.CheckConstraint("mode IN ('link', 'codes', 'import')", name="ck_survey_campaigns_mode"),
        sa.CheckConstraint("opens_on <= closes_on", name="ck_survey_campaigns_date_order"),
    )
    op.create_index("ix_survey_campaigns_project_id", "survey_campaigns", ["project_id"])
    op.create_index(
        "ix_survey_campaigns_questionnaire_version_id", "survey_campaigns", ["questionnaire_version_id"]
    )
    op.create_table(
        "survey_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        *_campaign("survey_codes"),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("used", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_survey_codes"),
        sa.UniqueConstraint("code_hash", name="uq_survey_codes_code_hash"),
    )
    op.create_index("ix_survey_codes_campaign_id", "survey_codes", ["campaign_id"])
    op.create_table(
        "survey_link_submissions",
        sa.Column("nonce_hash", sa.String(64), nullable=False),
        *_campaign("survey_link_submissions"),
        sa.PrimaryKeyConstraint("nonce_hash", name="pk_survey_link_submissions"),
    )
    op.create_index("ix_survey_link_submissions_campaign_id", "survey_link_submissions", ["campaign_id"])
    op.create_table(
        "survey_drafts",
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("answers", JSON, nullable=False),
        sa.Column("language", sa.String(8), nullable=True),
        _time("updated_at"),
        sa.PrimaryKeyConstraint("code_id", name="pk_survey_drafts"),
        sa.ForeignKeyConstraint(
            ["code_id"], ["survey_codes.id"], name="fk_survey_drafts_code_id_survey_codes", ondelete="CASCADE"
        ),
    )
    op.create_table(
        "survey_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        *_campaign("survey_responses"),
        sa.Column("submitted_month", sa.Date(), nullable=False),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("source", sa.String(12), nullable=False),
        sa.Column("import_key", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_survey_responses"),
        sa.UniqueConstraint("campaign_id", "import_key", name="uq_survey_responses_campaign_id_import_key"),
        sa.CheckConstraint(
            "source IN ('web', 'google', 'msforms', 'limesurvey')", name="ck_survey_responses_source"
        ),
    )
    op.create_index("ix_survey_responses_campaign_id", "survey_responses", ["campaign_id"])
    op.create_table(
        "survey_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(100), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("dont_know", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("choices", JSON, nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_survey_answers"),
        sa.ForeignKeyConstraint(
            ["response_id"], ["survey_responses.id"], name="fk_survey_answers_response_id_survey_responses",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("response_id", "item_id", name="uq_survey_answers_response_id_item_id"),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name="ck_survey_answers_score"),
    )
    op.create_table(
        "survey_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        *_campaign("survey_imports"),
        sa.Column("file_name", sa.String(300), nullable=False),
        sa.Column("file_format", sa.String(12), nullable=False),
        sa.Column("rows_imported", sa.Integer(), nullable=False),
        sa.Column("rows_skipped", sa.Integer(), nullable=False),
        sa.Column("rows_repeated", sa.Integer(), nullable=False),
        *_user("created_by", "survey_imports"),
        _time("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_survey_imports"),
    )
    op.create_index("ix_survey_imports_campaign_id", "survey_imports", ["campaign_id"])


def downgrade() -> None:
    for table in ("survey_imports", "survey_answers", "survey_responses", "survey_drafts", "survey_link_submissions",
                  "survey_codes",
                  "survey_campaigns", "questionnaire_versions"):
        op.drop_table(table)
