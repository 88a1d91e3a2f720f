"""``assess mail``: send what is due with a report, list the outbox, invite an account,
and a worker that keeps sending until SIGTERM. The SMTP password comes from the
environment and reaches the server; the database never holds it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from click.testing import CliRunner
from sqlalchemy import select

from assess.cli import cli
from assess.domain import settings as registry
from assess.services import _settings_values
from assess.storage.db import reading, writing
from assess.storage.models import Setting
from tests.mail.conftest import SmtpServer, configure, free_port
from tests.mail.helpers import mails, round_with_application

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def assess(database_url, monkeypatch):
    monkeypatch.setenv("ASSESS_DATABASE_URL", database_url)

    def run(*args: str):
        return CliRunner().invoke(cli, ["mail", *args])

    return run


def test_send_collects_and_sends_with_a_report(session_factory, mail_ready, assess):
    with writing(session_factory) as session:
        round_with_application(session)

    result = assess("send")

    assert result.exit_code == 0, result.output
    assert "New mails queued: 3." in result.output
    assert "Sent: 3. To retry later: 0. Failed: 0. Cancelled: 0." in result.output
    assert sorted(r.recipients[0] for r in mail_ready.received) == [
        "claire@example.org", "juror1@example.org", "juror2@example.org"]
    listed = assess("list", "--status", "sent")
    assert listed.exit_code == 0 and listed.output.count("\tsent\t") == 3


def test_send_without_a_server_says_so(session_factory, office, assess):
    with writing(session_factory) as session:
        round_with_application(session, assign=False)

    result = assess("send")

    assert result.exit_code == 1
    assert "No SMTP server or sender address is set" in result.output
    assert [m.status for m in mails(session_factory)] == ["held"]


def test_invite_by_address(session_factory, mail_ready, assess):
    with writing(session_factory) as session:
        round_with_application(session, assign=False)

    result = assess("invite", "Claire@Example.org")
    assert result.exit_code == 0, result.output
    assert "queued for claire@example.org (queued)" in result.output
    assert assess("send", "--no-collect").exit_code == 0
    assert [r.message["Subject"] for r in mail_ready.received] == ["Your account for the eTwinning quality label"]

    unknown = assess("invite", "nobody@example.org")
    assert unknown.exit_code == 1 and "No account has the address nobody@example.org." in unknown.output


def test_the_smtp_password_comes_from_the_environment_only(session_factory, office, monkeypatch, assess):
    seen = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        seen.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret from the vault")

    server = SmtpServer(port=free_port())
    controller = Controller(server, hostname="127.0.0.1", port=server.port, authenticator=authenticator,
                            auth_require_tls=False)
    controller.start()
    try:
        with writing(session_factory) as session:
            configure(session, office, port=server.port, **{"mail.user": "label-office"})
            round_with_application(session, assign=False)
        monkeypatch.setenv("ASSESS_SMTP_PASSWORD", "s3cret from the vault")
        assert assess("send").exit_code == 0
    finally:
        controller.stop()

    assert seen == [(b"label-office", b"s3cret from the vault")]
    assert len(server.received) == 1
    with reading(session_factory) as session:
        stored = " ".join(str(row.value) for row in session.scalars(select(Setting)))
        assert "s3cret" not in stored
    # No setting could hold it.
    assert not [s.key for s in registry.SETTINGS if s.key.endswith("password")]
    with pytest.raises(KeyError):
        _settings_values.get(session, "mail.password")


def test_the_worker_sends_then_stops_on_sigterm(session_factory, mail_ready, database_url):
    with writing(session_factory) as session:
        round_with_application(session, assign=False)

    command = [sys.executable, "-c", "from assess.cli import main; main()", "mail", "worker", "--interval", "0.2"]
    env = {**os.environ, "ASSESS_DATABASE_URL": database_url}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not mail_ready.received:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the worker sent nothing"
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()

    assert process.returncode == 0, stderr
    assert "Worker stopped." in stderr and "Traceback" not in stderr
    assert "Sent: 1." in stdout
    assert [m.status for m in mails(session_factory)] == ["sent"]
