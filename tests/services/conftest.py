"""Service tests hash passwords with cheap argon2 parameters, to stay fast.

The hashes are still real argon2id hashes, verified for real; only the cost differs.
A test that needs the production parameters asks for the ``production_hashing`` fixture.
"""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from assess.services import accounts

CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
CHEAP_DUMMY_HASH = CHEAP_HASHER.hash("not a password of anyone")


@pytest.fixture
def production_hashing() -> None:
    """Keep argon2's production parameters (RFC 9106, about 0.1-0.5 s a hash) in this test."""


@pytest.fixture(autouse=True)
def _cheap_hashing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if "production_hashing" not in request.fixturenames:
        monkeypatch.setattr(accounts, "_hasher", CHEAP_HASHER)
        # Verified for unknown e-mails: as cheap as a real account's check, as in production.
        monkeypatch.setattr(accounts, "_DUMMY_HASH", CHEAP_DUMMY_HASH)
