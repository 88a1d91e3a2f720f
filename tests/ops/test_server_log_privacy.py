"""The same promise from outside: a real ``assess serve`` with Streamlit's log level at
DEBUG, its standard output and error captured as systemd's journal would keep them, while
in Chromium someone signs in with a wrong password and a parent answers with the code of
their slip. Nothing typed by either appears in what the server printed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from assess import clock
from assess.services import accounts, campaigns, projects
from assess.storage.db import make_engine, make_session_factory, upgrade_database
from tests.e2e.conftest import launch_chromium, wait_idle
from tests.servers import free_port, stop, wait_for_http
from tests.services.helpers import project_fields

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

ROOT = Path(__file__).resolve().parents[2]
EMAIL, PASSWORD, WRONG = "claire.fontaine@example.org", "Vert-Pomme-Sous-La-Pluie-42", "Rouge-Cerise-Au-Soleil-17"
COMMENT = "Léon a adoré les lettres de Cracovie, écrivez à parent.secret@example.net"


def prepare(database_url: str) -> str:
    """An office, a teacher with a families' campaign by codes; one code returned."""
    engine = make_engine(database_url)
    try:
        upgrade_database(engine)
        with make_session_factory(engine).begin() as session:
            office = accounts.create_first_admin(session, email="office@example.org", display_name="Office",
                                                 password=PASSWORD + "-office")
            teacher = accounts.actor_of(accounts.create_user(
                session, actor=office, email=EMAIL, display_name="Claire F.", roles={"teacher"}, password=PASSWORD))
            project = projects.create_project(session, actor=teacher, raw=project_fields())
            campaign = campaigns.create_campaign(
                session, actor=teacher, project_id=project.id, audience="families", mode="codes",
                languages=["en"], opens_on=clock.today() - timedelta(days=1),
                closes_on=clock.today() + timedelta(days=30))
            [code] = campaigns.issue_codes(session, actor=teacher, campaign_id=campaign.id, count=1)
    finally:
        engine.dispose()
    return code


def item(page, question: str):
    return page.locator('[data-testid="stVerticalBlock"][class*="st-key-respond_item_"]').filter(has_text=question)


def choose(page, question: str, answer: str) -> None:
    item(page, question).get_by_text(answer, exact=True).click()
    expect(item(page, question).get_by_role("radio", name=answer, exact=True)).to_be_checked()
    wait_idle(page)


def test_a_real_server_at_debug_prints_nothing_personal(tmp_path: Path):
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("/usr/bin/chromium is missing (apt-get install chromium)")
    database_url = f"sqlite:///{tmp_path / 'assess.db'}"
    code = prepare(database_url)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    output = tmp_path / "server.log"
    with output.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-c", "from assess.cli import main; main()", "serve", "--port", str(port), "--",
             "--logger.level=debug", "--server.fileWatcherType=none"],
            cwd=ROOT, env={**os.environ, "ASSESS_DATABASE_URL": database_url}, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for_http(f"{url}/_stcore/health", server, timeout=30)
            with launch_chromium() as chromium:
                page = chromium.new_page(locale="en-GB")
                page.set_default_timeout(15_000)
                page.goto(url)
                page.get_by_label("E-mail address", exact=True).fill(EMAIL)
                page.get_by_label("Password", exact=True).fill(WRONG)
                page.get_by_role("button", name="Sign in").click()
                page.get_by_text("The e-mail address or the password is wrong.").wait_for()

                page.goto(f"{url}/?code={campaigns.format_code(code)}")
                page.get_by_role("heading", name="Our children's eTwinning project - what families think").wait_for()
                wait_idle(page)
                choose(page, "My child talked about the project at home.", "Strongly agree")
                comment = item(page, "Anything else you would like to tell").get_by_label(
                    re.compile("Anything else you would like to tell"))
                comment.fill(COMMENT)
                comment.press("Tab")  # a text area is sent when it loses the focus
                wait_idle(page)
                page.get_by_role("button", name="Send my answers").click()
                page.get_by_role("alert").first.wait_for()  # required questions left: the draft is kept
                wait_idle(page)
        finally:
            stop(server, timeout=10)
    printed = output.read_text(errors="replace")
    assert "Runtime state:" in printed, "the server logged at DEBUG"
    secrets = {"e-mail": EMAIL, "password": PASSWORD, "wrong password": WRONG, "code": code,
               "code as typed": campaigns.format_code(code), "comment": COMMENT,
               "e-mail in the comment": "parent.secret@example.net"}
    leaks = [f"{what}: {line[:200]!r}" for line in printed.splitlines()
             for what, value in secrets.items() if value.lower() in line.lower()]
    assert not leaks, "personal data printed by the server:\n" + "\n".join(leaks[:20])
