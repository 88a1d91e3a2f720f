"""The audit log in words: one sentence per event, in the reader's language, naming who
acted and on what ("Claire Martin created the project “Stories from our rivers”.").

The sentences are catalogue messages ``audit.action.<action>`` (assess/i18n/*/audit.toml)
with the placeholders ``{who}`` (the actor, or "The system"), ``{object}`` (what was acted
on, as a noun phrase of its kind: ``audit.object.<kind>`` with its name,
``audit.object_number.<kind>`` when it is gone) and ``{name}`` (the object's bare name), plus
a few facts kept in the event's details (``{juror}``, ``{roles}``, ``{count}``...).

An event whose action has no sentence (an action of an older version, or one a later
version added) still reads: "{who}: project archive (the project “…”)" (``audit.unknown``),
and so does an event whose details miss a fact its sentence names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from assess.domain.settings import BY_KEY
from assess.i18n import source, t
from assess.i18n.formats import country_name


@dataclass(frozen=True)
class AuditEntry:
    """One event of the log as the office reads it: the names of the actor and of the
    object as they are now (``name`` None when the object is gone and its event kept no
    name of it)."""

    at: datetime
    action: str
    actor_name: str | None  # None: the system
    actor_email: str | None
    entity_type: str
    entity_id: str
    name: str | None
    details: Mapping[str, Any] = field(default_factory=dict)
    #: The accounts the details name (the juror assigned, in conflict...): id -> display name.
    people: Mapping[int, str] = field(default_factory=dict)


#: The details that name an account, and the fact each becomes in a sentence: the names
#: are looked up when the log is read (an account renamed since reads by its new name).
PEOPLE_DETAILS = {"juror": "juror", "from": "from_juror", "to": "to_juror", "teacher": "teacher"}


def _message(key: str, lang: str) -> str | None:
    """The template ``key`` in ``lang`` (English when the language lacks it), None for a key
    no catalogue has (an action recorded by an older or newer version)."""
    return t(key, lang) if key in source() else None


def _someone(number: Any, lang: str) -> str:
    return (_message("audit.someone", lang) or "{id}").format(id=number)


def _name(entry: AuditEntry, lang: str) -> str | None:
    """The object's bare name; an account whose name is no longer known is "someone (account
    no. 12)", so that a sentence about a person still reads."""
    if entry.name is None and entry.entity_type == "user":
        return _someone(entry.entity_id, lang)
    return entry.name


def object_phrase(entry: AuditEntry, lang: str) -> str:
    """What the event acted on, as a noun phrase: "the project “Rivers”", "application
    no. 12 (“Rivers”)"; "project no. 12" once it is gone; the kind and id themselves
    for a kind of object the catalogue does not know."""
    name = _name(entry, lang)
    if entry.entity_type == "setting":
        known = BY_KEY.get(entry.entity_id)
        name = _message(known.label_key, lang) if known else entry.entity_id
    if name:
        template = _message(f"audit.object.{entry.entity_type}", lang)
    else:
        template = _message(f"audit.object_number.{entry.entity_type}", lang)
    if template is None:
        return f"{entry.entity_type.replace('_', ' ')} {entry.entity_id}"
    return template.format(name=name or "", id=entry.entity_id)


def _roles(values: Any, lang: str) -> str:
    roles = values if isinstance(values, list | tuple) else []
    return ", ".join(_message(f"auth.role.{role}", lang) or str(role) for role in roles)


def _facts(entry: AuditEntry, lang: str) -> dict[str, Any]:
    """The details a sentence may name, written for a person."""
    details = entry.details
    facts: dict[str, Any] = {key: value for key, value in details.items() if isinstance(value, str | int | float)}
    for detail, fact in PEOPLE_DETAILS.items():
        person = details.get(detail)
        if person is not None:
            known = next((name for number, name in entry.people.items() if str(number) == str(person)), None)
            facts[fact] = known or _someone(person, lang)
    if isinstance(details.get("applications"), list):
        facts["count"] = len(details["applications"])
    for key in ("roles", "new", "old"):
        if entry.action in ("user.create", "user.set_roles") and key in details:
            facts[key] = _roles(details[key], lang)
    if entry.action == "setting.change":
        for key in ("old", "new"):
            value = details.get(key)
            facts[key] = "—" if value is None or value == "" else str(value)
    if isinstance(details.get("relation"), str):  # a standing conflict's reason, in words
        facts["relation"] = _message(f"jury.standing_relation.{details['relation']}", lang) or details["relation"]
    if "country" in details and isinstance(details["country"], str):
        facts["country"] = country_name(details["country"], lang)
    return facts


def describe(entry: AuditEntry, lang: str) -> str:
    """The event as one sentence in ``lang``."""
    who = entry.actor_name or _message("audit.system", lang) or "system"
    phrase = object_phrase(entry, lang)
    params = {**_facts(entry, lang), "who": who, "object": phrase, "name": _name(entry, lang) or phrase,
              "id": entry.entity_id}
    template = _message(f"audit.action.{entry.action}", lang)
    if template is not None:
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError):
            pass  # details of an older version: the plain sentence below
    words = entry.action.replace(".", " ").replace("_", " ")
    return (_message("audit.unknown", lang) or "{who}: {action} ({object})").format(who=who, action=words, object=phrase)
