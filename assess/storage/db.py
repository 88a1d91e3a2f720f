"""Engines, sessions and migrations.

SQLite is the default (one file, no server); PostgreSQL is for larger deployments.
Both are reached through :func:`make_engine`, and brought to the latest schema by
:func:`upgrade_database`, which is safe to call on every start of the application.
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import sessionmaker

DEFAULT_DATABASE_URL = "sqlite:///data/assess.db"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

#: How long a SQLite writer waits for the lock held by another one before giving up.
SQLITE_BUSY_TIMEOUT_MS = 10_000
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


def make_engine(url: str | None = None, **kwargs) -> Engine:
    """An engine for ``url`` (default: :func:`database_url`); extra kwargs go to create_engine."""
    url = _normalise_url(url or database_url())
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _make_sqlite_engine(url, **kwargs)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


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
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
            return
        dbapi_connection = connection.connection.dbapi_connection
        if dbapi_connection.isolation_level is not None:
            # Put back after an AUTOCOMMIT use: the pool's reset hands control to sqlite3.
            dbapi_connection.isolation_level = None
        # IMMEDIATE takes the write lock at once. With a DEFERRED transaction that reads
        # then writes, two writers can both hold read locks and neither can upgrade:
        # SQLite then fails at once with "database is locked", whatever busy_timeout says.
        # Taking the lock up front makes the second writer wait in the busy handler.
        # The price: every transaction, read-only ones too, is serialized; keep them short.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_session_factory(engine: Engine) -> sessionmaker:
    """Sessions bound to ``engine``; objects stay readable after commit (expire_on_commit=False)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


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
