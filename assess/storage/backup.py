"""Backing up and restoring the database, on SQLite and PostgreSQL (docs/backups.md).

SQLite: the copy is made with SQLite's online backup API in one step, that is inside one
read transaction: in WAL mode the app's writers go on while it runs and the copy is the
database as it was at one moment. The copy is a single self-contained file (journal mode
DELETE, no ``-wal`` beside it), checked with ``PRAGMA integrity_check`` before it gets its
final name. A restore checks the file first (a SQLite database, intact, holding our
tables at a revision this version knows), then copies it into the live database with the
same backup API, in one write transaction: the database is the old one or the new one,
never half of each, and the app's open connections and its ``-wal`` file stay coherent
(renaming a file over the live database would leave them pointing at the old one).

PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists
--single-transaction``: a restore that fails changes nothing. The connection comes from
the URL through the client's environment (PGHOST, PGPASSWORD...), so no password is ever on
a command line that ``ps`` shows.

Backup files hold personal data: they are written private (0600) through
:func:`assess.files.atomic_output`, so an interrupted backup leaves no partial file.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from assess.errors import ServiceError
from assess.files import atomic_output
from assess.storage.db import alembic_config, make_engine

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
#: Tables any backup of ours holds, whatever its revision.
OUR_TABLES = frozenset({"alembic_version", "users", "projects", "audit_log", "settings"})
#: What to install when pg_dump or pg_restore is missing (Debian and Ubuntu's name).
PG_CLIENT_PACKAGE = "postgresql-client"


#: The database engines by their names, as messages show them (product names: not translated).
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupRefused(ServiceError):
    """The backup or restore cannot be done; the key (ops.toml) says why. Nothing changed."""

    key = "ops.backup.refused"


@dataclass(frozen=True)
class BackupResult:
    kind: str  # "sqlite" or "postgresql"
    path: Path
    size: int
    revision: str | None


def backup(url: str, out: Path) -> BackupResult:
    """Write a backup of the database at ``url`` to ``out`` (replaced only when complete)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        revision = _sqlite_backup(_sqlite_path(parsed), out)
        kind = "sqlite"
    else:
        _pg_backup(parsed, out)
        revision = _pg_dump_revision(out, parsed)
        kind = "postgresql"
    return BackupResult(kind=kind, path=out, size=out.stat().st_size, revision=revision)


def restore(url: str, source: Path, *, even_if_connected: bool = False) -> BackupResult:
    """Replace the database at ``url`` with the backup ``source``, after checking that the
    file is a backup of ours, for this kind of database and a revision this version knows.

    On PostgreSQL a database others are connected to (app servers still running) is
    refused unless ``even_if_connected``: what they wrote meanwhile would be lost, and
    their open transactions would make the restore wait. (SQLite cannot tell: the
    documentation says to stop the app servers first.)"""
    parsed = make_url(url)
    kind = backup_kind(source)
    wanted = "sqlite" if parsed.get_backend_name() == "sqlite" else "postgresql"
    if kind is None:
        raise BackupRefused("ops.backup.not_a_backup", file=str(source))
    if kind != wanted:
        raise BackupRefused("ops.backup.wrong_kind", file=str(source), kind=ENGINE_NAMES[kind],
                            database=ENGINE_NAMES[wanted])
    if kind == "sqlite":
        revision = _sqlite_restore(_sqlite_path(parsed), source)
    else:
        revision = _pg_dump_revision(source, parsed)
        _check_pg_target(url, backup_revision=_known_revision(revision, source), even_if_connected=even_if_connected)
        _pg_restore(parsed, source)
    return BackupResult(kind=kind, path=source, size=source.stat().st_size, revision=revision)


def backup_kind(path: Path) -> str | None:
    """"sqlite", "postgresql" (a pg_dump custom archive) or None, by the file's first bytes."""
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    return None


def _known_revision(revision: str | None, source: Path) -> str:
    """``revision``, if our scripts know it; a backup at one they do not know was made by a
    newer version: the app could neither use nor migrate it."""
    if revision is None:
        raise BackupRefused("ops.backup.not_a_backup", file=str(source))
    try:
        known = ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    except CommandError:
        known = None
    if known is None:
        raise BackupRefused("ops.backup.newer_version", file=str(source), revision=revision)
    return revision


# -- SQLite ---------------------------------------------------------------------------


def _sqlite_path(url: URL) -> Path:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupRefused("ops.backup.sqlite_not_a_file")
    return Path(database)


def _sqlite_backup(database: Path, out: Path) -> str | None:
    if not database.is_file():
        raise BackupRefused("ops.backup.no_database", path=str(database))
    # mode=ro: a backup never creates nor changes the database it copies.
    with atomic_output(out) as partial, \
            closing(sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)) as source, \
            closing(sqlite3.connect(partial)) as copy:
        source.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
        source.backup(copy)  # pages=-1: one step, one read transaction, one moment
        copy.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside it
        _check_sqlite(copy, out)
        revision = _sqlite_revision(copy)
    return revision


