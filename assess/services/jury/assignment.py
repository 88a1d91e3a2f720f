"""Who judges what: the automatic assignment (balanced loads, N distinct jurors without
conflict per application when possible; the office is told which applications are short
and why), by hand, taking a juror off, one juror more after a disagreement. Existing
assignments are kept."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from assess.domain.assignment import Shortage, assign
from assess.domain.permissions import Actor
from assess.domain.states import ApplicationStatus, AssignmentOrigin
from assess.i18n import t
from assess.services import audit, rounds
from assess.services.access import authorize
from assess.services.errors import Conflict, FieldError, InvalidInput, NotFound, ServiceError
from assess.services.jury._capacity import capacities, refuse_beyond_capacity
from assess.services.jury._common import (
    active_juror,
    find_application,
    find_round,
    jury_members,
    refuse_if_published,
    round_applications,
)
from assess.services.jury._conflicts import kinds_of
from assess.services.jury.conflicts import ConflictedJuror, round_conflicts
from assess.storage.models import Application, Assignment, Project, School, User


class NoExtraJuror(ServiceError):
    """No juror can be added to the application; the reason (the shortage) is translated
    with the message, in the reader's language."""

    def __init__(self, shortage: Shortage | None):
        self.shortage = shortage
        super().__init__("jury.errors.no_extra_juror", reason="")

    def message(self, lang: str) -> str:
        found = self.shortage
        reason = t(found.message_key, lang, **found.message_values) if found is not None else ""
        return t(self.key, lang, reason=reason).strip()


def jurors_for_round(session: Session, *, actor: Actor, round_id: int) -> list[User]:
    """The jurors who may judge in this round (office): demonstration jurors in a
    demonstration round, the others in a real one (:func:`jury_members`)."""
    authorize(session, actor, "round.manage")
    return jury_members(session, for_round=find_round(session, round_id))


@dataclass(frozen=True)
class ApplicationToAssign:
    """A submitted application as the office's list of a round shows it."""

    id: int
    project_title: str
    teacher_name: str
    #: The applicant school's name, region and country ("" when the project has none).
    school_name: str
    school_region: str
    school_country: str


def applications_to_assign(session: Session, *, actor: Actor, round_id: int) -> list[ApplicationToAssign]:
    """The round's submitted applications by id, with their projects' titles, teachers'
    names and schools (office): one query of plain columns. The rounds page loaded a
    national round's 1,000 applications with their texts, projects, partners and schools,
    and every account with its roles, to show these: 0.45 s of every click."""
    authorize(session, actor, "round.manage")
    found = find_round(session, round_id)
    rows = session.execute(
        select(Application.id, Project.title, User.display_name, School.name, School.region, School.country)
        .join(Project, Project.id == Application.project_id)
        .join(User, User.id == Application.teacher_id)
        .outerjoin(School, School.id == Project.school_id)
        .where(Application.round_id == found.id, Application.status == ApplicationStatus.SUBMITTED)
        .order_by(Application.id))
    return [ApplicationToAssign(id_, title, teacher, school or "", region or "", country or "")
            for id_, title, teacher, school, region, country in rows]


@dataclass(frozen=True)
class AssignmentReport:
    """What :func:`auto_assign` did: the new pairs, every juror's load in the round, the
    applications left short and why (one sentence each), the conflicts it found."""

    round_id: int
    per_application: int
    created: tuple[tuple[int, int], ...]  # (juror id, application id)
    loads: Mapping[int, int]
    short: Mapping[int, int]
    shortages: tuple[Shortage, ...]
    juror_names: Mapping[int, str]
    conflicts_found: int
    #: Existing assignments found in conflict now (e.g. a juror's school changed); removed
    #: when no score was saved, else kept and listed here for the office.
    conflicted_kept: tuple[tuple[int, int], ...] = ()
    removed: tuple[tuple[int, int], ...] = ()

    def explain(self, lang: str = "en") -> tuple[str, ...]:
        """One sentence per application left short, in ``lang``."""
        return tuple(t(s.message_key, lang, **s.message_values) for s in self.shortages)

    def to_dict(self, *, lang: str = "en") -> dict:
        return {
            "round": self.round_id,
            "per_application": self.per_application,
            "created": [{"juror": j, "application": a} for j, a in self.created],
            "loads": [{"juror": j, "name": self.juror_names.get(j, ""), "load": n} for j, n in sorted(self.loads.items())],
            "short": [{"application": s.application, "missing": s.missing, "reason": s.reason.value,
                       "explanation": t(s.message_key, lang, **s.message_values)} for s in self.shortages],
            "conflicts_found": self.conflicts_found,
            "conflicted_kept": [{"juror": j, "application": a} for j, a in self.conflicted_kept],
            "removed": [{"juror": j, "application": a} for j, a in self.removed],
        }



