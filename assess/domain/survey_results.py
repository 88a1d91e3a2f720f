"""Survey results: what the answers say, per item, theme and criterion, and beside the
teacher's own levels (triangulation).

Pure Python: the service counts answers in the database (GROUP BY) and hands the counts
here; the results page, the PDF and ``assess survey results`` show what comes back.

How figures are read (see docs/surveys.md):

- agreement answers are 1..5; "don't know" is counted apart and never as a score;
- the *mean* is over the answers with a score; the *share agreeing* is the share of those
  answers at or above :data:`~assess.domain.questionnaire.AGREES_FROM`;
- a theme pools the answers of the agreement items that inform it; a criterion pools the
  answers of the items informing any of the themes it lists (each item once);
- the *comparable level* puts a mean on the 0-5 scale of the rubric levels:
  ``(mean - 1) / 4 x 5``, so 1 (strongly disagree) is 0 and 5 (strongly agree) is 5;
- an audience with fewer than :data:`MIN_GROUP` respondents is *hidden*: none of its
  figures is shown apart (they are ``None``);
- an item with fewer than :data:`MIN_GROUP` answers (agreement items: scores and "don't
  know"; choice items: responses that chose) is *hidden* too, whatever the size of its
  group (an item of the young pupils' version answered by one child among thirty older
  pupils; items a partial import left out), and it counts in no pooled figure (theme,
  criterion, all audiences), or subtracting the items shown would give it away. Since a
  hidden audience's items have fewer answers than it has respondents, its answers count
  nowhere either;
- secondary suppression: a figure of all audiences together is also hidden when the
  hidden groups that feed it hold fewer than :data:`MIN_GROUP` respondents between them.

The counts handed here must be the *released* ones (assess.services.survey_release): the
figures then move only by five respondents or more, so comparing two readings never
isolates fewer than five people.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from assess.domain.content import LocalizedText
from assess.domain.questionnaire import AGREEMENT_POINTS, AGREES_FROM, Audience, Item, ItemType
from assess.domain.rubric import HIGHEST_LEVEL, THEMES, Criterion, Rubric

#: No group of fewer respondents, and no item of fewer answers, is shown; the figures move
#: only when this many new respondents have come.
MIN_GROUP = 5


def item_hidden(answers: int) -> bool:
    """An item's figures are not shown: someone answered it, but fewer than MIN_GROUP did
    ("don't know" is an answer). An item nobody answered shows "no answer", which tells
    nothing about anyone."""
    return 0 < answers < MIN_GROUP


def comparable_level(mean: float | None) -> float | None:
    """A 1-5 mean on the 0-5 scale of rubric levels."""
    if mean is None:
        return None
    low, high = AGREEMENT_POINTS[0], AGREEMENT_POINTS[-1]
    return (mean - low) / (high - low) * HIGHEST_LEVEL


@dataclass(frozen=True)
class Figures:
    """Agreement answers of one item, or pooled over several items."""

    #: Answers with a score (1..5); "don't know" not included.
    answered: int
    #: "Don't know / not applicable" answers.
    dont_know: int
    #: How many answers gave 1, 2, 3, 4 and 5.
    distribution: tuple[int, int, int, int, int]
    #: Mean score 1..5; None without any scored answer.
    mean: float | None
    #: Share (0..1) of scored answers at or above AGREES_FROM; None without any.
    agreeing: float | None
    #: The mean on the 0-5 level scale; None without any scored answer.
    level: float | None

    @classmethod
    def of(cls, distribution: Sequence[int], dont_know: int = 0) -> Figures:
        counts = tuple(int(n) for n in distribution)
        if len(counts) != len(AGREEMENT_POINTS):
            raise ValueError(f"a distribution has {len(AGREEMENT_POINTS)} counts, not {len(counts)}")
        answered = sum(counts)
        if not answered:
            return cls(0, dont_know, cast("tuple[int, int, int, int, int]", counts), None, None, None)
        mean = sum(point * n for point, n in zip(AGREEMENT_POINTS, counts, strict=True)) / answered
        agreeing = sum(n for point, n in zip(AGREEMENT_POINTS, counts, strict=True) if point >= AGREES_FROM) / answered
        return cls(answered, dont_know, cast("tuple[int, int, int, int, int]", counts), mean, agreeing, comparable_level(mean))

    @classmethod
    def pooled(cls, parts: Sequence[Figures]) -> Figures:
        distribution = [sum(p.distribution[i] for p in parts) for i in range(len(AGREEMENT_POINTS))]
        return cls.of(distribution, sum(p.dont_know for p in parts))

    def to_dict(self) -> dict[str, Any]:
        return {
            "answered": self.answered,
            "dont_know": self.dont_know,
            "distribution": list(self.distribution),
            "mean": self.mean,
            "agreeing": self.agreeing,
            "level": self.level,
        }


EMPTY = Figures.of((0, 0, 0, 0, 0))


@dataclass(frozen=True)
class OptionCount:
    id: str
    text: LocalizedText
    count: int
    #: Share (0..1) of the responses that answered the item; None if none did.
    share: float | None


@dataclass(frozen=True)
class ItemResult:
    """One agreement or choice item of an audience's questionnaire(s)."""

    id: str
    type: str  # ItemType value: "agreement", "single" or "multiple"
    text: LocalizedText
    themes: tuple[str, ...]
    #: Agreement items; None for choice items.
    figures: Figures | None = None
    #: Choice items: every option, in the questionnaire's order; empty for agreement items.
    options: tuple[OptionCount, ...] = ()
    #: Choice items: responses that chose at least one option.
    choice_answers: int = 0


