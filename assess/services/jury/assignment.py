"""Who judges what: the automatic assignment (balanced loads, N distinct jurors without
conflict per application when possible; the office is told which applications are short
and why), by hand, taking a juror off, one juror more after a disagreement. Existing
assignments are kept."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
from assess.services.jury._conflicts import kinds_of, round_conflicts
from assess.services.jury.conflicts import ConflictedJuror
from assess.storage.models import Application, Assignment, Project, Round, School, User


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


def _refuse_unassignable(session: Session, *, application: Application, juror: User) -> Assignment | None:
    """The rules of an assignment by hand, for one juror and one submitted application:
    :class:`ConflictedJuror` (why, in sentences) for a juror in conflict, the juror's
    assignment when they have it already, ``jury.errors.at_capacity`` when they have their
    maximum of applications in the round, else None (the juror may be assigned). One rule
    for :func:`assign_juror` and :func:`reassign`."""
    kinds = kinds_of(session, juror_id=juror.id, application=application)
    if kinds:
        raise ConflictedJuror(kinds)
    found = session.scalar(select(Assignment).where(Assignment.application_id == application.id,
                                                    Assignment.juror_id == juror.id))
    if found is not None:
        return found
    refuse_beyond_capacity(session, juror=juror, round_=application.round)
    return None


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
    found = _refuse_unassignable(session, application=application, juror=juror)
    if found is not None:
        return found
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



# --- moving applications from one juror to another -------------------------------------------

#: Applications moved at once at most: more than any juror's load in a round.
REASSIGN_MAX = 2000


@dataclass(frozen=True)
class Unmovable:
    """An application that cannot move, and why (a service error, put into words in the
    reader's language)."""

    application_id: int
    title: str  # empty when the application is not one of the round's
    reason: ServiceError

    def sentence(self, lang: str) -> str:
        reason = self.reason.message(lang)
        if not self.title:
            return t("jury.errors.reassign_line_unknown", lang, application=self.application_id, reason=reason)
        return t("jury.errors.reassign_line", lang, application=self.application_id, title=self.title, reason=reason)


class ReassignmentRefused(Conflict):
    """Nothing was moved: a sentence names each application that cannot move and why."""

    def __init__(self, *, name: str, unmovable: tuple[Unmovable, ...]):
        self.unmovable = unmovable
        super().__init__("jury.errors.reassign_refused", count=len(unmovable), name=name)
        self.args = (self.message("en"),)

    def lines(self, lang: str) -> list[str]:
        return [u.sentence(lang) for u in self.unmovable]

    def message(self, lang: str) -> str:
        return "\n".join([t(self.key, lang, **self.params), *self.lines(lang)])


class ReassignmentDropsScores(Conflict):
    """The old juror saved scores on some of the applications: moving them deletes those
    scores, so the office confirms first (``confirm=True``)."""

    def __init__(self, *, name: str, applications: int, scores: int, submitted: int):
        super().__init__("jury.errors.reassign_drops_scores", name=name, applications=applications, scores=scores,
                         submitted=submitted)


@dataclass(frozen=True)
class Reassignment:
    """What :func:`reassign` did."""

    round_id: int
    from_juror_id: int
    from_name: str
    to_juror_id: int
    to_name: str
    moved: tuple[int, ...]  # application ids
    scores_dropped: int  # the old juror's scores deleted with their assignments

    def to_dict(self) -> dict:
        return {"round": self.round_id, "from": {"juror": self.from_juror_id, "name": self.from_name},
                "to": {"juror": self.to_juror_id, "name": self.to_name}, "moved": list(self.moved),
                "scores_dropped": self.scores_dropped}


def _reassign_input(session: Session, round_: Round, *, from_juror_id: int | None, to_juror_id: int | None,
                    application_ids: Iterable[int]) -> tuple[list[int], User, User]:
    errors = []
    wanted = sorted(set(application_ids))
    if not wanted:
        errors.append(FieldError("application_ids", "jury.errors.reassign_none", {}))
    elif len(wanted) > REASSIGN_MAX:
        errors.append(FieldError("application_ids", "jury.errors.reassign_too_many", {"max": REASSIGN_MAX}))
    # The old juror may have been deactivated meanwhile: a usual reason to move their work.
    old = session.get(User, from_juror_id) if from_juror_id is not None else None
    if old is None:
        errors.append(FieldError("from_juror_id", "jury.errors.not_a_juror", {"value": from_juror_id}))
    new = None
    try:
        new = active_juror(session, to_juror_id, for_round=round_)
    except InvalidInput as refused:
        errors += [FieldError("to_juror_id", e.key, e.params) for e in refused.errors]
    if old is not None and new is not None and old.id == new.id:
        errors.append(FieldError("to_juror_id", "jury.errors.reassign_same", {}))
    if errors:
        raise InvalidInput(errors)
    assert old is not None and new is not None
    return wanted, old, new


def reassign(session: Session, *, actor: Actor, round_id: int, from_juror_id: int, to_juror_id: int,
             application_ids: Iterable[int], confirm: bool = False) -> Reassignment:
    """Move applications of a round from one juror to another (office), all or none.

    The new juror must be allowed each application by the rules of an assignment by
    hand (:func:`_refuse_unassignable`: no conflict of interest, not already one of its
    jurors, within their maximum for the round, counting the applications moved before
    it); the old juror must be one of its jurors, and the application still submitted.
    When any application cannot move, nothing moves: :class:`ReassignmentRefused` names
    each one and why. When the old juror saved scores on some of them, those scores go
    with their assignment: refused with :class:`ReassignmentDropsScores` (how many)
    unless ``confirm``. Audited per application (``jury.unassign``, ``jury.assign``) and
    for the round (``jury.reassign``)."""
    authorize(session, actor, "round.manage")
    round_ = find_round(session, round_id)
    refuse_if_published(round_)
    wanted, old, new = _reassign_input(session, round_, from_juror_id=from_juror_id, to_juror_id=to_juror_id,
                                       application_ids=application_ids)
    stored = {a.application_id: a for a in session.scalars(
        select(Assignment).where(Assignment.juror_id == old.id, Assignment.application_id.in_(wanted))
        .options(selectinload(Assignment.scores)))}
    found = {a.id: a for a in session.scalars(
        select(Application).where(Application.id.in_(wanted))
        .options(selectinload(Application.project).selectinload(Project.partners),
                 selectinload(Application.project).selectinload(Project.school)))}
    unmovable: list[Unmovable] = []
    moving: list[Assignment] = []
    # A savepoint: whatever a caller does with the refusal, no move of a refused batch stays.
    with session.begin_nested():
        for application_id in wanted:
            application = found.get(application_id)
            if application is None or application.round_id != round_.id:
                unmovable.append(Unmovable(application_id, "", NotFound("jury.errors.reassign_not_in_round")))
                continue
            reason: ServiceError | None = None
            if application_id not in stored:
                reason = Conflict("jury.errors.reassign_not_assigned", name=old.display_name)
            elif application.status != ApplicationStatus.SUBMITTED:
                reason = Conflict("jury.errors.withdrawn")
            else:
                try:
                    if _refuse_unassignable(session, application=application, juror=new) is not None:
                        reason = Conflict("jury.errors.reassign_already", name=new.display_name)
                except ServiceError as refusal:
                    reason = refusal
            if reason is not None:
                unmovable.append(Unmovable(application_id, application.project.title, reason))
                continue
            session.add(Assignment(application_id=application_id, juror_id=new.id, origin=AssignmentOrigin.MANUAL,
                                   created_by=actor.id))
            session.flush()  # the next application's capacity check counts this one
            moving.append(stored[application_id])
        if unmovable:
            raise ReassignmentRefused(name=new.display_name, unmovable=tuple(unmovable))
        scored = [a for a in moving if a.scores]
        dropped = sum(len(a.scores) for a in scored)
        if scored and not confirm:
            raise ReassignmentDropsScores(name=old.display_name, applications=len(scored), scores=dropped,
                                          submitted=sum(1 for a in scored if a.submitted_at is not None))
        for assignment in moving:
            audit.record(session, actor=actor, action="jury.unassign", entity_type="application",
                         entity_id=assignment.application_id,
                         details={"juror": old.id, "reason": "reassigned", "scores": len(assignment.scores),
                                  "forced": bool(assignment.scores)})
            audit.record(session, actor=actor, action="jury.assign", entity_type="application",
                         entity_id=assignment.application_id,
                         details={"juror": new.id, "origin": AssignmentOrigin.MANUAL, "reassigned_from": old.id})
            session.delete(assignment)
        audit.record(session, actor=actor, action="jury.reassign", entity_type="round", entity_id=round_.id,
                     details={"from": old.id, "to": new.id, "applications": [a.application_id for a in moving],
                              "scores_dropped": dropped})
        session.flush()
    return Reassignment(round_id=round_.id, from_juror_id=old.id, from_name=old.display_name, to_juror_id=new.id,
                        to_name=new.display_name, moved=tuple(a.application_id for a in moving), scores_dropped=dropped)
