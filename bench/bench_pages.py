"""Benchmark: every page of the app on a whole country's data (issues 5 and 13).

The national demo (``bench/national.py``: about 3,000 applications over 3 rounds, 60
jurors, 1,500 projects, 300,000 survey responses) is copied to a temporary file (or, with
``--backend postgresql``, loaded into a PostgreSQL database of its own), an office
account is added, the office collects its mails once (the verdicts of the round
published when the demo was loaded: about a thousand mails held in the outbox), and each
page is run the way Streamlit runs it on every click: ``app.py`` (sign-in state,
navigation) then the page's own script, with its real queries and widgets, through
Streamlit's script runner (``streamlit.testing.v1.AppTest``; no browser, so what is timed
is the server's share of a click, not the drawing). Each page is run for the person who
uses it: the office's pages for an administrator, the jury's page for the juror with the
most applications, the teacher's pages for the teacher with the most projects.

Printed per page: the first visit and the median of the reruns that follow (a click on
the page), each as **CPU seconds of this process** (the page runs in it, as it would in
the server's; on PostgreSQL plus the CPU of the database's backends serving it) and
wall-clock seconds, with the 1-minute load average beside them. On a
machine shared with other work (issue 13's runs: 2 cores, load average 2-36) the wall
clock measures the queue for a core; the CPU time is the work a click costs, and the
figure the aim is judged on.

Aim (issue 13): every office page under 1 s of CPU a click at national scale. The rounds
page's tabs (settings, applications, conflicts, jurors' progress) are drawn on every
click, so its line covers all four. The demo publishes every round: after the office's
pages, the latest round is made unpublished in the copy and the rounds and decisions
pages are timed again, with their forms and staging drawn.

    python bench/bench_pages.py [--runs 5] [--office-only] [--only "rounds,national statistics"]
                                [--backend postgresql] [--profile]

The office's searches and filters are pages of their own ("decisions, searched",
"national statistics, one region"...): the widget is set once, then the reruns are timed
with it set, as the office's next clicks would be.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's assess, whatever is installed

from common import fresh_database, load_after_line, machine_line  # bench/common.py
from national import national_database_url  # bench/national.py

AIM_SECONDS = 1.0


def _search(key: str, text: str):
    return lambda app: app.text_input(key=key).set_value(text)


def _first_choice(key: str):
    """The first real value of a select box whose first option is "all" (None)."""
    return lambda app: app.selectbox(key=key).select_index(1)


# The office's pages, as its navigation lists them (app.py), with its searches and
# filters (label, page, how to set it). There is no audit page: the audit log is read
# with `assess audit` (and what the privacy page shows of the purge).
OFFICE_PLAN = [
    ("All projects", "projects", None),
    ("All projects, searched", "projects", _search("projects_find", "school")),
    ("All projects, one region", "projects", _first_choice("projects_region")),
    ("rounds (+ conflicts, progress tabs)", "rounds", None),
    ("decisions", "decisions", None),
    ("decisions, searched", "decisions", _search("decisions_find", "school")),
    ("decisions, disagreements", "decisions",
     lambda app: app.segmented_control(key="decisions_show").set_value("disagreement")),
    ("reliability", "reliability", None),
    ("European label", "eql", None),
    ("national statistics", "national_statistics", None),
    ("national statistics, one region", "national_statistics", _first_choice("statistics_region")),
    ("users", "users", None),
    ("outbox", "outbox", None),
    ("settings", "settings", None),
    ("privacy", "privacy", None),
    ("dashboard (office)", "dashboard", None),
    ("report (office)", "report", None),
    ("survey results (office)", "survey_results", None),
]
# Run after reopen_latest_round: the round the office is deciding, its forms drawn (a
# published round shows none), half of its applications staged and half still to decide.
DECIDING_PLAN = [
    ("rounds, a round being decided", "rounds", None),
    ("decisions, a round being decided", "decisions", None),
    ("decisions, deciding, searched", "decisions", _search("decisions_find", "school")),
]
JUROR_PAGES = ["jury_work"]
TEACHER_PAGES = ["projects", "self_assessment", "dashboard", "report", "surveys", "survey_results", "applications"]


def people(url: str) -> dict[str, int]:
    """An office account (the demo has none: the office is whoever installed the app), the
    busiest juror and the teacher with the most projects. The office then collects its
    mails, as its outbox's first button does: the verdicts of the round published when the
    demo was loaded (within the week collect looks back over), about a thousand held."""
    from sqlalchemy import func, select

    from assess.domain.permissions import Actor
    from assess.services import accounts
    from assess.services.mail import collect
    from assess.storage.db import make_engine, make_session_factory
    from assess.storage.models import Assignment, Project

    engine = make_engine(url)
    try:
        with make_session_factory(engine).begin() as session:
            office = accounts.create_user(session, actor=Actor.system(), email="office@bench.example",
                                          display_name="National office", roles={"admin"}, password=None)
            session.flush()
            juror = session.execute(select(Assignment.juror_id).group_by(Assignment.juror_id)
                                    .order_by(func.count().desc()).limit(1)).scalar_one()
            teacher = session.execute(select(Project.owner_id).group_by(Project.owner_id)
                                      .order_by(func.count().desc()).limit(1)).scalar_one()
            mails = sum(collect.collect(session, actor=accounts.actor_of(office)).values())
            return {"office": office.id, "juror": juror, "teacher": teacher, "mails": mails}
    finally:
        engine.dispose()


def reopen_latest_round(url: str) -> dict[str, int]:
    """The demo publishes every round; the office's busiest days are before that. The
    latest round is made unpublished, in this copy only: its decisions no longer published,
    every other one removed (still to decide), and a fifth of the assignments of those
    not yet submitted (the jury still at work)."""
    from sqlalchemy import delete, func, select, update

    from assess.storage.db import make_engine, make_session_factory
    from assess.storage.models import Application, Assignment, Decision, Round

    engine = make_engine(url)
    try:
        with make_session_factory(engine).begin() as session:
            latest = session.scalar(select(Round.id).order_by(Round.opens_on.desc(), Round.id.desc()).limit(1))
            ids = list(session.scalars(select(Application.id).where(Application.round_id == latest)
                                       .order_by(Application.id)))
            undecided = ids[1::2]
            session.execute(update(Round).where(Round.id == latest).values(published_at=None))
            session.execute(update(Decision).where(Decision.application_id.in_(ids)).values(published_at=None))
            session.execute(delete(Decision).where(Decision.application_id.in_(undecided)))
            open_ids = list(session.scalars(select(Assignment.id).where(Assignment.application_id.in_(undecided))
                                            .order_by(Assignment.id)))[::5]
            session.execute(update(Assignment).where(Assignment.id.in_(open_ids)).values(submitted_at=None))
            staged = session.scalar(select(func.count()).select_from(Decision)
                                    .where(Decision.application_id.in_(ids)))
            return {"round": latest, "applications": len(ids), "staged": staged, "open": len(open_ids)}
    finally:
        engine.dispose()


def _no_database_process() -> float:
    return 0.0


#: CPU seconds so far of the database server's processes serving the benchmark (PostgreSQL:
#: its backends on the benchmark's own database; SQLite runs in this process).
database_cpu = _no_database_process


def postgres_backends_cpu(url: str):
    """A function giving the CPU seconds used so far by the PostgreSQL backends connected
    to the database of ``url`` (a server on this machine: /proc is read). The benchmark's
    database is its own, so those backends serve its pages only."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    from assess.storage.db import make_engine

    name = make_url(url).database
    admin = make_engine(make_url(url).set(database="postgres").render_as_string(hide_password=False),
                        poolclass=NullPool)
    ticks = os.sysconf("SC_CLK_TCK")

    def used() -> float:
        with admin.connect() as connection:
            pids = connection.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = :name"),
                                      {"name": name}).scalars().all()
        total = 0
        for pid in pids:
            try:
                with open(f"/proc/{pid}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
            except (OSError, IndexError, ValueError):
                continue  # a backend that ended meanwhile
        return total / ticks

    return used


def _timed(app) -> tuple[float, float]:
    """(wall, CPU) seconds of one run of the page; CPU counts this process's and, on
    PostgreSQL, the database server's for this database."""
    start, start_cpu, start_db = time.perf_counter(), time.process_time(), database_cpu()
    app.run()
    return time.perf_counter() - start, time.process_time() - start_cpu + database_cpu() - start_db


def time_page(name: str, actor_id: int, runs: int, setter=None, profile: bool = False):
    """The first visit's and the reruns' (wall, CPU) seconds and the errors shown; None if
    the search or filter to set is not on the page (an older version of it)."""
    from streamlit.logger import set_log_level
    from streamlit.testing.v1 import AppTest

    from assess.services import web_sessions
    from assess.storage.db import database_url, make_engine, make_session_factory

    engine = make_engine(database_url())
    try:  # what signing in leaves in a browser session (issue 9): a server-side session
        with make_session_factory(engine).begin() as session:
            cookie = web_sessions.start(session, user_id=actor_id).cookie
    finally:
        engine.dispose()
    set_log_level("error")  # not "missing ScriptRunContext" for every page
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    app.session_state["lang"] = "en"
    app.session_state["session_cookie"] = cookie
    app.session_state["actor_id"] = actor_id
    app.run()
    app.switch_page(str(ROOT / "assess" / "ui" / "pages" / f"{name}.py"))
    first = _timed(app)
    if setter is not None:  # the search or filter is set, then its clicks are timed
        try:
            setter(app)
        except (KeyError, IndexError):
            return None
        first = _timed(app)
    reruns = [_timed(app) for _ in range(runs)]
    if profile:  # one more rerun, under cProfile: where a click's time goes
        import cProfile
        import pstats
        import threading

        profiler = cProfile.Profile(time.thread_time)  # processor time: the machine may be loaded

        def start_in_thread(*_args) -> None:  # the script runs on a thread of AppTest's own
            sys.setprofile(None)
            profiler.enable()

        threading.setprofile(start_in_thread)
        try:
            app.run()
        finally:
            threading.setprofile(None)  # type: ignore[arg-type]
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(os.environ.get("BENCH_PROFILE_FILTER", r"assess|sqlalchemy/orm/loading|weasyprint/__init__"), 30)
    return first, reruns, len(app.exception)


@contextmanager
def national_copy(backend: str, folder: str) -> Iterator[str]:
    """The URL of a national demo database of the benchmark's own: a copy of
    bench/national.py's SQLite file, or a new PostgreSQL database the demo is loaded into
    (minutes: bench/national.py's note), dropped afterwards. The pages may write (an audit
    event, a setting): never in the cached file."""
    if backend == "sqlite":
        copy = Path(folder) / "national.db"
        shutil.copy(national_database_url().removeprefix("sqlite:///"), copy)
        print(f"national demo copied to {copy}", flush=True)
        yield f"sqlite:///{copy}"
        return
    from sqlalchemy import text

    from assess.domain.permissions import Actor
    from assess.services import demo_national
    from assess.storage.db import make_engine, make_session_factory

    with fresh_database("postgresql", folder) as url:
        started = time.perf_counter()
        engine = make_engine(url)
        try:
            with make_session_factory(engine).begin() as session:
                demo_national.load_national_demo(session, actor=Actor.system())
            with engine.connect() as connection:  # fresh statistics for the planner, as autovacuum would make
                connection.execute(text("ANALYZE"))
                connection.commit()
        finally:
            engine.dispose()
        print(f"national demo loaded into a PostgreSQL database of its own in {time.perf_counter() - started:.0f} s",
              flush=True)
        yield url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="reruns timed after the first run of each page")
    parser.add_argument("--office-only", action="store_true", help="only the office's pages and searches")
    parser.add_argument("--profile", action="store_true", help="print a profile of one more rerun of each page")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite",
                        help="postgresql: a database of its own on ASSESS_BENCH_POSTGRES_URL's (or the tests') "
                             "server, on this machine; the demo is loaded into it first")
    parser.add_argument("--only", default="", help="comma-separated labels or page names to time (e.g. rounds,eql)")
    options = parser.parse_args()

    plan = [("office", label, name, setter) for label, name, setter in OFFICE_PLAN]
    deciding = [("office", label, name, setter) for label, name, setter in DECIDING_PLAN]
    if not options.office_only:
        plan += [("juror", name, name, None) for name in JUROR_PAGES]
        plan += [("teacher", name, name, None) for name in TEACHER_PAGES]
    if options.only:
        wanted = {w.strip() for w in options.only.split(",")}
        def chosen(step) -> bool:
            return step[1] in wanted or (step[2] in wanted and step[3] is None)

        plan, deciding = [step for step in plan if chosen(step)], [step for step in deciding if chosen(step)]

    print(machine_line())
    with tempfile.TemporaryDirectory() as folder, national_copy(options.backend, folder) as url:
        os.environ["ASSESS_DATABASE_URL"] = url
        if options.backend == "postgresql":
            global database_cpu
            database_cpu = postgres_backends_cpu(url)
        who = people(url)
        print(f"office #{who['office']} ({who['mails']} mails collected into its outbox), juror #{who['juror']}, "
              f"teacher #{who['teacher']}; {options.runs} reruns per page")
        print(f"{'who':8s} {'page':38s} {'CPU a click':>11s} {'wall a click':>12s} {'load':>5s}   "
              f"first visit CPU / wall")
        over = []
        for number, (role, label, name, setter) in enumerate(plan + deciding):
            if number == len(plan):
                found = reopen_latest_round(url)
                print(f"round #{found['round']} made unpublished in this copy: {found['applications']} applications, "
                      f"{found['staged']} decisions staged, the rest to decide, {found['open']} assignments not "
                      f"submitted", flush=True)
            timed = time_page(name, who[role], options.runs, setter, options.profile)
            if timed is None:
                print(f"{role:8s} {label:38s} not on this version of the page", flush=True)
                continue
            (first_wall, first_cpu), reruns, errors = timed
            cpu = statistics.median(c for _, c in reruns)
            wall = statistics.median(w for w, _ in reruns)
            flag = "" if cpu < AIM_SECONDS else f"  OVER the {AIM_SECONDS:.0f} s aim (CPU)"
            print(f"{role:8s} {label:38s} {cpu:9.2f} s {wall:10.2f} s {os.getloadavg()[0]:5.1f}   "
                  f"{first_cpu:.2f} / {first_wall:.2f} s{flag}" + (f"  {errors} ERROR(S) SHOWN" if errors else ""),
                  flush=True)
            if cpu >= AIM_SECONDS or errors:
                over.append(label)
    total = len(plan) + len(deciding)
    print(f"pages under {AIM_SECONDS:.0f} s of CPU a click: {total - len(over)} of {total}"
          + (f"; over: {', '.join(over)}" if over else ""))
    print("CPU: this process's seconds of processor (the work of a click, trustworthy on a shared machine); "
          "wall: what the click waited, including the queue for a core (load average beside it)")
    print(load_after_line())
    sys.exit(0)


if __name__ == "__main__":
    main()
