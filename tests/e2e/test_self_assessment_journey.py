"""A teacher's journey in a real browser: sign in, assess every criterion, download the
PDF report and find their answers in it."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from assess.services import self_assessments
from tests.e2e.conftest import PROJECT_TITLE, open_page, sign_in, wait_idle

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

LEVEL, LEVEL_LABEL = 4, "Very good"
NOTE = "Pupils interviewed their grandparents about breakfast"


def choose(expander, level: int) -> None:
    """Click a level of the segmented control. A click landing while the expander is
    still opening (its content moving) can be lost: click again until it is checked."""
    radio = expander.locator('[data-testid="stButtonGroup"]').get_by_role("radio", name=str(level), exact=True)
    for _attempt in range(3):
        radio.click()
        try:
            expect(radio).to_have_attribute("aria-checked", "true", timeout=3_000)
            return
        except AssertionError:
            continue
    expect(radio).to_have_attribute("aria-checked", "true")


def item_expander(page, name: str):
    """The expander of one criterion, by its own title: a gate's text names its criterion too."""
    return page.locator('[data-testid="stExpander"]').filter(has=page.locator("summary", has_text=f"{name} —"))


def start_self_assessment(page) -> None:
    """A project without a self-assessment: keep the rubric proposed and start."""
    page.get_by_role("button", name="Start the self-assessment").click()
    page.get_by_text("criteria assessed").wait_for()
    wait_idle(page)


def test_self_assessment_to_pdf(live_app, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.set_default_timeout(15_000)
    sign_in(page, live_app.url)

    open_page(page, "Self-assessment", "Self-assessment")
    start_self_assessment(page)
    with live_app.sessions.begin() as session:
        assessment = self_assessments.current(session, actor=live_app.teacher, project_id=live_app.project_id)
    names = [c.name.get("en") for c in assessment.rubric.criteria]
    for index, name in enumerate(names):
        expander = item_expander(page, name)
        expander.locator("summary").click()
        choose(expander, LEVEL)
        # The label says the level once the callback has saved it and the page has rerun.
        expander.locator("summary").filter(has_text=f"Level {LEVEL}: {LEVEL_LABEL}").wait_for()
        wait_idle(page)
        if index == 0:
            note = expander.get_by_label("Evidence", exact=True)
            note.fill(NOTE)
            note.press("Tab")  # a text area is sent when it loses the focus
            wait_idle(page)
    # Generation C's gates are items of their own, not assessed here: "5 of 8".
    page.get_by_text(re.compile(rf"^{len(names)} of \d+ criteria assessed$")).wait_for()

    open_page(page, "Report", "PDF report")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"self-assessment-{live_app.project_id}-en.pdf"
    path = tmp_path / "report.pdf"
    download.save_as(path)

    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages))
    assert PROJECT_TITLE in text
    assert LEVEL_LABEL in text
    assert NOTE in text

    with live_app.sessions.begin() as session:
        saved = self_assessments.current(session, actor=live_app.teacher, project_id=live_app.project_id)
    assert {item: entry.level for item, entry in saved.entries.items()} == {c.id: LEVEL for c in saved.rubric.criteria}
    assert saved.entries[saved.rubric.criteria[0].id].evidence_note == NOTE
    page.close()
