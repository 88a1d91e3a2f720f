"""The jury at work: conflicts of interest, assignment, blind scoring, aggregates and
reliability.

- Conflicts are typed. ``same_school`` (the juror's school is the applicant project's
  school or one of its partners) and ``same_region`` (when the round asks for it: same
  country and region) are found automatically and stored when assigning; a juror can
  declare one on themself, a teacher on a named juror of their application, the office
  on anyone. A juror is also never assigned their own application. A juror in conflict
  is never assigned, and never sees the application: every service a juror uses
  refuses it as if it did not exist.
- Assignment uses :func:`assess.domain.assignment.assign` (balanced loads, N distinct
  jurors without conflict per application when possible; the office is told which
  applications are short and why); existing assignments are kept.
- Scoring is blind: a juror saves drafts item by item (their own rows, so two jurors
  saving at once lose nothing), submits when every counted criterion and gate has a
  level, and only then may read the other jurors' scores (pseudonymised: "Juror A").
- The office reads per application the aggregate (the round's mean or median), the
  spread and a disagreement flag per criterion, and the score these aggregates give;
  per round, Krippendorff's alpha per criterion and each juror's severity.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from assess import stats
from assess.domain.assignment import Shortage, assign
from assess.domain.jury import ItemAggregate, aggregate_items, pseudonym, severity
from assess.domain.permissions import Actor, PermissionDenied
from assess.domain.rubric import LEVELS, Rubric
from assess.domain.scoring import Outcome, Score, score_aggregates
from assess.services import audit, rounds, settings
from assess.services.access import authorize, permitted
from assess.services.errors import Conflict, FieldError, InvalidInput, NotFound, ServiceError
from assess.storage.models import (
    Application,
    Assignment,
    Decision,
    JurorScore,
    Project,
    Round,
    School,
    User,
    UserRole,
    utcnow,
)
from assess.storage.models import Conflict as ConflictOfInterest

COMMENT_MAX = 5000
NOTE_MAX = 5000
AUTOMATIC_KINDS = ("same_school", "same_region")
#: Not stored (a juror is never asked to judge their own application), but reported.
OWN_APPLICATION = "own_application"
UNSET: Any = object()


# --- reading helpers ---------------------------------------------------------------------


def _application(session: Session, application_id: int) -> Application:
    stored = session.get(Application, application_id)
    if stored is None:
        raise NotFound()
    return stored


def _round(session: Session, round_id: int) -> Round:
    stored = session.get(Round, round_id)
    if stored is None:
        raise NotFound()
    return stored


def _not_published(round_: Round) -> None:
    if round_.published_at is not None:
        raise Conflict("jury.errors.round_published")


def items_of(rubric: Rubric) -> list[str]:
    """Criteria then gates, in the rubric's order: what a juror scores."""
    return [c.id for c in rubric.criteria] + [g.id for g in rubric.gates]


def jury_members(session: Session, *, for_round: Round | None = None) -> list[User]:
    """Active accounts with the juror role, by id; with ``for_round``, only those who may
    judge in it: demonstration jurors in a demonstration round, the others in a real one
    (demonstration accounts share a password shown on screen: they never judge real work)."""
    query = (select(User).join(UserRole, UserRole.user_id == User.id)
             .where(UserRole.role == "juror", User.is_active.is_(True)).order_by(User.id))
    if for_round is not None:
        query = query.where(User.is_demo.is_(bool(for_round.is_demo)))
    return list(session.scalars(query))


def jurors_for_round(session: Session, round_id: int) -> list[User]:
    """The jurors who may judge in this round (:func:`jury_members` ``for_round``)."""
    return jury_members(session, for_round=_round(session, round_id))


def _juror(session: Session, juror_id: int | None, *, for_round: Round | None = None) -> User:
    user = session.get(User, juror_id) if juror_id is not None else None
    if user is None or not user.is_active or "juror" not in user.role_names:
        raise InvalidInput([FieldError("juror_id", "jury.errors.not_a_juror", {"value": juror_id})])
    if for_round is not None and bool(user.is_demo) != bool(for_round.is_demo):
        key = "demo.errors.demo_juror" if user.is_demo else "demo.errors.real_juror"
        raise InvalidInput([FieldError("juror_id", key, {"value": juror_id})])
    return user


# --- conflicts of interest ---------------------------------------------------------------


@dataclass(frozen=True)
class _ProjectPlaces:
    owner_id: int
    schools: frozenset[int]
    country: str | None
    region: str | None


def _places(project: Project) -> _ProjectPlaces:
    schools = {p.school_id for p in project.partners}
    if project.school_id is not None:
        schools.add(project.school_id)
    return _ProjectPlaces(
        owner_id=project.owner_id, schools=frozenset(schools),
        country=project.school.country if project.school else None,
        region=(project.school.region or "").strip().casefold() or None if project.school else None,
    )