def _sqlite_restore(database: Path, source: Path) -> str | None:
    with closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as backup_file:
        _check_sqlite(backup_file, source)
        revision = _sqlite_revision(backup_file)
        _known_revision(revision, source)
        database.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(database)) as live:
            live.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
            # One step: the whole copy is one write transaction of the live database.
            backup_file.backup(live)
    return revision


#: How long a backup or restore waits for the app's writer to finish its transaction.
_BUSY_TIMEOUT_MS = 30_000


def _check_sqlite(connection: sqlite3.Connection, path: Path) -> None:
    try:
        [result] = connection.execute("PRAGMA integrity_check(1)").fetchone()
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError:  # "file is not a database", a damaged header
        raise BackupRefused("ops.backup.not_a_backup", file=str(path)) from None
    if result != "ok":
        raise BackupRefused("ops.backup.damaged", file=str(path))
    if not tables >= OUR_TABLES:
        raise BackupRefused("ops.backup.not_a_backup", file=str(path))


def _sqlite_revision(connection: sqlite3.Connection) -> str | None:
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


# -- PostgreSQL -------------------------------------------------------------------------


def _client(program: str) -> str:
    found = shutil.which(program)
    if found is None:
        raise BackupRefused("ops.backup.no_pg_client", program=program, package=PG_CLIENT_PACKAGE)
    return found


def pg_environment(url: URL, environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of pg_dump/pg_restore: this one, plus the connection of ``url`` as
    libpq variables (the password never goes on the command line). Query options the
    URL carries (``?sslmode=require``) become their PG* variables too."""
    env = dict(os.environ if environ is None else environ)
    for variable, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                            ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value is not None:
            env[variable] = str(value)
    for option, value_text in url.query.items():
        if option in _LIBPQ_VARIABLES and isinstance(value_text, str):
            env[_LIBPQ_VARIABLES[option]] = value_text
    return env


#: URL query options libpq also reads from the environment (a socket folder as ``?host=``).
_LIBPQ_VARIABLES = {"host": "PGHOST", "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT",
                    "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT",
                    "application_name": "PGAPPNAME", "options": "PGOPTIONS",
                    "target_session_attrs": "PGTARGETSESSIONATTRS"}


def _run(command: list[str], url: URL, *, what: Callable[[str], BackupRefused]) -> subprocess.CompletedProcess:
    completed = subprocess.run(command, env=pg_environment(url), capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise what(_first_line(completed.stderr))
    return completed


def _first_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[0][:300] if lines else "-"


def _pg_backup(url: URL, out: Path) -> None:
    program = _client("pg_dump")
    with atomic_output(out) as partial:
        _run([program, "--format=custom", f"--file={partial}"], url,
             what=lambda reason: BackupRefused("ops.backup.pg_failed", program="pg_dump", reason=reason))


def _pg_dump_revision(archive: Path, url: URL) -> str | None:
    """The Alembic revision a custom archive holds (None when it holds no such table),
    read from the archive alone, without a database."""
    program = _client("pg_restore")
    listing = _run([program, "--list", str(archive)], url,
                   what=lambda _reason: BackupRefused("ops.backup.not_a_backup", file=str(archive)))
    tables = set()
    for line in listing.stdout.splitlines():  # "215; 1259 16390 TABLE public users owner"
        parts = line.split()
        if not line.startswith(";") and "TABLE" in parts[:5] and len(parts) > parts.index("TABLE") + 2:
            tables.add(parts[parts.index("TABLE") + 2])
    if not tables >= OUR_TABLES:
        return None
    data = _run([program, "--data-only", "--table=alembic_version", "--file=-", str(archive)], url,
                what=lambda _reason: BackupRefused("ops.backup.not_a_backup", file=str(archive)))
    lines = data.stdout.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line and number + 1 < len(lines):
            value = lines[number + 1].strip()
            return None if value == "\\." else value
    return None


def _pg_restore(url: URL, source: Path) -> None:
    program = _client("pg_restore")
    # --no-owner/--no-privileges: the restoring account owns what it creates, so a backup
    # moves between servers whose roles differ. --single-transaction: all or nothing.
    _run([program, "--clean", "--if-exists", "--single-transaction", "--no-owner", "--no-privileges",
          "--exit-on-error", f"--dbname={url.database}", str(source)], url,
         what=lambda reason: BackupRefused("ops.backup.pg_failed", program="pg_restore", reason=reason))


def _check_pg_target(url: str, *, backup_revision: str, even_if_connected: bool) -> None:
    """Refuse a database others are connected to (unless ``even_if_connected``), and one
    at a newer revision than the backup: ``--clean`` drops only the tables the backup holds,
    so the ones an upgrade added would stay under an older revision (and pg_restore fails
    on their constraints anyway). Restoring into an empty database has neither problem."""
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            others = connection.scalar(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"))
            current = MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
    if others and not even_if_connected:
        raise BackupRefused("ops.backup.connected", count=others)
    if current is not None and current != backup_revision and not _is_older(current, than=backup_revision):
        raise BackupRefused("ops.backup.database_newer", current=current, revision=backup_revision)


def _is_older(revision: str, *, than: str) -> bool:
    """Whether ``revision`` comes before ``than`` among our migrations (an unknown one does not)."""
    newest_first = [script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()]
    return revision in newest_first and newest_first.index(revision) > newest_first.index(than)
