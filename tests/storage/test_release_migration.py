"""Migration 0011 releases the campaigns stored before it that already have five
respondents or more, or that the teacher closed; the others wait, as they would now."""

from __future__ import annotations

from alembic import command
from sqlalchemy import func, select

from assess.services import campaigns
from assess.storage import db
from assess.storage.models import SurveyAnswerTally, SurveyReleasedTally, SurveyResponse
from tests.services.helpers import families_answers, make_campaign, make_project, make_user
from tests.survey_results.helpers import respond_with_codes


def released_and_waiting(session, campaign_id: int) -> tuple[int, int]:
    rows = dict(session.execute(select(SurveyResponse.released, func.count())
                                .where(SurveyResponse.campaign_id == campaign_id).group_by(SurveyResponse.released)).all())
    return rows.get(True, 0), rows.get(False, 0)


def tallies(session, model, campaign_id: int) -> dict:
    return {(t.item_id, t.score): t.answers for t in session.scalars(select(model).where(model.campaign_id == campaign_id))}


def test_campaigns_of_five_or_more_and_closed_ones_are_released(empty_database_url):
    engine = db.make_engine(empty_database_url)
    try:
        db.upgrade_database(engine)
        with db.make_session_factory(engine).begin() as session:
            teacher = make_user(session, email="claire@example.org")
            project = make_project(session, owner=teacher)
            made = {name: make_campaign(session, owner=teacher, project=project).id for name in ("six", "closed", "three")}
            for name, count in (("six", 6), ("closed", 3), ("three", 3)):
                campaign = campaigns.get_campaign(session, actor=teacher, campaign_id=made[name])
                respond_with_codes(session, teacher, campaign, [families_answers() for _ in range(count)])
        # As stored before 0011: back to 0010 (the flag and the released counts go), then up again.
        with engine.begin() as connection:
            command.downgrade(db.alembic_config(connection), "0010")
        with engine.begin() as connection:
            # Closed before the upgrade, by the teacher.
            connection.exec_driver_sql(f"UPDATE survey_campaigns SET closed_at = CURRENT_TIMESTAMP WHERE id = {made['closed']}")
        db.upgrade_database(engine)
        with db.make_session_factory(engine).begin() as session:
            assert released_and_waiting(session, made["six"]) == (6, 0)
            assert released_and_waiting(session, made["closed"]) == (3, 0)
            assert released_and_waiting(session, made["three"]) == (0, 3)
            for name in ("six", "closed"):
                assert tallies(session, SurveyReleasedTally, made[name]) == tallies(session, SurveyAnswerTally, made[name])
            assert tallies(session, SurveyReleasedTally, made["three"]) == {}
    finally:
        engine.dispose()
