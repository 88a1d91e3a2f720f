"""A juror's work, blind: drafts saved item by item (their own rows, so two jurors saving
at once lose nothing), submitted when every counted criterion and gate has a level, and
only then the other jurors' scores (pseudonymised: a letter, shown as "Juror A")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from assess.domain.jury import juror_letter
from assess.domain.permissions import Actor, can
from assess.domain.rubric import LEVELS
from assess.domain.states import ApplicationStatus, AssignmentOrigin
from assess.services import audit, rounds
from assess.services.access import authorize, permitted
from assess.services.errors import Conflict, FieldError, InvalidInput, NotFound
from assess.services.jury._common import (
    COMMENT_MAX,
    NOTE_MAX,
    UNSET,
    find_application,
    items_of,
    refuse_if_published,
)
from assess.services.jury._conflicts import conflicted_applications
from assess.services.jury._facts import facts_of
from assess.storage.models import Application, Assignment, JurorScore, Project, Round, utcnow


def _juror_id(actor: Actor) -> int:
    """The acting juror's id (checked by ``jury.score``: never the system, never None)."""
    if actor.id is None:
        raise NotFound()
    return actor.id


def _usable(session: Session, assignment: Assignment | None, actor: Actor) -> Assignment:
    """The actor's assignment, if they may judge the application (``application.judge``:
    assigned, not in conflict, the application still submitted); the same NotFound
    otherwise, so nothing tells an application in conflict from one that does not exist."""
    if assignment is None or assignment.juror_id != actor.id:
        raise NotFound()
    application = find_application(session, assignment.application_id)
    if application is None or not permitted(
            session, actor, "application.judge", facts_of(session, juror_id=actor.id, application=application,
                                                          assignment=assignment)):
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
        .where(Assignment.juror_id == actor.id, Application.status == ApplicationStatus.SUBMITTED)
        .options(selectinload(Assignment.scores), selectinload(Application.round),
                 selectinload(Application.project).selectinload(Project.partners),
                 selectinload(Application.project).selectinload(Project.school))
        .order_by(Assignment.id)
    ).all()
    conflicted = conflicted_applications(session, juror_id=_juror_id(actor), applications=[a for _, a in rows])
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
    application = find_application(session, assignment.application_id)
    # Shared lock on the round: the rubric cannot be changed while this score is being saved.
    round_ = session.scalars(select(Round).where(Round.id == application.round_id).with_for_update(read=True)
                             .execution_options(populate_existing=True)).one()
    if not can(actor, "application.score", facts_of(session, juror_id=actor.id, application=application,
                                                    assignment=assignment)):
        refuse_if_published(round_)  # says why: published, else submitted
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
            if row is None:  # pragma: no cover - rolled back by the other saver: try again later
                raise
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
    application = find_application(session, assignment.application_id)
    refuse_if_published(application.round)
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

    #: A letter ("A", "B"...), shown as "Juror A" (``jury.pseudonym.name``).
    pseudonym: str
    submitted_at: datetime | None
    scores: Mapping[str, ItemScore]
    #: Only for the office (None for jurors).
    juror_id: int | None = None
    origin: str = AssignmentOrigin.AUTO


def _assignments_with_names(session: Session, application_id: int) -> list[tuple[Assignment, str]]:
    assignments = list(session.scalars(select(Assignment).where(Assignment.application_id == application_id)
                                       .options(selectinload(Assignment.scores)).order_by(Assignment.id)))
    return [(a, juror_letter(i)) for i, a in enumerate(assignments)]


def _scores_of(assignment: Assignment) -> dict[str, ItemScore]:
    return {s.item_id: ItemScore(s.level, s.comment, s.private_note) for s in assignment.scores}


def other_scores(session: Session, *, actor: Actor, application_id: int) -> list[JurorScores]:
    """The other jurors' submitted scores, for a juror of the application who has
    submitted their own; refused (:class:`NotFound`, ``jury.errors.submit_first``) before."""
    own = assignment_of(session, actor=actor, application_id=application_id)
    application = session.get(Application, application_id)
    if application is None or not can(actor, "application.view_other_scores",
                                      facts_of(session, juror_id=actor.id, application=application, assignment=own)):
        raise NotFound("jury.errors.submit_first")
    return [
        JurorScores(pseudonym=name, submitted_at=a.submitted_at, scores=_scores_of(a), origin=a.origin)
        for a, name in _assignments_with_names(session, application_id)
        if a.id != own.id and a.submitted_at is not None
    ]

