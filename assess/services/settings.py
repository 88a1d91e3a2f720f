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

import copy
import ipaddress
import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from assess.domain import settings as registry
from assess.domain.permissions import Actor
from assess.domain.settings import BY_KEY, OFFICE_FIELDS, Image, OfficeLogo, stored_logo
from assess.services import audit
from assess.services._installed_rubrics import installed as installed_rubrics
from assess.services.access import authorize
from assess.services.errors import FieldError, InvalidInput
from assess.storage.db import writing
from assess.storage.models import Setting

log = logging.getLogger(__name__)

#: Every setting and its default.
DEFAULTS: dict[str, Any] = {setting.key: setting.default for setting in registry.SETTINGS}

#: Kept in the settings table but never shown or changed on the settings page.
_SECRET_KEY = "_secret_key"
_OFFICE_ROW = "office"


def _definition(key: str) -> registry.Setting:
    found = BY_KEY.get(key)
    if found is None:
        raise KeyError(f"unknown setting '{key}'")
    return found


def _office_field(key: str) -> str | None:
    """``office.name`` -> ``name``: the letterhead's text fields share the row ``office``."""
    prefix, _, field = key.partition(".")
    return field if prefix == _OFFICE_ROW and field in OFFICE_FIELDS else None


def _stored(session: Session, key: str) -> tuple[bool, Any]:
    """(found, value) as the database holds it."""
    field = _office_field(key)
    if field is not None:
        row = session.get(Setting, _OFFICE_ROW)
        office = row.value if row is not None and isinstance(row.value, dict) else {}
        return field in office, office.get(field)
    row = session.get(Setting, key)
    return (row is not None), (row.value if row is not None else None)


def get(session: Session, key: str) -> Any:
    """The setting's value, or its default. A stored value that is no longer valid (written
    before values were checked) is logged and replaced by the default, so no reader of a
    setting has to guard against it. For ``office.logo``: the stored image as a dict
    (see :func:`office_logo` for the image itself)."""
    definition = _definition(key)
    found, value = _stored(session, key)
    if not found or value is None:
        return copy.deepcopy(definition.default)  # a caller may change what it gets
    if isinstance(definition, Image):
        return value if stored_logo(value) is not None else definition.default
    clean, problems = definition.check(value)
    if problems:
        log.warning("setting %s: the stored value is not valid any more; the default is used", key)
        return copy.deepcopy(definition.default)
    return clean


def values(session: Session) -> dict[str, Any]:
    """Every setting's value, in the registry's order."""
    return {setting.key: get(session, setting.key) for setting in registry.SETTINGS}


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
    known = {rubric_id: frozenset(levels) for rubric_id, levels in get(session, "gate_minimums").items()}
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
        old = get(session, key)
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
    field = _office_field(key)
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


# --- what readers of the settings use ---------------------------------------------------------

def gate_minimums(session: Session, rubric_id: str) -> dict[str, int]:
    return dict(get(session, "gate_minimums").get(rubric_id, {}))


#: The operator's choice of public address, read when the Settings page leaves it empty.
PUBLIC_URL_VARIABLE = "ASSESS_PUBLIC_URL"
#: The address ``assess serve`` listens on (set by it for the Streamlit process): a guess,
#: used only when the office and the operator said nothing.
SERVED_URL_VARIABLE = "ASSESS_SERVED_URL"
FALLBACK_URL = "http://127.0.0.1:8501"


class AddressSource(StrEnum):
    SETTING = "setting"  # the Settings page, `assess settings set public_url`
    ENVIRONMENT = "environment"  # ASSESS_PUBLIC_URL
    SERVER = "server"  # the address `assess serve` was started on
    FALLBACK = "fallback"


class AddressProblem(StrEnum):
    UNSET = "unset"  # nobody chose it: a guess
    LOOPBACK = "loopback"  # only this computer reaches it (127.0.0.0/8, ::1, localhost, 0.0.0.0)


@dataclass(frozen=True)
class PublicAddress:
    """The address printed on slips and in links, where it comes from, and what is wrong
    with it for respondents (None: nothing)."""

    url: str
    source: AddressSource
    problem: AddressProblem | None


def is_loopback(url: str) -> bool:
    """True when no other device can reach ``url``: a loopback or unspecified host."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _from_environment(variable: str) -> str | None:
    """A variable's address, checked as the setting is; a wrong one is logged and skipped."""
    raw = os.environ.get(variable, "")
    if not raw.strip():
        return None
    clean, problems = _definition("public_url").check(raw)
    if problems:
        log.warning("%s: not a usable address (%s); ignored", variable, raw[:80])
        return None
    return clean


def public_address(session: Session) -> PublicAddress:
    """The public address, in one place: the setting, else ``ASSESS_PUBLIC_URL``, else the
    address ``assess serve`` was started on, else :data:`FALLBACK_URL`."""
    url, source = get(session, "public_url"), AddressSource.SETTING
    if not url:
        url, source = _from_environment(PUBLIC_URL_VARIABLE), AddressSource.ENVIRONMENT
    if not url:
        url, source = _from_environment(SERVED_URL_VARIABLE), AddressSource.SERVER
    if not url:
        url, source = FALLBACK_URL, AddressSource.FALLBACK
    url = url.rstrip("/")
    if is_loopback(url):
        problem = AddressProblem.LOOPBACK
    elif source in (AddressSource.SERVER, AddressSource.FALLBACK):
        problem = AddressProblem.UNSET
    else:
        problem = None
    return PublicAddress(url=url, source=source, problem=problem)


def public_url(session: Session) -> str:
    """The address printed on slips and in links (see :func:`public_address`)."""
    return public_address(session).url


def office(session: Session) -> dict[str, str]:
    """The letterhead's text fields: ``{"name": ..., "address": ..., "signatory": ..., "place": ...}``."""
    return {field: get(session, f"office.{field}") for field in OFFICE_FIELDS}


def office_logo(session: Session) -> OfficeLogo | None:
    """The office's uploaded logo, None when it has none (letters then show ours)."""
    # Read once from the stored value: get() would check the image and this check it again.
    return stored_logo(_stored(session, "office.logo")[1])


def make_secret_key(sessions: sessionmaker) -> None:
    """Create the installation's secret now, in a short write of its own: the app and the
    CLI call this when they open the database, so that read-only units of work (session
    cookies, survey links, import previews) never have to write it."""
    with writing(sessions) as session:
        secret_key(session)


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
