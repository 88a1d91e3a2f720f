"""Standing conflicts of interest: a juror who must never judge any application of a
teacher (a spouse, a friend) or of a school (a former colleague there), in this round and
every later one, without the office declaring it again for each application.

The office records one for any juror, a juror declares their own; only the office removes
one; every change is audited. They are found, never stored per application, with every
other conflict (:func:`assess.domain.conflicts.conflicts_found`, asked by the jury's
building blocks in :mod:`assess.services.jury._conflicts`): the assignment, automatic or
by hand, the juror's own pages and the office's checks all honour them.

A juror already assigned to such an application when the standing conflict is recorded is
taken off it, as by a conflict the office declares for one application: when they saved
scores on it, the service asks first (``jury.errors.standing_removes_scores``) and stores
nothing until ``confirm``. Published rounds stay as they were published.

The teacher is an adult account, named by their display name; pupils never come into it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, selectinload

from assess.domain import conflicts as rules
from assess.domain.conflicts import ConflictKind, JurorPlace
from assess.domain.permissions import Actor, PermissionDenied
from assess.domain.states import ApplicationStatus, Role, StandingOrigin, StandingRelation
from assess.i18n.formats import country_name
from assess.services import audit
from assess.services.access import authorize, permitted
from assess.services.errors import Conflict, FieldError, InvalidInput, NotFound
from assess.services.jury._common import NOTE_MAX, active_juror, find_round, jury_members, round_applications
from assess.services.jury._conflicts import application_place
from assess.storage.models import Application, Assignment, Project, Round, School, StandingConflict, User, UserRole


@dataclass(frozen=True)
class StandingConflictView:
    """A standing conflict as people read it: names, never ids alone."""

    id: int
    juror_id: int
    juror_name: str
    #: One of the two is set: the teacher's account, or the school.
    teacher_id: int | None
    teacher_name: str
    school_id: int | None
    school_name: str
    school_country: str
    relation: str
    origin: str
    note: str
    created_at: datetime

    @property
    def kind(self) -> ConflictKind:
        return ConflictKind.STANDING_TEACHER if self.teacher_id is not None else ConflictKind.STANDING_SCHOOL

    def about(self, lang: str) -> str:
        """Whom it is with: the teacher's name, or the school's name and country."""
        if self.teacher_id is not None:
            return self.teacher_name
        return f"{self.school_name} ({country_name(self.school_country, lang)})"


def _views(session: Session, *where) -> list[StandingConflictView]:
    juror, teacher = aliased(User), aliased(User)
    rows = session.execute(
        select(StandingConflict, juror.display_name, teacher.display_name, School.name, School.country)
        .join(juror, juror.id == StandingConflict.juror_id)
        .outerjoin(teacher, teacher.id == StandingConflict.teacher_id)
        .outerjoin(School, School.id == StandingConflict.school_id)
        .where(*where)
        .order_by(juror.display_name, StandingConflict.id))
    return [StandingConflictView(
        id=s.id, juror_id=s.juror_id, juror_name=juror_name, teacher_id=s.teacher_id, teacher_name=teacher_name or "",
        school_id=s.school_id, school_name=school_name or "", school_country=school_country or "",
        relation=s.relation, origin=s.origin, note=s.note, created_at=s.created_at)
        for s, juror_name, teacher_name, school_name, school_country in rows]


def list_standing_conflicts(session: Session, *, actor: Actor, juror_id: int | None = None
                            ) -> list[StandingConflictView]:
    """The standing conflicts: every juror's for the office (or one juror's with
    ``juror_id``), their own for a juror."""
    if permitted(session, actor, "conflict.standing.manage"):
        return _views(session, *([StandingConflict.juror_id == juror_id] if juror_id is not None else []))
    authorize(session, actor, "conflict.standing.declare")
    return _views(session, StandingConflict.juror_id == actor.id)


@dataclass(frozen=True)
class StandingChoices:
    """Whom a standing conflict may name: teacher accounts (office only) and schools."""

    #: (account id, display name, e-mail address), by name.
    teachers: tuple[tuple[int, str, str], ...]
    #: (school id, name, country code), by name.
    schools: tuple[tuple[int, str, str], ...]


def standing_choices(session: Session, *, actor: Actor) -> StandingChoices:
    """The teachers and schools a standing conflict may name. A juror gets the schools
    only (a school is no person); they name a teacher by e-mail address."""
    office = permitted(session, actor, "conflict.standing.manage")
    if not office:
        authorize(session, actor, "conflict.standing.declare")
    teachers: tuple[tuple[int, str, str], ...] = ()
    if office:
        teachers = tuple((i, name, email) for i, name, email in session.execute(
            select(User.id, User.display_name, User.email).join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.TEACHER).order_by(User.display_name, User.id)))
    schools = tuple((i, name, country) for i, name, country in session.execute(
        select(School.id, School.name, School.country).order_by(School.name, School.country)))
    return StandingChoices(teachers=teachers, schools=schools)


def _teacher(session: Session, teacher_id: int | None, teacher_email: str) -> User | None:
    if teacher_id is not None:
        return session.get(User, teacher_id)
    return session.scalar(select(User).where(User.email == teacher_email.strip().lower()))


def _affected(session: Session, *, juror: User, teacher_id: int | None, school_id: int | None) -> list[Assignment]:
    """The juror's assignments in unpublished rounds that the new standing conflict would
    forbid, by the domain's one rule."""
    place = JurorPlace(juror_id=juror.id, school_id=None, country=None, region=None,
                       standing_teachers=frozenset({teacher_id} if teacher_id is not None else ()),
                       standing_schools=frozenset({school_id} if school_id is not None else ()))
    rows = session.execute(
        select(Assignment, Application).join(Application, Application.id == Assignment.application_id)
        .join(Round, Round.id == Application.round_id)
        .where(Assignment.juror_id == juror.id, Round.published_at.is_(None))
        .options(selectinload(Assignment.scores), selectinload(Application.project).selectinload(Project.partners),
                 selectinload(Application.project).selectinload(Project.school))
        .order_by(Assignment.id)).all()
    return [a for a, application in rows if rules.standing_conflicts(place, application_place(application))]