def _automatic_kinds(juror: User, juror_school: School | None, application: Application, places: _ProjectPlaces,
                     *, region_conflicts: bool) -> list[str]:
    kinds = []
    if juror.id in (application.teacher_id, places.owner_id):
        kinds.append(OWN_APPLICATION)
    if juror.school_id is not None and juror.school_id in places.schools:
        kinds.append("same_school")
    if (region_conflicts and juror_school is not None and places.region
            and juror_school.country == places.country
            and (juror_school.region or "").strip().casefold() == places.region):
        kinds.append("same_region")
    return kinds


def conflict_kinds(session: Session, *, juror_id: int, application: Application) -> list[str]:
    """Why this juror may not see this application: the stored conflicts and the ones
    found now (own application, same school, same region when the round asks)."""
    stored = list(session.scalars(select(ConflictOfInterest.kind).where(
        ConflictOfInterest.juror_id == juror_id, ConflictOfInterest.application_id == application.id)))
    juror = session.get(User, juror_id)
    if juror is None:
        return stored
    school = session.get(School, juror.school_id) if juror.school_id else None
    found = _automatic_kinds(juror, school, application, _places(application.project),
                             region_conflicts=application.round.region_conflicts)
    return sorted(set(stored) | set(found))


def _conflicted(session: Session, *, juror_id: int, applications: list[Application]) -> set[int]:
    """The ids of the applications for which :func:`conflict_kinds` is not empty, in two
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
    return found | {a.id for a in applications
                    if _automatic_kinds(juror, school, a, _places(a.project), region_conflicts=a.round.region_conflicts)}


@dataclass(frozen=True)
class ConflictView:
    id: int
    juror_id: int
    juror_name: str
    application_id: int
    kind: str
    note: str
    created_at: datetime


def list_conflicts(session: Session, *, actor: Actor, round_id: int) -> list[ConflictView]:
    """The stored conflicts of a round's applications (office)."""
    authorize(session, actor, "round.manage")
    rows = session.execute(
        select(ConflictOfInterest, User.display_name)
        .join(Application, Application.id == ConflictOfInterest.application_id)
        .join(User, User.id == ConflictOfInterest.juror_id)
        .where(Application.round_id == round_id)
        .order_by(ConflictOfInterest.application_id, ConflictOfInterest.juror_id, ConflictOfInterest.kind)
    ).all()
    return [ConflictView(c.id, c.juror_id, name, c.application_id, c.kind, c.note, c.created_at) for c, name in rows]


def _store_conflict(session: Session, *, actor: Actor, juror_id: int, application_id: int, kind: str,
                    note: str = "") -> tuple[ConflictOfInterest, bool]:
    found = session.scalar(select(ConflictOfInterest).where(
        ConflictOfInterest.juror_id == juror_id, ConflictOfInterest.application_id == application_id,
        ConflictOfInterest.kind == kind))
    if found is not None:
        return found, False
    stored = ConflictOfInterest(juror_id=juror_id, application_id=application_id, kind=kind, note=note,
                                created_by=actor.id)
    try:
        with session.begin_nested():
            session.add(stored)
    except IntegrityError:  # declared at the same moment by someone else
        return session.scalar(select(ConflictOfInterest).where(
            ConflictOfInterest.juror_id == juror_id, ConflictOfInterest.application_id == application_id,
            ConflictOfInterest.kind == kind)), False
    audit.record(session, actor=actor, action="jury.conflict", entity_type="application", entity_id=application_id,
                 details={"juror": juror_id, "kind": kind, "note": bool(note)})
    return stored, True


