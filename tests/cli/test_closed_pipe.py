"""The command as an operator runs it from a shell: a listing piped into a reader that
stops early (``assess eql --round 3 | head``, ``less`` quit) ends quietly, as
``git log | head`` does, instead of printing "Error: unexpected failure
(BrokenPipeError...)" after the lines the operator asked for."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from assess.storage.db import make_engine, make_session_factory
from tests.services.helpers import make_project, make_user

ROOT = Path(__file__).resolve().parents[2]


def environment(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", **extra}


def test_a_listing_read_by_a_reader_that_stopped_ends_quietly(sqlite_database_url):
    engine = make_engine(sqlite_database_url)
    try:
        with make_session_factory(engine).begin() as session:
            teacher = make_user(session, email="claire@example.org")
            for n in range(3):
                make_project(session, owner=teacher, title=f"Rivers {n}")
    finally:
        engine.dispose()
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line: every write meets a closed pipe
    try:
        done = subprocess.run([sys.executable, "-c", "from assess.cli import main; main()", "project", "list"], stdout=write,
                              stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=120,
                              env=environment(ASSESS_DATABASE_URL=sqlite_database_url))
    finally:
        os.close(write)
    assert done.stderr == "", done.stderr
    assert done.returncode == 141  # 128 + SIGPIPE, as a shell reports a command its reader left
