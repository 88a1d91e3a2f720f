"""The scoring engine: a rubric and a level per criterion give points, total, verdict.

Pure Python, no Streamlit, no SQL: the dashboard, the PDF report, the jury and the
``assess rubric score`` command all call :func:`score` and show what it returns.

How points are counted (see docs/rubrics.md):
- a counted criterion scores ``level x weight`` points; an independent criterion is
  recorded and shown, but never counted;
- the maximum is ``5 x`` the sum of the counted weights; level 0 scores nothing, so the
  scale starts at 0 and the percentage is ``total / maximum x 100``. Per-criterion
  minimum levels are verdict rules only: they never shift the scale;
- gates (gated sub-criteria) are pass/fail checks and never add points.

Why a verdict is what it is: :func:`verdict_rules` checks each rule of the rubric (the
pass mark, each per-criterion minimum, each gate) against the figures and says which are
met, as structured values (:class:`RuleCheck`); :func:`reasons_for` adds the outcome the
office decided. The pages, the letters and the workbook put them into words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from assess.domain.rubric import LEVELS, Rubric
from assess.i18n import t


class ScoringInputError(ValueError):
    """Levels that do not fit the rubric: unknown id, or a level outside 0-5."""


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    INCOMPLETE = "incomplete"


class ReasonCode(StrEnum):
    NOT_SCORED = "not_scored"
    GATE_NOT_SCORED = "gate_not_scored"
    BELOW_MINIMUM = "below_minimum"
    GATE_BELOW_MINIMUM = "gate_below_minimum"
    BELOW_PASS_MARK = "below_pass_mark"


@dataclass(frozen=True)
class Reason:
    """Why a verdict is not a pass; ``subject`` names the criterion or gate concerned."""

    code: ReasonCode
    subject: str | None = None
    values: Mapping[str, float | int | None] = field(default_factory=dict)


@dataclass(frozen=True)
class CriterionResult:
    criterion_id: str
    level: float | None  # a whole level, or a jury aggregate (fractional scoring)
    weight: float
    counted: bool
    points: float | None
    max_points: float
    minimum: int | None

    @property
    def meets_minimum(self) -> bool | None:
        if self.level is None:
            return None
        return self.minimum is None or self.level >= self.minimum


@dataclass(frozen=True)
class GateResult:
    gate_id: str
    criterion_id: str
    value: float | None
    minimum: int

    @property
    def passed(self) -> bool | None:
        return None if self.value is None else self.value >= self.minimum


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Score:
    rubric_id: str
    rubric_version: str
    criteria: tuple[CriterionResult, ...]
    gates: tuple[GateResult, ...]
    total: float
    maximum: float
    pass_mark: float
    eql_threshold: float
    verdict: Verdict

    @property
    def percentage(self) -> float:
        return 100.0 * self.total / self.maximum if self.maximum else 0.0

    @property
    def assessed(self) -> tuple[int, int]:
        """(criteria and gates with a level, all criteria and gates)."""
        done = sum(c.level is not None for c in self.criteria) + sum(g.value is not None for g in self.gates)
        return done, len(self.criteria) + len(self.gates)

    @property
    def above_eql_threshold(self) -> bool:
        """The total is above the European-label nomination threshold (strictly, as the rule says)."""
        return self.verdict.outcome is Outcome.PASS and self.total > self.eql_threshold

    def whole_levels(self) -> dict[str, int | None]:
        """The criteria's levels by id as the whole numbers a self-assessment holds
        (:func:`score` takes whole levels unless ``fractional``); ValueError for a jury's
        fractional aggregate."""
        return {c.criterion_id: None if c.level is None else whole_level(c.level) for c in self.criteria}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view, used by ``assess rubric score --json`` and exports."""
        return {
            "rubric": {"id": self.rubric_id, "version": self.rubric_version},
            "criteria": [
                {
                    "id": c.criterion_id,
                    "level": c.level,
                    "weight": c.weight,
                    "counted": c.counted,
                    "points": c.points,
                    "max_points": c.max_points,
                    "minimum": c.minimum,
                    "meets_minimum": c.meets_minimum,
                }
                for c in self.criteria
            ],
            "gates": [
                {"id": g.gate_id, "criterion": g.criterion_id, "value": g.value, "minimum": g.minimum, "passed": g.passed}
                for g in self.gates
            ],
            "total": self.total,
            "maximum": self.maximum,
            "percentage": round(self.percentage, 2),
            "pass_mark": self.pass_mark,
            "eql_threshold": self.eql_threshold,
            "above_eql_threshold": self.above_eql_threshold,
            "verdict": {
                "outcome": self.verdict.outcome.value,
                "reasons": [
                    {"code": r.code.value, "subject": r.subject, **dict(r.values)} for r in self.verdict.reasons
                ],
            },
        }


