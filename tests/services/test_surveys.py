"""Survey campaigns and answering them: codes, links, anonymity, one response per code."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, inspect, select

from assess import clock
from assess.services import campaigns, link_guard, responding
from assess.services.errors import InvalidInput, NotFound
from assess.services.responding import VisitStatus
from assess.storage.models import SurveyAnswer, SurveyCode, SurveyDraft, SurveyResponse
from tests.services.helpers import families_answers, make_campaign, make_project, make_user, public_link_token


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_codes_are_random_shown_once_and_stored_hashed(session, teacher, project):
    campaign = make_campaign(session, owner=teacher, project=project)
    codes = campaigns.issue_codes(session, actor=teacher, campaign_id=campaign.id, count=40)
    session.commit()
    assert len(set(codes)) == 40
    assert all(len(c) == campaigns.CODE_LENGTH and set(c) <= set(campaigns.CODE_ALPHABET) for c in codes)
    stored = list(session.scalars(select(SurveyCode.code_hash)))
    assert not set(codes) & set(stored), "codes are never stored in clear"
    assert campaigns.hash_code(codes[0]) in stored
    # Typed by hand with a dash, lower case and spaces: the same code.
    typed = f" {campaigns.format_code(codes[0]).lower()} "
    assert responding.visit_by_code(session, code=typed).status is VisitStatus.OPEN


def test_a_response_carries_no_code_and_only_the_month(session, teacher, project):
    campaign = make_campaign(session, owner=teacher, project=project)
    (code,) = campaigns.issue_codes(session, actor=teacher, campaign_id=campaign.id, count=1)
    session.commit()
    result = responding.submit_with_code(session, code=code, answers=families_answers(), language="fr")
    session.commit()
    assert result.stored
    columns = {c.key for c in inspect(SurveyResponse).columns} | {c.key for c in inspect(SurveyAnswer).columns}
    assert not {"code_id", "code_hash", "token", "ip", "email", "name", "created_at"} & columns
    response = session.scalar(select(SurveyResponse))
    assert response.submitted_month == clock.today().replace(day=1), "the month only, not the day"
    assert {a.item_id: (a.score, a.dont_know) for a in response.answers}["privacy-respected"] == (None, True)
    assert session.scalar(select(SurveyCode.used)) is True


def test_a_used_code_gets_the_used_page_and_stores_nothing_more(session, teacher, project):
    campaign = make_campaign(session, owner=teacher, project=project)
    (code,) = campaigns.issue_codes(session, actor=teacher, campaign_id=campaign.id, count=1)
    assert responding.submit_with_code(session, code=code, answers=families_answers(), language="en").stored
    session.commit()
    again = responding.submit_with_code(session, code=code, answers=families_answers(), language="en")
    assert (again.stored, again.status) == (False, VisitStatus.USED)
    assert responding.visit_by_code(session, code=code).status is VisitStatus.USED
    assert count(session, SurveyResponse) == 1


@pytest.mark.parametrize(
    ("opens", "closes", "expected"),
    [(1, 5, VisitStatus.NOT_YET_OPEN), (-10, -1, VisitStatus.CLOSED), (-1, 5, VisitStatus.OPEN)],
)
def test_dates_decide_whether_a_campaign_can_be_answered(session, teacher, project, opens, closes, expected):
    today = clock.today()
    campaign = campaigns.create_campaign(
        session, actor=teacher, project_id=project.id, audience="families", mode="codes", languages=["fr"],
        opens_on=today + timedelta(days=opens), closes_on=today + timedelta(days=closes),
    )
    (code,) = campaigns.issue_codes(session, actor=teacher, campaign_id=campaign.id, count=1)
    assert responding.visit_by_code(session, code=code).status is expected
    result = responding.submit_with_code(session, code=code, answers=families_answers(), language="fr")
    assert result.stored is (expected is VisitStatus.OPEN)


def test_a_campaign_closed_by_the_teacher_takes_no_more_answers(session, teacher, project):
    campaign = make_campaign(session, owner=teacher, project=project)
    (code,) = campaigns.issue_codes(session, actor=teacher, campaign_id=campaign.id, count=1)
    campaigns.close_campaign(session, actor=teacher, campaign_id=campaign.id)
    assert responding.visit_by_code(session, code=code).status is VisitStatus.CLOSED


def test_unknown_codes_and_forged_links_are_unknown(session, teacher, project):
    campaign = make_campaign(session, owner=teacher, project=project, mode="link")
    session.commit()
    assert responding.visit_by_code(session, code="AAAAA-AAAAA").status is VisitStatus.UNKNOWN
    assert responding.visit_by_code(session, code="").status is VisitStatus.UNKNOWN
    genuine = public_link_token(session, owner=teacher, campaign_id=campaign.id)
    assert responding.visit_by_link(session, token=genuine).status is VisitStatus.OPEN
    forged = f"{campaign.id}-{'0' * 24}"
    assert responding.visit_by_link(session, token=forged).status is VisitStatus.UNKNOWN
    assert responding.visit_by_link(session, token="<script>").status is VisitStatus.UNKNOWN


def test_invalid_answers_are_refused_item_by_item_and_nothing_is_stored(session, teacher, project):
    campaign = make_campaign(session, owner=teacher, project=project)
    (code,) = campaigns.issue_codes(session, actor=teacher, campaign_id=campaign.id, count=1)
    result = responding.submit_with_code(
        session, code=code, answers=families_answers(**{"child-talked": 9, "heard-about": "nope", "project-visible": None}),
        language="fr",
    )
    assert not result.stored
    assert {(e.item_id, e.key) for e in result.errors} == {
        ("child-talked", "errors.survey.agreement"),
        ("heard-about", "errors.survey.option"),
        ("project-visible", "errors.survey.required"),
    }
    assert count(session, SurveyResponse) == 0
    assert responding.visit_by_code(session, code=code).status is VisitStatus.OPEN, "the code is still usable"


def test_answers_are_kept_by_code_until_submitted(session, teacher, project):
    campaign = make_campaign(session, owner=teacher, project=project)
    (code,) = campaigns.issue_codes(session, actor=teacher, campaign_id=campaign.id, count=1)
    session.commit()
    errors = responding.save_draft(session, code=code, answers={"child-talked": 4, "showed-work": 7}, language="fr")
    session.commit()
    assert [e.item_id for e in errors] == ["showed-work"]
    later = responding.visit_by_code(session, code=code)
    assert (dict(later.draft), later.draft_language) == ({"child-talked": 4}, "fr")
    assert responding.submit_with_code(session, code=code, answers=families_answers(), language="fr").stored
    session.commit()
    assert count(session, SurveyDraft) == 0, "the draft, the only thing tied to the code, is gone"


def test_a_double_click_on_a_public_link_stores_one_response(session, teacher, project):
    campaign = make_campaign(session, owner=teacher, project=project, mode="link")
    token = public_link_token(session, owner=teacher, campaign_id=campaign.id)
    browser, other_browser = link_guard.new_browser_id(session), link_guard.new_browser_id(session)
    first = responding.submit_with_link(session, token=token, nonce="page-1", answers=families_answers(), language="en",
                                        browser_id=browser)
    second = responding.submit_with_link(session, token=token, nonce="page-1", answers=families_answers(), language="en",
                                         browser_id=browser)
    other = responding.submit_with_link(session, token=token, nonce="page-2", answers=families_answers(), language="en",
                                        browser_id=other_browser)
    assert (first.stored, second.stored, other.stored) == (True, False, True)
    assert count(session, SurveyResponse) == 2


def test_only_the_owner_manages_campaigns(session, teacher, project):
    other = make_user(session, email="jonas@example.org")
    with pytest.raises(NotFound):
        make_campaign(session, owner=other, project=project)
    campaign = make_campaign(session, owner=teacher, project=project)
    with pytest.raises(NotFound):
        campaigns.issue_codes(session, actor=other, campaign_id=campaign.id, count=3)
    with pytest.raises(InvalidInput):
        campaigns.issue_codes(session, actor=teacher, campaign_id=campaign.id, count=0)


def test_young_pupils_get_the_faces_questionnaire(session, teacher):
    nursery = make_project(session, owner=teacher, title="Les animaux", age_min=3, age_max=5)
    older = make_project(session, owner=teacher, title="Climat", age_min=15, age_max=18)
    young = make_campaign(session, owner=teacher, project=nursery, audience="pupils")
    teens = make_campaign(session, owner=teacher, project=older, audience="pupils")
    assert young.questionnaire_version.questionnaire_id == "pupils-young"
    assert teens.questionnaire_version.questionnaire_id == "pupils"


def test_participation_counts_codes_used_over_issued(session, teacher, project):
    campaign = make_campaign(session, owner=teacher, project=project)
    codes = campaigns.issue_codes(session, actor=teacher, campaign_id=campaign.id, count=8)
    for code in codes[:6]:
        assert responding.submit_with_code(session, code=code, answers=families_answers(), language="fr").stored
    (summary,) = campaigns.list_campaigns(session, actor=teacher, project_id=project.id)
    assert (summary.codes_issued, summary.codes_used, summary.responses) == (8, 6, 6)
    assert summary.participation == pytest.approx(0.75)


# --- concurrency: real threads, each with its own connection -----------------------------------


def run_together(session_factory, jobs) -> list:
    """Start every job at the same instant (a barrier), each in its own transaction."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def worker(index, job):
        barrier.wait()
        with session_factory.begin() as own:
            results[index] = job(own)

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_thirty_concurrent_submissions_are_all_stored(session, session_factory, teacher, project):
    campaign = make_campaign(session, owner=teacher, project=project)
    codes = campaigns.issue_codes(session, actor=teacher, campaign_id=campaign.id, count=30)
    session.commit()
    results = run_together(session_factory, [
        (lambda own, code=code: responding.submit_with_code(own, code=code, answers=families_answers(), language="fr"))
        for code in codes
    ])
    assert all(r.stored for r in results)
    session.expire_all()
    assert count(session, SurveyResponse) == 30
    assert count(session, SurveyAnswer) == 30 * len(families_answers())


