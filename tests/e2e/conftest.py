"""A real server for browser tests: ``streamlit run app.py`` on a free local port, on a
SQLite file prepared through the services, driven by the Debian Chromium via Playwright.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import sessionmaker

from assess.domain.permissions import Actor
from assess.services import accounts
from assess.storage.db import make_engine, make_session_factory, upgrade_database
from tests.servers import free_port, stop, wait_for_http
from tests.services.helpers import make_project

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
TEACHER_EMAIL, PASSWORD = "claire@example.org", "correct horse battery"
# Playwright's assertions wait 5 s by default: too short for a page that draws several
# charts while the rest of the suite loads both cores (a CI run timed out so). Pages and
# locators already wait 15 s; assertions wait as long.
expect.set_options(timeout=15_000)
PROJECT_TITLE = "Our European breakfast"


@dataclass
class LiveApp:
    url: str
    sessions: sessionmaker
    teacher: Actor
    project_id: int


@contextmanager
def serve_app(folder: Path) -> Iterator[LiveApp]:
    """A server on a new database in ``folder``, stopped (by its own process) on leaving."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    database_url = f"sqlite:///{folder / 'assess.db'}"
    engine = make_engine(database_url)
    upgrade_database(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        admin = accounts.create_first_admin(session, email="office@example.org", display_name="National office", password=PASSWORD)
        teacher = accounts.actor_of(accounts.create_user(
            session, actor=admin, email=TEACHER_EMAIL, display_name="Claire Martin", roles={"teacher"}, password=PASSWORD))
        project_id = make_project(session, owner=teacher, title=PROJECT_TITLE).id

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with open(folder / "streamlit.log", "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.address", "127.0.0.1",
             "--server.port", str(port), "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env={**os.environ, "ASSESS_DATABASE_URL": database_url}, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            wait_for_http(f"{url}/_stcore/health", process, timeout=30)
            yield LiveApp(url, sessions, teacher, project_id)
        finally:
            # Stop the server we started (also when the test failed), by its own process.
            stop(process, timeout=10)
            engine.dispose()


@pytest.fixture
def live_app(tmp_path) -> Iterator[LiveApp]:
    with serve_app(tmp_path) as app:
        yield app


@contextmanager
def launch_chromium() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def browser():
    with launch_chromium() as chromium:
        yield chromium


def wait_idle(page, timeout: float = 15_000) -> None:
    """Wait until the script run triggered by the last action is over."""
    page.wait_for_timeout(250)  # let the rerun start
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=timeout)


def sign_in(page, url: str, email: str = TEACHER_EMAIL, password: str = PASSWORD, *,
            landing: str = "My projects", link: str | None = None) -> None:
    """Sign in on the sign-in page; wait for the first page's heading ``landing``, or for
    the sidebar's ``link`` when the person's first page is slow to draw."""
    page.goto(url)
    page.get_by_label("E-mail address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    if link:
        page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=link).wait_for()
    else:
        page.get_by_role("heading", name=landing).wait_for()
    wait_idle(page)


def open_page(page, name: str, heading: str) -> None:
    """Navigate with the sidebar, as a person does (a typed address works too: the session
    cookie keeps them signed in, see test_session_survives_reload.py)."""
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=name).click()
    page.get_by_role("heading", name=heading).wait_for()
    wait_idle(page)
