"""Writing rows fast: bulk COPY / executemany, id reservation, chunked Core inserts (see the package
docstring)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from assess.storage import bulk


class _Writer:
    """Bulk rows for the big tables (:mod:`assess.storage.bulk`: COPY on PostgreSQL, the
    driver's executemany on SQLite). Values are Python values; ``json(value)`` and
    ``date(value)`` give what a JSON or date column takes on this database's fast path."""

    def __init__(self, session: Session):
        self.session = session
        dialect = session.connection().dialect.name
        if dialect not in ("postgresql", "sqlite"):
            raise NotImplementedError(f"bulk writing on {dialect}")
        self.copy = dialect == "postgresql"
        self._json_cache: dict[tuple[str, ...], Any] = {}
        #: JSON null as this database's fast path takes it.
        self.json_null: object
        if self.copy:
            from psycopg.types.json import Jsonb

            self._jsonb = Jsonb
            self.json_null = Jsonb(None)
        else:
            self.json_null = "null"

    def json(self, value: tuple[str, ...]) -> Any:
        """A JSON list of strings, as this database's fast path takes it (cached: few distinct)."""
        found = self._json_cache.get(value)
        if found is None:
            found = self._jsonb(list(value)) if self.copy else json.dumps(list(value))
            self._json_cache[value] = found
        return found

    def date(self, value: date) -> Any:
        """A date as the fast path takes it (ISO text on SQLite, where the driver's own adapter is deprecated)."""
        return value if self.copy else value.isoformat()

    def reserve_ids(self, table, count: int) -> list[int]:
        """``count`` new ids for ``table``, ours alone (:func:`assess.storage.bulk.reserve_ids`)."""
        return list(bulk.reserve_ids(self.session.connection(), table, count))

    def write(self, table, columns: Sequence[str], types: Sequence[str], rows: list[tuple]) -> None:
        """``types``: PostgreSQL type names for COPY. Dates and JSON values come from :meth:`date` and :meth:`json`."""
        bulk.write_rows(self.session.connection(), table, columns, rows, copy_types=types)


class _sqlite_cache:
    """A large page cache on SQLite for the load (indexes of millions of rows stay in memory), put back after."""

    def __init__(self, session: Session, kib: int = 262_144):
        self.session, self.kib, self.before = session, kib, None

    def __enter__(self):
        connection = self.session.connection()
        if connection.dialect.name == "sqlite":
            self.before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
            connection.exec_driver_sql(f"PRAGMA cache_size=-{self.kib}")
        return self

    def __exit__(self, *exc):
        if self.before is not None:
            self.session.connection().exec_driver_sql(f"PRAGMA cache_size={int(self.before)}")
        return False


def _chunks(rows: list, size: int) -> Iterable[list]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


CHUNK = 5000


def _insert_ids(session: Session, table, rows: list[dict]) -> list[int]:
    """Insert ``rows`` (Core executemany) and return their ids in the same order."""
    ids: list[int] = []
    for chunk in _chunks(rows, CHUNK):
        ids += session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                               chunk).scalars().all()
    return ids


def _insert(session: Session, table, rows: list[dict]) -> None:
    for chunk in _chunks(rows, CHUNK):
        session.execute(insert(table), chunk)