def _check_levels(kind: str, given: Mapping[str, float | None], known: set[str], *, fractional: bool) -> None:
    for item_id, level in given.items():
        if item_id not in known:
            listed = ", ".join(sorted(known)) or "none"
            raise ScoringInputError(f"unknown {kind} '{item_id}' (this rubric has: {listed})")
        if level is None:
            continue
        if fractional:
            if isinstance(level, bool) or not isinstance(level, (int, float)) or not LEVELS[0] <= level <= LEVELS[-1]:
                raise ScoringInputError(f"level of {kind} '{item_id}' must be a number from 0 to 5, not {level!r}")
        elif isinstance(level, bool) or not isinstance(level, int) or level not in LEVELS:
            raise ScoringInputError(f"level of {kind} '{item_id}' must be a whole number from 0 to 5, not {level!r}")


def whole_level(level: float) -> int:
    """``level`` as the whole level it is (3.0 -> 3, for a list of levels); ValueError for
    a fractional one (a jury's mean), which names no level of the rubric."""
    if level != int(level):
        raise ValueError(f"{level} is not a whole level")
    return int(level)


def score(
    rubric: Rubric,
    *,
    levels: Mapping[str, float | None],
    gates: Mapping[str, float | None] | None = None,
    gate_minimums: Mapping[str, int] | None = None,
    fractional: bool = False,
) -> Score:
    """Score ``levels`` (criterion id -> 0..5, or None if not yet scored) against ``rubric``.

    ``gate_minimums`` overrides the gate minimums of the rubric file (a national setting).
    ``fractional``: levels may be numbers between the whole levels, as a jury's mean or
    median of several jurors' levels is; minimums and gates compare them as they are.
    Raises :class:`ScoringInputError` for unknown ids or levels outside 0-5; a criterion
    left out is "not scored" and makes the verdict incomplete.
    """
    gates = gates or {}
    gate_minimums = gate_minimums or {}
    _check_levels("criterion", levels, {c.id for c in rubric.criteria}, fractional=fractional)
    _check_levels("gate", gates, {g.id for g in rubric.gates}, fractional=fractional)

    def points(level: float | None, weight: float, independent: bool) -> float | None:
        return None if level is None or independent else level * weight

    criteria = tuple(
        CriterionResult(
            criterion_id=c.id,
            level=levels.get(c.id),
            weight=c.weight,
            counted=not c.independent,
            points=points(levels.get(c.id), c.weight, c.independent),
            max_points=0.0 if c.independent else LEVELS[-1] * c.weight,
            minimum=c.minimum,
        )
        for c in rubric.criteria
    )
    gate_results = tuple(
        GateResult(
            gate_id=g.id,
            criterion_id=g.criterion,
            value=gates.get(g.id),
            minimum=gate_minimums.get(g.id, g.minimum),
        )
        for g in rubric.gates
    )
    total = sum(c.points or 0.0 for c in criteria if c.counted)

    reasons: list[Reason] = []
    for c in criteria:
        if c.level is None and c.counted:
            reasons.append(Reason(ReasonCode.NOT_SCORED, c.criterion_id))
    for g in gate_results:
        if g.value is None:
            reasons.append(Reason(ReasonCode.GATE_NOT_SCORED, g.gate_id))
    incomplete = bool(reasons)
    for c in criteria:
        if c.meets_minimum is False:
            reasons.append(Reason(ReasonCode.BELOW_MINIMUM, c.criterion_id, {"level": c.level, "minimum": c.minimum}))
    for g in gate_results:
        if g.passed is False:
            reasons.append(Reason(ReasonCode.GATE_BELOW_MINIMUM, g.gate_id, {"level": g.value, "minimum": g.minimum}))
    if not incomplete and total < rubric.verdict.pass_mark:
        reasons.append(Reason(ReasonCode.BELOW_PASS_MARK, None, {"total": total, "pass_mark": rubric.verdict.pass_mark}))

    outcome = Outcome.INCOMPLETE if incomplete else (Outcome.FAIL if reasons else Outcome.PASS)
    return Score(
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        criteria=criteria,
        gates=gate_results,
        total=total,
        maximum=rubric.maximum,
        pass_mark=rubric.verdict.pass_mark,
        eql_threshold=rubric.eql.nomination_threshold,
        verdict=Verdict(outcome, tuple(reasons)),
    )