def test_the_same_code_submitted_concurrently_stores_exactly_one(session, session_factory, teacher, project):
    campaign = make_campaign(session, owner=teacher, project=project)
    (code,) = campaigns.issue_codes(session, actor=teacher, campaign_id=campaign.id, count=1)
    session.commit()
    results = run_together(session_factory, [
        lambda own: responding.submit_with_code(own, code=code, answers=families_answers(), language="fr")
        for _ in range(8)
    ])
    assert sorted(r.stored for r in results) == [False] * 7 + [True]
    assert {r.status for r in results if not r.stored} == {VisitStatus.USED}
    session.expire_all()
    assert count(session, SurveyResponse) == 1


def test_the_same_public_link_page_sent_concurrently_stores_exactly_one(session, session_factory, teacher, project):
    """A form sent again while the first sending is still being stored: the database makes
    the second wait for the first (ON CONFLICT DO NOTHING on the page's nonce), then store
    nothing."""
    campaign = make_campaign(session, owner=teacher, project=project, mode="link")
    token = public_link_token(session, owner=teacher, campaign_id=campaign.id)
    browser = link_guard.new_browser_id(session)
    session.commit()
    results = run_together(session_factory, [
        lambda own: responding.submit_with_link(own, token=token, nonce="page-1", answers=families_answers(),
                                                language="fr", browser_id=browser)
        for _ in range(8)
    ])
    assert sorted(r.stored for r in results) == [False] * 7 + [True]
    assert {r.status for r in results if not r.stored} == {VisitStatus.USED}
    session.expire_all()
    assert count(session, SurveyResponse) == 1


def test_a_draft_saved_then_submitted_in_one_session_leaves_nothing_behind(session, teacher, project):
    """Submissions write with Core statements; a draft object the session still holds must
    not come back as the code's draft, nor make the code usable again."""
    campaign = make_campaign(session, owner=teacher, project=project)
    (code,) = campaigns.issue_codes(session, actor=teacher, campaign_id=campaign.id, count=1)
    assert responding.save_draft(session, code=code, answers={"child-talked": 4}, language="fr") == ()
    assert responding.visit_by_code(session, code=code).draft == {"child-talked": 4}
    assert responding.submit_with_code(session, code=code, answers=families_answers(), language="fr").stored
    session.commit()
    assert responding.visit_by_code(session, code=code).status is VisitStatus.USED
    assert responding.save_draft(session, code=code, answers={"child-talked": 2}, language="fr") == ()
    again = responding.submit_with_code(session, code=code, answers=families_answers(), language="fr")
    assert (again.stored, again.status) == (False, VisitStatus.USED)
    session.commit()
    assert (count(session, SurveyDraft), count(session, SurveyResponse)) == (0, 1)
