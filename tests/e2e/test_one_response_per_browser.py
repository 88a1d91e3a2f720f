"""A public link in real Chromium: the page gives the browser its ``assess_respondent``
cookie before any question; the same browser sends once, a second sending from another
tab is refused, and opening the link again says this device has answered (issue 10,
finding 4)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from assess.services import projects
from assess.storage.models import SurveyLinkDevice, SurveyResponse
from tests.e2e.conftest import wait_idle
from tests.e2e.test_parent_answers_on_phone import PHONE, choose
from tests.services.helpers import make_campaign, public_link_token

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

TITLE = "Le projet eTwinning de nos enfants – l'avis des familles"
DEVICE_USED = "Cet appareil a déjà répondu"


def open_link(context, url: str):
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(url)
    page.get_by_role("heading", name=TITLE).wait_for()
    wait_idle(page)
    return page


def answer_and_send(page) -> None:
    choose(page, "Mon enfant a parlé du projet à la maison.", "Tout à fait d'accord")
    choose(page, "Mon enfant a découvert d'autres pays", "Plutôt d'accord")
    choose(page, "L'école a permis aux familles de voir le projet", "Je ne sais pas / sans objet")
    choose(page, "Comment avez-vous entendu parler du projet", "Par mon enfant")
    page.get_by_role("button", name="Envoyer mes réponses").click()


def test_the_same_browser_sends_once_through_a_public_link(live_app, browser):
    with live_app.sessions.begin() as session:
        project = projects.get_project(session, actor=live_app.teacher, project_id=live_app.project_id)
        campaign = make_campaign(session, owner=live_app.teacher, project=project, audience="families", mode="link")
        link = f"{live_app.url}/?survey={public_link_token(session, owner=live_app.teacher, campaign_id=campaign.id)}"
    context = browser.new_context(viewport=PHONE, locale="fr-FR", is_mobile=True, has_touch=True)

    # Two tabs of one browser, both showing the questions before either sends.
    first = open_link(context, link)
    (cookie,) = [c for c in context.cookies() if c["name"] == "assess_respondent"]
    assert cookie["sameSite"] == "Lax" and cookie["expires"] > 0
    assert "set_cookie" not in first.url  # the marker of the reload is gone
    second = open_link(context, link)
    assert [c["value"] for c in context.cookies() if c["name"] == "assess_respondent"] == [cookie["value"]]

    answer_and_send(first)
    first.get_by_role("heading", name="Vos réponses sont envoyées").wait_for()
    answer_and_send(second)
    second.get_by_role("heading", name=DEVICE_USED).wait_for()
    expect(second.get_by_text(re.compile("Demandez des codes personnels"))).to_be_visible()

    # Opening the link again in this browser: told at once, no question to answer.
    third = context.new_page()
    third.goto(link)
    third.get_by_role("heading", name=DEVICE_USED).wait_for()
    expect(third.get_by_role("button", name="Envoyer mes réponses")).to_have_count(0)

    # Another browser (another phone of the family) answers.
    other = browser.new_context(viewport=PHONE, locale="fr-FR", is_mobile=True, has_touch=True)
    answer_and_send(open_link(other, link))
    other.pages[0].get_by_role("heading", name="Vos réponses sont envoyées").wait_for()

    with live_app.sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(SurveyResponse)) == 2
        assert session.scalar(select(func.count()).select_from(SurveyLinkDevice)) == 2
    other.close()
    context.close()
