"""Database ids as people and links write them.

``str.isdigit()`` and ``int()`` accept far more than ASCII digits ('١٢' is twelve, '²'
passes ``isdigit()`` and then makes ``int()`` fail) and Python integers have no bound,
while the database's ids are signed 64-bit integers: every id read from a command line,
a file or a link goes through :func:`parse_id`.
"""

from __future__ import annotations

#: The largest id SQLite and PostgreSQL (BIGINT) can hold.
ID_MAX = 2**63 - 1
_MAX_DIGITS = len(str(ID_MAX))


def parse_id(text: str | None) -> int | None:
    """The id written in ``text`` (ASCII digits only, surrounding spaces allowed), or None
    if it is not one: empty, another script's digits, a sign, zero or beyond 2^63-1."""
    value = (text or "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > _MAX_DIGITS:
        return None
    number = int(value)
    return number if 1 <= number <= ID_MAX else None