def record_standing_conflict(
    session: Session, *, actor: Actor, relation: str, juror_id: int | None = None, teacher_id: int | None = None,
    teacher_email: str = "", school_id: int | None = None, note: str = "", confirm: bool = False,
) -> StandingConflictView:
    """Record that a juror must never judge the applications of a teacher (``teacher_id``,
    or ``teacher_email``) or of a school (``school_id``): the office for any juror
    (``conflict.standing.manage``), a juror for themself (``juror_id`` None or their own).

    ``relation`` is one of :class:`StandingRelation`; the note says more (required for
    ``other``). Recorded twice, the first one stays and is returned. The juror is taken
    off the applications of unpublished rounds it forbids (audited); when they saved
    scores on any, ``jury.errors.standing_removes_scores`` (how many) unless ``confirm``,
    and nothing is stored then. A juror's own declaration is refused while it would take
    back scores they submitted (``jury.errors.standing_after_submitting``): the office
    records it then.
    """
    if permitted(session, actor, "conflict.standing.manage"):
        origin = StandingOrigin.OFFICE
    else:
        authorize(session, actor, "conflict.standing.declare")
        if juror_id not in (None, actor.id):
            raise PermissionDenied("conflict.standing.manage")
        origin, juror_id = StandingOrigin.JUROR, actor.id
    juror = active_juror(session, juror_id)
    note = (note or "").strip()
    errors: list[FieldError] = []
    if relation not in set(StandingRelation):
        errors.append(FieldError("relation", "jury.errors.standing_relation", {"value": str(relation)[:30]}))
    elif relation == StandingRelation.OTHER and not note:
        errors.append(FieldError("note", "jury.errors.standing_note", {}))
    if len(note) > NOTE_MAX:
        errors.append(FieldError("note", "errors.too_long", {"max": NOTE_MAX}))
    teacher: User | None = None
    school: School | None = None
    named_teacher = teacher_id is not None or bool((teacher_email or "").strip())
    if named_teacher == (school_id is not None):
        errors.append(FieldError("teacher_id", "jury.errors.standing_teacher_or_school", {}))
    elif named_teacher:
        teacher = _teacher(session, teacher_id, teacher_email or "")
        if teacher is None or Role.TEACHER not in teacher.role_names:
            errors.append(FieldError("teacher_id", "jury.errors.not_a_teacher", {}))
            teacher = None
        elif teacher.id == juror.id:
            errors.append(FieldError("teacher_id", "jury.errors.standing_self", {}))
    else:
        school = session.get(School, school_id)
        if school is None:
            errors.append(FieldError("school_id", "jury.errors.unknown_school", {"value": school_id}))
    if errors:
        raise InvalidInput(errors)
    if teacher is not None:
        same = StandingConflict.teacher_id == teacher.id
    else:
        assert school is not None  # (checked above)
        same = StandingConflict.school_id == school.id
    existing = session.scalar(select(StandingConflict.id).where(StandingConflict.juror_id == juror.id, same))
    if existing is not None:
        return _views(session, StandingConflict.id == existing)[0]
    affected = _affected(session, juror=juror, teacher_id=teacher.id if teacher else None,
                         school_id=school.id if school else None)
    scored = [a for a in affected if a.scores]
    submitted = [a for a in affected if a.submitted_at is not None]
    if origin == StandingOrigin.JUROR and submitted:  # as for one application: submitted scores are final
        raise Conflict("jury.errors.standing_after_submitting", count=len(submitted))
    if scored and not confirm:
        raise Conflict("jury.errors.standing_removes_scores", name=juror.display_name,
                       count=sum(len(a.scores) for a in scored), applications=len(scored),
                       submitted=sum(1 for a in scored if a.submitted_at is not None))
    stored = StandingConflict(juror_id=juror.id, teacher_id=teacher.id if teacher else None,
                              school_id=school.id if school else None, relation=str(relation), origin=origin,
                              note=note, created_by=actor.id)
    try:
        with session.begin_nested():
            session.add(stored)
    except IntegrityError:  # recorded at the same moment by someone else
        again = session.scalar(select(StandingConflict.id).where(StandingConflict.juror_id == juror.id, same))
        assert again is not None
        return _views(session, StandingConflict.id == again)[0]
    about: dict[str, object] = ({"teacher": teacher.id} if teacher is not None
                                else {"school": school.name, "country": school.country} if school is not None else {})
    audit.record(session, actor=actor,
                 action="jury.standing_conflict.teacher" if teacher is not None else "jury.standing_conflict.school",
                 entity_type="user", entity_id=juror.id,
                 details={"juror": juror.id, **about, "relation": str(relation), "origin": str(origin),
                          "note": bool(note)})
    kind = ConflictKind.STANDING_TEACHER if teacher is not None else ConflictKind.STANDING_SCHOOL
    for assignment in affected:
        audit.record(session, actor=actor, action="jury.unassign", entity_type="application",
                     entity_id=assignment.application_id,
                     details={"juror": juror.id, "reason": str(kind), "scores": len(assignment.scores),
                              "forced": bool(assignment.scores)})
        session.delete(assignment)
    session.flush()
    return _views(session, StandingConflict.id == stored.id)[0]


