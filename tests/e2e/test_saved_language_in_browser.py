"""The account's saved language wins over the browser's (issues 13 and 15), in a real
Chromium whose language is English: a teacher who chose French reads French after signing
in, after a reload, and on the sign-in page after signing out, in this tab and in a new one."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from assess.services import accounts
from assess.storage.models import User
from tests.e2e.conftest import MENU, PASSWORD, TEACHER_EMAIL, wait_idle

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def sidebar_language(page) -> str:
    """The language switch's label and the option it shows as chosen."""
    switch = page.locator('[data-testid="stSidebar"] [data-testid="stButtonGroup"]')
    label = page.locator('[data-testid="stSidebar"] [data-testid="stWidgetLabel"]').filter(has_text="Lang").first
    chosen = switch.locator('button[aria-checked="true"], button[kind*="Active"]').first
    return f"{label.inner_text().strip()}: {chosen.inner_text().strip()}"


def test_a_teacher_who_chose_french_reads_french_from_an_english_browser(live_app, browser):
    with live_app.sessions.begin() as session:
        accounts.set_language(session, actor=live_app.teacher, language="fr")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)

    page.goto(live_app.url)
    page.get_by_role("heading", name="Sign in").wait_for()  # nobody known yet: the browser's language
    page.get_by_label("E-mail address", exact=True).fill(TEACHER_EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Mes projets").wait_for()
    wait_idle(page)
    assert sidebar_language(page) == "Langue: Français"

    page.reload()
    page.get_by_role("heading", name="Mes projets").wait_for()
    wait_idle(page)
    assert sidebar_language(page) == "Langue: Français", "after a reload, the sidebar too"
    expect(page.locator(MENU)).to_contain_text("Auto-évaluation")

    # A new tab of the same browser: French at once.
    other = context.new_page()
    other.set_default_timeout(15_000)
    other.goto(f"{live_app.url}/projects")
    other.get_by_role("heading", name="Mes projets").wait_for()
    wait_idle(other)
    assert sidebar_language(other) == "Langue: Français"
    other.close()

    page.locator(MENU).get_by_role("link", name="Mon compte").click()
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("heading", name="Connexion").wait_for()
    wait_idle(page)

    # The sign-in page of this browser stays in the language last chosen here, reload or not.
    page.reload()
    page.get_by_role("heading", name="Connexion").wait_for()
    with live_app.sessions() as session:
        assert session.get(User, live_app.teacher.id).language == "fr", "never replaced by the browser's"
