"""Small random draws shared by the loader's parts."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any


def _weighted(rng: random.Random, table: Mapping[str, Any] | Sequence[Any], weights: Sequence[float]):
    return rng.choices(list(table), weights=weights)[0]


def _level(rng: random.Random, mean: float, noise: float) -> int:
    return max(0, min(5, round(rng.gauss(mean, noise))))


def _login(name: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return "".join(ch if ch.isalnum() or ch == "." else "-" for ch in plain.replace(" ", "-"))


def _spread(rng: random.Random, items: int, count: int, *, per_item: int) -> list[int]:
    """``count`` picks among ``items`` (indices), each at most ``per_item`` times, spread at random."""
    slots = [i for i in range(items) for _ in range(per_item)]
    rng.shuffle(slots)
    return slots[:count]
