"""Shared fixtures: real databases, never mocks.

Which fixture to use:

- ``session`` / ``session_factory`` / ``engine`` / ``database_url``: a migrated database,
  empty at the start of each test. Parametrized over ``sqlite`` and, when
  ``ASSESS_TEST_POSTGRES_URL`` is set (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/test``),
  ``postgresql``: tests read ``test_x[sqlite]`` / ``test_x[postgresql]``. Without the
  variable the ``[postgresql]`` variants are skipped, with one reason in the summary and a
  line in the header; with ``CI`` set the run fails instead. The database
  is created and migrated once per test session (and per xdist worker); rows are
  deleted before each test. If a test makes its own engine from ``database_url``, it
  must dispose of it (or at least close its connections) before it ends.
- ``sqlite_database_url``: the URL of a fresh migrated SQLite file of the test's own
  (for the UI and CLI tests, which run the app in the same or another process).
- ``sqlite_engine``: an engine on such a file, for tests about SQLite behaviour only.
- ``empty_database_url``: a database with no tables at all (parametrized like
  ``database_url``), for migration tests.
- ``teacher`` and ``project``: a teacher account and one of their projects, made through
  the services in ``session`` and committed.
- ``server``: a local HTTP server that counts every connection made to it, for the tests
  proving that user text in a PDF makes no request: yields ``(base_url, hits)``.

Passwords are hashed with cheap argon2id parameters in every test (real hashes, verified
for real; only the cost differs); a test that needs the production parameters asks for
the ``production_hashing`` fixture.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Generator, Iterator
from dataclasses import dataclass

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from assess.storage.db import make_engine, make_session_factory, upgrade_database
from assess.storage.models import Base

POSTGRES_URL = os.environ.get("ASSESS_TEST_POSTGRES_URL")
#: Both, always: without the URL the PostgreSQL variants are skipped with one reason in the
#: summary (they used to vanish, and a green run could have tested one database of two).
BACKENDS = ["sqlite", "postgresql"]
POSTGRES_MISSING = (
    "ASSESS_TEST_POSTGRES_URL is not set: the PostgreSQL variants of the database tests did not run "
    "(`make test` sets it; e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"
)
#: "gw0", "gw1"... under pytest-xdist; each worker gets its own databases.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def pytest_configure(config: pytest.Config) -> None:
    # A CI run that skipped PostgreSQL would be green while testing only SQLite.
    if _ci() and not POSTGRES_URL:
        raise pytest.UsageError(f"CI is set and {POSTGRES_MISSING}")


def pytest_report_header(config: pytest.Config) -> str:
    return "PostgreSQL: configured" if POSTGRES_URL else f"PostgreSQL: NOT configured. {POSTGRES_MISSING}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Every PostgreSQL skip reported at one place, so that ``-ra`` folds them into one line
    ("SKIPPED [n] tests/conftest.py: ... not set") instead of one line per test."""
    report = yield
    longrepr = report.longrepr
    if report.skipped and isinstance(longrepr, tuple) and longrepr[2] == f"Skipped: {POSTGRES_MISSING}":
        report.longrepr = (__file__, _require_postgres.__code__.co_firstlineno - 1, longrepr[2])
    return report


def _require_postgres() -> str:
    """The PostgreSQL URL, or a skip that every PostgreSQL variant shares (one line under -ra)."""
    if not POSTGRES_URL:
        pytest.skip(POSTGRES_MISSING)
    return POSTGRES_URL


@dataclass
class _TestDatabase:
    url: str
    engine: Engine

    def clean(self) -> None:
        """Delete every row (not the Alembic version), children before parents."""
        tables = list(reversed(Base.metadata.sorted_tables))
        with self.engine.begin() as connection:
            if self.engine.dialect.name == "postgresql":
                names = ", ".join(f'"{table.name}"' for table in tables)
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    connection.execute(table.delete())


# -- PostgreSQL: one database per test session and worker -------------------------------


def _postgres_admin() -> Engine:
    # AUTOCOMMIT: CREATE/DROP DATABASE cannot run inside a transaction.
    return make_engine(_require_postgres(), isolation_level="AUTOCOMMIT", poolclass=NullPool)


def _create_postgres_database(prefix: str) -> str:
    name = f"{prefix}_{WORKER}_{uuid.uuid4().hex[:10]}".lower()
    admin = _postgres_admin()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return admin.url.set(database=name).render_as_string(hide_password=False)


