"""What every part of the jury reads: an application, a round, a juror, the rubric's items."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from assess.domain.rubric import Rubric
from assess.domain.states import ApplicationStatus, Role
from assess.services.errors import Conflict, FieldError, InvalidInput, NotFound
from assess.storage.models import Application, Project, Round, User, UserRole

COMMENT_MAX = 5000
NOTE_MAX = 5000
#: "Not given": a field left as it is (None is a value: no level).
UNSET: Any = object()


def find_application(session: Session, application_id: int) -> Application:
    stored = session.get(Application, application_id)
    if stored is None:
        raise NotFound()
    return stored


def find_round(session: Session, round_id: int) -> Round:
    stored = session.get(Round, round_id)
    if stored is None:
        raise NotFound()
    return stored


def refuse_if_published(round_: Round) -> None:
    """Published decisions, and the scores and conflicts behind them, stay as they are."""
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
             .where(UserRole.role == Role.JUROR, User.is_active.is_(True)).order_by(User.id))
    if for_round is not None:
        query = query.where(User.is_demo.is_(bool(for_round.is_demo)))
    return list(session.scalars(query))


def active_juror(session: Session, juror_id: int | None, *, for_round: Round | None = None) -> User:
    """The active juror of this id (who may judge in ``for_round``), else InvalidInput."""
    user = session.get(User, juror_id) if juror_id is not None else None
    if user is None or not user.is_active or Role.JUROR not in user.role_names:
        raise InvalidInput([FieldError("juror_id", "jury.errors.not_a_juror", {"value": juror_id})])
    if for_round is not None and bool(user.is_demo) != bool(for_round.is_demo):
        key = "demo.errors.demo_juror" if user.is_demo else "demo.errors.real_juror"
        raise InvalidInput([FieldError("juror_id", key, {"value": juror_id})])
    return user


def round_applications(session: Session, round_id: int) -> list[Application]:
    """The round's submitted applications, with their projects' schools and partners."""
    return list(session.scalars(
        select(Application).where(Application.round_id == round_id, Application.status == ApplicationStatus.SUBMITTED)
        .options(selectinload(Application.project).selectinload(Project.partners),
                 selectinload(Application.project).selectinload(Project.school))
        .order_by(Application.id)
    ))
