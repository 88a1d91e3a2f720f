"""A parent switches the answering page's language half-way through, in Chromium: every
answer given stays chosen, and the draft saved on the server keeps them all.

(In AppTest a switch cannot go wrong the way it did in a browser: the browser keeps a
choice as the text of the option chosen, and that text changes with the language.)
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from assess.services import campaigns, projects, responding
from tests.e2e.conftest import wait_idle
from tests.e2e.test_parent_answers_on_phone import choose, item, open_young_pupils_survey, phone
from tests.services.helpers import make_campaign

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_switching_to_english_half_way_keeps_every_answer(live_app, browser):
    with live_app.sessions.begin() as session:
        project = projects.get_project(session, actor=live_app.teacher, project_id=live_app.project_id)
        campaign = make_campaign(session, owner=live_app.teacher, project=project, audience="families")
        (code,) = campaigns.issue_codes(session, actor=live_app.teacher, campaign_id=campaign.id, count=1)
    context, page = phone(browser)
    page.goto(f"{live_app.url}/?code={code}")
    page.get_by_role("heading", name="Le projet eTwinning de nos enfants – l'avis des familles").wait_for()
    wait_idle(page)
    choose(page, "Mon enfant a parlé du projet à la maison.", "Tout à fait d'accord")
    choose(page, "Mon enfant a découvert d'autres pays", "Plutôt d'accord")

    page.get_by_text("English", exact=True).click()
    page.get_by_role("heading", name="Our children's eTwinning project - what families think").wait_for()
    wait_idle(page)
    expect(item(page, "My child talked about the project at home.").get_by_role(
        "radio", name="Strongly agree", exact=True)).to_be_checked()
    expect(item(page, "My child learned about other countries").get_by_role(
        "radio", name="Agree", exact=True)).to_be_checked()

    # The next answer (and its autosave) keeps the two given in French.
    choose(page, "The school let families see the project", "Disagree")
    page.get_by_text("3 of 9 questions answered").wait_for()
    with live_app.sessions.begin() as session:
        assert responding.visit_by_code(session, code=code).draft == {
            "child-talked": 5, "learned-other-countries": 4, "project-visible": 2,
        }

    # And back to French: still all there.
    page.get_by_text("Français", exact=True).click()
    page.get_by_role("heading", name="Le projet eTwinning de nos enfants – l'avis des familles").wait_for()
    wait_idle(page)
    expect(item(page, "Mon enfant a parlé du projet à la maison.").get_by_role(
        "radio", name="Tout à fait d'accord", exact=True)).to_be_checked()
    expect(item(page, "L'école a permis aux familles de voir le projet").get_by_role(
        "radio", name="Plutôt pas d'accord", exact=True)).to_be_checked()
    context.close()


def test_a_young_pupil_switching_to_english_keeps_the_faces_chosen(live_app, browser):
    context, page, code = open_young_pupils_survey(live_app, browser)
    faces = page.locator(".st-key-respond_faces")
    faces.get_by_role("radio", name=re.compile("Oui, beaucoup")).click()
    wait_idle(page)
    page.get_by_role("button", name="Suivant").click()
    page.get_by_text("Question 2 sur 9").wait_for()
    wait_idle(page)
    faces.get_by_role("radio", name=re.compile("^Oui$")).click()
    wait_idle(page)

    page.get_by_text("English", exact=True).click()
    page.get_by_text("Question 2 of 9").wait_for()
    wait_idle(page)
    expect(faces.get_by_role("radio", name=re.compile("^Yes$"))).to_have_attribute("aria-checked", "true")
    page.get_by_role("button", name="Previous").click()
    page.get_by_text("Question 1 of 9").wait_for()
    wait_idle(page)
    expect(faces.get_by_role("radio", name=re.compile("Yes, a lot"))).to_have_attribute("aria-checked", "true")
    with live_app.sessions.begin() as session:
        assert responding.visit_by_code(session, code=code).draft == {"liked-making-together": 5, "said-hello": 4}
    context.close()
