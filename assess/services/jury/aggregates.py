"""The office's view of an application across its jurors: per criterion the aggregate
(the round's mean or median), the spread and a disagreement flag, and the score these
aggregates give. Only submitted scores count."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only, selectinload

from assess.domain.permissions import Actor
from assess.domain.states import ApplicationStatus
from assess.services.access import authorize
from assess.services.jury._aggregates import ApplicationAggregate, aggregate_application, aggregate_applications
from assess.services.jury._common import find_application, find_round
from assess.storage.models import Application, Assignment, Project


def aggregates(session: Session, *, actor: Actor, application_id: int) -> ApplicationAggregate:
    """Per criterion and gate: each juror's level (pseudonymised), the aggregate (the
    round's mean or median), the spread and the disagreement flag; and the total,
    percentage and verdict the aggregates give (office only)."""
    authorize(session, actor, "decision.manage")
    return aggregate_application(session, find_application(session, application_id))


def round_aggregates(session: Session, *, actor: Actor, round_id: int) -> list[ApplicationAggregate]:
    """:func:`aggregates` of every submitted application of the round."""
    authorize(session, actor, "decision.manage")
    find_round(session, round_id)
    # Only what the aggregates read (ids and the project's title): a national round's
    # thousand applications with their texts, partners and schools took half the
    # office's decisions page to load (issue 13).
    applications = list(session.scalars(
        select(Application).where(Application.round_id == round_id, Application.status == ApplicationStatus.SUBMITTED)
        .options(load_only(Application.id, Application.round_id, Application.project_id),
                 selectinload(Application.project).load_only(Project.id, Project.title))
        .order_by(Application.id)
    ))
    return aggregate_applications(session, applications)


def round_jurors(session: Session, *, actor: Actor, round_id: int) -> dict[int, list[int]]:
    """Per submitted application of the round, its jurors' ids in assignment order (office)."""
    authorize(session, actor, "round.manage")
    found: dict[int, list[int]] = {}
    for application_id, juror_id in session.execute(
        select(Assignment.application_id, Assignment.juror_id)
        .join(Application, Application.id == Assignment.application_id)
        .where(Application.round_id == round_id, Application.status == ApplicationStatus.SUBMITTED).order_by(Assignment.id)
    ):
        found.setdefault(application_id, []).append(juror_id)
    return found

