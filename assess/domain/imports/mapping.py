"""The mapping file (YAML): which item a column holds and what a cell text means, for
exports the suite cannot match by itself (LimeSurvey question codes, reworded questions,
other answer words). Its problems are reported as ``FILE:LINE: message``, among them two
keys that read the same once normalised but say different things (collisions)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, field_validator
from pydantic_core import PydanticCustomError

from assess.domain import safe_yaml
from assess.domain.answers import DONT_KNOW
from assess.domain.content import (
    IDENTIFIER,
    ContentError,
    Finding,
    Path_,
    StrictModel,
    load_content,
    too_large,
    unreadable,
)
from assess.domain.imports.text import normalise
from assess.domain.questionnaire import AGREEMENT_POINTS, ItemType, Questionnaire


def _no_boolean(value: Any) -> Any:
    if isinstance(value, bool):  # YAML reads yes/no/on/off/true/false as booleans
        raise PydanticCustomError("yaml_boolean", "yes/no/true/false is not an answer")
    return value


#: 1..5, dont_know or an option id.
AnswerValue = Annotated[int | str, BeforeValidator(_no_boolean)]


class ImportMapping(StrictModel):
    """Which item a column holds, and what a cell text means, for exports the suite cannot
    match by itself (LimeSurvey question codes, reworded questions, other answer words)."""

    columns: dict[str, str | None] = Field(
        default_factory=dict, description="Header or LimeSurvey code -> item id, 'item:option', or null to ignore."
    )
    answers: dict[str, AnswerValue] = Field(
        default_factory=dict, description="Cell text -> 1..5, dont_know or an option id."
    )

    @field_validator("columns", "answers", mode="before")
    @classmethod
    def _text_keys(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k).strip(): v for k, v in value.items()}
        return value


@dataclass(frozen=True)
class MappingFile:
    """A mapping file as given: its name (for FILE:LINE messages) and its content."""

    name: str
    text: str | bytes


def _keys_as_read(text: str) -> dict[tuple[str, str], str | int]:
    """("columns" | "answers", key as text) -> the key as YAML read it: unquoted ``1`` or
    ``yes`` are a number and a boolean, and the lines of the file are known by those."""
    try:
        loaded = safe_yaml.load(text)
    except safe_yaml.YamlProblem:
        return {}  # load_content reports it, located
    keys: dict[tuple[str, str], str | int] = {}
    for section in ("columns", "answers"):
        table = loaded.get(section) if isinstance(loaded, dict) else None
        if isinstance(table, dict):
            keys.update({(section, str(k).strip()): k if isinstance(k, (str, int)) else str(k) for k in table})
    return keys


def check_mapping(
    mapping: ImportMapping, questionnaire: Questionnaire | None, keys: Mapping[tuple[str, str], str | int] | None = None
) -> Iterator[Finding]:
    """Problems of a mapping against a questionnaire (or, without one, of its form alone),
    as ``(path, key, params)``. ``keys``: see :func:`_keys_as_read`, for the line numbers."""
    keys = keys or {}
    items = {item.id: item for item in questionnaire.items} if questionnaire else {}
    known = ", ".join(items)
    for header, target in mapping.columns.items():
        path = ("columns", keys.get(("columns", header), header))
        if not header:
            yield path, "content.mapping.empty_column", {}
        if target is None:
            continue
        item_id, _, option_id = target.partition(":")
        if questionnaire is None:
            if not IDENTIFIER.match(item_id) or (option_id and not IDENTIFIER.match(option_id)):
                yield path, "content.mapping.not_an_item", {"column": header, "target": target}
            continue
        item = items.get(item_id)
        if item is None:
            yield path, "content.mapping.unknown_item", {
                "column": header, "item": item_id, "questionnaire": questionnaire.id, "known": known}
        elif option_id and item.type is not ItemType.MULTIPLE:
            yield path, "content.mapping.not_multiple", {"column": header, "item": item_id, "option": option_id}
        elif option_id and option_id not in {o.id for o in item.options}:
            yield path, "content.mapping.unknown_option", {
                "column": header, "option": option_id, "item": item_id, "known": ", ".join(o.id for o in item.options)}
    yield from _collisions(mapping.columns, "columns", keys)
    option_ids = {o.id for item in items.values() for o in item.options}
    seen: dict[str, tuple[str, Any]] = {}
    for text, value in mapping.answers.items():
        path = ("answers", keys.get(("answers", text), text))
        if not text:
            yield path, "content.mapping.empty_answer", {}
        elif not normalise(text):
            yield path, "content.mapping.punctuation", {"text": text}
        else:
            yield from _collision(seen, text, value, path, "answers")
        if text in ("True", "False"):
            yield path, "content.mapping.boolean_key", {"text": text}
        if isinstance(value, int):
            if value not in AGREEMENT_POINTS:
                yield path, "content.mapping.off_scale", {"text": text, "value": value}
        elif value != DONT_KNOW and (
            not IDENTIFIER.match(value) if questionnaire is None else value not in option_ids
        ):
            if questionnaire is None:
                yield path, "content.mapping.unknown_answer", {"text": text, "value": value}
            else:
                yield path, "content.mapping.unknown_answer_of", {
                    "text": text, "value": value, "questionnaire": questionnaire.id}


def _collision(seen: dict[str, tuple[str, Any]], text: str, value: Any, path: Path_, section: str) -> Iterator[Finding]:
    """A key that reads the same as an earlier one once normalised (``"Yes"`` and ``"yes "``)
    but means something else: cells are compared normalised, so one of the two would be
    silently lost."""
    norm = normalise(text)
    earlier = seen.setdefault(norm, (text, value))
    if earlier[1] != value:
        yield path, f"content.mapping.same_{section}", {
            "text": text, "earlier": earlier[0], "value": value, "earlier_value": earlier[1]}


def _collisions(table: Mapping[str, Any], section: str, keys: Mapping[tuple[str, str], str | int]) -> Iterator[Finding]:
    seen: dict[str, tuple[str, Any]] = {}
    for text, value in table.items():
        if normalise(text):
            yield from _collision(seen, text, value, (section, keys.get((section, text), text)), section)


def parse_mapping(text: str | bytes, *, file: str = "<mapping>", questionnaire: Questionnaire | None = None) -> ImportMapping:
    """Load a mapping file; raise :class:`ContentError` (``FILE:LINE: message`` per problem).
    With ``questionnaire``, item, option and answer ids are checked against it too."""
    if len(text) > safe_yaml.MAX_BYTES:  # before decoding it
        raise ContentError([too_large(file)])
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ContentError([unreadable(file, error)]) from None
    keys = _keys_as_read(text)
    return load_content(
        text=text, file=file, model=ImportMapping, checks=[lambda m: check_mapping(m, questionnaire, keys)]
    )


def load_mapping_file(path: Path | str, *, questionnaire: Questionnaire | None = None) -> ImportMapping:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ContentError([unreadable(str(path), exc)]) from None
    return parse_mapping(data, file=str(path), questionnaire=questionnaire)