def score_aggregates(rubric: Rubric, aggregates: Mapping[str, float | None], *,
                     gate_minimums: Mapping[str, int] | None = None) -> Score:
    """What a jury's aggregates give: ``aggregates`` maps each criterion and gate id to the
    mean or median of the jurors' levels (fractional, or None where nobody scored it);
    the rubric says which ids are criteria and which are gates."""
    criteria = {c.id for c in rubric.criteria}
    return score(rubric, levels={i: v for i, v in aggregates.items() if i in criteria},
                 gates={i: v for i, v in aggregates.items() if i not in criteria},
                 gate_minimums=gate_minimums, fractional=True)


class RuleKind(StrEnum):
    """The rules that decide a verdict."""

    PASS_MARK = "pass_mark"  # the total against the rubric's pass mark
    MINIMUM = "minimum"  # a criterion's level against its minimum
    GATE = "gate"  # a gate's level against its minimum (the rubric's or the office's setting)


@dataclass(frozen=True)
class RuleCheck:
    """One rule of the verdict held against the figures.

    ``subject``: the criterion or gate id (None for the pass mark); ``value``: the total
    or the level (None while not scored); ``threshold``: the pass mark or the minimum;
    ``met``: None while the figure is not known.
    """

    kind: RuleKind
    subject: str | None
    value: float | None
    threshold: float
    met: bool | None


def verdict_rules(result: Score) -> tuple[RuleCheck, ...]:
    """Every rule that decides ``result``'s verdict, met or not: the pass mark first, then
    each criterion with a minimum, then each gate, in the rubric's order."""
    counted_missing = any(c.level is None for c in result.criteria if c.counted)
    checks = [RuleCheck(RuleKind.PASS_MARK, None, None if counted_missing else result.total, result.pass_mark,
                        None if counted_missing else result.total >= result.pass_mark)]
    checks += [RuleCheck(RuleKind.MINIMUM, c.criterion_id, c.level, c.minimum, c.meets_minimum)
               for c in result.criteria if c.minimum is not None]
    checks += [RuleCheck(RuleKind.GATE, g.gate_id, g.value, g.minimum, g.passed) for g in result.gates]
    return tuple(checks)


#: The outcomes the office decides.
LABEL, NO_LABEL = "label", "no_label"


@dataclass(frozen=True)
class DecisionReasons:
    """Why an application got its verdict: each rule checked, what the rules give, and the
    outcome decided (the office may decide otherwise than the rules, which it then says)."""

    rules: tuple[RuleCheck, ...]
    #: What the rules give: pass, fail, or incomplete while something is not scored.
    proposal: Outcome
    #: The outcome decided (``label`` or ``no_label``), None while undecided.
    outcome: str | None = None

    @property
    def failed(self) -> tuple[RuleCheck, ...]:
        """The rules not met: the reasons for "no label"."""
        return tuple(r for r in self.rules if r.met is False)

    @property
    def overridden(self) -> bool:
        """The office decided otherwise than the rules give."""
        if self.outcome is None or self.proposal is Outcome.INCOMPLETE:
            return False
        return (self.outcome == LABEL) != (self.proposal is Outcome.PASS)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for exports."""
        return {
            "outcome": self.outcome,
            "proposal": self.proposal.value,
            "overridden": self.overridden,
            "rules": [{"kind": r.kind.value, "subject": r.subject, "value": r.value, "threshold": r.threshold,
                       "met": r.met} for r in self.rules],
        }


def reasons_for(result: Score, *, outcome: str | None = None) -> DecisionReasons:
    """The reasons of a verdict: ``result`` scored on the levels decided on (a jury's
    aggregates), ``outcome`` the office's decision if there is one."""
    return DecisionReasons(rules=verdict_rules(result), proposal=result.verdict.outcome, outcome=outcome)


def describe_reason(reason: Reason, *, rubric: Rubric, lang: str) -> str:
    """The reason in words, naming the criterion or gate in the reader's language."""
    params = {key: f"{value:g}" if isinstance(value, float) else value for key, value in reason.values.items()}
    if reason.subject is not None:
        params["name"] = rubric.item(reason.subject).name.get(lang)
    return t(f"verdict.reason.{reason.code.value}", lang, **params)


def describe_outcome(outcome: Outcome, *, lang: str) -> str:
    return t(f"verdict.outcome.{outcome.value}", lang)
