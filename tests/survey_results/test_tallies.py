"""The answers' counts (survey_answer_tallies) are exactly the answers, whoever stored them:
the answering page (codes and public links), imports, the national demo; the national
figures read them instead of millions of answers."""

from __future__ import annotations

from sqlalchemy import case, func, select

from assess.domain.permissions import Actor
from assess.services import campaigns, demo_national, responding, survey_imports
from assess.storage.models import SurveyAnswer, SurveyAnswerTally
from tests.imports.helpers import SAMPLES
from tests.services.helpers import families_answers, make_campaign


def counted_from_answers(session) -> dict:
    score = case((SurveyAnswer.dont_know.is_(True), 0), else_=SurveyAnswer.score)
    rows = session.execute(
        select(SurveyAnswer.campaign_id, SurveyAnswer.item_id, score, func.count())
        .where((SurveyAnswer.score.is_not(None)) | SurveyAnswer.dont_know.is_(True))
        .group_by(SurveyAnswer.campaign_id, SurveyAnswer.item_id, score)
    )
    return {(c, i, s): n for c, i, s, n in rows}


def tallies(session) -> dict:
    return {(t.campaign_id, t.item_id, t.score): t.answers for t in session.scalars(select(SurveyAnswerTally))}


def test_answers_given_with_codes_and_links_are_counted(session, teacher, project):
    by_codes = make_campaign(session, owner=teacher, project=project)
    codes = campaigns.issue_codes(session, actor=teacher, campaign_id=by_codes.id, count=3)
    session.commit()
    for code in codes:
        assert responding.submit_with_code(session, code=code, answers=families_answers(), language="fr").stored
        session.commit()
    counts = tallies(session)
    assert counts == counted_from_answers(session)
    assert counts[(by_codes.id, "privacy-respected", 0)] == 3, "don't know is counted as score 0"


def test_imported_answers_are_counted_and_a_reimport_adds_nothing(session, teacher, project):
    data = (SAMPLES / "google-families-en.csv").read_bytes()
    for _ in range(2):
        survey_imports.run_import(session, actor=teacher, project_id=project.id, audience="families",
                                      file_name="answers.csv", data=data)
        session.commit()
    assert tallies(session) and tallies(session) == counted_from_answers(session)


def test_the_national_demo_is_counted(session):
    demo_national.load_national_demo(session, actor=Actor.system(),
                                     size=demo_national.NationalSize(projects=12, teachers=8, schools=10,
                                                                     partner_schools=20, jurors=6, responses=400))
    session.commit()
    assert sum(tallies(session).values()) > 400
    assert tallies(session) == counted_from_answers(session)
