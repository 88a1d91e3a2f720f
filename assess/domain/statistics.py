"""National statistics: the axes the office counts by, and how a project falls on them.

Pure code, shared by the dashboard (assess/services/national/) and the exports
(assess/services/exports.py): both must put a project in the same age group.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

# Pupils' age groups, after the stages of schooling (ISCED 0-3 and beyond). A project
# falls in the group of the middle of its age range: a 10-14 project counts as lower
# secondary, like the classes most of its pupils are in.
AGE_GROUPS: tuple[tuple[str, int, int], ...] = (
    ("pre_primary", 2, 5),
    ("primary", 6, 10),
    ("lower_secondary", 11, 14),
    ("upper_secondary", 15, 18),
    ("post_secondary", 19, 21),
)
AGE_GROUP_IDS: tuple[str, ...] = tuple(group for group, _low, _high in AGE_GROUPS)


def age_group(age_min: int, age_max: int) -> str:
    """The age group of a project for pupils aged ``age_min`` to ``age_max``."""
    middle = (age_min + age_max) // 2
    for group, _low, high in AGE_GROUPS:
        if middle <= high:
            return group
    return AGE_GROUPS[-1][0]


@dataclass(frozen=True, kw_only=True)
class Filters:
    """What the office narrows the figures to; None means every value.

    ``country`` is a partner's country (ISO 3166 alpha-2): a project counts for each
    country of its partner schools. ``region`` is the applicant school's region.
    """

    round_id: int | None = None
    school_year: str | None = None
    country: str | None = None
    region: str | None = None
    age_group: str | None = None
    subject: str | None = None


#: What a spreadsheet reads as the start of a formula (OWASP's "CSV injection" list), once
#: the cell is compared in NFKC form: the full-width "＝＋－＠" (and small or superscript
#: forms) count as what they look like, and so does the minus sign "−".
FORMULA_SIGNS: frozenset[str] = frozenset("=+-@\u2212")
#: Tab and carriage return at the very start of a cell may turn into a formula once the
#: cell is split or trimmed: such a cell gets a quote in front too.
FORMULA_STARTS: tuple[str, ...] = ("\t", "\r")
#: Where a reader may start a new cell inside our text: a spreadsheet opening the file with
#: ";" as its separator (a French Excel) splits at every ";" of a comment, even a quoted
#: one that is not at the start of its field, and a new line there starts a new row.
CELL_BREAKS = re.compile(r"[,;\t\r\n]")

#: A cell start whose first visible character is neither a letter, a digit nor "_" (no such
#: character is a sign in NFKC form): only texts with one are looked at closely.
_SUSPECT = re.compile(r'(?:^|[,;\t\r\n])[\s"]*[^\w\s"]')


def _skipped(char: str) -> bool:
    """What a reader may drop before a cell's first visible character: spaces (any kind),
    control and format characters (zero-width ones included) and quote marks."""
    return char.isspace() or (not char.isalnum() and (char == '"' or unicodedata.category(char) in ("Cc", "Cf")))


def _formula_at(text: str, start: int, stop: int) -> int | None:
    """Where the formula sign is if the text from ``start`` opens like a formula, skipping
    what a reader may drop first; None if it does not. The skipping ends at ``stop``, the
    next cell start: from there on that start gives the same answer, and each character is
    looked at once (a text of many tabs would otherwise take quadratic time)."""
    index = start
    while index < stop and _skipped(text[index]):
        index += 1
    if index == stop or text[index].isalnum():
        return None
    return index if unicodedata.normalize("NFKC", text[index])[:1] in FORMULA_SIGNS else None


def csv_safe(value: Any) -> Any:
    """A cell for a CSV file a spreadsheet will open: wherever a reader could see a cell
    start (the start of the text, or just after a "," ";" tab or new line in it) and it
    opens like a formula, after spaces, invisible characters or quotes and in full-width
    form too, a single quote goes just before the sign, so "=HYPERLINK(...)" typed in a
    project's subjects or "Merci;=cmd|..." in a comment is shown as text and never run,
    however the file is split. Text starting with a tab or carriage return gets a quote in
    front. Anything that is not text (numbers, None) is returned as it is: a negative
    number is not a formula."""
    if not isinstance(value, str):
        return value
    if not value.startswith(FORMULA_STARTS) and _SUSPECT.search(value) is None:
        return value  # the common case, answered fast
    starts = [0, *(match.end() for match in CELL_BREAKS.finditer(value))]
    stops = [*starts[1:], len(value)]
    found = (_formula_at(value, start, stop) for start, stop in zip(starts, stops, strict=False))
    signs = sorted({sign for sign in found if sign is not None})
    if not signs and not value.startswith(FORMULA_STARTS):
        return value
    pieces, previous = [], 0
    for sign in signs:
        pieces += [value[previous:sign], "'"]
        previous = sign
    safe = "".join(pieces) + value[previous:]
    return "'" + safe if safe.startswith(FORMULA_STARTS) else safe


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell: text through :func:`csv_safe`; None and NaN empty; booleans
    ``true``/``false``; dates in ISO form; numbers as they are."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        return csv_safe(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return value


def csv_writer(out: IO[str]) -> CsvWriter:
    """A writer of CSV rows to ``out`` (a text file object opened with ``newline=""``),
    every cell through :func:`csv_cell`. Every text cell is quoted, numbers are not: a
    reader that splits at ";" or "," outside quotes never splits a text, and a number stays
    a number. Every CSV file of the suite is written with it."""
    return CsvWriter(csv.writer(out, quoting=csv.QUOTE_NONNUMERIC))


class CsvWriter:
    """Rows written through :func:`csv_cell` (see :func:`csv_writer`)."""

    def __init__(self, writer: Any) -> None:
        self._writer = writer

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        self._writer.writerows([csv_cell(value) for value in row] for row in rows)


def csv_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV file of ``rows`` under ``header`` (see :func:`csv_writer`). UTF-8 with a
    byte-order mark, so spreadsheets read accents."""
    out = io.StringIO(newline="")
    writer = csv_writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")
