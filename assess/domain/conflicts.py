"""Conflicts of interest, from plain facts: who may not judge which application, and why.

Pure functions, no database: :mod:`assess.services.jury.conflicts` reads the schools of
the juror and of the applicant project, builds the facts below and asks these functions.

- ``own_application``: the juror is the applicant teacher or owns the project (never
  stored: a juror is simply never asked to judge their own application);
- ``same_school``: the juror's school is the project's school or one of its partners;
- ``same_region``: when the round asks for it, same country and region (compared without
  case or surrounding spaces).

The two last ones are *automatic*: found from the schools, stored when assigning, and the
office may waive one of them for one juror and one application (a juror from a large
school's other campus...). The declared kinds are stored when someone declares them.

- ``standing_teacher``, ``standing_school``: a *standing* conflict of the juror with a
  teacher (the applicant teacher or the project's owner) or with a school (the project's
  or a partner's), in every round (a spouse, a former colleague). Found, never stored per
  application, never waived: the office removes the standing conflict itself.

:func:`conflicts_found` is the one rule that finds them all; the services ask it wherever
a juror meets an application (assigning, the juror's own pages, the office's checks).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ConflictKind(StrEnum):
    SAME_SCHOOL = "same_school"
    SAME_REGION = "same_region"
    DECLARED_BY_JUROR = "declared_by_juror"
    DECLARED_BY_TEACHER = "declared_by_teacher"
    OFFICE = "office"
    #: Not stored, but reported.
    OWN_APPLICATION = "own_application"
    #: Not stored: found from the juror's standing conflicts, in every round.
    STANDING_TEACHER = "standing_teacher"
    STANDING_SCHOOL = "standing_school"


#: Found from the schools; the ones the office may waive for one application.
AUTOMATIC_KINDS: frozenset[ConflictKind] = frozenset({ConflictKind.SAME_SCHOOL, ConflictKind.SAME_REGION})


def region_key(region: str | None) -> str | None:
    """How regions compare: without case or surrounding spaces; None when empty."""
    return (region or "").strip().casefold() or None


@dataclass(frozen=True)
class JurorPlace:
    """Where a juror works."""

    juror_id: int
    school_id: int | None
    country: str | None
    region: str | None
    #: The teachers (account ids) and schools (ids) of the juror's standing conflicts.
    standing_teachers: frozenset[int] = frozenset()
    standing_schools: frozenset[int] = frozenset()


@dataclass(frozen=True)
class ApplicationPlace:
    """Who applies and from where: the applicant teacher and project owner, the project's
    school and its partners' schools, the project's school's country and region."""

    applicant_ids: frozenset[int]
    school_ids: frozenset[int]
    country: str | None
    region: str | None


def own_application(juror: JurorPlace, application: ApplicationPlace) -> bool:
    return juror.juror_id in application.applicant_ids


def same_school(juror: JurorPlace, application: ApplicationPlace) -> bool:
    return juror.school_id is not None and juror.school_id in application.school_ids


def same_region(juror: JurorPlace, application: ApplicationPlace) -> bool:
    region = region_key(application.region)
    return (region is not None and juror.school_id is not None and juror.country == application.country
            and region_key(juror.region) == region)


def automatic_conflicts(juror: JurorPlace, application: ApplicationPlace, *, region_conflicts: bool,
                        waived: frozenset[str] = frozenset()) -> tuple[ConflictKind, ...]:
    """The conflicts found from the places, in a fixed order, less the ``waived`` kinds
    (an own application is never waived)."""
    found = []
    if own_application(juror, application):
        found.append(ConflictKind.OWN_APPLICATION)
    if same_school(juror, application) and ConflictKind.SAME_SCHOOL not in waived:
        found.append(ConflictKind.SAME_SCHOOL)
    if region_conflicts and same_region(juror, application) and ConflictKind.SAME_REGION not in waived:
        found.append(ConflictKind.SAME_REGION)
    return tuple(found)


def standing_conflicts(juror: JurorPlace, application: ApplicationPlace) -> tuple[ConflictKind, ...]:
    """The standing conflicts the application meets: its teacher or project owner, its
    school or a partner's school."""
    found = []
    if juror.standing_teachers & application.applicant_ids:
        found.append(ConflictKind.STANDING_TEACHER)
    if juror.standing_schools & application.school_ids:
        found.append(ConflictKind.STANDING_SCHOOL)
    return tuple(found)


def conflicts_found(juror: JurorPlace, application: ApplicationPlace, *, region_conflicts: bool,
                    waived: frozenset[str] = frozenset()) -> tuple[ConflictKind, ...]:
    """Every conflict found rather than stored: the automatic ones (less the ``waived``
    kinds) then the standing ones, in a fixed order."""
    return (automatic_conflicts(juror, application, region_conflicts=region_conflicts, waived=waived)
            + standing_conflicts(juror, application))


def waivable(kind: str, juror: JurorPlace, application: ApplicationPlace, *, region_conflicts: bool) -> bool:
    """Whether the office may waive ``kind`` for this juror and application: an automatic
    kind that the places actually give (waiving a conflict that is not there would say
    nothing true)."""
    return kind in AUTOMATIC_KINDS and kind in automatic_conflicts(juror, application,
                                                                   region_conflicts=region_conflicts)
