"""A teacher changes what they sent, on a phone, while the round is open: the form is
reached from the applications page, a bad link is refused with what was typed kept, the
corrected changes are saved and the jury reads them; axe-core finds no serious WCAG 2.1
AA violation on the whole page at each step (issue 13, "teachers ... edit until the closing
date"; the menu, opened, in test_signed_in_pages_accessible.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from assess import clock
from assess.domain.permissions import Actor
from assess.domain.readiness import ELIGIBILITY_QUESTIONS
from assess.services import applications, rounds
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import sign_in, wait_idle
from tests.e2e.test_parent_answers_on_phone import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


@pytest.fixture
def sent(live_app):
    """An open round of the 2021 rubric and the teacher's application sent to it."""
    today = clock.today()
    with live_app.sessions.begin() as session:
        made = rounds.create_round(session, actor=Actor.system(), kind="label", name="Labels 2026",
                                   rubric_id="etwinning-2021", opens_on=today - timedelta(days=5),
                                   closes_on=today + timedelta(days=20))
        rubric = rounds.rubric_of(made)
        application = applications.apply(
            session, actor=live_app.teacher, round_id=made.id, project_id=live_app.project_id,
            eligibility=dict.fromkeys(ELIGIBILITY_QUESTIONS, True),
            texts={c.id: f"What we did for {c.name.get('en')}." for c in rubric.criteria},
            evidence_links=["https://twinspace.example.org/breakfast"], language="en")
        return application.id, rubric


def test_a_teacher_changes_what_they_sent_on_a_phone(live_app, sent, browser):
    application_id, rubric = sent
    first = rubric.criteria[0]
    page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.set_default_timeout(15_000)
    sign_in(page, live_app.url)
    page.goto(f"{live_app.url}/applications")  # the sidebar is folded away on a phone
    page.get_by_role("heading", name="Label applications").wait_for()
    wait_idle(page)

    page.get_by_text("Change what you sent").click()
    text = page.get_by_role("textbox", name=first.name.get("en"))
    expect(text).to_have_value(f"What we did for {first.name.get('en')}.")
    assert_accessible(page, "the form to change what was sent, on a phone")

    text.fill("We rewrote the shared menu with our partners in Spain.")
    links = page.get_by_role("textbox", name="Links to the evidence")
    links.fill("twinspace breakfast")
    page.get_by_role("button", name="Save the changes").click()
    wait_idle(page)
    expect(page.get_by_text("is not a web address")).to_be_visible()
    expect(text).to_have_value("We rewrote the shared menu with our partners in Spain.")  # nothing typed is lost
    assert_accessible(page, "the refusal of a bad link, on a phone")
    with live_app.sessions.begin() as session:  # nothing half-stored
        unchanged = applications.get_application(session, actor=live_app.teacher, application_id=application_id)
        assert unchanged.texts[first.id] == f"What we did for {first.name.get('en')}."

    links.fill("https://twinspace.example.org/breakfast\nhttps://example.org/menu")
    page.get_by_role("button", name="Save the changes").click()
    wait_idle(page)
    expect(page.get_by_text("Your changes are saved.")).to_be_visible()
    with live_app.sessions.begin() as session:
        changed = applications.get_application(session, actor=live_app.teacher, application_id=application_id)
        assert changed.texts[first.id] == "We rewrote the shared menu with our partners in Spain."
        assert list(changed.evidence_links) == ["https://twinspace.example.org/breakfast", "https://example.org/menu"]