def declare_conflict(
    session: Session, *, actor: Actor, application_id: int, juror_id: int | None = None, note: str = ""
) -> ConflictOfInterest | None:
    """Declare that a juror must not judge an application, while its round is not
    published (``jury.errors.round_published`` after: the published decisions and the
    scores behind them stay as they are).

    - the office (``round.manage``) names any juror: kind ``office``;
    - the application's teacher names a juror: ``declared_by_teacher``. The teacher is
      told nothing (None) whatever the id: an id that is not an active juror (no such
      account, not a juror, deactivated) is recorded in the audit log only, so the
      answer never tells a teacher who the jurors are;
    - an assigned juror declares it on themself (``juror_id`` None or their own):
      ``declared_by_juror``.

    Anyone else gets :class:`NotFound`. The juror's assignment on the application, if
    any, is removed with the scores they saved (recorded in the audit log): a juror in
    conflict neither sees nor counts.
    """
    application = _application(session, application_id)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput([FieldError("note", "errors.too_long", {"max": NOTE_MAX})])
    if permitted(session, actor, "round.manage"):
        kind = "office"
    elif permitted(session, actor, "application.apply", application.project):
        kind = "declared_by_teacher"
    elif "juror" in actor.roles and juror_id in (None, actor.id):
        own = session.scalar(select(Assignment).where(Assignment.application_id == application.id,
                                                      Assignment.juror_id == actor.id))
        if own is None:
            raise NotFound()
        kind = "declared_by_juror"
        juror_id = actor.id
    else:
        raise NotFound()
    # Checked before the juror, so that the refusal is the same for every id.
    _not_published(application.round)
    if kind == "declared_by_teacher":
        user = session.get(User, juror_id) if juror_id is not None else None
        if user is None or not user.is_active or "juror" not in user.role_names:
            audit.record(session, actor=actor, action="jury.conflict_ignored", entity_type="application",
                         entity_id=application.id, details={"juror": juror_id, "reason": "not_a_juror"})
            return None
    juror = _juror(session, juror_id)
    stored, _ = _store_conflict(session, actor=actor, juror_id=juror.id, application_id=application.id, kind=kind,
                                note=note)
    assignment = session.scalar(select(Assignment).where(Assignment.application_id == application.id,
                                                         Assignment.juror_id == juror.id))
    if assignment is not None:
        audit.record(session, actor=actor, action="jury.unassign", entity_type="application", entity_id=application.id,
                     details={"juror": juror.id, "reason": kind, "scores": len(assignment.scores)})
        session.delete(assignment)
    session.flush()
    return None if kind == "declared_by_teacher" else stored


def remove_conflict(session: Session, *, actor: Actor, conflict_id: int) -> None:
    """Remove a declared conflict of interest (office, ``round.manage``), while the round
    is not published; audited (``jury.conflict_removed``).

    The juror's assignment removed when the conflict was declared is NOT restored, nor
    are the scores deleted with it: the juror becomes assignable again, and the office
    assigns them (by hand or with the automatic assignment) if it wants them back.
    A conflict found from the schools (``same_school``, ``same_region``) is refused
    (``jury.errors.conflict_automatic``): it is recomputed from the schools and would
    apply again at once.
    """
    authorize(session, actor, "round.manage")
    stored = session.get(ConflictOfInterest, conflict_id)
    if stored is None:
        raise NotFound()
    application = _application(session, stored.application_id)
    _not_published(application.round)
    if stored.kind in AUTOMATIC_KINDS:
        raise Conflict("jury.errors.conflict_automatic")
    audit.record(session, actor=actor, action="jury.conflict_removed", entity_type="application",
                 entity_id=application.id, details={"juror": stored.juror_id, "kind": stored.kind})
    session.delete(stored)
    session.flush()


# --- assignment ----------------------------------------------------------------------------


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

    def explain(self) -> tuple[str, ...]:
        return tuple(s.describe() for s in self.shortages)

    def to_dict(self) -> dict:
        return {
            "round": self.round_id,
            "per_application": self.per_application,
            "created": [{"juror": j, "application": a} for j, a in self.created],
            "loads": [{"juror": j, "name": self.juror_names.get(j, ""), "load": n} for j, n in sorted(self.loads.items())],
            "short": [{"application": s.application, "missing": s.missing, "reason": s.reason.value,
                       "explanation": s.describe()} for s in self.shortages],
            "conflicts_found": self.conflicts_found,
            "conflicted_kept": [{"juror": j, "application": a} for j, a in self.conflicted_kept],
            "removed": [{"juror": j, "application": a} for j, a in self.removed],
        }


def round_applications(session: Session, round_id: int) -> list[Application]:
    return list(session.scalars(
        select(Application).where(Application.round_id == round_id, Application.status == "submitted")
        .options(selectinload(Application.project).selectinload(Project.partners),
                 selectinload(Application.project).selectinload(Project.school))
        .order_by(Application.id)
    ))


def _round_conflicts(session: Session, actor: Actor, round_: Round, applications: list[Application],
                     jurors: list[User]) -> tuple[dict[tuple[int, int], list[str]], int]:
    """(juror, application) -> conflict kinds, for the whole round; stores the automatic
    ones not stored yet and returns how many it stored."""
    schools = {s.id: s for s in session.scalars(select(School).where(
        School.id.in_([j.school_id for j in jurors if j.school_id is not None])))}
    kinds: dict[tuple[int, int], list[str]] = {}
    for juror_id, application_id, kind in session.execute(
        select(ConflictOfInterest.juror_id, ConflictOfInterest.application_id, ConflictOfInterest.kind)
        .join(Application, Application.id == ConflictOfInterest.application_id)
        .where(Application.round_id == round_.id)
    ):
        kinds.setdefault((juror_id, application_id), []).append(kind)
    stored = 0
    for application in applications:
        places = _places(application.project)
        for juror in jurors:
            found = _automatic_kinds(juror, schools.get(juror.school_id), application, places,
                                     region_conflicts=round_.region_conflicts)
            known = kinds.setdefault((juror.id, application.id), [])
            for kind in found:
                if kind in known:
                    continue
                known.append(kind)
                if kind in AUTOMATIC_KINDS:
                    _, new = _store_conflict(session, actor=actor, juror_id=juror.id,
                                             application_id=application.id, kind=kind)
                    stored += new
            if not known:
                del kinds[(juror.id, application.id)]
    return kinds, stored


