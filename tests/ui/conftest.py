"""Fixtures for page tests with Streamlit's AppTest, on a real SQLite file per test.

``app_for`` runs ``app.py`` as a given person (or nobody) in a given language:

    at = app_for(teacher, page="projects")      # signed in, on the projects page
    at = app_for(None)                           # signed out: the sign-in page

``people`` creates an admin, two teachers and a juror through the services.
``run_page(name, actor)`` runs one page file on its own, as typing its address would.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assess.domain.permissions import Actor
from assess.services import accounts, web_sessions

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"


@dataclass
class People:
    admin: Actor
    teacher: Actor
    other_teacher: Actor
    juror: Actor


@pytest.fixture
def ui_database(sqlite_database_url, monkeypatch):
    """The app's database for this test (a fresh migrated SQLite file)."""
    monkeypatch.setenv("ASSESS_DATABASE_URL", sqlite_database_url)
    from assess.storage.db import make_engine, make_session_factory

    engine = make_engine(sqlite_database_url)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def people(ui_database) -> People:
    with ui_database.begin() as session:
        admin = accounts.create_first_admin(session, email="office@example.org", display_name="National office", password=PASSWORD)
        made = {
            email: accounts.actor_of(
                accounts.create_user(session, actor=admin, email=email, display_name=name, roles={role}, password=PASSWORD)
            )
            for email, name, role in [
                ("claire@example.org", "Claire Martin", "teacher"),
                ("jonas@example.org", "Jonas Weber", "teacher"),
                ("juror@example.org", "Ana Juror", "juror"),
            ]
        }
    return People(admin, made["claire@example.org"], made["jonas@example.org"], made["juror@example.org"])


@pytest.fixture
def app_for(ui_database):
    def run(actor: Actor | None, *, page: str | None = None, lang: str = "en", timeout: float = 30) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
        at.session_state["lang"] = lang
        if actor is not None:
            sign_in_state(at.session_state, actor)
        at.run()
        if page is not None:
            at.switch_page(f"assess/ui/pages/{page}.py")
            at.run()
        return at

    return run


def sign_in_state(state, actor: Actor) -> None:
    """What signing in leaves in a browser session: a real server-side session of ``actor``
    in the app's database (``ASSESS_DATABASE_URL``, set by ``ui_database``)."""
    from assess.storage.db import database_url, make_engine, make_session_factory

    engine = make_engine(database_url())
    try:
        with make_session_factory(engine).begin() as session:
            started = web_sessions.start(session, user_id=actor.id)
    finally:
        engine.dispose()
    state["session_cookie"] = started.cookie
    state["actor_id"] = actor.id


def run_page(name: str, actor: Actor | None, *, lang: str = "en", state: dict | None = None) -> AppTest:
    """One page file on its own, as someone typing its address would reach its code
    (needs the ``ui_database`` fixture for the database it reads)."""
    at = AppTest.from_file(str(ROOT / f"assess/ui/pages/{name}.py"), default_timeout=30)
    at.session_state["lang"] = lang
    if actor is not None:
        sign_in_state(at.session_state, actor)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    return at.run()


def html_blocks(at: AppTest) -> list[str]:
    """The st.html blocks of a run but the page-language script every page has (a fixed
    text, runtime.page_language_script): what remains could carry someone's text."""
    return [block.proto.body for block in at.get("html") if "document.documentElement.lang" not in block.proto.body]