def auto_assign(session: Session, *, actor: Actor, round_id: int, per_application: int | None = None) -> AssignmentReport:
    """Assign jurors to every submitted application of the round: ``per_application``
    (default: the round's) distinct jurors without conflict each, loads balanced, the
    assignments made earlier kept. Conflicts found on the way are stored. Existing
    assignments now in conflict are removed when no score was saved on them."""
    authorize(session, actor, "round.manage")
    round_ = find_round(session, round_id)
    refuse_if_published(round_)
    n = round_.per_application if per_application is None else per_application
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= rounds.PER_APPLICATION_MAX:
        raise InvalidInput([FieldError("per_application", "jury.errors.per_application",
                                       {"max": rounds.PER_APPLICATION_MAX})])
    applications = round_applications(session, round_.id)
    jurors = jury_members(session, for_round=round_)
    kinds, found = round_conflicts(session, actor=actor, round_=round_, applications=applications, jurors=jurors)
    juror_ids = {j.id for j in jurors}
    app_ids = {a.id for a in applications}

    existing, kept, removed = [], [], []
    for assignment in session.scalars(
        select(Assignment).join(Application, Application.id == Assignment.application_id)
        .where(Application.round_id == round_.id).options(selectinload(Assignment.scores))
    ):
        pair = (assignment.juror_id, assignment.application_id)
        if assignment.juror_id not in juror_ids or assignment.application_id not in app_ids:
            continue  # a juror no longer in the jury, a withdrawn application: left as they are
        if pair in kinds:
            if assignment.scores:
                kept.append(pair)
                existing.append(pair)
            else:
                removed.append(pair)
                audit.record(session, actor=actor, action="jury.unassign", entity_type="application",
                             entity_id=assignment.application_id,
                             details={"juror": assignment.juror_id, "reason": ",".join(kinds[pair]), "scores": 0})
                session.delete(assignment)
        else:
            existing.append(pair)
    conflicts = {pair for pair in kinds if pair not in set(kept)}
    result = assign(applications=sorted(app_ids), jurors=sorted(juror_ids), per_application=n,
                    conflicts=conflicts, existing=existing, capacity=capacities(jurors))
    for juror_id, application_id in result.pairs:
        session.add(Assignment(application_id=application_id, juror_id=juror_id, origin=AssignmentOrigin.AUTO, created_by=actor.id))
        audit.record(session, actor=actor, action="jury.assign", entity_type="application", entity_id=application_id,
                     details={"juror": juror_id, "origin": AssignmentOrigin.AUTO})
    session.flush()
    audit.record(session, actor=actor, action="jury.auto_assign", entity_type="round", entity_id=round_.id,
                 details={"per_application": n, "created": len(result.pairs), "short": {str(k): v for k, v in result.short.items()},
                          "conflicts_found": found})
    return AssignmentReport(
        round_id=round_.id, per_application=n, created=result.pairs, loads=dict(result.loads), short=dict(result.short),
        shortages=result.shortages, juror_names={j.id: j.display_name for j in jurors}, conflicts_found=found,
        conflicted_kept=tuple(sorted(kept)), removed=tuple(sorted(removed)),
    )


