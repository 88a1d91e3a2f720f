"""A juror's load in a round against their capacity: building blocks of the assignment."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assess.domain.states import ApplicationStatus
from assess.services.errors import Conflict
from assess.storage.models import Application, Assignment, Round, User


def capacities(jurors: Iterable[User]) -> dict[int, int]:
    """Juror id -> maximum, for the jurors who have one (what the assignment reads)."""
    return {j.id: j.max_per_round for j in jurors if j.max_per_round is not None}


def round_load(session: Session, *, juror_id: int, round_id: int) -> int:
    return session.scalar(select(func.count(Assignment.id)).join(
        Application, Application.id == Assignment.application_id).where(
        Assignment.juror_id == juror_id, Application.round_id == round_id,
        Application.status == ApplicationStatus.SUBMITTED)) or 0


def refuse_beyond_capacity(session: Session, *, juror: User, round_: Round) -> None:
    """``jury.errors.at_capacity`` (naming the juror and their maximum) when the juror
    already has their maximum of applications in the round."""
    if juror.max_per_round is None:
        return
    load = round_load(session, juror_id=juror.id, round_id=round_.id)
    if load >= juror.max_per_round:
        raise Conflict("jury.errors.at_capacity", name=juror.display_name, count=load, max=juror.max_per_round)
