"""A project as a teacher registers it, and the rules its fields must follow.

Validation lives here, not in pages or models, so the form, the CLI, the demo loader and
imports all refuse the same things with the same messages (catalogue keys in
``errors.*``, translated where shown).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast
from urllib.parse import urlparse

from assess.domain.countries import COUNTRIES
from assess.domain.project_choices import recognise_language, recognise_subject

AGE_MIN, AGE_MAX = 2, 21
TITLE_MIN, TITLE_MAX = 3, 300
SUMMARY_MAX = 5000
NAME_MAX = 300
MAX_LIST = 20
URL_MAX = 500


@dataclass(frozen=True)
class SchoolData:
    name: str
    country: str
    region: str | None = None


@dataclass(frozen=True)
class ProjectData:
    title: str
    summary: str
    start_date: date
    end_date: date
    age_min: int
    age_max: int
    subjects: tuple[str, ...]
    languages: tuple[str, ...]
    school: SchoolData
    partners: tuple[SchoolData, ...]
    twinspace_url: str | None = None


@dataclass
class _Errors:
    items: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def add(self, field_name: str, key: str, **params: Any) -> None:
        self.items.append((field_name, f"errors.{key}", params))


def is_web_address(value: str) -> bool:
    parsed = urlparse(value)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc) and len(value) <= URL_MAX


def _text(raw: Mapping[str, Any], name: str, errors: _Errors, *, minimum: int = 1, maximum: int, required: bool = True) -> str:
    value = str(raw.get(name) or "").strip()
    if not value:
        if required:
            errors.add(name, "required")
        return value
    if len(value) < minimum:
        errors.add(name, "too_short", min=minimum)
    if len(value) > maximum:
        errors.add(name, "too_long", max=maximum)
    return value


def _choices(raw: Mapping[str, Any], name: str, errors: _Errors, recognise: Callable[[str], str | None],
             unknown: str, kept: Collection[str]) -> tuple[str, ...]:
    """Codes of a closed list (assess.domain.project_choices), each given as its code or its
    name in a language of the suite; a word in ``kept`` (stored before the lists existed)
    stays as it is. Anything else is refused by name."""
    values = raw.get(name) or []
    if isinstance(values, str):
        values = values.split(",")
    found: list[str] = []
    for value in values:
        text = str(value).strip()
        if not text:
            continue
        code = text if text in kept else recognise(text)
        if code is None:
            errors.add(name, unknown, value=text[:100])
        else:
            found.append(code)
    cleaned = tuple(dict.fromkeys(found))
    if not cleaned and not any(key == name for key, _message, _params in errors.items):
        errors.add(name, "at_least_one")
    if len(cleaned) > MAX_LIST:
        errors.add(name, "too_many", max=MAX_LIST)
    return cleaned


def _school(raw: Mapping[str, Any] | None, name: str, errors: _Errors) -> SchoolData:
    raw = raw or {}
    school_name = _text(raw, "name", _Errors(), maximum=NAME_MAX)
    if not school_name:
        errors.add(f"{name}.name", "required")
    elif len(school_name) > NAME_MAX:
        errors.add(f"{name}.name", "too_long", max=NAME_MAX)
    country = str(raw.get("country") or "").strip().upper()
    if not country:
        errors.add(f"{name}.country", "required")
    elif country not in COUNTRIES:
        errors.add(f"{name}.country", "unknown_country", value=country)
    region = str(raw.get("region") or "").strip() or None
    if region and len(region) > 200:
        errors.add(f"{name}.region", "too_long", max=200)
    return SchoolData(name=school_name, country=country, region=region)


def _age(raw: Mapping[str, Any], name: str, errors: _Errors) -> int:
    value: Any = raw.get(name)
    try:
        age = int(value)
    except (TypeError, ValueError):
        errors.add(name, "required")
        return AGE_MIN
    if not AGE_MIN <= age <= AGE_MAX:
        errors.add(name, "age_range", min=AGE_MIN, max=AGE_MAX)
    return age


def _date(raw: Mapping[str, Any], name: str, errors: _Errors) -> date | None:
    value = raw.get(name)
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    errors.add(name, "not_a_date")
    return None


def validate_project(
    raw: Mapping[str, Any], *, kept_subjects: Collection[str] = (), kept_languages: Collection[str] = (),
) -> tuple[ProjectData | None, list[tuple[str, str, dict[str, Any]]]]:
    """Check a project's fields; return the clean data, or None and every problem as
    ``(field, message key, params)``. Partner fields are named ``partners.N.name`` etc.

    Subjects and languages are codes of closed lists (assess.domain.project_choices);
    ``kept_subjects`` and ``kept_languages``: the words a project being edited still holds
    from before the lists, which it may keep."""
    errors = _Errors()
    title = _text(raw, "title", errors, minimum=TITLE_MIN, maximum=TITLE_MAX)
    summary = _text(raw, "summary", errors, maximum=SUMMARY_MAX, required=False)
    start, end = _date(raw, "start_date", errors), _date(raw, "end_date", errors)
    if start and end and end < start:
        errors.add("end_date", "end_before_start")
    age_min, age_max = _age(raw, "age_min", errors), _age(raw, "age_max", errors)
    if age_min > age_max:
        errors.add("age_max", "age_order")
    subjects = _choices(raw, "subjects", errors, recognise_subject, "unknown_subject", kept_subjects)
    languages = _choices(raw, "languages", errors, recognise_language, "unknown_language", kept_languages)
    url = str(raw.get("twinspace_url") or "").strip() or None
    if url and not is_web_address(url):
        errors.add("twinspace_url", "not_a_url", value=url)
    school = _school(raw.get("school"), "school", errors)
    # Empty rows of the form are skipped, but a partner keeps its row number in field names,
    # so "partners.2.country" is the third row the teacher sees.
    partners_raw = [(i, p) for i, p in enumerate(raw.get("partners") or []) if any(str(v or "").strip() for v in p.values())]
    if not partners_raw:
        errors.add("partners", "at_least_one")
    if len(partners_raw) > 50:
        errors.add("partners", "too_many", max=50)
    partners = tuple(_school(p, f"partners.{i}", errors) for i, p in partners_raw)
    seen: set[tuple[str, str]] = set()
    for (i, _raw), partner in zip(partners_raw, partners, strict=True):
        key = (partner.name.casefold(), partner.country)
        if key in seen or key == (school.name.casefold(), school.country):
            errors.add(f"partners.{i}.name", "duplicate_partner", value=partner.name)
        seen.add(key)
    if errors.items:
        return None, errors.items
    return (
        ProjectData(
            title=title,
            summary=summary,
            start_date=cast(date, start),  # both present: a missing date is an error above
            end_date=cast(date, end),
            age_min=age_min,
            age_max=age_max,
            subjects=subjects,
            languages=languages,
            school=school,
            partners=partners,
            twinspace_url=url,
        ),
        [],
    )
