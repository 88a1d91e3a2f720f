"""The dates of an export: the day and minute of a timestamp as each tool writes it, and
the order of day and month (03/10/2025), decided for the whole column from its values."""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from assess.domain.imports.columns import ColumnPlan
from assess.domain.imports.reading import Table
from assess.domain.imports.text import normalise
from assess.domain.imports.vocabulary import SHIPPED, Vocabulary


def day_of(cell: str, *, day_first: bool) -> date | None:
    """The day of a timestamp as the tools write it: ``2025-10-03 09:41:12`` (LimeSurvey,
    XLSX), ``2025/10/03 9:41:12 AM GMT+2`` (Google), ``10/3/2025 9:41:12`` (English) or
    ``03/10/2025 09:41:12`` (French). Ambiguous days follow ``day_first``, decided for
    the whole column by :func:`date_order`."""
    text = cell.strip()
    found = re.match(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text)
    try:
        if found:
            return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        found = re.match(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})\b", text)
        if found:
            first, second, year = (int(g) for g in found.groups())
            year += 2000 if year < 100 else 0
            if first > 12 or (day_first and second <= 12):
                return date(year, second, first)
            return date(year, first, second)
    except ValueError:
        return None
    return None


_CLOCK = re.compile(r"\b(\d{1,2})[:h.](\d{2})(?::\d{2}(?:[.,]\d+)?)?\s*([ap])?\.?\s*m?\b", re.IGNORECASE)


def moment_of(cell: str, *, day_first: bool) -> str:
    """The timestamp to the minute, ``2025-10-03T09:41`` (the day alone without a time,
    "" when unreadable): the same moment whichever tool wrote it. Google Forms writes
    ``2025/10/03 9:41:12 AM GMT+2``, its spreadsheet ``10/3/2025 9:41:12``, a re-save by
    Excel ``03/10/2025 09:41``; the zone is dropped (every tool writes the form's local time)."""
    day = day_of(cell, day_first=day_first)
    if day is None:
        return ""
    rest = cell.strip()
    date_part = re.match(r"^[^\sT]+T?", rest)  # the date (and ISO's T): there is one, as day_of read it
    rest = rest[date_part.end():] if date_part else rest
    found = _CLOCK.search(rest)
    if not found:
        return day.isoformat()
    hour, minute = int(found.group(1)), int(found.group(2))
    half = (found.group(3) or "").lower()
    if half == "p" and hour < 12:
        hour += 12
    elif half == "a" and hour == 12:
        hour = 0
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}"


_NUMERIC_DAY = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})\b")


class DateOrder(NamedTuple):
    """How the day-and-month dates of a file are read. ``basis``: ``values`` (a date
    such as 28/05/2025 proves it), ``heading`` (the timestamp heading's language, e.g.
    French ``Horodateur``), ``choice`` (chosen by the person importing), ``unambiguous``
    (no date could be read both ways, or there is no date), ``assumed`` (nothing
    decides: month first assumed, reported) or ``conflict`` (values prove both orders)."""

    day_first: bool
    basis: str

    @property
    def undecided(self) -> bool:
        return self.basis in ("assumed", "conflict")


def date_order(table: Table, plan: ColumnPlan, *, day_first: bool | None = None,
               vocabulary: Vocabulary = SHIPPED) -> DateOrder:
    """The order of day and month in the file's timestamps, decided for the whole column
    from all its values (and those of the file's other time columns), the heading as a
    hint: a single ``28/05/2025`` makes ``02/06/2025`` the 2nd of June. ``day_first``
    given (True or False): the person importing chose."""
    if day_first is not None:
        return DateOrder(day_first, "choice")
    tool = vocabulary.tools.get(plan.file_format)
    time_names = frozenset().union(*tool.timestamps) if tool else frozenset()
    indexes = [i for i, h in enumerate(plan.headers) if normalise(h) in time_names]
    if plan.timestamp_index is not None and plan.timestamp_index not in indexes:
        indexes.append(plan.timestamp_index)
    proves_day = proves_month = ambiguous = False
    seen: set[str] = set()
    for _number, cells in table.rows:
        for index in indexes:
            cell = cells[index] if index < len(cells) else ""
            found = _NUMERIC_DAY.match(cell) if cell else None
            if found is None or found.group(0) in seen:
                continue
            seen.add(found.group(0))
            first, second = int(found.group(1)), int(found.group(2))
            if first > 12 and second <= 12:
                proves_day = True
            elif second > 12 and first <= 12:
                proves_month = True
            elif first != second:
                ambiguous = True
    hint = plan.timestamp_index is not None and normalise(plan.headers[plan.timestamp_index]) in vocabulary.day_first
    if proves_day and proves_month:
        return DateOrder(hint, "conflict")
    if proves_day or proves_month:
        return DateOrder(proves_day, "values")
    if not ambiguous:
        return DateOrder(hint, "unambiguous")
    if hint:
        return DateOrder(True, "heading")
    return DateOrder(False, "assumed")