@dataclass(frozen=True)
class GroupResults:
    """One audience (``audience`` "pupils", "families", "teachers") or all of them (None).

    ``hidden``: fewer than MIN_GROUP respondents. Then ``items`` is empty and every value
    of ``criteria`` and ``themes`` is None. Otherwise ``criteria`` holds every criterion of
    the rubric (in its order) and ``themes`` every theme the group's items inform (THEMES
    order); a criterion no item informs has figures with ``answered == 0`` and no mean.
    """

    audience: str | None
    respondents: int
    hidden: bool
    items: tuple[ItemResult, ...]
    criteria: Mapping[str, Figures | None]
    themes: Mapping[str, Figures | None]
    #: Items not shown (and counted in no pooled figure): fewer than MIN_GROUP answers.
    hidden_items: int = 0

    def criterion(self, criterion_id: str) -> Figures | None:
        return self.criteria.get(criterion_id)

    def is_hidden(self, criterion_id: str) -> bool:
        """Not shown: the group is under MIN_GROUP, or (all audiences) the figure would give
        a small group away."""
        return self.hidden or self.criteria.get(criterion_id) is None

    def level(self, criterion_id: str) -> float | None:
        figures = self.criteria.get(criterion_id)
        return None if figures is None else figures.level

    def item(self, item_id: str) -> ItemResult:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def shows(self, item_id: str) -> bool:
        return any(item.id == item_id for item in self.items)


@dataclass(frozen=True)
class Indicators:
    """Every figure of a project's surveys, read against one rubric."""

    rubric_id: str
    rubric_version: str
    #: One per audience asked, in Audience order (pupils, families, teachers).
    groups: tuple[GroupResults, ...]
    #: All audiences together.
    overall: GroupResults
    #: Criterion id -> (audience, item id) of the agreement items it draws on.
    criterion_items: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    def group(self, audience: str) -> GroupResults | None:
        for group in self.groups:
            if group.audience == audience:
                return group
        return None

    @property
    def respondents(self) -> int:
        return self.overall.respondents


@dataclass(frozen=True)
class Counts:
    """What the database counted, keyed by audience and item id.

    ``scores``: (audience, item, score 1..5) -> answers; ``dont_know``: (audience, item) ->
    answers; ``options``: (audience, item, option id) -> responses that chose it;
    ``choice_answers``: (audience, item) -> responses that answered a choice item;
    ``respondents``: audience -> responses.
    """

    scores: Mapping[tuple[str, str, int], int] = field(default_factory=dict)
    dont_know: Mapping[tuple[str, str], int] = field(default_factory=dict)
    options: Mapping[tuple[str, str, str], int] = field(default_factory=dict)
    choice_answers: Mapping[tuple[str, str], int] = field(default_factory=dict)
    respondents: Mapping[str, int] = field(default_factory=dict)


def _audience_order(audience: str) -> int:
    order = [a.value for a in Audience]
    return order.index(audience) if audience in order else len(order)


