"""What the benchmarks share: the machine, the load average and the peak memory they
print; a fresh database of their own; a measurement run in a process of its own."""

from __future__ import annotations

import json
import os
import platform
import resource
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from assess.domain.permissions import Actor
from assess.services import accounts, projects
from assess.storage.db import make_engine, upgrade_database


def machine_line() -> str:
    """The machine and the load average before the runs, as the first line of a report."""
    return (f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
            f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}; load average before "
            f"{os.getloadavg()[0]:.2f}")


def load_after_line() -> str:
    return f"load average after: {os.getloadavg()[0]:.2f}"


def peak_mib() -> float:
    """This process's peak RSS. VmHWM where Linux has it: ru_maxrss keeps the parent's peak
    across fork and exec (a parent that built the database at 470 MiB gave every child
    470 MiB), VmHWM is the peak of this program's own memory."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def postgres_url() -> str | None:
    """The PostgreSQL server the benchmarks may create databases on, if any."""
    return os.environ.get("ASSESS_BENCH_POSTGRES_URL") or os.environ.get("ASSESS_TEST_POSTGRES_URL")


@contextmanager
def fresh_database(backend: str, folder: str) -> Iterator[str]:
    """The URL of a migrated, empty database of its own: a new SQLite file in ``folder``,
    or a new PostgreSQL database, dropped afterwards."""
    if backend == "sqlite":
        url = f"sqlite:///{folder}/{uuid.uuid4().hex}.db"
        upgrade_database(url)
        yield url
        return
    server = postgres_url()
    if not server:  # else make_engine would fall back to its SQLite default and fail on CREATE DATABASE
        sys.exit("--backend postgresql needs a server: set ASSESS_BENCH_POSTGRES_URL (or ASSESS_TEST_POSTGRES_URL), "
                 "e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test")
    admin = make_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    name = f"assess_bench_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(postgres_url()).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade_database(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def in_own_process(script: str, arguments: list[str], what: str) -> dict:
    """Run ``script`` with ``arguments`` in a new Python process (so its peak memory is its
    own) and return the JSON its last line prints; stop with its errors if it fails."""
    done = subprocess.run([sys.executable, script, *arguments], capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{what} failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def teacher_and_project(session: Session) -> tuple[Actor, int]:
    """A teacher (no password) and their project, through the services: what the survey
    benchmarks attach their campaigns to."""
    user = accounts.create_user(session, actor=Actor.system(), email="claire.martin@example.org",
                                display_name="Claire Martin", roles={"teacher"}, password=None)
    session.flush()
    teacher = accounts.actor_of(user)
    project = projects.create_project(session, actor=teacher, raw={
        "title": "Our European breakfast", "summary": "Pupils compare breakfasts across Europe.",
        "start_date": "2025-09-15", "end_date": "2026-05-30", "age_min": 8, "age_max": 10,
        "subjects": ["Geography"], "languages": ["French", "English"],
        "twinspace_url": "https://school-education.ec.europa.eu/en/etwinning/projects/example",
        "school": {"name": "École Jean Jaurès", "country": "FR", "region": "Occitanie"},
        "partners": [{"name": "Scoil Mhuire", "country": "IE"}],
    })
    return teacher, project.id

