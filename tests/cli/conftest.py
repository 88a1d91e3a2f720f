"""CLI tests run the command in this process: cheap argon2 parameters keep them fast
(real argon2id hashes, verified for real; only the cost differs)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from assess.services import accounts


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", hasher)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", hasher.hash("not a password of anyone"))

