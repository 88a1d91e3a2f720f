"""Engines, sessions and migrations.

SQLite is the default (one file, no server); PostgreSQL is for larger deployments.
Both are reached through :func:`make_engine`, and brought to the latest schema by
:func:`upgrade_database`, which is safe to call on every start of the application.

Every unit of work says whether it writes: :func:`writing` (committed at the end, rolled
back on error) or :func:`reading` (read-only: a write in it fails loudly). On SQLite only
writing takes the database's single write lock, so a long read (the statistics workbook,
a report) never makes a survey submission or a juror's save wait.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session, sessionmaker

from assess.errors import FieldError, InvalidInput

DEFAULT_DATABASE_URL = "sqlite:///data/assess.db"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

#: How long a SQLite writer waits for the lock held by another one before giving up.
SQLITE_BUSY_TIMEOUT_MS = 10_000
#: Execution option marking a connection's transactions read-only (set by :func:`reading`).
READ_ONLY = "assess_read_only"
#: Any constant works: it only has to be the same for every process migrating a database.
_PG_MIGRATION_LOCK = 4_242_001


def database_url() -> str:
    """The URL from ``ASSESS_DATABASE_URL``, else the SQLite file ``data/assess.db``."""
    return os.environ.get("ASSESS_DATABASE_URL") or DEFAULT_DATABASE_URL


def _normalise_url(url: str) -> str:
    # Plain "postgresql://" would pick psycopg2, which is not installed: we ship psycopg 3.
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


class _HideRowValues(logging.Filter):
    """At DEBUG, SQLAlchemy's engine logs every row it fetches ("Row (...)"): accounts'
    e-mails, survey answers, drafts. ``hide_parameters`` hides what is sent, not what comes
    back, so the values are taken out here: logs never hold personal data, whatever level
    an operator sets (tests/ops/test_log_privacy.py)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.endswith("Row %r"):
            record.msg = record.msg.removesuffix("%r") + "(values hidden)"
            record.args = ()
        return True


# SQLAlchemy logs through this logger whatever the engine (we set no logging_name).
logging.getLogger("sqlalchemy.engine.Engine").addFilter(_HideRowValues())


def make_engine(url: str | None = None, **kwargs) -> Engine:
    """An engine for ``url`` (default: :func:`database_url`); extra kwargs go to create_engine.

    Errors raised or logged never show the statement's values (``hide_parameters``): they
    hold what people typed, survey answers included. A text value holding a NUL character
    (which PostgreSQL cannot store, and SQLite would cut short in places) is refused before
    it reaches the database, the same way on both: see :func:`_refuse_nul_characters`."""
    url = _normalise_url(url or database_url())
    parsed = make_url(url)
    kwargs.setdefault("hide_parameters", True)
    if parsed.get_backend_name() == "sqlite":
        engine = _make_sqlite_engine(url, **kwargs)
    else:
        kwargs.setdefault("pool_pre_ping", True)
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Connection) -> None:
            if connection.get_execution_options().get(READ_ONLY):
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")

    event.listen(engine, "before_execute", _refuse_nul_characters)
    return engine


