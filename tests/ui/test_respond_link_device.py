"""The answering page on a public link: one response per browser (issue 10, finding 4).

AppTest has no browser, so no cookie: a test gives the page the id a browser's
``assess_respondent`` cookie would send by putting it where the page keeps it
(``respond_browser``), as tests/ui/conftest.py does for the sign-in cookie. The cookie
being set and sent back for real is tests/e2e/test_one_response_per_browser.py.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from assess.services import campaigns, link_guard, responding
from assess.storage.models import SurveyLinkPace, SurveyResponse, utcnow
from tests.services.helpers import make_campaign, make_project, public_link_token
from tests.ui.test_respond_page import answer, progress, respondent, send
from tests.ui.test_teacher_pages import page_text

pytestmark = pytest.mark.xdist_group("ui")


@pytest.fixture
def link(ui_database, people):
    with ui_database.begin() as session:
        project = make_project(session, owner=people.teacher)
        campaign = make_campaign(session, owner=people.teacher, project=project, audience="teachers", mode="link")
        token = public_link_token(session, owner=people.teacher, campaign_id=campaign.id)
        questionnaire = responding.visit_by_link(session, token=token).questionnaire
    return token, {item.id: 4 for item in questionnaire.items if item.required}


def new_browser(ui_database) -> str:
    with ui_database.begin() as session:
        return link_guard.new_browser_id(session)


def responses(ui_database) -> int:
    with ui_database.begin() as session:
        return session.scalar(select(func.count()).select_from(SurveyResponse))


def scripts(at) -> list[str]:
    return [element.proto.body for element in at.get("html")]


def test_a_browser_without_the_cookie_gets_it_before_any_question(people, link):
    token, _required = link
    at = respondent(survey=token)
    assert "Opening the questionnaire" in page_text(at)
    assert not at.title and not [b for b in at.button if b.key == "respond_send"]
    (script,) = [s for s in scripts(at) if "assess_respondent=" in s]
    assert "SameSite=Lax" in script and "Max-Age=34560000" in script and "set_cookie" in script


@pytest.mark.parametrize("lang, title", [("en", "This page needs a cookie"), ("fr", "Cette page a besoin d'un cookie")])
def test_a_browser_that_did_not_keep_the_cookie_is_told_why_and_cannot_send(people, link, lang, title):
    """The page set the cookie and reloaded, and the browser still sends none: a script
    that keeps no cookie, or cookies refused. Nothing can be sent; the page says why."""
    token, _required = link
    at = respondent(survey=token, lang=lang, code=None)
    at.query_params["set_cookie"] = "1"
    at.run()
    assert [t.value for t in at.title] == [title]
    assert not [b for b in at.button if b.key == "respond_send"]
    # A made-up id is no better than none.
    at = respondent(survey=token, lang=lang, browser_id="A" * 24 + "." + "B" * 24)
    at.query_params["set_cookie"] = "1"
    at.run()
    assert [t.value for t in at.title] == [title]


@pytest.mark.parametrize("lang, title, shared", [
    ("en", "This device has already answered", "Ask the teacher for personal codes"),
    ("fr", "Cet appareil a déjà répondu", "Demandez des codes personnels à l'enseignant"),
])
def test_a_browser_that_answered_is_told_kindly_when_it_comes_back(people, ui_database, link, lang, title, shared):
    token, required = link
    browser = new_browser(ui_database)
    at = send(answer(respondent(survey=token, browser_id=browser), token, required, kind="link"))
    assert [t.value for t in at.title] == ["Your answers are sent"]
    again = respondent(survey=token, lang=lang, browser_id=browser)
    assert [t.value for t in again.title] == [title]
    assert shared in page_text(again)
    assert not [b for b in again.button if b.key == "respond_send"]
    # Another browser still answers.
    other = send(answer(respondent(survey=token, browser_id=new_browser(ui_database)), token, required, kind="link"))
    assert [t.value for t in other.title] == ["Your answers are sent"]
    assert responses(ui_database) == 2


def test_two_tabs_of_one_browser_send_one_response(people, ui_database, link):
    """Both tabs opened before either sends: the second sending is refused by the server and
    the tab says this device has answered."""
    token, required = link
    browser = new_browser(ui_database)
    first = answer(respondent(survey=token, browser_id=browser), token, required, kind="link")
    second = answer(respondent(survey=token, browser_id=browser), token, required, kind="link")
    assert [t.value for t in send(first).title] == ["Your answers are sent"]
    assert [t.value for t in send(second).title] == ["This device has already answered"]
    assert responses(ui_database) == 1


def test_a_campaign_allowing_several_responses_per_device_needs_no_cookie(people, ui_database, link):
    token, required = link
    with ui_database.begin() as session:
        link_guard.set_one_response_per_device(session, actor=people.teacher,
                                               campaign_id=campaigns.campaign_id_from_token(session, token),
                                               one_per_device=False)
    for _ in range(2):
        at = send(answer(respondent(survey=token), token, required, kind="link"))
        assert [t.value for t in at.title] == ["Your answers are sent"]
    assert responses(ui_database) == 2


def fill_this_minute(ui_database, token: str) -> int:
    """The link has taken its bound of responses in the current minute; returns that minute."""
    with ui_database.begin() as session:
        campaign_id = campaigns.campaign_id_from_token(session, token)
        now = utcnow()
        assert link_guard.within_rate(session, campaign_id=campaign_id, now=now)  # makes the link's row
        minute = int(now.timestamp() // 60)
        session.execute(update(SurveyLinkPace).where(SurveyLinkPace.campaign_id == campaign_id)
                        .values(minute=minute, in_minute=link_guard.RATE_PER_MINUTE))
    return minute


def test_a_busy_link_asks_to_try_again_in_a_minute_and_keeps_the_answers(people, ui_database, link):
    token, required = link
    for _attempt in range(3):  # the clock may turn a minute between filling and sending: then again
        at = answer(respondent(survey=token, browser_id=new_browser(ui_database)), token, required, kind="link")
        minute = fill_this_minute(ui_database, token)
        at = send(at)
        if int(utcnow().timestamp() // 60) == minute:
            break
    assert "Many answers are arriving through this link right now" in page_text(at)
    assert "please try again in a minute" in page_text(at)
    assert [b for b in at.button if b.key == "respond_send"]  # still on the questions
    assert progress(at).startswith(f"{len(required)} of")  # nothing lost
    assert responses(ui_database) == 0
