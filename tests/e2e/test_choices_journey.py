"""In Chromium (issue 10, finding 6): the teacher starts a self-assessment with the rubric
proposed for the project's school year, answers "no" to an eligibility question, and the
"no" is still there after a reload, apart from the questions not answered."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from assess.services import self_assessments
from tests.e2e.conftest import open_page, sign_in, wait_idle

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
SHOTS = os.environ.get("ASSESS_E2E_SHOTS")  # a folder to keep screenshots in, when looking at the pages


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_a_no_is_answered_and_kept(live_app, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)
    sign_in(page, live_app.url)
    open_page(page, "Self-assessment", "Self-assessment")
    page.get_by_text("Proposed: the rubric for the school year 2025-2026").wait_for()
    shot(page, "start")
    page.get_by_role("button", name="Start the self-assessment").click()
    page.get_by_text("criteria assessed").wait_for()
    wait_idle(page)
    with live_app.sessions.begin() as session:
        assessment = self_assessments.current(session, actor=live_app.teacher, project_id=live_app.project_id)
    assert assessment.rubric.id == "etwinning-2021"

    question = page.get_by_role("radiogroup", name="The project is finished or about to finish.")
    question.get_by_text("No", exact=True).click()
    page.get_by_text("You answered no to: The project is finished or about to finish.").wait_for()
    wait_idle(page)
    shot(page, "eligibility_no")
    with live_app.sessions.begin() as session:
        saved = self_assessments.current(session, actor=live_app.teacher, project_id=live_app.project_id).eligibility
    assert (saved["finished"], saved["shared_plan"]) == (False, None)

    page.reload()
    page.get_by_text("criteria assessed").wait_for()
    wait_idle(page)
    question = page.get_by_role("radiogroup", name="The project is finished or about to finish.")
    expect(question.get_by_role("radio", name="No", exact=True)).to_be_checked()
    other = page.get_by_role("radiogroup", name="Data protection and copyright were taken care of.")
    expect(other.get_by_role("radio", name="Not answered", exact=True)).to_be_checked()

    page.get_by_text("Change the rubric").first.click()
    wait_idle(page)
    shot(page, "change_rubric")
    page.close()