def auto_assign(session: Session, *, actor: Actor, round_id: int, per_application: int | None = None) -> AssignmentReport:
    """Assign jurors to every submitted application of the round: ``per_application``
    (default: the round's) distinct jurors without conflict each, loads balanced, the
    assignments made earlier kept. Conflicts found on the way are stored. Existing
    assignments now in conflict are removed when no score was saved on them."""
    authorize(session, actor, "round.manage")
    round_ = _round(session, round_id)
    _not_published(round_)
    n = round_.per_application if per_application is None else per_application
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= rounds.PER_APPLICATION_MAX:
        raise InvalidInput([FieldError("per_application", "jury.errors.per_application",
                                       {"max": rounds.PER_APPLICATION_MAX})])
    applications = round_applications(session, round_.id)
    jurors = jury_members(session, for_round=round_)
    kinds, found = _round_conflicts(session, actor, round_, applications, jurors)
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
                    conflicts=conflicts, existing=existing)
    for juror_id, application_id in result.pairs:
        session.add(Assignment(application_id=application_id, juror_id=juror_id, origin="auto", created_by=actor.id))
        audit.record(session, actor=actor, action="jury.assign", entity_type="application", entity_id=application_id,
                     details={"juror": juror_id, "origin": "auto"})
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
                 origin: str = "manual") -> Assignment:
    """Assign a juror to an application by hand (office). Refuses a juror in conflict
    (``jury.errors.conflicted``, naming the kinds); an existing assignment is returned."""
    authorize(session, actor, "round.manage")
    application = _application(session, application_id)
    _not_published(application.round)
    if application.status != "submitted":
        raise Conflict("jury.errors.withdrawn")
    juror = _juror(session, juror_id, for_round=application.round)
    kinds = conflict_kinds(session, juror_id=juror.id, application=application)
    if kinds:
        raise Conflict("jury.errors.conflicted", kinds=", ".join(kinds))
    found = session.scalar(select(Assignment).where(Assignment.application_id == application.id,
                                                    Assignment.juror_id == juror.id))
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
    application = _application(session, application_id)
    _not_published(application.round)
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
    application = _application(session, application_id)
    round_ = application.round
    _not_published(round_)
    if application.status != "submitted":
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
                 and conflict_kinds(session, juror_id=j.id, application=application)}
    result = assign(applications=[application.id], jurors=sorted(juror_ids), per_application=len(on_it),
                    conflicts=conflicts, existing=existing, extra_for=[application.id])
    if not result.pairs:
        reason = result.shortages[0].describe() if result.shortages else ""
        raise ServiceError("jury.errors.no_extra_juror", reason=reason)
    (juror_id, _), = result.pairs
    stored = Assignment(application_id=application.id, juror_id=juror_id, origin="extra", created_by=actor.id)
    session.add(stored)
    session.flush()
    audit.record(session, actor=actor, action="jury.assign", entity_type="application", entity_id=application.id,
                 details={"juror": juror_id, "origin": "extra"})
    return stored


# --- a juror's work ------------------------------------------------------------------------


def _usable(session: Session, assignment: Assignment | None, actor: Actor) -> Assignment:
    """The actor's assignment, if the application is still submitted and they are not in
    conflict with it; the same NotFound otherwise."""
    if assignment is None or assignment.juror_id != actor.id:
        raise NotFound()
    application = session.get(Application, assignment.application_id)
    if application is None or application.status != "submitted":
        raise NotFound()
    if conflict_kinds(session, juror_id=actor.id, application=application):
        raise NotFound()
    return assignment


def assignment_of(session: Session, *, actor: Actor, application_id: int) -> Assignment:
    """The actor's assignment on an application; :class:`NotFound` when they have none,
    are in conflict with it, or it was withdrawn."""
    authorize(session, actor, "jury.score")
    found = session.scalar(select(Assignment).where(Assignment.application_id == application_id,
                                                    Assignment.juror_id == actor.id))
    return _usable(session, found, actor)


def _own_assignment(session: Session, *, actor: Actor, assignment_id: int) -> Assignment:
    authorize(session, actor, "jury.score")
    return _usable(session, session.get(Assignment, assignment_id), actor)


@dataclass(frozen=True)
class AssignmentItem:
    """A line of a juror's list."""

    assignment_id: int
    application_id: int
    round_id: int
    round_name: str
    project_title: str
    scored: int  # items with a level
    to_score: int  # criteria and gates of the rubric
    submitted_at: datetime | None
    round_status: str


