"""Engine set-up, migrations, and the SQLite settings concurrent writers rely on."""

from __future__ import annotations

import threading
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event, func, inspect, select, text
from sqlalchemy.exc import OperationalError

from assess.storage import db
from assess.storage.models import Base, User


def test_database_url_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("ASSESS_DATABASE_URL", raising=False)
    assert db.database_url() == db.DEFAULT_DATABASE_URL == "sqlite:///data/assess.db"
    monkeypatch.setenv("ASSESS_DATABASE_URL", "sqlite:///elsewhere.db")
    assert db.database_url() == "sqlite:///elsewhere.db"


def test_plain_postgresql_urls_use_psycopg_3():
    engine = db.make_engine("postgresql://someone:p%40ss@db.example:5432/assess")
    assert engine.url.drivername == "postgresql+psycopg"
    assert engine.url.password == "p@ss"
    assert engine.pool._pre_ping


def test_sqlite_file_folder_is_created(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'a' / 'b' / 'assess.db'}")
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    engine.dispose()
    assert (tmp_path / "a" / "b" / "assess.db").exists()


def test_migrations_run_from_empty_to_head_and_again(empty_database_url):
    engine = db.make_engine(empty_database_url)
    try:
        assert db.current_revision(engine) is None
        assert not db.is_up_to_date(engine)
        db.upgrade_database(engine)
        assert db.current_revision(engine) == db.head_revision() is not None
        assert db.is_up_to_date(engine)
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        # Every application start calls it: the second time it must change nothing.
        db.upgrade_database(engine)
        db.upgrade_database(empty_database_url)  # from a URL too
        assert db.is_up_to_date(engine)
    finally:
        engine.dispose()


def test_models_and_migrations_do_not_differ(engine):
    """What ``alembic check`` does: autogenerate against the migrated database finds nothing."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "target_metadata": Base.metadata}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_sqlite_pragmas(sqlite_engine):
    with sqlite_engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == db.SQLITE_BUSY_TIMEOUT_MS
        assert pragma("synchronous") == 1  # NORMAL


def test_sqlite_transactions_begin_immediate(sqlite_engine):
    statements: list[str] = []
    event.listen(
        sqlite_engine,
        "before_cursor_execute",
        lambda conn, cursor, statement, *args: statements.append(statement),
    )
    with db.make_session_factory(sqlite_engine)() as session:
        session.scalar(select(func.count(User.id)))
    assert statements[0] == "BEGIN IMMEDIATE"


def _impatient_engine(url: str, timeout_ms: int):
    engine = db.make_engine(url)

    @event.listens_for(engine, "connect")
    def _short_timeout(dbapi_connection, _record):  # runs after make_engine's own listener
        dbapi_connection.execute(f"PRAGMA busy_timeout={timeout_ms}")

    return engine


def test_sqlite_second_writer_waits_for_the_lock_then_gives_up(
    sqlite_engine, sqlite_database_url
):
    other = _impatient_engine(sqlite_database_url, 200)
    try:
        with sqlite_engine.connect() as first:
            first.execute(select(func.count(User.id)))  # a read is enough: the lock is taken at BEGIN
            started = time.monotonic()
            with pytest.raises(OperationalError, match="database is locked"), other.connect() as second:
                second.execute(select(func.count(User.id)))
            assert time.monotonic() - started >= 0.15  # waited in the busy handler
            first.rollback()
        with other.connect() as second:  # lock released: it goes through
            assert second.execute(select(func.count(User.id))).scalar() == 0
    finally:
        other.dispose()


def test_sqlite_read_then_write_transactions_are_serialized(sqlite_engine):
    """Two read-then-write transactions: with DEFERRED one fails at once on lock upgrade;
    with IMMEDIATE the second waits for the first, then sees its row."""
    factory = db.make_session_factory(sqlite_engine)
    seen: list[int] = []
    errors: list[BaseException] = []

    def second_writer():
        try:
            with factory() as session, session.begin():
                seen.append(session.scalar(select(func.count(User.id))))
                session.add(User(email="second@example.org", display_name="Second"))
        except BaseException as error:  # reported in the main thread
            errors.append(error)

    with factory() as session, session.begin():
        session.scalar(select(func.count(User.id)))
        thread = threading.Thread(target=second_writer)
        thread.start()
        time.sleep(0.3)  # the second writer is now waiting for the lock
        assert thread.is_alive()
        session.add(User(email="first@example.org", display_name="First"))
    thread.join(timeout=10)
    assert not errors
    assert seen == [1]
    with factory() as session:
        assert session.scalar(select(func.count(User.id))) == 2
