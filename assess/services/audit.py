"""The audit log: who did what to which record, and when."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from assess.domain.audit_words import PEOPLE_DETAILS, AuditEntry
from assess.domain.permissions import Actor
from assess.services.access import authorize
from assess.storage.models import (
    Application,
    Assignment,
    AuditLog,
    OutboxMail,
    Project,
    Round,
    SelfAssessment,
    SurveyCampaign,
    User,
)


def record(session: Session, *, actor: Actor | None, action: str, entity_type: str, entity_id: Any, details: dict | None = None) -> None:
    """Add one event to the log, in the caller's transaction: it is stored only if the change is."""
    session.add(
        AuditLog(
            actor_id=actor.id if actor else None,
            action=action,
            entity_type=entity_type,
            entity_id=str(entity_id),
            details=details or {},
        )
    )


def events(session: Session, *, actor: Actor, entity_type: str | None = None, entity_id: Any = None, limit: int = 200) -> list[AuditLog]:
    """The latest events, newest first, each with its ``actor`` (the account, None for the system) loaded."""
    authorize(session, actor, "audit.view")
    query = select(AuditLog).options(joinedload(AuditLog.actor)).order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit)
    if entity_type:
        query = query.where(AuditLog.entity_type == entity_type)
    if entity_id is not None:
        query = query.where(AuditLog.entity_id == str(entity_id))
    return list(session.scalars(query))


def _number(value: Any) -> int | None:
    """An id kept as text in the log ('12'), or None for another kind of id ('csv', 'demo')."""
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


def _ids(values) -> set[int]:
    return {number for number in map(_number, values) if number is not None}


def _names(session: Session, by_type: dict[str, set[int]]) -> dict[tuple[str, int], str]:
    """The name of each object still stored, a query per kind of object."""
    queries = {
        "user": lambda ids: select(User.id, User.display_name).where(User.id.in_(ids)),
        "project": lambda ids: select(Project.id, Project.title).where(Project.id.in_(ids)),
        "round": lambda ids: select(Round.id, Round.name).where(Round.id.in_(ids)),
        "application": lambda ids: select(Application.id, Project.title).join(Project, Application.project_id == Project.id)
        .where(Application.id.in_(ids)),
        "assignment": lambda ids: select(Assignment.id, Project.title)
        .join(Application, Assignment.application_id == Application.id)
        .join(Project, Application.project_id == Project.id).where(Assignment.id.in_(ids)),
        "survey_campaign": lambda ids: select(SurveyCampaign.id, Project.title)
        .join(Project, SurveyCampaign.project_id == Project.id).where(SurveyCampaign.id.in_(ids)),
        "self_assessment": lambda ids: select(SelfAssessment.id, Project.title)
        .join(Project, SelfAssessment.project_id == Project.id).where(SelfAssessment.id.in_(ids)),
        "mail": lambda ids: select(OutboxMail.id, OutboxMail.subject).where(OutboxMail.id.in_(ids)),
    }
    found: dict[tuple[str, int], str] = {}
    for kind, ids in by_type.items():
        if kind in queries and ids:
            found.update({(kind, row[0]): row[1] for row in session.execute(queries[kind](sorted(ids)))})
    return found


def entries(session: Session, *, actor: Actor, limit: int = 100) -> list[AuditEntry]:
    """The latest events, newest first, with the names of their actors and objects as they
    are now, for a sentence each (assess.domain.audit_words.describe)."""
    found = events(session, actor=actor, limit=limit)
    by_type: dict[str, set[int]] = {}
    for event in found:
        by_type.setdefault(event.entity_type, set()).update(_ids([event.entity_id]))
        if isinstance(event.details, dict):
            named = [event.details[key] for key in PEOPLE_DETAILS if key in event.details]
            by_type.setdefault("user", set()).update(_ids(named))
    names = _names(session, by_type)
    result = []
    for event in found:
        details = event.details if isinstance(event.details, dict) else {}
        number = _number(event.entity_id)
        # A deleted project or round keeps its name in its events.
        name = names.get((event.entity_type, number)) if number is not None else None
        if name is None:
            name = (details.get("title") or details.get("name")) if event.entity_type in ("project", "round") else None
        numbers = [_number(details.get(key)) for key in PEOPLE_DETAILS]
        people = {n: names[("user", n)] for n in numbers if n is not None and ("user", n) in names}
        result.append(AuditEntry(
            at=event.at, action=event.action,
            actor_name=event.actor.display_name if event.actor else None,
            actor_email=event.actor.email if event.actor else None,
            entity_type=event.entity_type, entity_id=event.entity_id, name=name, details=dict(details), people=people,
        ))
    return result
