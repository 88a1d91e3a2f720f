"""How far the jurors agree: Krippendorff's alpha per round and item."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from assess import stats
from assess.domain.content import LocalizedText
from assess.domain.permissions import Actor
from assess.domain.rubric import LEVELS
from assess.domain.statistics import Filters
from assess.services.access import authorize
from assess.services.national._scope import NO_FILTER, check_filters
from assess.services.national.criteria import _items_of, _rubric_versions, _scores
from assess.storage.models import (
    Application,
    Assignment,
    JurorScore,
    Round,
)

AGREEMENT_LEVEL = "ordinal"


@dataclass(frozen=True)
class ItemAgreement:
    round_id: int
    round_name: str
    item_id: str
    kind: str
    name: LocalizedText
    alpha: float  # NaN when undefined
    reading: str  # reliable, tentative, unreliable, undefined (assess.stats.reading)
    #: Why alpha is undefined (a key of :data:`UNDEFINED_REASONS`, the page says it in the
    #: reader's language: ``statistics.reason.<key>``), else None.
    reason: str | None
    units: int  # applications with at least one level
    pairable: int  # levels in applications scored by two jurors or more


def alpha_from_units(units: Mapping[tuple[int, ...], int], *, level: str = AGREEMENT_LEVEL) -> stats.AlphaResult:
    """Krippendorff's alpha from how many units (applications) got each set of levels:
    ``units[(n0, ..., n5)]`` is the number of applications where n0 jurors gave 0, n1
    gave 1... Alpha only depends on these counts (not on which juror gave what), so the
    raters x units matrix handed to :func:`assess.stats.krippendorff_alpha_explained` is
    rebuilt from them, a column per application."""
    columns = sum(units.values())
    height = max((sum(counts) for counts in units), default=0)
    matrix = np.full((max(height, 1), max(columns, 1)), np.nan)
    start = 0
    for counts, repeat in units.items():
        values = np.repeat(np.array(LEVELS, dtype=float), counts)
        matrix[: values.size, start:start + repeat] = values[:, None]
        start += repeat
    return stats.krippendorff_alpha_explained(matrix, level=level)


#: Why an alpha is undefined, as codes (no English leaves the services):
#: no_scores: nobody submitted a level for the item; no_pairs: no application has two
#: jurors' levels; all_equal: every pairable level is the same.
UNDEFINED_REASONS: tuple[str, ...] = ("no_scores", "no_pairs", "all_equal")


def undefined_reason(alpha: float, *, units: int, pairable: int) -> str | None:
    """The code of why ``alpha`` is undefined (see :data:`UNDEFINED_REASONS`), None when
    it is a number."""
    if not math.isnan(alpha):
        return None
    if not units:
        return "no_scores"
    return "no_pairs" if not pairable else "all_equal"


def jury_agreement(session: Session, *, actor: Actor, filters: Filters = NO_FILTER) -> tuple[ItemAgreement, ...]:
    """Per round (by opening date) and item of its rubric: Krippendorff's alpha (ordinal)
    of the submitted juror levels on the scope's applications, with its reading. Rounds
    without any submitted level are left out."""
    authorize(session, actor, "statistics.view")
    return _agreement(session, check_filters(filters))


def _agreement(session: Session, filters: Filters) -> tuple[ItemAgreement, ...]:
    per_level = [func.sum(case((JurorScore.level == level, 1), else_=0)).label(f"n{level}") for level in LEVELS]
    per_application = (
        _scores(filters).add_columns(Application.round_id.label("round_id"), JurorScore.item_id.label("item_id"),
                                     *per_level)
        .group_by(Application.round_id, JurorScore.item_id, Assignment.application_id)
    ).subquery()
    level_columns = [per_application.c[f"n{level}"] for level in LEVELS]
    units: dict[tuple[int, str], dict[tuple[int, ...], int]] = {}
    for round_id, item_id, *counts, n in session.execute(
        select(per_application.c.round_id, per_application.c.item_id, *level_columns, func.count())
        .group_by(per_application.c.round_id, per_application.c.item_id, *level_columns)
    ):
        units.setdefault((round_id, item_id), {})[tuple(int(c) for c in counts)] = int(n)
    round_ids = sorted({round_id for round_id, _ in units})
    if not round_ids:
        return ()
    listed = session.execute(
        select(Round.id, Round.name, Round.rubric_version_id).where(Round.id.in_(round_ids))
        .order_by(Round.opens_on, Round.id)
    ).all()
    rubric_of = _rubric_versions(session, (r.rubric_version_id for r in listed))
    found = []
    for round_id, name, version_id in listed:
        for item_id, kind, item_name in _items_of(rubric_of[version_id]):
            given = units.get((round_id, item_id))
            if given:
                result = alpha_from_units(given)
                alpha, pairable, count = result.alpha, result.pairable_values, sum(given.values())
            else:
                alpha, pairable, count = math.nan, 0, 0
            reason = undefined_reason(alpha, units=count, pairable=pairable)
            found.append(ItemAgreement(round_id, name, item_id, kind, item_name, alpha, stats.reading(alpha), reason,
                                       count, pairable))
    return tuple(found)
