"""The jurors' submitted levels per rubric version and item."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from assess.domain.content import LocalizedText
from assess.domain.permissions import Actor
from assess.domain.rubric import LEVELS, Rubric
from assess.domain.statistics import Filters
from assess.services import rubrics
from assess.services.access import authorize
from assess.services.national._scope import NO_FILTER, application_conditions, check_filters
from assess.storage.models import (
    Application,
    Assignment,
    JurorScore,
    RubricVersion,
)


@dataclass(frozen=True)
class CriterionLevels:
    """The submitted juror levels given to one item of one rubric version."""

    rubric_version_id: int
    rubric_id: str
    rubric_version: str
    item_id: str
    kind: str  # "criterion" or "gate"
    name: LocalizedText
    #: How many levels 0, 1, 2, 3, 4 and 5.
    distribution: tuple[int, ...]

    @property
    def count(self) -> int:
        return sum(self.distribution)

    @property
    def mean(self) -> float | None:
        total = self.count
        return sum(level * n for level, n in zip(LEVELS, self.distribution, strict=True)) / total if total else None


def _rubric_versions(session: Session, ids: Iterable[int]) -> dict[int, Rubric]:
    ids = sorted(set(ids))
    if not ids:
        return {}
    return {stored.id: rubrics.from_snapshot(stored)
            for stored in session.scalars(select(RubricVersion).where(RubricVersion.id.in_(ids)))}


def _items_of(rubric: Rubric) -> list[tuple[str, str, LocalizedText]]:
    return ([(c.id, "criterion", c.name) for c in rubric.criteria]
            + [(g.id, "gate", g.name) for g in rubric.gates])


def _scores(filters: Filters) -> Select:
    """Submitted juror levels of the scope's applications (no columns yet)."""
    return (
        select()
        .select_from(JurorScore)
        .join(Assignment, Assignment.id == JurorScore.assignment_id)
        .join(Application, Application.id == Assignment.application_id)
        .where(Assignment.submitted_at.is_not(None), JurorScore.level.is_not(None), *application_conditions(filters))
    )


def criterion_levels(session: Session, *, actor: Actor, filters: Filters = NO_FILTER) -> tuple[CriterionLevels, ...]:
    """Per rubric version (in the order they were stored) and item (the rubric's order):
    the distribution of the submitted juror levels and their mean. Items nobody scored in
    the scope are left out."""
    authorize(session, actor, "statistics.view")
    return _levels_given(session, check_filters(filters))


def _levels_given(session: Session, filters: Filters) -> tuple[CriterionLevels, ...]:
    """:func:`criterion_levels` without the permission check: the building block the
    dashboard and the workbook's Criteria sheet both read (filters already checked)."""
    counts: dict[tuple[int, str], list[int]] = {}
    for version_id, item_id, level, n in session.execute(
        _scores(filters).add_columns(JurorScore.rubric_version_id, JurorScore.item_id, JurorScore.level, func.count())
        .group_by(JurorScore.rubric_version_id, JurorScore.item_id, JurorScore.level)
    ):
        if int(level) in LEVELS:
            counts.setdefault((version_id, item_id), [0] * len(LEVELS))[int(level)] += int(n)
    found = []
    for version_id, rubric in sorted(_rubric_versions(session, (v for v, _ in counts)).items()):
        for item_id, kind, name in _items_of(rubric):
            if (version_id, item_id) in counts:
                found.append(CriterionLevels(version_id, rubric.id, rubric.version, item_id, kind, name,
                                             tuple(counts[(version_id, item_id)])))
    return tuple(found)
