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
from typing import Any

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
#: The sidebar's menu of pages (app.py's MENU_KEY container: section headings over links).
MENU = ".st-key-app_pages"


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


# Counts, in each page, the script runs the page asks for and the ones the server finishes,
# from the frames of Streamlit's websocket (protobuf, read by field number; see wait_idle):
# - a BackMsg asking for a run holds rerun_script (field 11) alone: its first byte is 0x5A;
# - a ForwardMsg new_session (field 4) starts a run, which covers every request sent so far;
#   script_finished (field 6, varint) ends one: 0 finished, 1 compile error, 3 fragment
#   finished; 2 is "stopped early for a rerun" (a new run follows at once).
RUN_WATCH = """
(() => {
  if (window.__assessRuns) { return; }
  const runs = window.__assessRuns = {sent: 0, startedFor: 0, finishedFor: 0, running: false};
  const bytes = (data) => data instanceof ArrayBuffer ? new Uint8Array(data)
    : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
  const fields = (b) => {  // the top-level fields of a protobuf message: [number, varint value or null]
    const found = [];
    let i = 0;
    const varint = () => {
      let value = 0, shift = 0, byte;
      do { byte = b[i++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80 && i < b.length);
      return value;
    };
    while (i < b.length) {
      const tag = varint(), number = Math.floor(tag / 8), wire = tag % 8;
      if (wire === 0) { found.push([number, varint()]); }
      else if (wire === 2) { const length = varint(); found.push([number, null]); i += length; }
      else if (wire === 1) { i += 8; } else if (wire === 5) { i += 4; } else { break; }
    }
    return found;
  };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const b = bytes(data);
    if (b && b.length && b[0] === 0x5A) { runs.sent += 1; }
    return send.call(this, data);
  };
  const seen = (event) => {
    const b = bytes(event.data);
    if (!b) { return; }
    for (const [number, value] of fields(b)) {
      if (number === 4) { runs.running = true; runs.startedFor = runs.sent; }
      if (number === 6 && value !== 2) { runs.running = false; runs.finishedFor = runs.startedFor; }
    }
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) { super(...args); this.addEventListener("message", seen); }
  };
})();
"""


class Chromium:
    """The launched browser. Every context it makes (new_page makes one) counts the script
    runs of its pages (RUN_WATCH), which wait_idle reads."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def new_context(self, **options: Any) -> Any:
        context = self._browser.new_context(**options)
        context.add_init_script(script=RUN_WATCH)
        return context

    def new_page(self, **options: Any) -> Any:
        """A page in a context of its own (closed with the browser)."""
        return self.new_context(**options).new_page()


@contextmanager
def launch_chromium() -> Iterator[Chromium]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield Chromium(chromium)
        finally:
            chromium.close()


@pytest.fixture
def browser():
    with launch_chromium() as chromium:
        yield chromium


#: The widths and languages the accessibility tests check every page at.
PHONE, COMPUTER = 375, 1280
VIEWS = [("fr", PHONE), ("en", PHONE), ("fr", COMPUTER), ("en", COMPUTER)]
LOCALES = {"fr": "fr-FR", "en": "en-GB"}


@contextmanager
def view_page(chromium: Chromium, language: str, width: int) -> Iterator:
    """A page of a new browser context as a reader in ``language`` sees it at ``width``: a
    phone's (touch, mobile, 740 px high) at PHONE, a computer's otherwise."""
    phone = width == PHONE
    context = chromium.new_context(viewport={"width": width, "height": 740 if phone else 900},
                                   locale=LOCALES[language], is_mobile=phone, has_touch=phone)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
    finally:
        context.close()


def wait_idle(page, timeout: float = 15_000) -> None:
    """Wait until every script run the page asked for is over: each rerun request it sent
    (a click sends it before Playwright's click returns) was taken by a run the server has
    finished, no run is going (RUN_WATCH), and Streamlit's running indicator is gone."""
    if not page.evaluate("() => Boolean(window.__assessRuns)"):
        raise AssertionError("this page does not count its script runs: make it with launch_chromium()'s browser")
    page.wait_for_function("() => !window.__assessRuns.running"
                           " && window.__assessRuns.finishedFor >= window.__assessRuns.sent", timeout=timeout)
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
        page.locator(MENU).get_by_role("link", name=link).wait_for()
    else:
        page.get_by_role("heading", name=landing).wait_for()
    wait_idle(page)


def open_page(page, name: str, heading: str) -> None:
    """Navigate with the sidebar, as a person does (a typed address works too: the session
    cookie keeps them signed in, see test_session_survives_reload.py)."""
    page.locator(MENU).get_by_role("link", name=name).click()
    page.get_by_role("heading", name=heading).wait_for()
    wait_idle(page)


def tab_until(page, inside: str, *, presses: int = 40) -> None:
    """Press Tab from the page's top, as a keyboard user does, until the focus is inside the
    elements ``inside`` (a CSS selector) finds; fail naming where the focus went. It starts
    once no script run is under way: a redraw still going (both cores busy, once in a full
    run) puts the focus back on the page's start half-way."""
    wait_idle(page)
    page.locator("body").focus()
    passed: list[str] = []
    for _press in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("(inside) => !!document.activeElement.closest(inside)", inside):
            return
        passed.append(page.evaluate("() => document.activeElement.outerHTML.slice(0, 80)"))
    raise AssertionError(f"Tab never reached {inside}; the focus went through {passed}")