def my_assignments(session: Session, *, actor: Actor) -> list[AssignmentItem]:
    """The juror's applications to score, with their progress (conflicted and withdrawn
    ones left out)."""
    authorize(session, actor, "jury.score")
    rows = session.execute(
        select(Assignment, Application).join(Application, Application.id == Assignment.application_id)
        .where(Assignment.juror_id == actor.id, Application.status == "submitted")
        .options(selectinload(Assignment.scores), selectinload(Application.round),
                 selectinload(Application.project).selectinload(Project.partners),
                 selectinload(Application.project).selectinload(Project.school))
        .order_by(Assignment.id)
    ).all()
    conflicted = _conflicted(session, juror_id=actor.id, applications=[a for _, a in rows])
    found = []
    for assignment, application in rows:
        if application.id in conflicted:
            continue
        round_ = application.round
        rubric = rounds.rubric_of(round_)
        items = set(items_of(rubric))
        found.append(AssignmentItem(
            assignment_id=assignment.id, application_id=application.id, round_id=round_.id, round_name=round_.name,
            project_title=application.project.title,
            scored=sum(1 for s in assignment.scores if s.level is not None and s.item_id in items),
            to_score=len(items), submitted_at=assignment.submitted_at, round_status=rounds.status(round_).value,
        ))
    return found


def save_score(
    session: Session,
    *,
    actor: Actor,
    assignment_id: int,
    item_id: str,
    level: int | None = UNSET,
    comment: str = UNSET,
    private_note: str = UNSET,
) -> JurorScore:
    """Save a juror's draft for one criterion or gate (only the given fields change).
    ``comment`` is for the teacher (shown after publication), ``private_note`` for the
    jury and the office only. Refused once the juror submitted or the round is published."""
    assignment = _own_assignment(session, actor=actor, assignment_id=assignment_id)
    application = session.get(Application, assignment.application_id)
    # Shared lock on the round: the rubric cannot be changed while this score is being saved.
    round_ = session.scalars(select(Round).where(Round.id == application.round_id).with_for_update(read=True)
                             .execution_options(populate_existing=True)).one()
    _not_published(round_)
    if assignment.submitted_at is not None:
        raise Conflict("jury.errors.already_submitted")
    rubric = rounds.rubric_of(round_)
    if item_id not in items_of(rubric):
        raise InvalidInput([FieldError("item_id", "errors.unknown_item", {"value": item_id})])
    errors = []
    if level is not UNSET and level is not None and (isinstance(level, bool) or not isinstance(level, int)
                                                     or level not in LEVELS):
        errors.append(FieldError("level", "errors.level_range", {}))
    for name, value, maximum in (("comment", comment, COMMENT_MAX), ("private_note", private_note, NOTE_MAX)):
        if value is not UNSET and len(str(value or "")) > maximum:
            errors.append(FieldError(name, "errors.too_long", {"max": maximum}))
    if errors:
        raise InvalidInput(errors)

    def find() -> JurorScore | None:
        return session.scalar(select(JurorScore).where(JurorScore.assignment_id == assignment.id,
                                                       JurorScore.item_id == item_id))

    row = find()
    if row is None:
        try:
            with session.begin_nested():
                row = JurorScore(assignment_id=assignment.id, item_id=item_id, rubric_version_id=round_.rubric_version_id,
                                 level=None, comment="", private_note="")
                session.add(row)
        except IntegrityError:  # the same juror saving the same item twice at once
            row = find()
        session.expire(assignment, ["scores"])  # the new row joins the loaded collection
    changed: dict[str, Any] = {}
    if level is not UNSET and row.level != level:
        changed["level"] = [row.level, level]
        row.level = level
    if comment is not UNSET and row.comment != str(comment or ""):
        changed["comment"] = True
        row.comment = str(comment or "")
    if private_note is not UNSET and row.private_note != str(private_note or ""):
        changed["private_note"] = True
        row.private_note = str(private_note or "")
    if changed:
        row.updated_at = utcnow()
        audit.record(session, actor=actor, action="jury.score.save", entity_type="assignment", entity_id=assignment.id,
                     details={"application": application.id, "item": item_id, **changed})
    session.flush()
    return row


def submit_scores(session: Session, *, actor: Actor, assignment_id: int) -> Assignment:
    """Submit the juror's scores: every counted criterion and every gate needs a level
    (:class:`InvalidInput` naming each one missing). Then they are final."""
    assignment = _own_assignment(session, actor=actor, assignment_id=assignment_id)
    application = session.get(Application, assignment.application_id)
    _not_published(application.round)
    if assignment.submitted_at is not None:
        return assignment
    rubric = rounds.rubric_of(application.round)
    levels = {s.item_id: s.level for s in assignment.scores}
    needed = [c.id for c in rubric.counted_criteria] + [g.id for g in rubric.gates]
    missing = [i for i in needed if levels.get(i) is None]
    if missing:
        raise InvalidInput([FieldError(i, "jury.errors.not_scored", {"value": i}) for i in missing])
    assignment.submitted_at = utcnow()
    session.flush()
    audit.record(session, actor=actor, action="jury.submit", entity_type="assignment", entity_id=assignment.id,
                 details={"application": application.id})
    return assignment


