"""The national jury's arithmetic: aggregates of several jurors' levels, disagreement,
juror severity, school years, round status, the scoring deadline and the European label
rules.

Pure Python, no SQL: :mod:`assess.services.jury`, :mod:`assess.services.decisions` and
:mod:`assess.services.eql` read the database and call these functions.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from assess.domain.alphabet import letters_for

AGGREGATIONS: tuple[str, ...] = ("mean", "median")
ROUND_KINDS: tuple[str, ...] = ("label", "contest", "eql")
EQL_RULES: tuple[str, ...] = ("top_share", "automatic")
#: The school year starts on 1 September.
SCHOOL_YEAR_START_MONTH = 9


# --- rounds and school years -------------------------------------------------------------


class RoundStatus(StrEnum):
    UPCOMING = "upcoming"  # before opens_on
    OPEN = "open"  # applications accepted, opens_on..closes_on inclusive
    SCORING = "scoring"  # closed for applications, verdicts not yet published
    PUBLISHED = "published"  # the decisions are published


def round_status(*, opens_on: date, closes_on: date, published_at: datetime | None, today: date) -> RoundStatus:
    """Where a round stands on ``today``: publication wins over the dates."""
    if published_at is not None:
        return RoundStatus.PUBLISHED
    if today < opens_on:
        return RoundStatus.UPCOMING
    if today <= closes_on:
        return RoundStatus.OPEN
    return RoundStatus.SCORING


# --- the scoring deadline ---------------------------------------------------------------
#
# Applications are accepted up to and including ``closes_on``; the jury scores from the day
# after. The scoring deadline is the last day on which scores are expected (inclusive, in
# the office's time zone), so it falls strictly after ``closes_on``: a deadline on the
# closing day would leave the jury no day at all. It is optional (None: no deadline) and is
# a target, not a lock: a juror may still submit after it, and is then listed as late.


def deadline_problem(*, closes_on: date, scoring_deadline: date | None) -> str | None:
    """The catalogue key of what is wrong with a scoring deadline, None when it is fine."""
    if scoring_deadline is not None and scoring_deadline <= closes_on:
        return "jury.errors.deadline_before_closing"
    return None


def days_left(scoring_deadline: date | None, *, today: date) -> int | None:
    """Days from ``today`` to the deadline: 0 on the deadline day, below zero once it has
    passed (-1 the day after); None without a deadline."""
    return None if scoring_deadline is None else (scoring_deadline - today).days


class DeadlineState(StrEnum):
    """Where a juror (or a round) stands against the scoring deadline."""

    NONE = "none"  # no deadline set, or nothing left to submit
    ON_TIME = "on_time"  # work left, the deadline further than the warning window
    DUE_SOON = "due_soon"  # work left, the deadline within the warning window (today included)
    LATE = "late"  # work left after the deadline day


def deadline_state(*, scoring_deadline: date | None, left: int, today: date, within_days: int) -> DeadlineState:
    """``left`` applications still to submit; ``within_days``: the warning window."""
    remaining = days_left(scoring_deadline, today=today)
    if remaining is None or left <= 0:
        return DeadlineState.NONE
    if remaining < 0:
        return DeadlineState.LATE
    return DeadlineState.DUE_SOON if remaining <= within_days else DeadlineState.ON_TIME


def next_unsubmitted(order: Sequence[tuple[Hashable, bool]], *, after: Hashable | None = None) -> Hashable | None:
    """The next key whose work is not submitted, in ``order`` (key, submitted) pairs: the first
    one after ``after`` (going round to the start), never ``after`` itself; the first
    unsubmitted one without ``after`` (or when ``after`` is not in the order). None when
    nothing else is left."""
    keys = [key for key, _ in order]
    start = keys.index(after) + 1 if after in keys else 0
    for key, submitted in [*order[start:], *order[:start]]:
        if not submitted and key != after:
            return key
    return None


def school_year(day: date) -> str:
    """The school year a day belongs to, "2025-2026" for 1 September 2025 to 31 August 2026."""
    start = day.year if day.month >= SCHOOL_YEAR_START_MONTH else day.year - 1
    return f"{start}-{start + 1}"


# --- aggregates and disagreement ---------------------------------------------------------


def aggregate(levels: Iterable[float | None], rule: str = "mean") -> float | None:
    """The mean or the median of the given levels (None values left out); None without any."""
    if rule not in AGGREGATIONS:
        raise ValueError(f"unknown aggregation '{rule}' (known: {', '.join(AGGREGATIONS)})")
    given = [float(v) for v in levels if v is not None]
    if not given:
        return None
    return statistics.fmean(given) if rule == "mean" else float(statistics.median(given))


def spread(levels: Iterable[float | None]) -> float | None:
    """Highest minus lowest level (None values left out); None without any level."""
    given = [v for v in levels if v is not None]
    return max(given) - min(given) if given else None


def disagrees(levels: Iterable[float | None], threshold: float) -> bool:
    """Jurors disagree when the spread reaches the round's threshold (spread >= threshold)."""
    return spread_disagrees(spread(levels), threshold)


def spread_disagrees(found: float | None, threshold: float) -> bool:
    """The rule of :func:`disagrees`, for a spread already computed."""
    return found is not None and found >= threshold


@dataclass(frozen=True)
class ItemAggregate:
    """One criterion or gate of one application across its jurors."""

    item_id: str
    #: Juror key (e.g. the letter "A") -> level, in the jurors' order; None: not scored.
    levels: Mapping[str, int | None]
    aggregate: float | None
    spread: float | None
    disagreement: bool