def draws_on(criterion: Criterion, item: Item) -> bool:
    """The criterion draws on the item: it lists one of the item's themes (agreement items only)."""
    return item.type is ItemType.AGREEMENT and bool(set(criterion.themes) & set(item.themes))


def _item_figures(counts: Counts, audience: str, item_id: str) -> Figures:
    return Figures.of(
        [counts.scores.get((audience, item_id, point), 0) for point in AGREEMENT_POINTS],
        counts.dont_know.get((audience, item_id), 0),
    )


def _hidden(respondents: int) -> bool:
    return respondents < MIN_GROUP


def compute(*, rubric: Rubric, items: Mapping[str, Sequence[Item]], counts: Counts) -> Indicators:
    """Figures per item, theme and criterion of ``rubric``, per audience and for all together.

    ``items``: audience -> the items of its questionnaire(s), in display order (text items
    are skipped; items of two questionnaires sharing an id are one item). ``counts``: the
    released counts (see the module's docstring).
    """
    audiences = sorted(set(items) | set(counts.respondents), key=_audience_order)
    asked: dict[str, list[Item]] = {}
    #: Agreement items shown, the only ones any pooled figure counts.
    agreement: dict[str, list[Item]] = {}
    scored: dict[tuple[str, str], Figures] = {}
    groups = []
    for audience in audiences:
        listed = [item for item in items.get(audience, ()) if item.type is not ItemType.TEXT]
        asked[audience] = [item for item in listed if item.type is ItemType.AGREEMENT]
        agreement[audience] = []
        shown: list[ItemResult] = []
        for item in listed:
            if item.type is ItemType.AGREEMENT:
                figures = _item_figures(counts, audience, item.id)
                if item_hidden(figures.answered + figures.dont_know):
                    continue
                scored[(audience, item.id)] = figures
                agreement[audience].append(item)
                shown.append(ItemResult(item.id, item.type.value, item.text, tuple(item.themes), figures=figures))
            else:
                answered = int(counts.choice_answers.get((audience, item.id), 0))
                if item_hidden(answered):
                    continue
                options = []
                for option in item.options:
                    n = int(counts.options.get((audience, item.id, option.id), 0))
                    options.append(OptionCount(option.id, option.text, n, n / answered if answered else None))
                shown.append(ItemResult(item.id, item.type.value, item.text, tuple(item.themes),
                                        options=tuple(options), choice_answers=answered))
        respondents = int(counts.respondents.get(audience, 0))
        if _hidden(respondents):
            groups.append(GroupResults(
                audience=audience, respondents=respondents, hidden=True, items=(),
                criteria={c.id: None for c in rubric.criteria},
                themes={theme: None for theme in _themes_of(asked[audience])},
            ))
            continue
        groups.append(GroupResults(
            audience=audience, respondents=respondents, hidden=False, items=tuple(shown),
            criteria={c.id: _pool(scored, _criterion_keys(c, {audience: agreement[audience]})) for c in rubric.criteria},
            themes={theme: _pool(scored, _theme_keys(theme, {audience: agreement[audience]}))
                    for theme in _themes_of(asked[audience])},
            hidden_items=len(listed) - len(shown),
        ))

    total = sum(int(counts.respondents.get(a, 0)) for a in audiences)
    every_item = [item for audience in audiences for item in asked[audience]]
    small = {g.audience: g.respondents for g in groups if g.hidden and g.respondents > 0}

    def safe_pool(keys: list[tuple[str, str]]) -> Figures | None:
        # The small groups feeding this figure, together, must not be a small group.
        fed_by_small = sum(small[a] for a in {audience for audience, _ in keys} if a in small)
        return None if 0 < fed_by_small < MIN_GROUP else _pool(scored, keys)

    if _hidden(total):
        overall = GroupResults(None, total, True, (), {c.id: None for c in rubric.criteria},
                               {theme: None for theme in _themes_of(every_item)})
    else:
        overall = GroupResults(
            audience=None, respondents=total, hidden=False, items=(),
            criteria={c.id: safe_pool(_criterion_keys(c, agreement)) for c in rubric.criteria},
            themes={theme: safe_pool(_theme_keys(theme, agreement)) for theme in _themes_of(every_item)},
        )
    shown_apart = {g.audience for g in groups if not g.hidden}
    return Indicators(
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        groups=tuple(groups),
        overall=overall,
        criterion_items={c.id: tuple(key for key in _criterion_keys(c, agreement) if key[0] in shown_apart)
                         for c in rubric.criteria},
    )


