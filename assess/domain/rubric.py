"""Rubrics: criteria x levels 0-5 with descriptors, weights, minimums, gates and verdict rules.

A rubric is data (a YAML file in ``rubrics/``); this module defines its shape and the
rules a file must follow. See ``docs/rubrics.md`` for the file format.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from assess import resources
from assess.domain.content import (
    IDENTIFIER,
    Catalogue,
    Finding,
    LocalizedText,
    Path_,
    StrictModel,
    load_content,
    load_content_file,
    wording,
)

LEVELS: tuple[int, ...] = (0, 1, 2, 3, 4, 5)

#: Themes tie criteria of every generation to what survey items ask about, so one
#: questionnaire feeds all rubrics. A criterion lists the themes it covers.
THEMES: tuple[str, ...] = (
    "innovation",
    "curriculum",
    "communication",
    "collaboration",
    "technology",
    "safety",
    "sustainability",
    "results",
    "documentation",
)
LOWEST_LEVEL, HIGHEST_LEVEL = LEVELS[0], LEVELS[-1]


def _identifier(value: str) -> str:
    if not IDENTIFIER.match(value):
        raise PydanticCustomError("invalid_id", "'{value}' is not a valid id", {"value": value})
    return value


class Level(StrictModel):
    level: int
    label: LocalizedText
    descriptor: LocalizedText


class ScoredItem(StrictModel):
    """What criteria and gates share: an id, texts for juries and teachers, levels 0-5."""

    id: str
    name: LocalizedText
    guidance: LocalizedText = Field(description="What a jury looks for.")
    advice: list[LocalizedText] = Field(default_factory=list, description="Practical tips for teachers.")
    themes: list[str] = Field(default_factory=list, description="Survey themes this item draws on.")
    levels: list[Level]

    _check_id = field_validator("id")(classmethod(lambda cls, v: _identifier(v)))

    def level(self, value: int) -> Level:
        return self.levels[value]


class Criterion(ScoredItem):
    weight: float = 1.0
    minimum: int | None = Field(default=None, description="Lowest level that still allows a label.")
    independent: bool = Field(default=False, description="Recorded, not counted in the total.")


class Gate(ScoredItem):
    """A gated sub-criterion: below its minimum, no label whatever the total."""

    criterion: str = Field(description="The criterion this sub-criterion belongs to.")
    minimum: int = Field(description="Default minimum; the national office may change it in the settings.")


class VerdictRules(StrictModel):
    pass_mark: float = Field(description="Lowest weighted total that earns a label.")


class EqlRules(StrictModel):
    nomination_threshold: float = Field(
        description="A project may be proposed for the European label when its total is above this."
    )


class Rubric(StrictModel):
    id: str
    version: str
    title: LocalizedText
    period: str = wording(description="School years it was used in, e.g. 2014-2021 (free text).")
    description: LocalizedText
    default: bool = wording(default=False, description="Proposed first when no setting says otherwise.")
    criteria: list[Criterion]
    gates: list[Gate] = Field(default_factory=list)
    verdict: VerdictRules
    eql: EqlRules

    _check_id = field_validator("id")(classmethod(lambda cls, v: _identifier(v)))

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: object) -> object:
        # "1.0" written without quotes arrives as a float; a version is a label, not a number.
        return str(value) if isinstance(value, (int, float)) else value

    @property
    def counted_criteria(self) -> list[Criterion]:
        return [c for c in self.criteria if not c.independent]

    @property
    def maximum(self) -> float:
        """Highest possible weighted total (every counted criterion at the top level)."""
        return sum(c.weight * HIGHEST_LEVEL for c in self.counted_criteria)

    def criterion(self, criterion_id: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)

    def gate(self, gate_id: str) -> Gate:
        for gate in self.gates:
            if gate.id == gate_id:
                return gate
        raise KeyError(gate_id)

    def item(self, item_id: str) -> Criterion | Gate:
        """A criterion or a gate by id (ids are unique across both)."""
        try:
            return self.criterion(item_id)
        except KeyError:
            return self.gate(item_id)


def _check_levels(item: ScoredItem, path: Path_) -> Iterable[Finding]:
    found = [level.level for level in item.levels]
    if found != list(LEVELS):
        if found:
            yield (*path, "levels"), "content.rubric.levels", {"id": item.id, "found": ", ".join(map(str, found))}
        else:
            yield (*path, "levels"), "content.rubric.no_levels", {"id": item.id}


def check_rubric(rubric: Rubric) -> Iterable[Finding]:
    """Rules across fields that the schema alone cannot express: ``(path, key, params)``."""
    seen: dict[str, Path_] = {}
    items: list[tuple[ScoredItem, Path_]] = [
        *((c, ("criteria", i)) for i, c in enumerate(rubric.criteria)),
        *((g, ("gates", i)) for i, g in enumerate(rubric.gates)),
    ]
    for item, path in items:
        if item.id in seen:
            yield (*path, "id"), "content.rubric.duplicate_id", {"id": item.id}
        seen[item.id] = path
        yield from _check_levels(item, path)
        for theme_index, theme in enumerate(item.themes):
            if theme not in THEMES:
                yield (*path, "themes", theme_index), "content.rubric.unknown_theme", {
                    "theme": theme, "id": item.id, "known": ", ".join(THEMES)}
        minimum = getattr(item, "minimum", None)
        if minimum is not None and minimum not in LEVELS:
            yield (*path, "minimum"), "content.rubric.minimum", {"id": item.id, "minimum": minimum}

    if not rubric.criteria:
        yield ("criteria",), "content.rubric.no_criteria", {}
    for index, criterion in enumerate(rubric.criteria):
        if criterion.weight <= 0:
            yield ("criteria", index, "weight"), "content.rubric.weight", {
                "id": criterion.id, "weight": f"{criterion.weight:g}"}

    criterion_ids = {c.id for c in rubric.criteria}
    for index, gate in enumerate(rubric.gates):
        if gate.criterion not in criterion_ids:
            yield ("gates", index, "criterion"), "content.rubric.gate_criterion", {
                "id": gate.id, "criterion": gate.criterion}

    maximum = rubric.maximum
    if not 0 <= rubric.verdict.pass_mark <= maximum:
        yield ("verdict", "pass_mark"), "content.rubric.pass_mark", {
            "pass_mark": f"{rubric.verdict.pass_mark:g}", "maximum": f"{maximum:g}"}
    if not 0 <= rubric.eql.nomination_threshold <= maximum:
        yield ("eql", "nomination_threshold"), "content.rubric.eql_threshold", {
            "threshold": f"{rubric.eql.nomination_threshold:g}", "maximum": f"{maximum:g}"}


def parse_rubric(text: str, *, file: str = "<rubric>") -> Rubric:
    return load_content(text=text, file=file, model=Rubric, checks=[check_rubric])


def load_rubric_file(path: Path | str) -> Rubric:
    return load_content_file(path, model=Rubric, checks=[check_rubric])


class RubricCatalogue(Catalogue[Rubric]):
    """The rubrics installed in a folder, by id."""

    kind = "rubric"

    @classmethod
    def from_directory(cls, directory: Path | str | None = None) -> RubricCatalogue:
        """The rubrics in ``directory``, by default the installed ones (see assess.resources)."""
        return cls.load(directory or resources.rubrics_dir(), loader=load_rubric_file)

    @property
    def default(self) -> Rubric:
        """The rubric marked ``default: true``, else the first one."""
        return next((r for r in self if r.default), next(iter(self)))
