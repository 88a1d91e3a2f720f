"""Survey results tests: real campaigns answered through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from assess.services import accounts
from tests.services.helpers import make_project, make_user


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2id hashes with cheap parameters, as in tests/services."""
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", hasher)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", hasher.hash("not a password of anyone"))


@pytest.fixture
def teacher(session):
    actor = make_user(session, email="claire@example.org")
    session.commit()
    return actor


@pytest.fixture
def project(session, teacher):
    made = make_project(session, owner=teacher)
    session.commit()
    return made