def remove_standing_conflict(session: Session, *, actor: Actor, standing_id: int) -> None:
    """Remove a standing conflict (the office only, ``conflict.standing.manage``); audited.
    The juror becomes assignable again to those applications; assignments taken off when
    it was recorded are not restored (the office assigns again if it wants)."""
    authorize(session, actor, "conflict.standing.manage")
    stored = session.get(StandingConflict, standing_id)
    if stored is None:
        raise NotFound()
    view = _views(session, StandingConflict.id == stored.id)[0]
    about = ({"teacher": view.teacher_id} if view.teacher_id is not None
             else {"school": view.school_name, "country": view.school_country})
    audit.record(session, actor=actor,
                 action=("jury.standing_conflict_removed.teacher" if view.teacher_id is not None
                         else "jury.standing_conflict_removed.school"),
                 entity_type="user", entity_id=stored.juror_id,
                 details={"juror": stored.juror_id, **about, "relation": stored.relation})
    session.delete(stored)
    session.flush()


@dataclass(frozen=True)
class StandingInRound:
    """An application of a round that a juror's standing conflict keeps from them."""

    standing: StandingConflictView
    application_id: int
    application_title: str


def standing_in_round(session: Session, *, actor: Actor, round_id: int) -> list[StandingInRound]:
    """The round's submitted applications that standing conflicts keep from its jurors,
    by application then juror (office)."""
    authorize(session, actor, "round.manage")
    round_ = find_round(session, round_id)
    jurors = {j.id for j in jury_members(session, for_round=round_)}
    standing = [s for s in _views(session, StandingConflict.juror_id.in_(jurors))] if jurors else []
    if not standing:
        return []
    found = []
    for application in round_applications(session, round_.id):
        if application.status != ApplicationStatus.SUBMITTED:
            continue
        place = application_place(application)
        for s in standing:
            juror = JurorPlace(juror_id=s.juror_id, school_id=None, country=None, region=None,
                               standing_teachers=frozenset({s.teacher_id} if s.teacher_id is not None else ()),
                               standing_schools=frozenset({s.school_id} if s.school_id is not None else ()))
            if rules.standing_conflicts(juror, place):
                found.append(StandingInRound(s, application.id, application.project.title))
    return sorted(found, key=lambda f: (f.application_id, f.standing.juror_name, f.standing.id))
