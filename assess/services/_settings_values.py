"""Reading the office's settings: a building block of the services.

Every service that depends on a setting reads it here (a value, the public address,
the letterhead, the installation's secret), in its own permission-checked use case; pages
and the CLI ask :mod:`assess.services.settings`, whose functions take an actor.
"""

from __future__ import annotations

import copy
import ipaddress
import logging
import os
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assess.domain import settings as registry
from assess.domain.settings import BY_KEY, OFFICE_FIELDS, Image, OfficeLogo, stored_logo
from assess.storage.models import Setting

log = logging.getLogger("assess.services.settings")

#: Kept in the settings table but never shown or changed on the settings page.
_SECRET_KEY = "_secret_key"
_OFFICE_ROW = "office"


def definition(key: str) -> registry.Setting:
    found = BY_KEY.get(key)
    if found is None:
        raise KeyError(f"unknown setting '{key}'")
    return found


def office_field(key: str) -> str | None:
    """``office.name`` -> ``name``: the letterhead's text fields share the row ``office``."""
    prefix, _, field = key.partition(".")
    return field if prefix == _OFFICE_ROW and field in OFFICE_FIELDS else None


def stored_value(session: Session, key: str) -> tuple[bool, Any]:
    """(found, value) as the database holds it."""
    field = office_field(key)
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
    setting = definition(key)
    found, value = stored_value(session, key)
    if not found or value is None:
        return copy.deepcopy(setting.default)  # a caller may change what it gets
    if isinstance(setting, Image):
        return value if stored_logo(value) is not None else setting.default
    clean, problems = setting.check(value)
    if problems:
        log.warning("setting %s: the stored value is not valid any more; the default is used", key)
        return copy.deepcopy(setting.default)
    return clean


def values(session: Session) -> dict[str, Any]:
    """Every setting's value, in the registry's order."""
    return {setting.key: get(session, setting.key) for setting in registry.SETTINGS}


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
    clean, problems = definition("public_url").check(raw)
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
    return stored_logo(stored_value(session, "office.logo")[1])


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
        assert row is not None, "stored by this use or by the one it raced"
    return str(row.value).encode()
