"""``assess ... | head``: when the reader of its output goes away early, a command stops
quietly, as Unix tools do (no message, exit 128 + SIGPIPE = 141), whatever the command.
Run through the real entry point in a subprocess, into a real pipe."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import insert

from assess.storage.db import writing
from assess.storage.models import OutboxMail
from tests.services.helpers import make_user

ROOT = Path(__file__).resolve().parents[2]
PIPE_CLOSED = 128 + signal.SIGPIPE


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "assess", *args]


def environment(database_url: str) -> dict[str, str]:
    return {**os.environ, "ASSESS_DATABASE_URL": database_url, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}


@pytest.fixture
def long_outbox(session_factory) -> int:
    """3,000 failed mails: `assess mail list --limit 3000` writes far more than a pipe holds."""
    with writing(session_factory) as session:
        account = make_user(session, email="claire@example.org")
        rows = [{"kind": "invitation", "account_id": account.id, "address": account.email, "language": "en",
                 "subject": f"Welcome {n} " + "x" * 60, "body": "Hello\n", "attachments": [], "status": "failed",
                 "attempts": 5, "last_error": "ConnectionRefusedError: [Errno 111] Connection refused"}
                for n in range(3000)]
        session.execute(insert(OutboxMail), rows)
    return 3000


def test_mail_list_into_head_stops_quietly(database_url, long_outbox):
    """`assess mail list | head -n 1`: the reader takes one line and closes the pipe."""
    process = subprocess.Popen(command("mail", "list", "--limit", str(long_outbox)), cwd=ROOT,
                               env=environment(database_url), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        first = process.stdout.readline()
        process.stdout.close()  # what head does once it has its line
        stderr = process.stderr.read().decode()
        process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()

    assert first.startswith(b"3000\t")
    assert stderr == ""
    assert process.returncode == PIPE_CLOSED


@pytest.mark.parametrize("args", [("mail", "list"), ("round", "list"), ("--help",), ("mail", "list", "--help"),
                                  ("settings", "list")])
def test_every_command_into_a_closed_pipe_stops_quietly(database_url, long_outbox, args):
    """The reader has gone before the first line: whichever command writes (its output, or
    click's help) meets the closed pipe at its first write, or at the last flush."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(command(*args), cwd=ROOT, env=environment(database_url), stdout=write_end,
                              stderr=subprocess.PIPE, timeout=120, check=False)
    finally:
        os.close(write_end)

    assert done.stderr.decode() == ""
    assert done.returncode == PIPE_CLOSED
