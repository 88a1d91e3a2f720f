"""Settings of the national office, stored in the database (the Settings page, ``assess settings``).

What each setting is, its range and default are declared once in
:mod:`assess.domain.settings`; every change goes through :func:`put_many`, which refuses
unknown keys and values out of range with field errors naming the setting, stores
nothing unless every value is right, and writes one audit row per changed setting.

Storage: one row per key, except the letterhead's text fields, kept together in the row
``office`` (``{"name": ..., "address": ...}``) as earlier versions stored them. The logo
is the row ``office.logo``: the image's bytes in base64 with its type and size, in the
database so that several app servers share it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from assess.domain import settings as registry
from assess.domain.permissions import Actor
from assess.domain.settings import BY_KEY, OFFICE_FIELDS, Image, OfficeLogo, stored_logo
from assess.services import _settings_values, audit
from assess.services._installed_rubrics import installed as installed_rubrics
from assess.services._settings_values import (
    _OFFICE_ROW,
    FALLBACK_URL,
    PUBLIC_URL_VARIABLE,
    SERVED_URL_VARIABLE,
    AddressProblem,
    AddressSource,
    PublicAddress,
    is_loopback,
    office_field,
)
from assess.services._settings_values import definition as _definition
from assess.services.access import authorize
from assess.services.errors import FieldError, InvalidInput
from assess.storage.db import writing
from assess.storage.models import Setting

log = logging.getLogger(__name__)

#: Every setting and its default.
DEFAULTS: dict[str, Any] = {setting.key: setting.default for setting in registry.SETTINGS}

def shown_value(key: str, value: Any) -> Any:
    """A value as lists, the command line and the audit log show it: an image by its
    type, size and checksum, never its bytes."""
    if isinstance(_definition(key), Image):
        logo = stored_logo(value)
        return logo.summary() if logo else None
    return value


def _known_gates(session: Session) -> dict[str, frozenset[str]]:
    """The gates of the installed rubrics, and those already stored: minimums kept for a
    rubric no longer installed may be saved again unchanged."""
    known = {rubric_id: frozenset(levels) for rubric_id, levels in _settings_values.get(session, "gate_minimums").items()}
    for rubric in installed_rubrics():
        known[rubric.id] = frozenset(gate.id for gate in rubric.gates)
    return known


def _check(session: Session, key: str, value: Any) -> tuple[Any, list[FieldError]]:
    """The clean value of one setting, or field errors (an unknown key is one too)."""
    definition = BY_KEY.get(key)
    if definition is None:
        return None, [FieldError(field=str(key)[:100], key="settings.errors.unknown_key", params={"value": str(key)[:100]})]
    gates = _known_gates(session) if isinstance(definition, registry.GateMinimums) else None
    if isinstance(definition, registry.InstalledRubric):
        clean, problems = definition.check(value, rubrics=frozenset(r.id for r in installed_rubrics()))
    else:
        clean, problems = definition.check(value, gates=gates)
    return clean, [FieldError(field=field, key=message, params=params) for field, message, params in problems]


def put_many(session: Session, *, actor: Actor, values: Mapping[str, Any]) -> list[str]:
    """Change several settings at once: every value is checked first and nothing is
    stored unless all are right (:class:`InvalidInput` lists each wrong one). Settings
    whose value does not change are not written nor logged. Returns the changed keys."""
    authorize(session, actor, "settings.manage")
    clean: dict[str, Any] = {}
    errors: list[FieldError] = []
    for key, value in values.items():
        checked, problems = _check(session, key, value)
        errors += problems
        clean[key] = checked
    if errors:
        raise InvalidInput(errors)
    changed = []
    for key, value in clean.items():
        old = _settings_values.get(session, key)
        if value == old:
            continue
        _store(session, key, value, actor)
        audit.record(
            session, actor=actor, action="setting.change", entity_type="setting", entity_id=key,
            details={"old": shown_value(key, old), "new": shown_value(key, value)},
        )
        changed.append(key)
    session.flush()
    return changed


def put(session: Session, *, actor: Actor, key: str, value: Any) -> None:
    """Change one setting (see :func:`put_many`)."""
    put_many(session, actor=actor, values={key: value})


def reset(session: Session, *, actor: Actor, key: str) -> None:
    """Back to the default."""
    definition = BY_KEY.get(key)
    put(session, actor=actor, key=key, value=definition.default if definition else None)


def _store(session: Session, key: str, value: Any, actor: Actor) -> None:
    field = office_field(key)
    row_key = _OFFICE_ROW if field is not None else key
    row = session.get(Setting, row_key)
    if field is not None:
        # A new dict: the JSON column sees the change. Fields of older versions
        # (logo_file) are dropped.
        office = row.value if row is not None and isinstance(row.value, dict) else {}
        value = {name: office[name] for name in OFFICE_FIELDS if name in office} | {field: value}
    if row is None:
        session.add(Setting(key=row_key, value=value, updated_by=actor.id))
    else:
        row.value = value
        row.updated_by = actor.id
    session.flush()  # the next office field reads this row


@dataclass(frozen=True)
class OfficeSettings:
    """What the Settings page shows: every value, the address links carry, the logo."""

    values: dict[str, Any]
    public_url: str
    office_logo: OfficeLogo | None


def for_the_office(session: Session, *, actor: Actor) -> OfficeSettings:
    """The settings as the office reads them before changing them."""
    authorize(session, actor, "settings.manage")
    return OfficeSettings(values=_settings_values.values(session), public_url=_settings_values.public_url(session),
                          office_logo=_settings_values.office_logo(session))


def make_secret_key(sessions: sessionmaker) -> None:
    """Create the installation's secret now, in a short write of its own: the app and the
    CLI call this when they open the database, so that read-only units of work (session
    cookies, survey links, import previews) never have to write it."""
    with writing(sessions) as session:
        _settings_values.secret_key(session)


# The readers (get, values, office, public_url...) are a building block of the services:
# assess.services._settings_values. Pages and the CLI read settings through for_the_office.
__all__ = ["FALLBACK_URL", "PUBLIC_URL_VARIABLE", "SERVED_URL_VARIABLE", "AddressProblem", "AddressSource",
           "PublicAddress", "is_loopback"]
