"""Fixtures of the deployment tests: a scratch PostgreSQL database, the reference
deployment on it (tests/deploy/stack.py), a Chromium. Skipped, saying why, where nginx,
PostgreSQL or Chromium is missing; `.ci/run` installs them, so CI runs these tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.deploy import stack


def skip_unless_postgres() -> None:
    missing = stack.postgres_missing()
    if missing:
        pytest.skip(missing)


def skip_unless_nginx() -> None:
    if not stack.nginx_binary():
        pytest.skip("nginx is not installed (apt-get install nginx; .ci/run does)")


@pytest.fixture
def scratch_database_url() -> Iterator[str]:
    """A new, empty PostgreSQL database of this test's own, dropped after it."""
    skip_unless_postgres()
    from tests.conftest import _create_postgres_database, _drop_postgres_database

    url = _create_postgres_database("assess_deploy")
    try:
        yield url
    finally:
        _drop_postgres_database(url)


@pytest.fixture(scope="module")
def deployed(tmp_path_factory) -> Iterator[stack.Deployment]:
    """Two app servers and nginx in front, on a PostgreSQL database migrated by `assess init`."""
    skip_unless_nginx()
    skip_unless_postgres()
    from tests.conftest import _create_postgres_database, _drop_postgres_database

    url = _create_postgres_database("assess_deploy")
    try:
        with stack.deployment(tmp_path_factory.mktemp("deployment"), url) as deployment:
            yield deployment
    finally:
        _drop_postgres_database(url)


@pytest.fixture(scope="module")
def chromium() -> Iterator:
    from pathlib import Path

    from tests.e2e.conftest import CHROMIUM, launch_chromium

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    with launch_chromium() as browser:
        yield browser
