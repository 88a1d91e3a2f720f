"""The sign-in page with AppTest on a real SQLite file: the wait after too many failures,
said in words, the session cookie set after sign-in and cleared after sign-out, and the
project a reload comes back to.
(The reload itself, which needs a browser, is in tests/e2e/test_session_survives_reload.py.)"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from streamlit.testing.v1 import AppTest

from assess.services import accounts, sign_in, web_sessions
from assess.storage.models import utcnow
from tests.services.helpers import make_project
from tests.ui.conftest import PASSWORD, ROOT, sign_in_state
from tests.ui.test_shell_pages import click, texts, widget


class Clock:
    """The time sign-in sees, moved by the test (no sleeping)."""

    def __init__(self):
        self.now = utcnow()

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(sign_in, "utcnow", clock)
    return clock


def submit(at, email: str, password: str):
    widget(at.text_input, "E-mail address" if at.session_state["lang"] == "en" else "Adresse électronique").input(email)
    widget(at.text_input, "Password" if at.session_state["lang"] == "en" else "Mot de passe").input(password)
    return click(at, "Sign in" if at.session_state["lang"] == "en" else "Se connecter")


def cookie_scripts(at) -> list[str]:
    return [element.value for element in at.sidebar.html if web_sessions.COOKIE_NAME in element.value]


def test_too_many_wrong_passwords_then_the_right_one_says_when_to_try_again(app_for, people, clock):
    at = app_for(None)
    for _ in range(sign_in.FREE_FAILURES["account"]):
        at = submit(at, "claire@example.org", "wrong password")
        assert texts(at.error) == ["The e-mail address or the password is wrong."] and not at.warning
    at = submit(at, "claire@example.org", "wrong password")
    assert texts(at.error) == ["The e-mail address or the password is wrong."]
    [wait] = texts(at.warning)
    assert wait.startswith("Too many failed sign-ins: please wait 1 s, then try again (from ")

    at = submit(at, "claire@example.org", PASSWORD)  # the right one, too soon
    assert not at.error
    assert texts(at.warning)[0].startswith("Too many failed sign-ins: please wait 1 s")
    assert at.session_state.get("actor_id") is None

    clock.now += timedelta(seconds=1)
    at = submit(at, "claire@example.org", PASSWORD)
    assert at.session_state["actor_id"] == people.teacher.id
    assert texts(at.title) == ["My projects"]


def test_the_wait_is_said_in_french_too(app_for, people, clock):
    at = app_for(None, lang="fr")
    for _ in range(sign_in.FREE_FAILURES["account"] + 1):
        at = submit(at, "nobody@example.org", "wrong password")
    assert texts(at.error) == ["L'adresse électronique ou le mot de passe est incorrect."]
    assert texts(at.warning)[0].startswith("Trop de connexions échouées\u00a0: veuillez attendre 1 s, puis réessayer")


def test_signing_in_sets_the_cookie_and_signing_out_clears_it_and_ends_the_session(app_for, people, ui_database):
    at = app_for(None)
    assert cookie_scripts(at) == []  # a first visit writes no cookie
    at = submit(at, "claire@example.org", PASSWORD)
    cookie = at.session_state["session_cookie"]
    [script] = cookie_scripts(at)
    assert f"{web_sessions.COOKIE_NAME}={cookie}" in script
    assert "SameSite=Strict" in script and "Path=/" in script
    max_age = int(re.search(r"Max-Age=(\d+)", script).group(1))
    assert web_sessions.LIFETIME.total_seconds() - 60 < max_age <= web_sessions.LIFETIME.total_seconds()
    with ui_database() as session:
        assert accounts.actor_for_session(session, cookie=cookie).id == people.teacher.id

    at.switch_page("assess/ui/pages/account.py")
    at = click(at.run(), "Sign out")
    assert texts(at.title) == ["Sign in"]
    [script] = cookie_scripts(at)
    assert f'document.cookie = "{web_sessions.COOKIE_NAME}=" + ' in script and "Max-Age=0" in script
    assert f'var onlyIf = "{web_sessions.COOKIE_NAME}={cookie}"' in script, "cleared only if it is still the ended one"
    with ui_database() as session:
        assert accounts.actor_for_session(session, cookie=cookie) is None


def test_a_session_ended_elsewhere_signs_this_browser_out_at_the_next_click(app_for, people, ui_database):
    at = app_for(people.teacher, page="projects")
    assert texts(at.title) == ["My projects"]
    with ui_database.begin() as session:  # the office resets Claire's password
        accounts.set_password(session, actor=people.admin, user_id=people.teacher.id, password="a brand new passphrase")
    at = at.run()
    assert texts(at.title) == ["Sign in"]
    assert at.session_state.get("actor_id") is None


def test_changing_ones_password_keeps_this_browser_signed_in(app_for, people):
    at = app_for(people.juror, page="account")
    widget(at.text_input, "Current password").input(PASSWORD)
    widget(at.text_input, "New password").input("a brand new passphrase")
    widget(at.text_input, "Password again").input("a brand new passphrase")
    at = click(at, "Change the password")
    assert texts(at.success) == ["Your password was changed."]
    assert "Any other browser signed in as you has been signed out." in texts(at.caption)
    at = at.run()
    assert texts(at.title) == ["My account"]


# -- after a reload: the same project -----------------------------------------------------

def reloaded(people, page: str, *, project_in_address: int | None) -> AppTest:
    """A new browser session (what a reload is) on ``page`` with ``?project=`` in the address."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["lang"] = "en"
    sign_in_state(at.session_state, people.teacher)
    if project_in_address is not None:
        at.query_params["project"] = str(project_in_address)
    at.run()
    at.switch_page(f"assess/ui/pages/{page}.py")
    return at.run()


def test_a_reload_comes_back_to_the_project_in_the_address_and_only_to_ones_own(people, ui_database):
    with ui_database.begin() as session:
        first = make_project(session, owner=people.teacher, title="First project").id
        second = make_project(session, owner=people.teacher, title="Second project").id
        others = make_project(session, owner=people.other_teacher, title="Jonas's project").id

    listed_first = reloaded(people, "self_assessment", project_in_address=None).selectbox(key="project_picker").value
    other = first if listed_first == second else second
    at = reloaded(people, "self_assessment", project_in_address=other)
    assert at.selectbox(key="project_picker").value == other
    assert at.query_params["project"] == str(other)

    for foreign in (others, "١٢", "-1", "9" * 30):  # someone else's, other digits, nonsense
        at = reloaded(people, "self_assessment", project_in_address=foreign)
        assert not at.exception
        assert at.selectbox(key="project_picker").value == listed_first
        assert "Jonas's project" not in [str(option) for option in at.selectbox(key="project_picker").options]