def aggregate_items(
    *, item_ids: Sequence[str], levels_by_juror: Mapping[str, Mapping[str, int | None]], rule: str, threshold: float
) -> tuple[ItemAggregate, ...]:
    """Per item: each juror's level, the aggregate (mean or median), the spread and the
    disagreement flag. ``levels_by_juror`` maps a juror key to their levels by item id."""
    results = []
    for item_id in item_ids:
        levels = {juror: given.get(item_id) for juror, given in levels_by_juror.items()}
        found = spread(levels.values())  # once, for the spread and the flag
        results.append(ItemAggregate(
            item_id=item_id,
            levels=levels,
            aggregate=aggregate(levels.values(), rule),
            spread=found,
            disagreement=spread_disagrees(found, threshold),
        ))
    return tuple(results)


def juror_letter(index: int) -> str:
    """"A", "B"... "Z", "AA"...: how jurors are named to each other, shown at the edge as
    "Juror A" / "Juré A" (catalogue key ``jury.pseudonym.name``)."""
    return letters_for(index)


# --- severity ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Severity:
    """How a juror's levels compare with their co-jurors' on the same applications.

    ``mean_deviation`` is the mean of (their level - the mean of the other jurors' levels)
    over every (application, item) they scored with at least one co-juror: below zero the
    juror is harsher than their co-jurors, above zero more lenient. None without any such
    comparison."""

    juror: Hashable
    mean_deviation: float | None
    compared: int
    flagged: bool


def severity(
    scores: Iterable[tuple[Hashable, Hashable, str, float | None]], *, threshold: float
) -> dict[Hashable, Severity]:
    """Severity of each juror from ``(juror, application, item, level)`` rows; a juror is
    flagged when the size of their mean deviation reaches ``threshold``."""
    cells: dict[tuple[Hashable, str], dict[Hashable, float]] = {}
    jurors: dict[Hashable, None] = {}  # in the order met (a list's `in` is linear per row)
    for juror, application, item, level in scores:
        jurors.setdefault(juror, None)
        if level is not None:
            cells.setdefault((application, item), {})[juror] = float(level)
    deviations: dict[Hashable, list[float]] = {juror: [] for juror in jurors}
    for given in cells.values():
        if len(given) < 2:
            continue
        for juror, level in given.items():
            others = [v for j, v in given.items() if j != juror]
            deviations[juror].append(level - statistics.fmean(others))
    result = {}
    for juror in jurors:
        found = deviations[juror]
        mean = statistics.fmean(found) if found else None
        result[juror] = Severity(
            juror=juror,
            mean_deviation=mean,
            compared=len(found),
            flagged=mean is not None and abs(mean) >= threshold - 1e-9,
        )
    return result


# --- the European label ------------------------------------------------------------------


def label_countries(*, home_country: str | None, partner_countries: Iterable[str]) -> tuple[str, ...]:
    """Countries where the project holds a national label: here (``home_country``, when the
    project holds this office's label) and every partner country with a recorded label."""
    found = {c.upper() for c in partner_countries if c}
    if home_country:
        found.add(home_country.upper())
    return tuple(sorted(found))


def eql_eligible(*, home_country: str | None, partner_countries: Iterable[str]) -> bool:
    """A project may be nominated for the European label when it holds a national label
    here and at least one partner holds one in another country (labels in 2 countries)."""
    if not home_country:
        return False
    return len(label_countries(home_country=home_country, partner_countries=partner_countries)) >= 2


@dataclass(frozen=True)
class Candidate:
    """A project with a national label here, as the nomination rules see it."""

    key: Hashable
    #: The average total of its jurors (the decided total) and the rubric's maximum.
    total: float
    maximum: float
    #: The rubric's European-label nomination threshold (the total must be above it).
    threshold: float
    eligible: bool

    @property
    def above_threshold(self) -> bool:
        return self.total > self.threshold

    @property
    def share_of_maximum(self) -> float:
        return self.total / self.maximum if self.maximum else 0.0


def nomination_quota(*, share: float, eligible: int) -> int:
    """How many projects the "top share" rule may propose: ``share`` of the eligible projects,
    rounded down, but at least one when there is any eligible project."""
    if eligible <= 0:
        return 0
    return max(1, math.floor(share * eligible + 1e-9))


def propose_nominations(candidates: Sequence[Candidate], *, rule: str, share: float) -> tuple[Hashable, ...]:
    """The keys of the projects to propose for the European label, best first (ranked by
    total over the rubric's maximum, so rubrics of different sizes compare; by total alone
    within one rubric).

    - ``automatic``: every eligible project (national labels in two countries suffice);
    - ``top_share``: among eligible projects whose total is strictly above their rubric's
      nomination threshold, the best ones, at most :func:`nomination_quota` of the eligible
      ones. Equal scores at the cut go in together when they all fit in the quota, else
      they all stay out (never broken arbitrarily: the office decides between them).
    """
    if rule not in EQL_RULES:
        raise ValueError(f"unknown European label rule '{rule}' (known: {', '.join(EQL_RULES)})")
    eligible = [c for c in candidates if c.eligible]
    ranked = sorted(eligible, key=lambda c: -c.share_of_maximum)
    if rule == "automatic":
        return tuple(c.key for c in ranked)
    above = [c for c in ranked if c.above_threshold]
    quota = nomination_quota(share=share, eligible=len(eligible))
    if len(above) <= quota:
        return tuple(c.key for c in above)
    cut = above[quota - 1].share_of_maximum
    chosen = [c for c in above if c.share_of_maximum > cut]
    tied = [c for c in above if c.share_of_maximum == cut]
    if len(chosen) + len(tied) <= quota:
        chosen += tied
    return tuple(c.key for c in chosen)
