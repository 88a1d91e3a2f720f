"""Benchmark: survey submissions while the office reads for a long time (issue 9, "No lock-outs").

On a fresh SQLite database (a new file), one process holds a long read while in this one
``--writers`` respondents (threads, each ``--pace`` seconds apart) submit survey answers through the real service
(``responding.submit_with_code``, one transaction each, committed, as the answering page
does). Of the submissions that ended during the long read, it counts those stored and
those that failed (SQLite's "database is locked" after the busy timeout of 10 s), with
the slowest one.

Two kinds of long read:

- ``--mode export`` (default): ``assess export xlsx`` run as the office runs it, in a
  process of its own, on a scaled-down national demo (``--scale``, a share of the
  national size). Submitting starts with the export's process and stops when it ends.
- ``--mode hold``: a process opens the transaction an export uses (``reading()`` where
  the code has it; before issue 9, the one transaction every export had), reads, and
  holds it ``--hold`` seconds: the same thing at any database size, without building one.

It runs on any version of the code, so the same command gives the figures before and
after: ``PYTHONPATH=<a checkout of main> python bench/bench_locks.py ...`` measures main
(the script itself must be this one). Run with e.g.
``python bench/bench_locks.py --mode hold --hold 30`` or
``python bench/bench_locks.py --mode export --scale 0.1``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import fresh_database, load_after_line, machine_line, teacher_and_project
from sqlalchemy import func, select

import assess
from assess import clock
from assess.domain.permissions import Actor
from assess.services import campaigns, responding
from assess.storage import db
from assess.storage.models import SurveyAnswer

ANSWERS = {"child-talked": 5, "learned-other-countries": 4, "project-visible": 4, "privacy-respected": "dont_know",
           "comment": "Merci !"}


def build(url: str, *, codes: int, scale: float | None) -> list[str]:
    """The database: a codes campaign with ``codes`` codes (and the national demo at
    ``scale`` for the export). Returns the codes."""
    from datetime import timedelta

    sessions = db.make_session_factory(db.make_engine(url))
    if scale:
        from assess.services.demo_national import load_national_demo
        from assess.services.demo_national.sizes import DEFAULT_SIZE

        with sessions.begin() as session:
            load_national_demo(session, actor=Actor.system(), size=DEFAULT_SIZE.scaled(scale))
    with sessions.begin() as session:
        teacher, project_id = teacher_and_project(session)
        campaign = campaigns.create_campaign(
            session, actor=teacher, project_id=project_id, audience="families", mode="codes", languages=["fr", "en"],
            opens_on=clock.today() - timedelta(days=1), closes_on=clock.today() + timedelta(days=30))
        issued = []
        while len(issued) < codes:  # at most MAX_CODES at a time
            count = min(campaigns.MAX_CODES, codes - len(issued))
            issued += campaigns.issue_codes(session, actor=teacher, campaign_id=campaign.id, count=count)
    sessions.kw["bind"].dispose()
    return issued


def hold(url: str, seconds: float) -> None:
    """The long read, in its own process: the export's kind of transaction, held."""
    sessions = db.make_session_factory(db.make_engine(url))
    opened = db.reading(sessions) if hasattr(db, "reading") else sessions.begin()
    with opened as session:
        session.scalar(select(func.count(SurveyAnswer.id)))
        print("holding", flush=True)
        time.sleep(seconds)
    print("released", flush=True)


def submit_while(url: str, codes: list[str], running, writers: int, pace: float) -> dict:
    """``writers`` threads (respondents at once) submit with one code after the other,
    ``pace`` seconds apart, while ``running()``; the figures of the submissions that ended
    while it ran."""
    sessions = db.make_session_factory(db.make_engine(url))
    results: list[tuple[bool, float, str | None]] = []  # (stored, seconds, error)

    def respondent(mine: list[str]) -> None:
        for code in mine:
            if not running():
                return
            began = time.monotonic()
            try:
                with sessions.begin() as session:
                    stored = responding.submit_with_code(session, code=code, answers=ANSWERS, language="fr").stored
                error = None
            except Exception as failure:  # what a respondent would have seen as a failure
                stored, error = False, str(failure).splitlines()[0][:80]
            if running():  # ended during the long read: counted
                results.append((stored, time.monotonic() - began, error))
            time.sleep(pace)  # people, not a load generator: the export gets its turn too

    threads = [threading.Thread(target=respondent, args=(codes[i::writers],)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sessions.kw["bind"].dispose()
    return {"ok": sum(r[0] for r in results), "failed": sum(not r[0] for r in results),
            "slowest_s": round(max((r[1] for r in results), default=0.0), 2),
            "errors": sorted({r[2] for r in results if r[2]})}


def run(args: argparse.Namespace, folder: str) -> dict:
    with fresh_database("sqlite", folder) as url:
        started = time.monotonic()
        codes = build(url, codes=args.codes, scale=args.scale if args.mode == "export" else None)
        built = time.monotonic() - started
        env = {**os.environ, "ASSESS_DATABASE_URL": url}
        released = threading.Event()
        if args.mode == "hold":
            other = subprocess.Popen([sys.executable, __file__, "--hold-in", url, "--hold", str(args.hold)],
                                     env=env, stdout=subprocess.PIPE, text=True)
            assert other.stdout.readline().strip() == "holding"
            threading.Thread(target=lambda: other.stdout.readline() and released.set(), daemon=True).start()
        else:
            out = Path(folder) / "statistics.xlsx"
            command = [sys.executable, "-c", "from assess.cli import main; main()", "export", "xlsx", "--out", str(out)]
            # Run from the temporary folder: from the repository, "-c" would import its assess
            # before the one PYTHONPATH names.
            other = subprocess.Popen(command, env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True)
        began = time.monotonic()
        figures = submit_while(url, codes, lambda: not released.is_set() and other.poll() is None, args.writers,
                               args.pace)
        figures["during_s"] = round(time.monotonic() - began, 1)
        _, stderr = other.communicate()
        figures["other_exit"] = other.returncode
        if other.returncode:
            figures["other_error"] = (stderr or "").strip().splitlines()[-1:]
        figures["build_s"] = round(built, 1)
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=["hold", "export"], default="export")
    parser.add_argument("--hold", type=float, default=30.0, help="hold mode: seconds the read stays open")
    parser.add_argument("--scale", type=float, default=0.1, help="export mode: share of the national size")
    parser.add_argument("--codes", type=int, default=10000, help="codes available to submit with")
    parser.add_argument("--writers", type=int, default=8, help="respondents submitting at once (threads)")
    parser.add_argument("--pace", type=float, default=0.1, help="seconds between a respondent's submissions")
    parser.add_argument("--hold-in", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.hold_in:
        hold(args.hold_in, args.hold)
        return
    print(machine_line())
    print(f"code under test: {Path(assess.__file__).resolve().parent.parent} "
          f"({'reading() present' if hasattr(db, 'reading') else 'no reading(): every transaction BEGIN IMMEDIATE'})")
    with tempfile.TemporaryDirectory(prefix="bench-locks-") as folder:
        figures = run(args, folder)
    what = f"hold {args.hold:g} s" if args.mode == "hold" else f"assess export xlsx, national demo x{args.scale:g}"
    print(f"{what}, {args.writers} respondents every {args.pace:g} s: submissions ended during it: {figures['ok']} stored, "
          f"{figures['failed']} failed "
          f"(slowest {figures['slowest_s']} s) in {figures['during_s']} s; errors: {figures['errors'] or 'none'}")
    print(json.dumps(figures))
    print(load_after_line())


if __name__ == "__main__":
    main()
