"""The conflicts of a juror with applications, as the domain rules find them
(:mod:`assess.domain.conflicts`) from the stored ones, the schools, the juror's standing
conflicts and the waivers: building blocks of the jury's services, which check who asks.
Every service that asks whether a juror may meet an application asks :func:`kinds_of`,
:func:`conflicted_applications` or :func:`round_conflicts`; all three find through
:func:`assess.domain.conflicts.conflicts_found`."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assess.domain import conflicts as rules
from assess.domain.conflicts import AUTOMATIC_KINDS, ApplicationPlace, ConflictKind, JurorPlace
from assess.domain.permissions import Actor
from assess.services import audit
from assess.storage.models import Application, ConflictWaiver, Project, Round, School, StandingConflict, User
from assess.storage.models import Conflict as ConflictOfInterest


def application_place(application: Application) -> ApplicationPlace:
    project: Project = application.project
    schools = {p.school_id for p in project.partners}
    if project.school_id is not None:
        schools.add(project.school_id)
    return ApplicationPlace(
        applicant_ids=frozenset(i for i in (application.teacher_id, project.owner_id) if i is not None),
        school_ids=frozenset(schools),
        country=project.school.country if project.school else None,
        region=project.school.region if project.school else None,
    )


Standing = tuple[frozenset[int], frozenset[int]]
NO_STANDING: Standing = (frozenset(), frozenset())


def standing_of(session: Session, juror_ids: Iterable[int]) -> dict[int, Standing]:
    """juror -> (teachers, schools) of their standing conflicts, in one query."""
    ids = list(juror_ids)
    if not ids:
        return {}
    teachers: dict[int, set[int]] = {}
    schools: dict[int, set[int]] = {}
    for juror, teacher, school in session.execute(
            select(StandingConflict.juror_id, StandingConflict.teacher_id, StandingConflict.school_id)
            .where(StandingConflict.juror_id.in_(ids))):
        if teacher is not None:
            teachers.setdefault(juror, set()).add(teacher)
        if school is not None:
            schools.setdefault(juror, set()).add(school)
    return {j: (frozenset(teachers.get(j, ())), frozenset(schools.get(j, ()))) for j in set(teachers) | set(schools)}


def juror_place(juror: User, school: School | None, standing: Standing) -> JurorPlace:
    """``standing``: the juror's standing conflicts (:func:`standing_of`), asked for every
    time, so that no caller finds conflicts without them by forgetting to pass them."""
    return JurorPlace(juror_id=juror.id, school_id=juror.school_id if school is not None else None,
                      country=school.country if school else None, region=school.region if school else None,
                      standing_teachers=standing[0], standing_schools=standing[1])


def waived_kinds(session: Session, *, application_ids: Iterable[int], juror_id: int | None = None
            ) -> dict[tuple[int, int], frozenset[str]]:
    """(juror, application) -> the kinds the office waived."""
    ids = list(application_ids)
    if not ids:
        return {}
    query = select(ConflictWaiver.juror_id, ConflictWaiver.application_id, ConflictWaiver.kind).where(
        ConflictWaiver.application_id.in_(ids))
    if juror_id is not None:
        query = query.where(ConflictWaiver.juror_id == juror_id)
    found: dict[tuple[int, int], set[str]] = {}
    for juror, application, kind in session.execute(query):
        found.setdefault((juror, application), set()).add(kind)
    return {pair: frozenset(kinds) for pair, kinds in found.items()}


def _found(juror: User, school: School | None, application: Application, waived: frozenset[str],
           standing: Standing) -> tuple[ConflictKind, ...]:
    return rules.conflicts_found(juror_place(juror, school, standing), application_place(application),
                                 region_conflicts=application.round.region_conflicts, waived=waived)


def kinds_of(session: Session, *, juror_id: int, application: Application) -> list[str]:
    """Why this juror may not see this application: the stored conflicts and the ones
    found now (own application, same school, same region when the round asks, the
    juror's standing conflicts), less the ones the office waived."""
    stored = list(session.scalars(select(ConflictOfInterest.kind).where(
        ConflictOfInterest.juror_id == juror_id, ConflictOfInterest.application_id == application.id)))
    juror = session.get(User, juror_id)
    if juror is None:
        return stored
    school = session.get(School, juror.school_id) if juror.school_id else None
    waived = waived_kinds(session, application_ids=[application.id], juror_id=juror_id).get(
        (juror_id, application.id), frozenset())
    standing = standing_of(session, [juror_id]).get(juror_id, NO_STANDING)
    return sorted((set(stored) - waived) | set(_found(juror, school, application, waived, standing)))


def conflicted_applications(session: Session, *, juror_id: int, applications: list[Application]) -> set[int]:
    """The ids of the applications for which :func:`kinds_of` is not empty, in four
    queries whatever their number."""
    ids = [a.id for a in applications]
    if not ids:
        return set()
    found = set(session.scalars(select(ConflictOfInterest.application_id).where(
        ConflictOfInterest.juror_id == juror_id, ConflictOfInterest.application_id.in_(ids))))
    juror = session.get(User, juror_id)
    if juror is None:
        return found
    school = session.get(School, juror.school_id) if juror.school_id else None
    waived = waived_kinds(session, application_ids=ids, juror_id=juror_id)
    standing = standing_of(session, [juror_id]).get(juror_id, NO_STANDING)
    return found | {a.id for a in applications
                    if _found(juror, school, a, waived.get((juror_id, a.id), frozenset()), standing)}


def round_conflicts(session: Session, *, actor: Actor, round_: Round, applications: list[Application],
                    jurors: list[User]) -> tuple[dict[tuple[int, int], list[str]], int]:
    """(juror, application) -> conflict kinds, for the whole round; stores the automatic
    ones not stored yet (nor waived) and returns how many it stored. Checks no actor:
    the caller (``jury.auto_assign``) has."""
    schools = {s.id: s for s in session.scalars(select(School).where(
        School.id.in_([j.school_id for j in jurors if j.school_id is not None])))}
    waived = waived_kinds(session, application_ids=[a.id for a in applications])
    standing = standing_of(session, [j.id for j in jurors])
    kinds: dict[tuple[int, int], list[str]] = {}
    for juror_id, application_id, kind in session.execute(
        select(ConflictOfInterest.juror_id, ConflictOfInterest.application_id, ConflictOfInterest.kind)
        .join(Application, Application.id == ConflictOfInterest.application_id)
        .where(Application.round_id == round_.id)
    ):
        kinds.setdefault((juror_id, application_id), []).append(kind)
    stored = 0
    for application in applications:
        place = application_place(application)
        for juror in jurors:
            school = schools.get(juror.school_id) if juror.school_id is not None else None
            found = rules.conflicts_found(juror_place(juror, school, standing.get(juror.id, NO_STANDING)), place,
                                          region_conflicts=round_.region_conflicts,
                                          waived=waived.get((juror.id, application.id), frozenset()))
            known = kinds.setdefault((juror.id, application.id), [])
            for kind in found:
                if kind in known:
                    continue
                known.append(kind)
                if kind in AUTOMATIC_KINDS:
                    _, new = store_conflict(session, actor=actor, juror_id=juror.id,
                                            application_id=application.id, kind=kind)
                    stored += new
            if not known:
                del kinds[(juror.id, application.id)]
    return kinds, stored


def stored_conflict(session: Session, *, juror_id: int, application_id: int, kind: str) -> ConflictOfInterest | None:
    return session.scalar(select(ConflictOfInterest).where(
        ConflictOfInterest.juror_id == juror_id, ConflictOfInterest.application_id == application_id,
        ConflictOfInterest.kind == kind))


def store_conflict(session: Session, *, actor: Actor, juror_id: int, application_id: int, kind: str,
                   note: str = "") -> tuple[ConflictOfInterest, bool]:
    """The stored conflict and whether it is new (audited when it is). Checks no actor:
    its callers (``declare_conflict``, :func:`round_conflicts`) have decided who may."""
    found = stored_conflict(session, juror_id=juror_id, application_id=application_id, kind=kind)
    if found is not None:
        return found, False
    stored = ConflictOfInterest(juror_id=juror_id, application_id=application_id, kind=kind, note=note,
                                created_by=actor.id)
    try:
        with session.begin_nested():
            session.add(stored)
    except IntegrityError:  # declared at the same moment by someone else
        again = stored_conflict(session, juror_id=juror_id, application_id=application_id, kind=kind)
        assert again is not None
        return again, False
    audit.record(session, actor=actor, action="jury.conflict", entity_type="application", entity_id=application_id,
                 details={"juror": juror_id, "kind": kind, "note": bool(note)})
    return stored, True
