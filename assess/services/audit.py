"""The audit log: who did what to which record, and when."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from assess.domain.permissions import Actor
from assess.services.access import authorize
from assess.storage.models import AuditLog


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
