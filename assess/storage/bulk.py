"""Writing many rows fast, on the two databases the suite runs on: ids reserved ahead, so
rows of another table can name them without reading them back, then COPY on PostgreSQL
(psycopg, the only PostgreSQL driver the suite uses: assess.storage.db), about ten times
faster than INSERT, or the driver's executemany of one prepared INSERT on SQLite.

For the survey import and the national demo. Rows are plain tuples in the form the
columns' database types take (the caller converts dates, JSON...): the ORM's and Core's
per-row processing cost more than the database itself at these sizes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import JSON, Connection, Table, func, select

from assess.errors import FieldError, InvalidInput
from assess.storage.db import holds_nul


def reserve_ids(connection: Connection, table: Table, count: int) -> Sequence[int]:
    """``count`` new ids of ``table``, which no other writer will take."""
    if count == 0:
        return []
    if connection.dialect.name == "postgresql":
        # From the table's own sequence, as INSERT would take them: safe next to other writers.
        return connection.exec_driver_sql(
            f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) FROM generate_series(1, {int(count)})"
        ).scalars().all()
    # SQLite: the transaction took the database's write lock at its start (BEGIN IMMEDIATE,
    # see assess.storage.db), so nobody else inserts before it ends, and max + 1 is the id
    # SQLite itself would give. Had it not, a clash on the primary key fails the write,
    # never mixes two writers' rows.
    top = connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
    return range(top + 1, top + 1 + count)


def write_rows(connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple], *,
               copy_types: Sequence[str] | None = None, nul_checked: bool = False) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``) into ``table``. ``copy_types``:
    the PostgreSQL type names of the columns, for COPY's binary adaptation of values such
    as psycopg's Jsonb; without them COPY sends each value as text. ``nul_checked``: the
    caller has refused NUL characters already (before its transaction began: checking
    800,000 answers takes a second, which a SQLite writer must not hold the lock for)."""
    if not rows:
        return
    if not nul_checked:
        _refuse_nul_characters(table, columns, rows)
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        if driver is None:  # a connection in use always has one; said for the type checker
            raise RuntimeError("the connection has no driver connection")
        with driver.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            if copy_types is not None:
                copy.set_types(list(copy_types))
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" * len(columns))
        connection.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)


def _refuse_nul_characters(table: Table, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """What assess.storage.db refuses for every other statement, for these rows, which go
    to the driver directly: a text value with a NUL character, named by its column. JSON
    given as text is checked as written: a NUL there is escaped (``\\u0000``), which
    PostgreSQL's jsonb refuses as well."""
    json_columns = {name for name in columns if isinstance(table.c[name].type, JSON)}
    for row in rows:
        for name, value in zip(columns, row, strict=True):
            if value is None or type(value) in _PLAIN:  # the fast path: millions of rows go by
                continue
            value = getattr(value, "obj", value)  # psycopg's Jsonb wrapper
            if holds_nul(value) or (name in json_columns and isinstance(value, str) and "\\u0000" in value):
                raise InvalidInput([FieldError(name, "errors.nul_byte", {})])


_PLAIN = frozenset({int, float, bool, date, datetime})
