"""Rubrics as used: the installed files, and the snapshots stored results are read against
(see assess.services.snapshots)."""

from __future__ import annotations

import re
from enum import StrEnum

from assess.domain.rubric import Rubric
from assess.services import _snapshots
from assess.services._installed_rubrics import installed as installed  # re-exported: used across the services
from assess.services._installed_rubrics import installed_rubric as installed_rubric
from assess.storage.models import RubricVersion


def from_snapshot(stored: RubricVersion) -> Rubric:
    return _snapshots.from_snapshot(stored, Rubric)


# --- which rubric a self-assessment starts with -----------------------------------------------

class Proposal(StrEnum):
    """Why a rubric is proposed, for the hint beside the choice."""

    SETTING = "setting"  # the office's default_rubric setting
    SCHOOL_YEAR = "school_year"  # its period covers the project's school year
    NEWEST = "newest"  # nothing matched: the newest generation


def period_years(period: str) -> tuple[int, int | None] | None:
    """A rubric's ``period`` as first and last years: "2006-2013" -> (2006, 2013), "2021-" ->
    (2021, None); None when it is not written that way (the field is free text)."""
    match = re.fullmatch(r"\s*(\d{4})\s*[-–]\s*(\d{4})?\s*", period or "")
    if not match:
        return None
    return int(match[1]), (int(match[2]) if match[2] else None)


def _newest(candidates: list[Rubric]) -> Rubric:
    return max(candidates, key=lambda r: ((period_years(r.period) or (0, None))[0], r.id))


def for_school_year(candidates: list[Rubric], school_year_start: int) -> tuple[Rubric, Proposal]:
    """The rubric whose period holds the school year starting in ``school_year_start``; the
    newest of them when periods meet at a boundary year ("2014-2021" and "2021-": 2021-22 is
    the new generation's first year); the newest installed one when none holds it."""
    matching = []
    for rubric in candidates:
        years = period_years(rubric.period)
        if years and years[0] <= school_year_start and (years[1] is None or school_year_start <= years[1]):
            matching.append(rubric)
    if matching:
        return _newest(matching), Proposal.SCHOOL_YEAR
    return _newest(candidates), Proposal.NEWEST
