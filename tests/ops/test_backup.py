"""``assess backup --out FILE`` and ``assess restore FILE`` as an operator runs them, on
both databases: what was stored comes back as it was, a file that is not ours is refused
and changes nothing, and the SQLite copy made while the app writes is whole and consistent."""

from __future__ import annotations

import sqlite3
import stat
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update

from assess.cli import cli
from assess.storage.db import head_revision, make_engine, make_session_factory, upgrade_database, writing
from assess.storage.models import AuditLog, Project, User
from tests.conftest import _create_postgres_database, _drop_postgres_database
from tests.ops.test_ready import previous_revision
from tests.services.helpers import in_database, make_project, make_user


@pytest.fixture
def database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both backends: the commands read ASSESS_DATABASE_URL."""
    monkeypatch.setenv("ASSESS_DATABASE_URL", database_url)
    return database_url


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def app_stopped(engine) -> None:
    """The test databases' shared engine keeps idle connections in its pool, as a running
    app server would: closed, as stopping the servers before a restore does."""
    engine.dispose()


def stored(url: str) -> tuple[list[str], list[str]]:
    """The accounts' e-mails and the projects' titles, as a user would list them."""
    return in_database(url, lambda session: (
        sorted(session.scalars(select(User.email))), sorted(session.scalars(select(Project.title)))))


def fill(url: str) -> None:
    def job(session):
        claire = make_user(session, email="claire@example.org")
        make_project(session, owner=claire, title="Petits déjeuners d'Europe")
    in_database(url, job)


def test_round_trip_gives_back_what_was_stored(database: str, app_stopped, tmp_path: Path):
    fill(database)
    before = stored(database)
    out = tmp_path / "assess.backup"

    result = run("backup", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"{out} written:" in result.stdout and "MB" in result.stdout
    assert "backing up" in result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600, "a backup holds personal data"
    assert [p.name for p in tmp_path.iterdir()] == ["assess.backup"], "no partial file left"

    def change(session):
        session.execute(update(Project).values(title="Changed after the backup"))
        make_user(session, email="late@example.org")
    in_database(database, change)
    assert stored(database) != before

    result = run("restore", str(out))
    assert result.exit_code == 0, result.output
    assert f"{out} restored" in result.stdout
    assert stored(database) == before == (["claire@example.org"], ["Petits déjeuners d'Europe"])


def test_the_app_sees_the_restored_data_on_its_open_connections(database: str, engine, tmp_path: Path):
    """The app's pooled connections (and on SQLite its -wal file) stay coherent: a read
    after the restore, on the same engine, sees the restored rows. (On PostgreSQL, where
    the restore refuses open connections unless told, the operator insisted.)"""
    fill(database)
    out = tmp_path / "assess.backup"
    assert run("backup", "--out", str(out)).exit_code == 0
    sessions = make_session_factory(engine)
    with writing(sessions) as session:
        session.execute(update(Project).values(title="Changed"))
    with sessions() as session:  # keeps a pooled connection that read the changed page
        assert session.scalar(select(Project.title)) == "Changed"
    assert run("restore", str(out), "--even-if-connected").exit_code == 0
    with sessions() as session:
        assert session.scalar(select(Project.title)) == "Petits déjeuners d'Europe"
        assert session.scalar(select(func.count()).select_from(User)) == 1


def test_a_file_that_is_not_a_backup_is_refused_and_changes_nothing(database: str, tmp_path: Path):
    fill(database)
    before = stored(database)
    for name, content in (("notes.txt", b"hello, this is not a database"), ("empty.bak", b"")):
        path = tmp_path / name
        path.write_bytes(content)
        result = run("restore", str(path))
        assert result.exit_code == 1, result.output
        assert result.stderr.splitlines()[-1] == f"Error: {path} is not a backup of this suite (made by assess backup); " \
                                        "nothing was changed"
    assert stored(database) == before


def test_another_sqlite_database_is_not_a_backup_of_ours(sqlite_database_url: str, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("ASSESS_DATABASE_URL", sqlite_database_url)
    fill(sqlite_database_url)
    other = tmp_path / "other.db"
    with closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE users (id INTEGER)")
        connection.commit()
    result = run("restore", str(other))
    assert result.exit_code == 1 and "is not a backup of this suite" in result.stderr
    assert stored(sqlite_database_url)[0] == ["claire@example.org"]


def test_a_damaged_backup_is_refused_and_changes_nothing(sqlite_database_url: str, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("ASSESS_DATABASE_URL", sqlite_database_url)
    fill(sqlite_database_url)
    out = tmp_path / "assess.backup"
    assert run("backup", "--out", str(out)).exit_code == 0
    damaged = bytearray(out.read_bytes())
    page = 4096
    for offset in range(2 * page, len(damaged) - page, page):  # every page but the first and last
        damaged[offset:offset + 64] = b"\xff" * 64
    out.write_bytes(bytes(damaged))
    in_database(sqlite_database_url, lambda s: make_user(s, email="kept@example.org"))

    result = run("restore", str(out))
    assert result.exit_code == 1, result.output
    assert "nothing was changed" in result.stderr and "Traceback" not in result.output
    assert stored(sqlite_database_url)[0] == ["claire@example.org", "kept@example.org"]


def test_a_backup_from_a_newer_version_is_refused(sqlite_database_url: str, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("ASSESS_DATABASE_URL", sqlite_database_url)
    out = tmp_path / "assess.backup"
    assert run("backup", "--out", str(out)).exit_code == 0
    with closing(sqlite3.connect(out)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
        connection.commit()
    result = run("restore", str(out))
    assert result.exit_code == 1
    assert "made by a newer version of the suite (database revision 9999_from_the_future)" in result.stderr


def test_a_postgresql_database_others_are_connected_to_is_not_restored(database: str, app_stopped, tmp_path: Path):
    if not database.startswith("postgresql"):
        pytest.skip("SQLite cannot tell whether an app server has it open")
    fill(database)
    out = tmp_path / "assess.backup"
    assert run("backup", "--out", str(out)).exit_code == 0
    in_database(database, lambda session: make_user(session, email="late@example.org"))
    engine = make_engine(database)
    try:
        with engine.connect():  # an app server still running
            result = run("restore", str(out))
            assert result.exit_code == 1
            assert result.stderr.splitlines()[-1] == (
                "Error: other sessions are connected to the database: 1 (app servers still running?); stop them "
                "first, or add --even-if-connected; nothing was changed")
            assert "late@example.org" in stored(database)[0]
    finally:
        engine.dispose()
    assert run("restore", str(out)).exit_code == 0
    assert stored(database)[0] == ["claire@example.org"]


def test_a_sqlite_backup_is_refused_by_a_postgresql_database(database: str, sqlite_database_url: str,
                                                              tmp_path: Path):
    if not database.startswith("postgresql"):
        pytest.skip("the configured database is PostgreSQL")
    source = Path(sqlite_database_url.removeprefix("sqlite:///"))
    result = run("restore", str(source))
    assert result.exit_code == 1
    assert "is a backup of a SQLite database, but the configured database is PostgreSQL;" in result.stderr


def test_without_the_postgresql_client_the_message_names_the_package(database: str, tmp_path: Path, monkeypatch):
    if not database.startswith("postgresql"):
        pytest.skip("SQLite needs no client program")
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    out = tmp_path / "assess.backup"
    result = run("backup", "--out", str(out))
    assert result.exit_code == 1
    assert "pg_dump is not installed: install the package postgresql-client" in result.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_the_password_never_goes_on_the_command_line():
    from sqlalchemy.engine import make_url

    from assess.storage.backup import pg_environment

    env = pg_environment(make_url("postgresql+psycopg://office:s3cr%40t@db.example:5433/assess?sslmode=require"),
                         environ={})
    assert env == {"PGHOST": "db.example", "PGPORT": "5433", "PGUSER": "office", "PGPASSWORD": "s3cr@t",
                   "PGDATABASE": "assess", "PGSSLMODE": "require"}


@pytest.fixture
def another_empty_database(empty_database_url: str, tmp_path) -> Iterator[str]:
    """A second database of the same kind as ``empty_database_url``, with nothing in it,
    not even a file on SQLite: where a backup goes after a disaster."""
    if empty_database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'new' / 'assess.db'}"
        return
    url = _create_postgres_database("assess_restored")
    try:
        yield url
    finally:
        _drop_postgres_database(url)


def test_a_backup_of_an_older_version_restored_is_migrated_by_init(empty_database_url: str, another_empty_database,
                                                                   tmp_path: Path, monkeypatch):
    """After a disaster, a backup made before the last upgrade is restored into a new
    database: assess ready says it is behind; assess init (or the first app server)
    migrates it, with the data."""
    previous = previous_revision()
    upgrade_database(empty_database_url, revision=previous)
    fill(empty_database_url)
    out = tmp_path / "before-the-upgrade.backup"
    monkeypatch.setenv("ASSESS_DATABASE_URL", empty_database_url)
    result = run("backup", "--out", str(out))
    assert result.exit_code == 0 and f"revision {previous}" in result.stdout

    monkeypatch.setenv("ASSESS_DATABASE_URL", another_empty_database)
    result = run("restore", str(out))
    assert result.exit_code == 0, result.output
    result = run("ready")
    assert result.exit_code == 1 and f"is at revision {previous}" in result.stderr
    assert run("init").exit_code == 0
    assert run("ready").exit_code == 0
    assert stored(another_empty_database) == (["claire@example.org"], ["Petits déjeuners d'Europe"])


def test_an_older_backup_is_not_restored_over_an_upgraded_postgresql_database(empty_database_url: str,
                                                                            tmp_path: Path, monkeypatch):
    """pg_restore --clean drops only the tables the backup holds: those the upgrade added
    would stay, under an older revision, and the next start would fail to migrate. The
    restore says so and changes nothing (SQLite replaces the whole file: no such case)."""
    if not empty_database_url.startswith("postgresql"):
        pytest.skip("a SQLite restore replaces every table")
    previous = previous_revision()
    upgrade_database(empty_database_url, revision=previous)
    fill(empty_database_url)
    monkeypatch.setenv("ASSESS_DATABASE_URL", empty_database_url)
    out = tmp_path / "before-the-upgrade.backup"
    assert run("backup", "--out", str(out)).exit_code == 0
    upgrade_database(empty_database_url)  # the upgrade
    in_database(empty_database_url, lambda session: make_user(session, email="after@example.org"))

    result = run("restore", str(out))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"Error: the database is at revision {head_revision()}, newer than the backup's ({previous}): restore it "
        "into an empty database (docs/backups.md); nothing was changed")
    assert stored(empty_database_url)[0] == ["after@example.org", "claire@example.org"]


GROUP = 10  # the writer below adds audit rows in transactions of this many


def test_a_sqlite_backup_made_while_the_app_writes_is_whole_and_consistent(sqlite_database_url: str,
                                                                           tmp_path: Path, monkeypatch):
    monkeypatch.setenv("ASSESS_DATABASE_URL", sqlite_database_url)
    engine = make_engine(sqlite_database_url)
    sessions = make_session_factory(engine)
    padding = "x" * 2000
    with writing(sessions) as session:  # a database large enough for a copy to take a while
        session.add_all(AuditLog(action="filler", entity_type="t", entity_id=str(i), details={"p": padding})
                        for i in range(20 * GROUP * 40))
    stop = threading.Event()
    written = [0]

    def writer() -> None:
        while not stop.is_set():
            with writing(sessions) as session:
                session.add_all(AuditLog(action="group", entity_type="t", entity_id=str(written[0]),
                                         details={"p": padding}) for _ in range(GROUP))
            written[0] += 1

    thread = threading.Thread(target=writer)
    thread.start()
    counts = []
    try:
        for number in range(4):
            out = tmp_path / f"copy-{number}.backup"
            result = run("backup", "--out", str(out))
            assert result.exit_code == 0, result.output
            with closing(sqlite3.connect(out)) as copy:
                assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",), "one file, no -wal"
                [groups] = copy.execute("SELECT count(*) FROM audit_log WHERE action = 'group'").fetchone()
            assert groups % GROUP == 0, "a transaction was copied in part"
            counts.append(groups)
    finally:
        stop.set()
        thread.join()
        engine.dispose()
    assert written[0] > 0 and len(set(counts)) > 1, "the app kept writing while the copies were made"


def test_a_postgresql_backup_is_refused_by_a_sqlite_database_in_words(database: str, tmp_path: Path):
    if not database.startswith("sqlite"):
        pytest.skip("the configured database is SQLite")
    from assess.storage.backup import PG_DUMP_MAGIC

    source = tmp_path / "assess.backup"
    source.write_bytes(PG_DUMP_MAGIC + b"\0" * 64)
    result = run("restore", str(source))
    assert result.exit_code == 1
    assert "is a backup of a PostgreSQL database, but the configured database is SQLite;" in result.stderr
    assert "postgresql" not in result.stderr.replace(str(source), "")
