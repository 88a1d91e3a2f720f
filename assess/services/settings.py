"""Settings of the national office, stored in the database (changed from the admin page)."""

from __future__ import annotations

import os
import secrets
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assess.domain.permissions import Actor
from assess.services import audit
from assess.services.access import authorize
from assess.storage.models import Setting

#: Every setting and its default. Unknown keys are refused.
DEFAULTS: dict[str, Any] = {
    # Teachers may create their own account from the sign-in page.
    "allow_signup": False,
    # Gate minimums per rubric, overriding the rubric file: {rubric_id: {gate_id: level}}.
    "gate_minimums": {},
    # The address respondents reach the suite at, printed on code slips and in survey links.
    # Empty: ASSESS_PUBLIC_URL, else http://127.0.0.1:8501.
    "public_url": "",
    # Triangulation: a gap between the self-assessed level and an audience's indicator, on
    # the 0-5 scale, from which the dashboard flags it.
    "triangulation_gap": 1.5,
    # The national jury: applications a teacher may submit per school year (withdrawn ones
    # not counted).
    "max_applications_per_year": 4,
    # A juror whose mean deviation from their co-jurors reaches this (either way) is flagged.
    "severity_threshold": 1.0,
    # European label: "top_share" proposes at most this share of the eligible projects, those
    # above the rubric's nomination threshold; "automatic": every project with national
    # labels in two countries.
    "eql_share": 0.25,
    "eql_rule": "top_share",
    # The national office, as printed on verdict letters.
    "office": {"name": "", "address": "", "signatory": "", "place": "", "logo_file": ""},
}

#: Kept in the settings table but never shown or changed on the settings page.
_SECRET_KEY = "_secret_key"


def get(session: Session, key: str) -> Any:
    if key not in DEFAULTS:
        raise KeyError(f"unknown setting '{key}'")
    row = session.get(Setting, key)
    return DEFAULTS[key] if row is None else row.value


def put(session: Session, *, actor: Actor, key: str, value: Any) -> None:
    authorize(session, actor, "settings.manage")
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


def public_url(session: Session) -> str:
    url = get(session, "public_url") or os.environ.get("ASSESS_PUBLIC_URL") or "http://127.0.0.1:8501"
    return url.rstrip("/")


def secret_key(session: Session) -> bytes:
    """The installation's secret for keyed hashes (survey links, import row keys):
    ``ASSESS_SECRET_KEY`` if set, else one made at random on first use and kept in the
    database, so several app servers on one database share it without configuration."""
    configured = os.environ.get("ASSESS_SECRET_KEY")
    if configured:
        return configured.encode()
    row = session.get(Setting, _SECRET_KEY)
    if row is None:
        try:
            with session.begin_nested():  # two first uses at once: one wins, the other reads it
                session.add(Setting(key=_SECRET_KEY, value=secrets.token_hex(32)))
        except IntegrityError:
            pass
        row = session.get(Setting, _SECRET_KEY)
    return str(row.value).encode()
