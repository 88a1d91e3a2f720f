"""A parent answers the families' survey on a phone, in French, with the code of their slip;
and a young pupil's faces, one sentence per screen.

Screenshots of the pages at 375 px go to tmp_path (or to $ASSESS_SCREENSHOTS when set, to
look at them).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from assess.services import campaigns, projects, responding
from assess.services.responding import VisitStatus
from tests.e2e.conftest import wait_idle
from tests.services.helpers import make_campaign, make_project

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

PHONE = {"width": 375, "height": 740}
THANKS_FR = "Merci pour votre temps\u202f!"


def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("ASSESS_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def snap(page, name: str, tmp_path: Path, *, whole: bool = True) -> None:
    """A screenshot at 375 px wide; ``whole``: the whole page (Streamlit scrolls inside its main
    block, so the window is made as tall as the content for the picture)."""
    if whole:
        height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        tall = max(int(height), PHONE["height"])
        page.set_viewport_size({"width": PHONE["width"], "height": tall})
        # Drawn at the new size: the window has it and a frame has been painted since.
        page.wait_for_function(
            "tall => window.innerHeight === tall && new Promise(done => requestAnimationFrame(() => done(true)))",
            arg=tall,
        )
    page.screenshot(path=shots(tmp_path) / f"{name}.png")
    if whole:
        page.set_viewport_size(PHONE)


def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="fr-FR", device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def item(page, question: str):
    """The box of one question, found by its text."""
    return page.locator('[data-testid="stVerticalBlock"][class*="st-key-respond_item_"]').filter(has_text=question)


def choose(page, question: str, answer: str) -> None:
    option = item(page, question).get_by_text(answer, exact=True)
    option.click()
    expect(item(page, question).get_by_role("radio", name=answer, exact=True)).to_be_checked()
    wait_idle(page)


def test_a_parent_answers_in_french_on_a_phone(live_app, browser, tmp_path):
    with live_app.sessions.begin() as session:
        project = projects.get_project(session, actor=live_app.teacher, project_id=live_app.project_id)
        campaign = make_campaign(session, owner=live_app.teacher, project=project, audience="families")
        (code,) = campaigns.issue_codes(session, actor=live_app.teacher, campaign_id=campaign.id, count=1)
        campaign_id = campaign.id
    context, page = phone(browser)
    page.goto(f"{live_app.url}/?code={code}")
    page.get_by_role("heading", name="Le projet eTwinning de nos enfants – l'avis des familles").wait_for()
    wait_idle(page)
    expect(page.locator('[data-testid="stSidebar"]')).to_have_count(0)  # no navigation, no sign-in
    snap(page, "respond-form-375", tmp_path)

    choose(page, "Mon enfant a parlé du projet à la maison.", "Tout à fait d'accord")
    choose(page, "Mon enfant a découvert d'autres pays", "Plutôt d'accord")
    choose(page, "L'école a permis aux familles de voir le projet", "Je ne sais pas / sans objet")
    choose(page, "Comment avez-vous entendu parler du projet", "Par mon enfant")
    comment = item(page, "Souhaitez-vous dire autre chose").get_by_label(re.compile("Souhaitez-vous dire autre chose"))
    comment.fill("Très beau projet, merci !")
    comment.press("Tab")  # a text area is sent when it loses the focus
    wait_idle(page)
    page.get_by_text("5 questions sur 9 ont une réponse").wait_for()
    snap(page, "respond-form-answered-375", tmp_path)

    page.get_by_role("button", name="Envoyer mes réponses").click()
    page.get_by_role("heading", name="Vos réponses sont envoyées").wait_for()
    page.get_by_text(THANKS_FR).wait_for()
    snap(page, "respond-thanks-375", tmp_path, whole=False)

    with live_app.sessions.begin() as session:
        assert responding.visit_by_code(session, code=code).status is VisitStatus.USED
        [summary] = campaigns.list_campaigns(session, actor=live_app.teacher, project_id=live_app.project_id)
    assert (summary.id, summary.responses, summary.codes_used) == (campaign_id, 1, 1)

    # The slip's link again, in a new visit: the code is used.
    page.goto(f"{live_app.url}/?code={code}")
    page.get_by_role("heading", name="Ce code a déjà été utilisé").wait_for()
    snap(page, "respond-used-375", tmp_path, whole=False)
    context.close()


def open_young_pupils_survey(live_app, browser):
    """A code of a young pupils' campaign (ages 4-6) opened on a phone, at its first face."""
    with live_app.sessions.begin() as session:
        project = make_project(session, owner=live_app.teacher, title="Little explorers", age_min=4, age_max=6)
        campaign = make_campaign(session, owner=live_app.teacher, project=project, audience="pupils")
        (code,) = campaigns.issue_codes(session, actor=live_app.teacher, campaign_id=campaign.id, count=1)
    context, page = phone(browser)
    page.goto(f"{live_app.url}/?code={code}")
    page.get_by_role("heading", name="Notre projet eTwinning (jeunes élèves)").wait_for()
    wait_idle(page)
    return context, page, code


def test_a_young_pupil_answers_with_faces_one_sentence_at_a_time(live_app, browser, tmp_path):
    context, page, code = open_young_pupils_survey(live_app, browser)
    snap(page, "respond-faces-375", tmp_path)

    faces = page.locator(".st-key-respond_faces")
    face = faces.get_by_role("radio", name=re.compile("Oui, beaucoup"))
    face.click()
    expect(face).to_have_attribute("aria-checked", "true")
    wait_idle(page)
    snap(page, "respond-faces-chosen-375", tmp_path, whole=False)
    page.get_by_role("button", name="Suivant").click()
    page.get_by_text("Question 2 sur 9").wait_for()
    wait_idle(page)

    with live_app.sessions.begin() as session:  # saved on the server as the pupil goes
        assert responding.visit_by_code(session, code=code).draft == {"liked-making-together": 5}
    context.close()


def test_a_code_typed_from_the_sign_in_page_opens_the_questionnaire(live_app, browser, tmp_path):
    with live_app.sessions.begin() as session:
        project = projects.get_project(session, actor=live_app.teacher, project_id=live_app.project_id)
        campaign = make_campaign(session, owner=live_app.teacher, project=project, audience="families")
        (code,) = campaigns.issue_codes(session, actor=live_app.teacher, campaign_id=campaign.id, count=1)
    context, page = phone(browser)
    page.goto(live_app.url)
    page.get_by_role("button", name="Répondre à une enquête").click()
    page.get_by_label("Votre code").fill(campaigns.format_code(code).lower())
    page.get_by_role("button", name="Ouvrir le questionnaire").click()
    page.get_by_role("heading", name="Le projet eTwinning de nos enfants – l'avis des familles").wait_for()
    assert f"code={code}" in page.url
    snap(page, "respond-code-typed-375", tmp_path, whole=False)
    context.close()