def _themes_of(items: Sequence[Item]) -> list[str]:
    informed = {theme for item in items for theme in item.themes}
    return [theme for theme in THEMES if theme in informed]


def _criterion_keys(criterion: Criterion, agreement: Mapping[str, Sequence[Item]]) -> list[tuple[str, str]]:
    return [(audience, item.id) for audience, listed in agreement.items() for item in listed if draws_on(criterion, item)]


def _theme_keys(theme: str, agreement: Mapping[str, Sequence[Item]]) -> list[tuple[str, str]]:
    return [(audience, item.id) for audience, listed in agreement.items() for item in listed if theme in item.themes]


def _pool(scored: Mapping[tuple[str, str], Figures], keys: Sequence[tuple[str, str]]) -> Figures:
    return Figures.pooled([scored[key] for key in keys]) if keys else EMPTY


# --- triangulation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AudienceGap:
    """One audience's comparable level beside the self-assessed level of a criterion."""

    #: "pupils", "families", "teachers"; None for all audiences together.
    audience: str | None
    hidden: bool
    #: Comparable level 0-5; None when hidden or when no answer informs the criterion.
    level: float | None
    #: level - self level; None when either is missing.
    gap: float | None
    flagged: bool


@dataclass(frozen=True)
class ItemMean:
    audience: str
    item_id: str
    text: LocalizedText
    answered: int
    mean: float | None


@dataclass(frozen=True)
class TriangulationRow:
    criterion_id: str
    name: LocalizedText
    self_level: int | None
    #: One per audience asked, in Audience order.
    audiences: tuple[AudienceGap, ...]
    #: All audiences together.
    overall: AudienceGap
    #: Some gap (an audience's or all audiences') is at least the threshold.
    flagged: bool
    #: Flagged rows only: the items the criterion draws on, of the audiences shown apart.
    items: tuple[ItemMean, ...] = ()


def _gap(group: GroupResults, criterion_id: str, self_level: int | None, threshold: float) -> AudienceGap:
    hidden = group.is_hidden(criterion_id)
    level = None if hidden else group.level(criterion_id)
    gap = None if level is None or self_level is None else level - self_level
    # Rounded: (mean - 1) / 4 x 5 is not always exact in binary, and a gap of exactly the
    # threshold must be flagged.
    flagged = gap is not None and abs(round(gap, 9)) >= threshold
    return AudienceGap(group.audience, hidden, level, gap, flagged)


def triangulate(
    *,
    rubric: Rubric,
    self_levels: Mapping[str, int | None],
    indicators: Indicators,
    threshold: float,
) -> list[TriangulationRow]:
    """Per counted criterion of ``rubric``: the teacher's level beside each audience's
    comparable level; a row is flagged when a gap is ``threshold`` or more either way."""
    if (indicators.rubric_id, indicators.rubric_version) != (rubric.id, rubric.version):
        raise ValueError(
            f"indicators were computed for rubric {indicators.rubric_id} {indicators.rubric_version}, "
            f"not {rubric.id} {rubric.version}"
        )
    rows = []
    for criterion in rubric.counted_criteria:
        self_level = self_levels.get(criterion.id)
        gaps = tuple(_gap(group, criterion.id, self_level, threshold) for group in indicators.groups)
        overall = _gap(indicators.overall, criterion.id, self_level, threshold)
        flagged = overall.flagged or any(g.flagged for g in gaps)
        behind: list[ItemMean] = []
        if flagged:
            for audience, item_id in indicators.criterion_items.get(criterion.id, ()):
                group = indicators.group(audience)
                if group is None or group.hidden or not group.shows(item_id):
                    continue
                item = group.item(item_id)
                figures = item.figures or EMPTY
                behind.append(ItemMean(audience, item_id, item.text, figures.answered, figures.mean))
        rows.append(TriangulationRow(
            criterion_id=criterion.id, name=criterion.name, self_level=self_level, audiences=gaps,
            overall=overall, flagged=flagged, items=tuple(behind),
        ))
    return rows