@dataclass(frozen=True)
class ItemScore:
    level: int | None
    comment: str
    private_note: str


@dataclass(frozen=True)
class JurorScores:
    """One juror's submitted scores on an application, under a pseudonym."""

    pseudonym: str
    submitted_at: datetime | None
    scores: Mapping[str, ItemScore]
    #: Only for the office (None for jurors).
    juror_id: int | None = None
    origin: str = "auto"


def _assignments_with_names(session: Session, application_id: int) -> list[tuple[Assignment, str]]:
    assignments = list(session.scalars(select(Assignment).where(Assignment.application_id == application_id)
                                       .options(selectinload(Assignment.scores)).order_by(Assignment.id)))
    return [(a, pseudonym(i)) for i, a in enumerate(assignments)]


def _scores_of(assignment: Assignment) -> dict[str, ItemScore]:
    return {s.item_id: ItemScore(s.level, s.comment, s.private_note) for s in assignment.scores}


def other_scores(session: Session, *, actor: Actor, application_id: int) -> list[JurorScores]:
    """The other jurors' submitted scores, for a juror of the application who has
    submitted their own; refused (:class:`NotFound`, ``jury.errors.submit_first``) before."""
    own = assignment_of(session, actor=actor, application_id=application_id)
    if own.submitted_at is None:
        raise NotFound("jury.errors.submit_first")
    return [
        JurorScores(pseudonym=name, submitted_at=a.submitted_at, scores=_scores_of(a), origin=a.origin)
        for a, name in _assignments_with_names(session, application_id)
        if a.id != own.id and a.submitted_at is not None
    ]


# --- the office's view ---------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationAggregate:
    """An application across its jurors, for the office. Only submitted scores count."""

    application_id: int
    round_id: int
    project_id: int
    project_title: str
    rubric: Rubric
    aggregation: str
    threshold: int
    #: Every assigned juror, submitted or not (pseudonym, juror id, their scores).
    jurors: tuple[JurorScores, ...]
    #: Per criterion then gate: the submitted jurors' levels by pseudonym, the aggregate,
    #: the spread and the disagreement flag.
    items: tuple[ItemAggregate, ...]
    #: What the aggregates give (fractional levels).
    score: Score
    consensus_note: str = ""
    decision: str | None = None  # the staged or published outcome, if any

    @property
    def submitted(self) -> int:
        return sum(1 for j in self.jurors if j.submitted_at is not None)

    @property
    def disagreement(self) -> bool:
        return any(i.disagreement for i in self.items)

    @property
    def disagreeing_items(self) -> tuple[str, ...]:
        return tuple(i.item_id for i in self.items if i.disagreement)

    def item(self, item_id: str) -> ItemAggregate:
        return next(i for i in self.items if i.item_id == item_id)

    @property
    def proposal(self) -> str | None:
        """The outcome the aggregates propose: label, no_label, or None while incomplete."""
        outcome = self.score.verdict.outcome
        if outcome is Outcome.INCOMPLETE:
            return None
        return "label" if outcome is Outcome.PASS else "no_label"

    def to_dict(self) -> dict:
        return {
            "application": self.application_id,
            "round": self.round_id,
            "project": {"id": self.project_id, "title": self.project_title},
            "aggregation": self.aggregation,
            "threshold": self.threshold,
            "jurors": [{"pseudonym": j.pseudonym, "juror": j.juror_id, "origin": j.origin,
                        "submitted": j.submitted_at is not None} for j in self.jurors],
            "items": [{"id": i.item_id, "levels": dict(i.levels), "aggregate": i.aggregate, "spread": i.spread,
                       "disagreement": i.disagreement} for i in self.items],
            "disagreement": self.disagreement,
            "score": self.score.to_dict(),
            "proposal": self.proposal,
            "consensus_note": self.consensus_note,
            "decision": self.decision,
        }


def aggregate_application(session: Session, application: Application) -> ApplicationAggregate:
    """:func:`aggregates` without the permission check (for services that checked it)."""
    return aggregate_applications(session, [application])[0]


