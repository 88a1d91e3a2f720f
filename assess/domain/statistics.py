"""National statistics: the axes the office counts by, and how a project falls on them.

Pure code, shared by the dashboard (assess/services/statistics.py) and the exports
(assess/services/exports.py): both must put a project in the same age group.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Sequence

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


#: What a spreadsheet reads as the start of a formula (or, for tab and carriage return, may
#: turn into one once the cell is split or trimmed): OWASP's "CSV injection" list.
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """A cell for a CSV file a spreadsheet will open: text starting like a formula gets a
    single quote in front, so "=HYPERLINK(...)" typed in a project's subjects is shown as
    text and never run. Anything that is not text (numbers, None) is returned as it is: a
    negative number is not a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


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


def csv_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV file of ``rows`` under ``header``, every cell through :func:`csv_cell`. UTF-8
    with a byte-order mark, so spreadsheets read accents."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(value) for value in header])
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")