def _drop_postgres_database(url: str) -> None:
    admin = _postgres_admin()
    with admin.connect() as connection:
        # FORCE (PostgreSQL 13+): a connection a test forgot to close must not keep it alive.
        name = make_url(url).database
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def _postgresql_database() -> Iterator[_TestDatabase]:
    url = _create_postgres_database("assess_test")
    engine = make_engine(url)
    try:
        upgrade_database(engine)
        yield _TestDatabase(url, engine)
    finally:
        engine.dispose()
        _drop_postgres_database(url)


# -- SQLite: one migrated template file, copied or cleaned ------------------------------


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Path of a migrated SQLite file, never opened by tests: copy it."""
    path = tmp_path_factory.mktemp("sqlite-template") / "assess.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    # Closing the last connection checkpoints the WAL into the main file and removes
    # it, so the single file is a complete copyable database.
    engine.dispose()
    return str(path)


@pytest.fixture(scope="session")
def _sqlite_database(
    _sqlite_template: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[_TestDatabase]:
    path = tmp_path_factory.mktemp("sqlite-shared") / "assess.db"
    shutil.copyfile(_sqlite_template, path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    yield _TestDatabase(url, engine)
    engine.dispose()


# -- Public fixtures -------------------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def _test_database(request: pytest.FixtureRequest) -> _TestDatabase:
    database: _TestDatabase = request.getfixturevalue(f"_{request.param}_database")
    database.clean()
    return database


@pytest.fixture
def database_url(_test_database: _TestDatabase) -> str:
    """URL of a migrated, empty database (``[sqlite]``, and ``[postgresql]`` when configured)."""
    return _test_database.url


@pytest.fixture
def engine(_test_database: _TestDatabase) -> Engine:
    """The engine on ``database_url`` (shared by the tests of a session: do not dispose of it)."""
    return _test_database.engine


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker:
    return make_session_factory(engine)


@pytest.fixture
def session(session_factory: sessionmaker) -> Iterator[Session]:
    """A session on ``engine``; closed (uncommitted work rolled back) at teardown."""
    with session_factory() as session:
        yield session


@pytest.fixture
def sqlite_database_url(_sqlite_template: str, tmp_path) -> str:
    """URL of a fresh migrated SQLite file belonging to this test only."""
    path = tmp_path / "assess.db"
    shutil.copyfile(_sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def sqlite_engine(sqlite_database_url: str) -> Iterator[Engine]:
    """An engine on a fresh migrated SQLite file of this test's own."""
    engine = make_engine(sqlite_database_url)
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """URL of a database without any table, not even Alembic's: for migration tests."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    url = _create_postgres_database("assess_empty")
    try:
        yield url
    finally:
        _drop_postgres_database(url)


# -- Accounts and projects -------------------------------------------------------------

CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
CHEAP_DUMMY_HASH = CHEAP_HASHER.hash("not a password of anyone")


@pytest.fixture
def production_hashing() -> None:
    """Keep argon2's production parameters (RFC 9106, about 0.1-0.5 s a hash) in this test."""


@pytest.fixture(autouse=True)
def _cheap_hashing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    from assess.services import accounts

    if "production_hashing" not in request.fixturenames:
        monkeypatch.setattr(accounts, "_hasher", CHEAP_HASHER)
        # Verified for unknown e-mails: as cheap as a real account's check, as in production.
        monkeypatch.setattr(accounts, "_DUMMY_HASH", CHEAP_DUMMY_HASH)


@pytest.fixture
def teacher(session):
    from tests.services.helpers import make_user

    actor = make_user(session, email="claire@example.org")
    session.commit()
    return actor


@pytest.fixture
def project(session, teacher):
    from tests.services.helpers import make_project

    made = make_project(session, owner=teacher)
    session.commit()
    return made


# -- A server that must never be reached -----------------------------------------------


@pytest.fixture
def server():
    """A local HTTP server that counts every connection made to it (and answers with a
    tiny valid stylesheet or image, so a fetch that got through would succeed)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def handle(self):
            hits.append(self.client_address[0])
            super().handle()

        def do_GET(self):
            self.send_response(200)
            if self.path.endswith(".css"):
                self.send_header("Content-Type", "text/css")
                body = b"body { color: red }"
            else:
                self.send_header("Content-Type", "image/svg+xml")
                body = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_HEAD = do_GET

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def dutch(tmp_path, monkeypatch):
    """Dutch added from a folder of files alone (tests/i18n/test_fourth_language.py writes
    it), for the test's duration: the suite then speaks four languages."""
    from assess import i18n
    from tests.i18n.test_fourth_language import CODE, write_language_folder

    write_language_folder(tmp_path / "languages")
    monkeypatch.setenv("ASSESS_LANGUAGE_DIRS", str(tmp_path / "languages"))
    i18n.reload()
    yield CODE
    monkeypatch.delenv("ASSESS_LANGUAGE_DIRS")
    i18n.reload()