def aggregate_applications(session: Session, applications: list[Application]) -> list[ApplicationAggregate]:
    """:func:`aggregate_application` of several applications, with one query for their
    assignments and scores and one for their decisions."""
    ids = [a.id for a in applications]
    # Plain rows, not ORM objects: a national round has some 2,000 assignments and 12,000
    # scores, and building their objects took most of the office's decisions page.
    assignments: dict[int, list] = {i: [] for i in ids}
    scores: dict[int, dict[str, ItemScore]] = {}
    decisions: dict[int, Decision] = {}
    if ids:
        for assignment in session.execute(
            select(Assignment.id, Assignment.application_id, Assignment.juror_id, Assignment.submitted_at,
                   Assignment.origin).where(Assignment.application_id.in_(ids)).order_by(Assignment.id)
        ):
            assignments[assignment.application_id].append(assignment)
            scores[assignment.id] = {}
        for assignment_id, item_id, level, comment, private_note in session.execute(
            select(JurorScore.assignment_id, JurorScore.item_id, JurorScore.level, JurorScore.comment,
                   JurorScore.private_note)
            .join(Assignment, Assignment.id == JurorScore.assignment_id)
            .where(Assignment.application_id.in_(ids)).order_by(JurorScore.id)
        ):
            scores[assignment_id][item_id] = ItemScore(level, comment, private_note)
        decisions = {d.application_id: d for d in session.scalars(
            select(Decision).where(Decision.application_id.in_(ids)))}
    gate_minimums: dict[str, dict[str, int]] = {}
    found = []
    for application in applications:
        round_ = application.round
        rubric = rounds.rubric_of(round_)
        if rubric.id not in gate_minimums:
            gate_minimums[rubric.id] = settings.gate_minimums(session, rubric.id)
        jurors = tuple(
            JurorScores(pseudonym=pseudonym(i), submitted_at=a.submitted_at, scores=scores[a.id],
                        juror_id=a.juror_id, origin=a.origin)
            for i, a in enumerate(assignments[application.id])
        )
        submitted = {j.pseudonym: {i: s.level for i, s in j.scores.items()}
                     for j in jurors if j.submitted_at is not None}
        items = aggregate_items(item_ids=items_of(rubric), levels_by_juror=submitted, rule=round_.aggregation,
                                threshold=round_.disagreement_threshold)
        result = score_aggregates(rubric, {i.item_id: i.aggregate for i in items},
                                  gate_minimums=gate_minimums[rubric.id])
        decision = decisions.get(application.id)
        found.append(ApplicationAggregate(
            application_id=application.id, round_id=round_.id, project_id=application.project_id,
            project_title=application.project.title, rubric=rubric, aggregation=round_.aggregation,
            threshold=round_.disagreement_threshold, jurors=jurors, items=items, score=result,
            consensus_note=decision.consensus_note if decision else "",
            decision=decision.outcome if decision else None,
        ))
    return found


def aggregates(session: Session, *, actor: Actor, application_id: int) -> ApplicationAggregate:
    """Per criterion and gate: each juror's level (pseudonymised), the aggregate (the
    round's mean or median), the spread and the disagreement flag; and the total,
    percentage and verdict the aggregates give (office only)."""
    authorize(session, actor, "decision.manage")
    return aggregate_application(session, _application(session, application_id))


def round_aggregates(session: Session, *, actor: Actor, round_id: int) -> list[ApplicationAggregate]:
    """:func:`aggregates` of every submitted application of the round."""
    authorize(session, actor, "decision.manage")
    _round(session, round_id)
    return aggregate_applications(session, round_applications(session, round_id))


def round_jurors(session: Session, *, actor: Actor, round_id: int) -> dict[int, list[int]]:
    """Per submitted application of the round, its jurors' ids in assignment order (office)."""
    authorize(session, actor, "round.manage")
    found: dict[int, list[int]] = {}
    for application_id, juror_id in session.execute(
        select(Assignment.application_id, Assignment.juror_id)
        .join(Application, Application.id == Assignment.application_id)
        .where(Application.round_id == round_id, Application.status == "submitted").order_by(Assignment.id)
    ):
        found.setdefault(application_id, []).append(juror_id)
    return found


# --- reliability -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemReliability:
    item_id: str
    alpha: float  # NaN when undefined
    reading: str  # reliable, tentative, unreliable, undefined
    reason: str | None  # why alpha is undefined (English), else None
    units: int  # applications with at least one level
    pairable: int  # levels in applications scored by two jurors or more


@dataclass(frozen=True)
class JurorSeverity:
    juror_id: int
    name: str
    #: Mean of (their level - their co-jurors' mean) on the same applications and items:
    #: below 0 harsher, above 0 more lenient; None without a co-juror.
    mean_deviation: float | None
    compared: int
    applications: int
    flagged: bool


@dataclass(frozen=True)
class RoundReliability:
    round_id: int
    rubric: Rubric
    items: tuple[ItemReliability, ...]
    jurors: tuple[JurorSeverity, ...]
    severity_threshold: float

    def to_dict(self, *, lang: str = "en") -> dict:
        def number(value: float | None) -> float | None:
            return None if value is None or math.isnan(value) else round(value, 4)

        return {
            "round": self.round_id,
            "rubric": {"id": self.rubric.id, "version": self.rubric.version},
            "criteria": [{"id": i.item_id, "name": self.rubric.item(i.item_id).name.get(lang), "alpha": number(i.alpha),
                          "reading": i.reading, "reason": i.reason, "units": i.units, "pairable": i.pairable}
                         for i in self.items],
            "severity_threshold": self.severity_threshold,
            "jurors": [{"id": j.juror_id, "name": j.name, "mean_deviation": number(j.mean_deviation),
                        "compared": j.compared, "applications": j.applications, "flagged": j.flagged}
                       for j in self.jurors],
        }


