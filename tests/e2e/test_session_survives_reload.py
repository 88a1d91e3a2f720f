"""A reload mid-self-assessment keeps the teacher signed in on that page; sign-out ends it for good.

In a real Chromium: the session cookie is written by the page's script and read by the
server when the reloaded page opens its new connection.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from assess.services import accounts, self_assessments, web_sessions
from tests.e2e.conftest import open_page, sign_in, wait_idle
from tests.e2e.test_self_assessment_journey import choose, item_expander, start_self_assessment

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def session_cookie(page) -> dict | None:
    found = [c for c in page.context.cookies() if c["name"] == web_sessions.COOKIE_NAME]
    return found[0] if found else None


def wait_for_cookie(page, present: bool) -> None:
    """The cookie is written by a script once the page has drawn it: wait until the page
    holds it (with a value) or no longer does, as long as the page's own waits."""
    page.wait_for_function(
        """([name, present]) => document.cookie.split("; ")
            .some(cookie => cookie.startsWith(name + "=") && cookie.length > name.length + 1) === present""",
        arg=[web_sessions.COOKIE_NAME, present],
    )


def test_a_reload_keeps_the_teacher_signed_in_until_they_sign_out(live_app, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_app.url)
    open_page(page, "Self-assessment", "Self-assessment")
    start_self_assessment(page)
    # Mid-self-assessment: one criterion assessed (saved as it is chosen).
    with live_app.sessions.begin() as session:
        first = self_assessments.current(session, actor=live_app.teacher, project_id=live_app.project_id).rubric.criteria[0]
    expander = item_expander(page, first.name.get("en"))
    expander.locator("summary").click()
    choose(expander, 4)
    expander.locator("summary").filter(has_text="Level 4").wait_for()
    wait_idle(page)
    wait_for_cookie(page, present=True)
    cookie = session_cookie(page)
    assert cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert not cookie["secure"]  # plain http on this test server; https pages get Secure
    assert cookie["expires"] > 0, "kept after the browser closes, until the session expires"

    page.reload()
    page.get_by_role("heading", name="Self-assessment").wait_for()
    wait_idle(page)
    assert "/self_assessment" in page.url and f"project={live_app.project_id}" in page.url
    item_expander(page, first.name.get("en")).locator("summary").filter(
        has_text="Level 4").wait_for()
    expect(page.get_by_role("heading", name="Sign in")).to_have_count(0)

    # Typing an address in a new tab: signed in there too.
    typed = context.new_page()
    typed.set_default_timeout(15_000)
    typed.goto(f"{live_app.url}/projects")
    typed.get_by_role("heading", name="My projects").wait_for()

    open_page(page, "My account", "My account")
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    wait_for_cookie(page, present=False)
    page.reload()
    page.get_by_role("heading", name="Sign in").wait_for()
    expect(page.get_by_role("heading", name="Self-assessment")).to_have_count(0)

    # Sign-out ended every session of the teacher: the other tab is signed out at its next run.
    typed.reload()
    typed.get_by_role("heading", name="Sign in").wait_for()
    with live_app.sessions() as session:
        assert accounts.actor_for_session(session, cookie=cookie["value"]) is None
    context.close()
