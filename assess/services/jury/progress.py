"""How far the jury is in a round, for the office's rounds page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assess.domain.permissions import Actor
from assess.services.access import authorize
from assess.services.jury.common import find_round
from assess.storage.models import Application, Assignment


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
    round_ = find_round(session, round_id)
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