def _submitted_levels(session: Session, round_id: int) -> list[tuple[int, int, str, int | None]]:
    """(juror, application, item, level) of every submitted score of the round."""
    return [tuple(row) for row in session.execute(
        select(Assignment.juror_id, Assignment.application_id, JurorScore.item_id, JurorScore.level)
        .join(JurorScore, JurorScore.assignment_id == Assignment.id)
        .join(Application, Application.id == Assignment.application_id)
        .where(Application.round_id == round_id, Application.status == "submitted",
               Assignment.submitted_at.is_not(None))
        .order_by(Assignment.juror_id, Assignment.application_id, JurorScore.item_id)
    )]


def reliability(session: Session, *, actor: Actor, round_id: int) -> RoundReliability:
    """Per criterion (and gate), Krippendorff's alpha (ordinal) across the round's jurors
    with its reading; per juror, their severity, flagged from the ``severity_threshold``
    setting. Only submitted scores count."""
    if not (permitted(session, actor, "round.manage") or permitted(session, actor, "decision.manage")):
        raise PermissionDenied("round.manage")
    round_ = _round(session, round_id)
    rubric = rounds.rubric_of(round_)
    rows = _submitted_levels(session, round_.id)
    jurors = sorted({r[0] for r in rows})
    applications = sorted({r[1] for r in rows})
    row_of = {j: i for i, j in enumerate(jurors)}
    column_of = {a: i for i, a in enumerate(applications)}
    items = []
    for item_id in items_of(rubric):
        matrix: list[list[float | None]] = [[None] * len(applications) for _ in jurors]
        for juror, application, item, level in rows:
            if item == item_id and level is not None:
                matrix[row_of[juror]][column_of[application]] = level
        units = sum(1 for u in range(len(applications)) if any(row[u] is not None for row in matrix))
        if jurors and applications:
            result = stats.krippendorff_alpha_explained(matrix, level="ordinal")
            alpha, reason, pairable = result.alpha, result.reason, result.pairable_values
        else:
            alpha, reason, pairable = math.nan, "no submitted scores yet", 0
        items.append(ItemReliability(item_id=item_id, alpha=alpha, reading=stats.reading(alpha), reason=reason,
                                     units=units, pairable=pairable))
    threshold = float(settings.get(session, "severity_threshold"))
    found = severity(rows, threshold=threshold)
    names = dict(session.execute(select(User.id, User.display_name).where(User.id.in_(jurors))).all()) if jurors else {}
    per_juror = Counter(juror for juror, _ in {(r[0], r[1]) for r in rows})
    return RoundReliability(
        round_id=round_.id, rubric=rubric, items=tuple(items), severity_threshold=threshold,
        jurors=tuple(
            JurorSeverity(juror_id=j, name=names.get(j, ""), mean_deviation=found[j].mean_deviation,
                          compared=found[j].compared, applications=per_juror.get(j, 0), flagged=found[j].flagged)
            for j in jurors
        ),
    )


@dataclass(frozen=True)
class RoundProgress:
    applications: int
    assignments: int
    submitted: int
    short: Mapping[int, int] = field(default_factory=dict)


def progress(session: Session, *, actor: Actor, round_id: int) -> RoundProgress:
    """How far the jury is: applications, assignments, submitted assignments; and the
    applications with fewer jurors than the round asks."""
    authorize(session, actor, "round.manage")
    round_ = _round(session, round_id)
    # Ids only: the rounds page asks this of every round, and loading each application
    # with its project took over half a second a national round.
    applications = session.scalars(select(Application.id).where(
        Application.round_id == round_.id, Application.status == "submitted").order_by(Application.id)).all()
    counts = dict(session.execute(
        select(Assignment.application_id, func.count(Assignment.id))
        .join(Application, Application.id == Assignment.application_id)
        .where(Application.round_id == round_.id).group_by(Assignment.application_id)
    ).all())
    submitted = session.scalar(
        select(func.count(Assignment.id)).join(Application, Application.id == Assignment.application_id)
        .where(Application.round_id == round_.id, Application.status == "submitted", Assignment.submitted_at.is_not(None))
    )
    return RoundProgress(
        applications=len(applications),
        assignments=sum(counts.get(a, 0) for a in applications),
        submitted=int(submitted or 0),
        short={a: round_.per_application - counts.get(a, 0) for a in applications
               if counts.get(a, 0) < round_.per_application},
    )

