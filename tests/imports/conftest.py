"""Import tests hash the passwords of the accounts they make with cheap argon2 parameters."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from assess.services import accounts


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2id hashes with a low cost: the accounts made here are only a means."""
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", hasher)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", hasher.hash("not a password of anyone"))
