"""Settings of the national office, stored in the database (changed from the admin page)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from assess.domain.permissions import Actor, require
from assess.services import audit
from assess.storage.models import Setting

#: Every setting and its default. Unknown keys are refused.
DEFAULTS: dict[str, Any] = {
    # Teachers may create their own account from the sign-in page.
    "allow_signup": False,
    # Gate minimums per rubric, overriding the rubric file: {rubric_id: {gate_id: level}}.
    "gate_minimums": {},
}


def get(session: Session, key: str) -> Any:
    if key not in DEFAULTS:
        raise KeyError(f"unknown setting '{key}'")
    row = session.get(Setting, key)
    return DEFAULTS[key] if row is None else row.value


def put(session: Session, *, actor: Actor, key: str, value: Any) -> None:
    require(actor, "settings.manage")
    if key not in DEFAULTS:
        raise KeyError(f"unknown setting '{key}'")
    row = session.get(Setting, key)
    old = DEFAULTS[key] if row is None else row.value
    if row is None:
        session.add(Setting(key=key, value=value, updated_by=actor.id))
    else:
        row.value = value
        row.updated_by = actor.id
    audit.record(session, actor=actor, action="setting.change", entity_type="setting", entity_id=key, details={"old": old, "new": value})
    session.flush()


def gate_minimums(session: Session, rubric_id: str) -> dict[str, int]:
    return dict(get(session, "gate_minimums").get(rubric_id, {}))