def _make_sqlite_engine(url: str, **kwargs) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    connect_args = dict(kwargs.pop("connect_args", {}))
    connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
    engine = create_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Take transaction control away from the sqlite3 module (it would BEGIN lazily,
        # DEFERRED, only before DML); SQLAlchemy's "begin" event below does it instead.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # WAL: a writer does not block readers outside transactions (backups, the sqlite3
        # shell), and commits are cheaper.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Safe with WAL (a power cut may lose the last commits, never corrupt the file).
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted rows are overwritten with zeros, not left readable in the file's free
        # pages (a deleted account, a withdrawn answer...).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        read_only = bool(options.get(READ_ONLY))
        _set_query_only(connection, read_only)
        if options.get("isolation_level") == "AUTOCOMMIT":
            return
        dbapi_connection = connection.connection.dbapi_connection
        if dbapi_connection is not None and dbapi_connection.isolation_level is not None:
            # Put back after an AUTOCOMMIT use: the pool's reset hands control to sqlite3.
            dbapi_connection.isolation_level = None
        if read_only:
            # DEFERRED: in WAL mode a reader takes no lock that stops writers, and
            # query_only guarantees it never tries to upgrade to a writer.
            connection.exec_driver_sql("BEGIN")
            return
        # IMMEDIATE takes the write lock at once. With a DEFERRED transaction that reads
        # then writes, two writers can both hold read locks and neither can upgrade:
        # SQLite then fails at once with "database is locked", whatever busy_timeout says.
        # Taking the lock up front makes the second writer wait in the busy handler.
        # The price: writing transactions are serialized; keep them short.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _set_query_only(connection: Connection, on: bool) -> None:
    """SQLite's ``query_only`` belongs to the connection, not the transaction: set it at
    every BEGIN (only when it changes), so a pooled connection a read used is writable again."""
    info = connection.connection.info  # lives as long as the DBAPI connection
    if info.get(READ_ONLY, False) != on:
        connection.exec_driver_sql(f"PRAGMA query_only={'ON' if on else 'OFF'}")
        info[READ_ONLY] = on


def _refuse_nul_characters(_connection, _statement, multiparams, params, _options) -> None:
    """Refuse a statement whose values hold a NUL character, naming the value's column
    (InvalidInput, ``errors.nul_byte``): PostgreSQL cannot store one (its driver fails with
    a DataError); SQLite can, but C tools and exports cut the text there. Refused on both,
    so a service behaves the same on either.

    Runs for every statement given values (the ORM's flushes, the services' INSERTs and
    UPDATEs); values written inside a query's text (a WHERE clause) are not seen here."""
    for values in (*multiparams, params):
        if not isinstance(values, dict):
            continue
        for name, value in values.items():
            if holds_nul(value):
                raise InvalidInput([FieldError(name, "errors.nul_byte", {})])


def holds_nul(value: Any) -> bool:
    """Whether ``value`` (text, or JSON-like lists and dicts of it) holds a NUL character."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(k) or holds_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(holds_nul(v) for v in value)
    return False


def make_session_factory(engine: Engine) -> sessionmaker:
    """Sessions bound to ``engine``; objects stay readable after commit (expire_on_commit=False).
    Open them with :func:`writing` or :func:`reading`."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def writing(sessions: sessionmaker) -> Iterator[Session]:
    """A unit of work that may write: committed if the block ends normally, rolled back
    otherwise. On SQLite it holds the write lock from its start: keep it short (no
    password hashing, file parsing, PDF or workbook writing inside)."""
    with sessions.begin() as session:
        yield session


@contextmanager
def reading(sessions: sessionmaker) -> Iterator[Session]:
    """A read-only unit of work, as long as needed: it never blocks a writer (nor, on
    SQLite, waits for one). A write attempted in it fails (SQLite: "attempt to write a
    readonly database"; PostgreSQL: "cannot execute ... in a read-only transaction").
    Objects read stay readable after the block, as with :func:`writing`."""
    with sessions(execution_options={READ_ONLY: True}) as session:
        yield session
        # Commit, not rollback: a rollback would expire what was read. There is nothing to
        # write; a pending change makes this fail loudly rather than vanish.
        session.commit()


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """An Alembic Config built in code: no alembic.ini needed."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        # ConfigParser interpolation: a literal % (e.g. in a password) must be doubled.
        config.set_main_option("sqlalchemy.url", _normalise_url(url).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def upgrade_database(engine_or_url: Engine | str | None = None, revision: str = "head") -> None:
    """Migrate the database to ``revision``; a no-op when it is already there.

    The whole upgrade runs in one transaction (SQLite and PostgreSQL both have
    transactional DDL), so two processes starting together cannot both apply it:
    on SQLite the second waits for the BEGIN IMMEDIATE lock, on PostgreSQL for an
    advisory lock, then finds the database up to date.
    """
    engine, owned = _engine(engine_or_url)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
            command.upgrade(alembic_config(connection), revision)
    finally:
        if owned:
            engine.dispose()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for a database never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The latest revision among the migration scripts."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def is_up_to_date(engine: Engine) -> bool:
    """Whether the database is at the latest revision."""
    return current_revision(engine) == head_revision()


def _engine(engine_or_url: Engine | str | None) -> tuple[Engine, bool]:
    if isinstance(engine_or_url, Engine):
        return engine_or_url, False
    return make_engine(engine_or_url), True
