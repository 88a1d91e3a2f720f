"""App servers starting together migrate a PostgreSQL database once.

Every `assess@PORT` unit runs `assess init` before serving (deploy/systemd/assess@.service),
so starting N servers, or restarting them after an upgrade, runs N migrations at the same
moment. upgrade_database holds a PostgreSQL advisory lock for the whole upgrade: one
process applies each migration, the others wait and then find nothing to do.

To be sure they really run at the same moment, the test holds that lock itself while the
processes start, waits until all of them queue on it, then lets them go together.
Alembic's own log lines ("Running upgrade A -> B") say which process applied what.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text
from sqlalchemy.pool import NullPool

from assess.services import campaigns, responding
from assess.storage import db
from assess.storage.models import Project, SurveyResponse
from tests.deploy import stack
from tests.services.helpers import families_answers, make_campaign, make_project, make_user

pytestmark = [pytest.mark.deploy, pytest.mark.xdist_group("deploy")]

SERVERS = 3
#: `assess init`, with Alembic's INFO messages shown (they say which migration ran).
INIT_WITH_ALEMBIC_LOG = (
    "import logging, sys; "
    "logging.basicConfig(level=logging.INFO, stream=sys.stderr, format='%(name)s: %(message)s'); "
    "from assess.cli import cli; cli(['init'])"
)
APPLIED = re.compile(r"Running upgrade (\w*) *-> (\w+)")


def lock_id() -> int:
    return db._PG_MIGRATION_LOCK


def waiting_for_the_lock(connection) -> int:
    return connection.execute(text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = :key"
    ), {"key": lock_id()}).scalar_one()


def start_together(database_url: str, tmp_path, count: int) -> list[subprocess.CompletedProcess]:
    """``count`` `assess init` processes on ``database_url``, released at the same moment."""
    holder = db.make_engine(database_url, poolclass=NullPool)
    processes: list[subprocess.Popen] = []
    try:
        with holder.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": lock_id()})
            processes = [subprocess.Popen([sys.executable, "-c", INIT_WITH_ALEMBIC_LOG], cwd=tmp_path,
                                          env=stack.environment(database_url), stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True) for _ in range(count)]
            deadline = time.monotonic() + 60
            while waiting_for_the_lock(connection) < count:
                assert all(p.poll() is None for p in processes), "a process ended without waiting for the migration lock"
                assert time.monotonic() < deadline, "the processes did not all wait for the migration lock"
                time.sleep(0.1)
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": lock_id()})
        results = []
        for process in processes:
            out, err = process.communicate(timeout=120)
            results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
        return results
    finally:
        for process in processes:
            stack.stop(process)
        holder.dispose()


def applied(results: list[subprocess.CompletedProcess]) -> list[tuple[str, str]]:
    return [(found[1], found[2]) for result in results for found in APPLIED.finditer(result.stderr)]


def all_revisions() -> list[str]:
    """Every revision, oldest first."""
    scripts = ScriptDirectory.from_config(db.alembic_config())
    return [script.revision for script in reversed(list(scripts.walk_revisions()))]


def alembic_versions(engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def test_servers_starting_together_on_a_new_database_migrate_it_once(scratch_database_url, tmp_path):
    results = start_together(scratch_database_url, tmp_path, SERVERS)

    assert [r.returncode for r in results] == [0] * SERVERS, [r.stderr[-2000:] for r in results]
    revisions = all_revisions()
    # Each migration applied once, all of them by the same process (the first to get the lock).
    assert [target for _, target in applied(results)] == revisions
    assert sum(1 for r in results if APPLIED.search(r.stderr)) == 1
    assert sum("database upgraded" in r.stdout for r in results) >= 1
    engine = db.make_engine(scratch_database_url)
    try:
        assert alembic_versions(engine) == [db.head_revision()]
    finally:
        engine.dispose()


def test_an_upgrade_with_a_new_migration_runs_it_once_and_keeps_the_data(scratch_database_url, tmp_path):
    """The database is one migration behind (as before installing a release that brings one),
    holding a project and a survey response; the servers restart together."""
    engine = db.make_engine(scratch_database_url)
    try:
        db.upgrade_database(engine)
        with db.writing(db.make_session_factory(engine)) as session:
            teacher = make_user(session, email="claire@example.org")
            project = make_project(session, owner=teacher)
            campaign = make_campaign(session, owner=teacher, project=project)
            (code,) = campaigns.issue_codes(session, actor=teacher, campaign_id=campaign.id, count=1)
            responding.submit_with_code(session, code=code, answers=families_answers(), language="fr")
        with engine.begin() as connection:
            command.downgrade(db.alembic_config(connection), "-1")
        previous, head = all_revisions()[-2:]
        assert alembic_versions(engine) == [previous]
        engine.dispose()

        results = start_together(scratch_database_url, tmp_path, 2)

        assert [r.returncode for r in results] == [0, 0], [r.stderr[-2000:] for r in results]
        assert applied(results) == [(previous, head)]
        assert alembic_versions(engine) == [head]
        with db.reading(db.make_session_factory(engine)) as session:
            assert session.scalar(select(func.count(Project.id))) == 1
            assert session.scalar(select(func.count(SurveyResponse.id))) == 1
    finally:
        engine.dispose()
