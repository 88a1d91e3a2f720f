"""Benchmark: every page of the app on a whole country's data (issue 5).

The national demo (``bench/national.py``: about 3,000 applications over 3 rounds, 60
jurors, 1,500 projects, 300,000 survey responses) is copied to a temporary file, an
office account is added, and each page is run the way Streamlit runs it on every click:
``app.py`` (sign-in state, navigation) then the page's own script, with its real queries
and widgets, through Streamlit's script runner (``streamlit.testing.v1.AppTest``; no
browser, so what is timed is the server's share of a click, not the drawing). Each page
is run for the person who uses it: the office's pages for an administrator, the jury's
page for the juror with the most applications, the teacher's pages for the teacher with
the most projects. Printed per page: the first run (cold caches) and the median of the
reruns that follow, as a click on the page would cause.

Aim (ours; the issue sets one only for the dashboard's figures, see bench_dashboard.py):
every page answers a click in under a second at national scale. Pages over it are
listed with the reason in bench/RESULTS.md.

    python bench/bench_pages.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import load_after_line, machine_line  # bench/common.py
from national import national_database_url  # bench/national.py

ROOT = Path(__file__).resolve().parents[1]
AIM_SECONDS = 1.0
OFFICE_PAGES = ["rounds", "decisions", "reliability", "eql", "national_statistics", "users", "settings"]
JUROR_PAGES = ["jury_work"]
TEACHER_PAGES = ["projects", "self_assessment", "dashboard", "report", "surveys", "survey_results", "applications"]


def people(url: str) -> dict[str, int]:
    """An office account (the demo has none: the office is whoever installed the app), the
    busiest juror and the teacher with the most projects."""
    from sqlalchemy import func, select

    from assess.domain.permissions import Actor
    from assess.services import accounts
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
            return {"office": office.id, "juror": juror, "teacher": teacher}
    finally:
        engine.dispose()


def time_page(name: str, actor_id: int, runs: int) -> tuple[float, list[float], int]:
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    app.session_state["lang"] = "en"
    app.session_state["actor_id"] = actor_id
    app.run()
    app.switch_page(f"assess/ui/pages/{name}.py")
    start = time.perf_counter()
    app.run()
    first = time.perf_counter() - start
    reruns = []
    for _ in range(runs):
        start = time.perf_counter()
        app.run()
        reruns.append(time.perf_counter() - start)
    return first, reruns, len(app.exception)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="reruns timed after the first run of each page")
    options = parser.parse_args()

    source = national_database_url().removeprefix("sqlite:///")
    print(machine_line())
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "national.db"
        shutil.copy(source, copy)  # the pages may write (an audit event, a setting): never in the cache
        url = f"sqlite:///{copy}"
        os.environ["ASSESS_DATABASE_URL"] = url
        who = people(url)
        print(f"national demo copied to {copy}; office #{who['office']}, juror #{who['juror']}, "
              f"teacher #{who['teacher']}; {options.runs} reruns per page")
        over = []
        for role, pages in (("office", OFFICE_PAGES), ("juror", JUROR_PAGES), ("teacher", TEACHER_PAGES)):
            for name in pages:
                first, reruns, errors = time_page(name, who[role], options.runs)
                median = statistics.median(reruns)
                flag = "" if median < AIM_SECONDS else f"  over the {AIM_SECONDS:.0f} s aim"
                print(f"{role:8s} {name:20s} first run {first:6.2f} s, median rerun {median:6.2f} s "
                      f"(fastest {min(reruns):.2f} s){flag}" + (f"  {errors} ERROR(S) SHOWN" if errors else ""),
                      flush=True)
                if median >= AIM_SECONDS or errors:
                    over.append(name)
    print(f"pages under {AIM_SECONDS:.0f} s per click: {len(OFFICE_PAGES + JUROR_PAGES + TEACHER_PAGES) - len(over)} "
          f"of {len(OFFICE_PAGES + JUROR_PAGES + TEACHER_PAGES)}" + (f"; over: {', '.join(over)}" if over else ""))
    print(load_after_line())
    sys.exit(0)


if __name__ == "__main__":
    main()
