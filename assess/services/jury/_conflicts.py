"""The conflicts of a juror with applications, as the domain rules find them
(:mod:`assess.domain.conflicts`) from the stored ones, the schools and the waivers:
building blocks of the jury's services, which check who asks."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assess.domain import conflicts as rules
from assess.domain.conflicts import AUTOMATIC_KINDS, ApplicationPlace, ConflictKind, JurorPlace
from assess.domain.permissions import Actor
from assess.services import audit
from assess.storage.models import Application, ConflictWaiver, Project, Round, School, User
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


def juror_place(juror: User, school: School | None) -> JurorPlace:
    return JurorPlace(juror_id=juror.id, school_id=juror.school_id if school is not None else None,
                      country=school.country if school else None, region=school.region if school else None)


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


def _found(juror: User, school: School | None, application: Application, waived: frozenset[str]
           ) -> tuple[ConflictKind, ...]:
    return rules.automatic_conflicts(juror_place(juror, school), application_place(application),
                                     region_conflicts=application.round.region_conflicts, waived=waived)


def kinds_of(session: Session, *, juror_id: int, application: Application) -> list[str]:
    """Why this juror may not see this application: the stored conflicts and the ones
    found now (own application, same school, same region when the round asks), less the
    ones the office waived."""
    stored = list(session.scalars(select(ConflictOfInterest.kind).where(
        ConflictOfInterest.juror_id == juror_id, ConflictOfInterest.application_id == application.id)))
    juror = session.get(User, juror_id)
    if juror is None:
        return stored
    school = session.get(School, juror.school_id) if juror.school_id else None
    waived = waived_kinds(session, application_ids=[application.id], juror_id=juror_id).get(
        (juror_id, application.id), frozenset())
    return sorted((set(stored) - waived) | set(_found(juror, school, application, waived)))


def conflicted_applications(session: Session, *, juror_id: int, applications: list[Application]) -> set[int]:
    """The ids of the applications for which :func:`kinds_of` is not empty, in three
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
    return found | {a.id for a in applications if _found(juror, school, a, waived.get((juror_id, a.id), frozenset()))}


def round_conflicts(session: Session, *, actor: Actor, round_: Round, applications: list[Application],
                    jurors: list[User]) -> tuple[dict[tuple[int, int], list[str]], int]:
    """(juror, application) -> conflict kinds, for the whole round; stores the automatic
    ones not stored yet (nor waived) and returns how many it stored. Checks no actor:
    the caller (``jury.auto_assign``) has."""
    schools = {s.id: s for s in session.scalars(select(School).where(
        School.id.in_([j.school_id for j in jurors if j.school_id is not None])))}
    waived = waived_kinds(session, application_ids=[a.id for a in applications])
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
            found = rules.automatic_conflicts(juror_place(juror, school), place,
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
