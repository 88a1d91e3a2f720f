"""Questionnaires: what pupils, families and partner teachers are asked, as data (``surveys/``).

Each item names the *themes* it informs (collaboration, technology...). Rubric criteria
name the themes they cover, so one questionnaire feeds every rubric generation without
a copy per rubric: an item about working with partners informs "collaboration" in
generations A, B and C alike. See docs/surveys.md for the file format.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from assess import resources
from assess.domain.content import (
    IDENTIFIER,
    Catalogue,
    Finding,
    LocalizedText,
    StrictModel,
    load_content_file,
)
from assess.domain.rubric import THEMES

#: The agreement scale: 1 strongly disagree .. 5 strongly agree; "don't know" is stored as no score.
AGREEMENT_POINTS: tuple[int, ...] = (1, 2, 3, 4, 5)
#: Answers at or above this count as agreeing.
AGREES_FROM = 4


class Audience(StrEnum):
    PUPILS = "pupils"
    FAMILIES = "families"
    TEACHERS = "teachers"


class ItemType(StrEnum):
    AGREEMENT = "agreement"  # 5 points + "don't know / not applicable"
    SINGLE = "single"  # one option
    MULTIPLE = "multiple"  # any number of options
    TEXT = "text"  # free text (a comment)


class Display(StrEnum):
    FORM = "form"  # every item on one page, with a progress indicator
    ONE_AT_A_TIME = "one_at_a_time"  # young pupils: one item per screen, answered with faces


class Option(StrictModel):
    id: str
    text: LocalizedText


class Item(StrictModel):
    id: str
    type: ItemType
    text: LocalizedText
    help: LocalizedText | None = None
    themes: list[str] = Field(default_factory=list, description="Themes this item informs; empty for context items.")
    required: bool = False
    options: list[Option] = Field(default_factory=list)
    max_length: int = Field(default=2000, description="For text items.")

    @field_validator("id")
    @classmethod
    def _identifier(cls, value: str) -> str:
        if not IDENTIFIER.match(value):
            raise PydanticCustomError("invalid_id", "'{value}' is not a valid id", {"value": value})
        return value

    def option(self, option_id: str) -> Option:
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(option_id)


class Questionnaire(StrictModel):
    id: str
    version: str
    audience: Audience
    title: LocalizedText
    intro: LocalizedText
    thanks: LocalizedText
    ages: tuple[int, int] | None = Field(default=None, description="Pupils' ages this version suits, e.g. [4, 7].")
    display: Display = Display.FORM
    items: list[Item]

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, (int, float)) else value

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    @property
    def themes(self) -> set[str]:
        return {theme for item in self.items for theme in item.themes}


def check_questionnaire(questionnaire: Questionnaire) -> Iterable[Finding]:
    """Rules across fields that the schema alone cannot express: ``(path, key, params)``."""
    if not questionnaire.items:
        yield ("items",), "content.questionnaire.no_items", {}
    if not IDENTIFIER.match(questionnaire.id):
        yield ("id",), "content.schema.invalid_id", {"value": questionnaire.id}
    if questionnaire.ages is not None and not 2 <= questionnaire.ages[0] <= questionnaire.ages[1] <= 21:
        yield ("ages",), "content.questionnaire.ages", {"ages": str(list(questionnaire.ages))}
    seen: set[str] = set()
    for index, item in enumerate(questionnaire.items):
        path = ("items", index)
        if item.id in seen:
            yield (*path, "id"), "content.questionnaire.duplicate_item", {"id": item.id}
        seen.add(item.id)
        for theme_index, theme in enumerate(item.themes):
            if theme not in THEMES:
                yield (*path, "themes", theme_index), "content.questionnaire.unknown_theme", {
                    "id": item.id, "theme": theme, "known": ", ".join(THEMES)}
        choice = item.type in (ItemType.SINGLE, ItemType.MULTIPLE)
        if choice and len(item.options) < 2:
            yield (*path, "options"), f"content.questionnaire.{item.type.value}_options", {"id": item.id}
        if not choice and item.options:
            yield (*path, "options"), f"content.questionnaire.{item.type.value}_no_options", {"id": item.id}
        option_ids = [o.id for o in item.options]
        for option_index, option_id in enumerate(option_ids):
            if option_ids.index(option_id) != option_index:
                yield (*path, "options", option_index, "id"), "content.questionnaire.duplicate_option", {
                    "option": option_id, "id": item.id}
        if item.type is ItemType.TEXT and item.themes:
            yield (*path, "themes"), "content.questionnaire.text_themes", {"id": item.id}
        if questionnaire.display is Display.ONE_AT_A_TIME and item.type not in (ItemType.AGREEMENT, ItemType.TEXT):
            yield (*path, "type"), "content.questionnaire.one_at_a_time", {"id": item.id}


def load_questionnaire_file(path: Path | str) -> Questionnaire:
    return load_content_file(path, model=Questionnaire, checks=[check_questionnaire])


class QuestionnaireCatalogue(Catalogue[Questionnaire]):
    """The questionnaires installed in a folder, by id."""

    kind = "questionnaire"

    @classmethod
    def from_directory(cls, directory: Path | str | None = None) -> QuestionnaireCatalogue:
        """The questionnaires in ``directory``, by default the installed ones (see assess.resources)."""
        return cls.load(directory or resources.surveys_dir(), loader=load_questionnaire_file)

    def for_audience(self, audience: Audience) -> list[Questionnaire]:
        return [q for q in self if q.audience is audience]