def assign_juror(session: Session, *, actor: Actor, application_id: int, juror_id: int,
                 origin: str = AssignmentOrigin.MANUAL) -> Assignment:
    """Assign a juror to an application by hand (office). Refuses a juror in conflict
    (:class:`ConflictedJuror`, saying why in the reader's language) and a juror who has
    their maximum of applications in the round (``jury.errors.at_capacity``); an
    existing assignment is returned."""
    authorize(session, actor, "round.manage")
    application = find_application(session, application_id)
    refuse_if_published(application.round)
    if application.status != ApplicationStatus.SUBMITTED:
        raise Conflict("jury.errors.withdrawn")
    juror = active_juror(session, juror_id, for_round=application.round)
    kinds = kinds_of(session, juror_id=juror.id, application=application)
    if kinds:
        raise ConflictedJuror(kinds)
    found = session.scalar(select(Assignment).where(Assignment.application_id == application.id,
                                                    Assignment.juror_id == juror.id))
    if found is not None:
        return found
    refuse_beyond_capacity(session, juror=juror, round_=application.round)
    stored = Assignment(application_id=application.id, juror_id=juror.id, origin=origin, created_by=actor.id)
    session.add(stored)
    session.flush()
    audit.record(session, actor=actor, action="jury.assign", entity_type="application", entity_id=application.id,
                 details={"juror": juror.id, "origin": origin})
    return stored


def unassign_juror(session: Session, *, actor: Actor, application_id: int, juror_id: int, force: bool = False) -> None:
    """Take a juror off an application (office). Refused once they saved a score
    (``jury.errors.has_scores``) unless ``force``: their scores are then deleted too."""
    authorize(session, actor, "round.manage")
    application = find_application(session, application_id)
    refuse_if_published(application.round)
    stored = session.scalar(select(Assignment).where(Assignment.application_id == application.id,
                                                     Assignment.juror_id == juror_id))
    if stored is None:
        raise NotFound()
    if stored.scores and not force:
        raise Conflict("jury.errors.has_scores", count=len(stored.scores))
    audit.record(session, actor=actor, action="jury.unassign", entity_type="application", entity_id=application.id,
                 details={"juror": juror_id, "scores": len(stored.scores), "forced": bool(force and stored.scores)})
    session.delete(stored)
    session.flush()


def request_extra_juror(session: Session, *, actor: Actor, application_id: int) -> Assignment:
    """Add one juror to an application (after a disagreement), chosen by the assignment
    algorithm among the jurors without conflict, the least loaded in the round first.
    ``jury.errors.no_extra_juror`` (with the reason) when nobody can be added."""
    authorize(session, actor, "round.manage")
    application = find_application(session, application_id)
    round_ = application.round
    refuse_if_published(round_)
    if application.status != ApplicationStatus.SUBMITTED:
        raise Conflict("jury.errors.withdrawn")
    jurors = jury_members(session, for_round=round_)
    juror_ids = {j.id for j in jurors}
    existing = [
        (j, a) for j, a in session.execute(
            select(Assignment.juror_id, Assignment.application_id)
            .join(Application, Application.id == Assignment.application_id)
            .where(Application.round_id == round_.id)
        ) if j in juror_ids
    ]
    on_it = [pair for pair in existing if pair[1] == application.id]
    conflicts = {(j.id, application.id) for j in jurors if (j.id, application.id) not in set(on_it)
                 and kinds_of(session, juror_id=j.id, application=application)}
    result = assign(applications=[application.id], jurors=sorted(juror_ids), per_application=len(on_it),
                    conflicts=conflicts, existing=existing, extra_for=[application.id], capacity=capacities(jurors))
    if not result.pairs:
        raise NoExtraJuror(result.shortages[0] if result.shortages else None)
    (juror_id, _), = result.pairs
    stored = Assignment(application_id=application.id, juror_id=juror_id, origin=AssignmentOrigin.EXTRA, created_by=actor.id)
    session.add(stored)
    session.flush()
    audit.record(session, actor=actor, action="jury.assign", entity_type="application", entity_id=application.id,
                 details={"juror": juror_id, "origin": AssignmentOrigin.EXTRA})
    return stored

