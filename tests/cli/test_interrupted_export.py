"""An export killed half-way (SIGTERM from a service manager, Ctrl-C) leaves no file: not
under the final name, not a partial one in the target folder, and nothing in the
temporary folder. Before, the workbook's sheets were written to the system's temporary
folder and a killed export left them there (64 MB of answers at national scale).

The command runs as a real process on a country big enough (30,000 survey responses)
that the export is still writing when the signal comes: the test sends it as soon as a
partial file in the target folder holds data, and the export then writes for seconds
more (a one-file export: the workbook keeps its answers)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assess.domain.permissions import Actor
from assess.files import PARTIAL_MARK
from assess.services import demo_national
from assess.storage.db import make_engine, make_session_factory

ASSESS = Path(sys.executable).with_name("assess")
COUNTRY = demo_national.NationalSize(projects=60, teachers=36, schools=48, partner_schools=100, jurors=12,
                                     responses=30_000)


@pytest.fixture(scope="module")
def country(tmp_path_factory: pytest.TempPathFactory) -> str:
    from assess.storage.db import upgrade_database

    url = f"sqlite:///{tmp_path_factory.mktemp('country') / 'assess.db'}"
    engine = make_engine(url)
    try:
        upgrade_database(engine)
        with make_session_factory(engine).begin() as session:
            demo_national.load_national_demo(session, actor=Actor.system(), size=COUNTRY)
    finally:
        engine.dispose()
    return url


def as_at_a_terminal() -> None:
    """In the child before it runs the command: Ctrl-C delivered, as at an operator's
    terminal. A child inherits an ignored or blocked SIGINT from whatever started the test
    run (a background job's shell ignores it; in one whole-suite run the export went on to
    the end with exit 0), and Python then never raises KeyboardInterrupt: rightly, a
    command started that way is not meant to be interrupted by Ctrl-C."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def partial_with_data(folder: Path) -> bool:
    return any(PARTIAL_MARK in p.name and p.stat().st_size > 0 for p in folder.iterdir() if p.is_file())


@pytest.mark.parametrize(("what", "sent"), [("xlsx", signal.SIGTERM), ("csv", signal.SIGTERM),
                                            ("xlsx", signal.SIGINT)],
                         ids=["xlsx-SIGTERM", "csv-SIGTERM", "xlsx-SIGINT"])
def test_a_killed_export_leaves_no_file_anywhere(country, tmp_path, what, sent):
    target, scratch = tmp_path / "exports", tmp_path / "tmp"
    target.mkdir()
    scratch.mkdir()
    out = target / f"statistics.{what}"
    # One file each: past RESPONSES_IN_WORKBOOK answers a workbook would leave the answers to
    # a second, CSV, file, and a signal coming after the workbook's rename (0.1-0.5 s after
    # its first data, a scheduler's delay under load) found a whole workbook in the folder.
    # With the answers in it, the workbook is written for seconds after its first data.
    command = [str(ASSESS), "export", what, "--out", str(out)] + (
        ["--what", "responses"] if what == "csv" else ["--with-responses"])
    env = {**os.environ, "ASSESS_DATABASE_URL": country, "TMPDIR": str(scratch)}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=as_at_a_terminal)
    try:
        deadline = time.monotonic() + 120
        while not partial_with_data(target):
            assert process.poll() is None, f"the export ended before it could be interrupted: {process.communicate()}"
            assert time.monotonic() < deadline, "no partial file appeared"
            time.sleep(0.005)
        process.send_signal(sent)
        _stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == (128 + signal.SIGTERM if sent == signal.SIGTERM else 1), (
        f"{stderr}\n(this test's SIGINT: {signal.getsignal(signal.SIGINT)}, blocked: "
        f"{signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, set())})")
    assert "Traceback" not in stderr
    assert list(target.iterdir()) == [], "nothing in the target folder, partial or whole"
    assert list(scratch.iterdir()) == [], "nothing in the temporary folder"
