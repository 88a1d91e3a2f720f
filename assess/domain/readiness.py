"""Readiness for a label application: eligibility questions, gates and per-criterion minimums.

The national office asks five yes/no questions before any scoring; all must be yes. Each
is answered yes (True), no (False) or not yet (None): a "no" fails its check as surely as
a gate below its minimum, while an unanswered one is still to be told.
Readiness puts them beside the rubric's own rules so a teacher sees, in one list, what
still stands between the project and a label.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import cast

from assess.domain.rubric import LEVELS, Rubric
from assess.domain.scoring import CriterionResult, Outcome, Score
from assess.i18n import t

#: The eligibility questions, in the order the office asks them.
ELIGIBILITY_QUESTIONS: tuple[str, ...] = (
    "shared_plan",  # goals and plan shared with the partners
    "finished",  # the project is finished or about to finish
    "full_participation",  # the teacher and pupils took part in all activities
    "collaborative_activities",  # collaborative activities were organised
    "data_protection",  # data protection and copyright were taken care of
)


class CheckKind(StrEnum):
    ELIGIBILITY = "eligibility"
    GATE = "gate"
    MINIMUM = "minimum"
    PASS_MARK = "pass_mark"


@dataclass(frozen=True)
class ReadinessCheck:
    """One line of the checklist. ``ok`` is None while it cannot be told yet."""

    kind: CheckKind
    subject: str | None
    ok: bool | None


def readiness(*, score: Score, eligibility: Mapping[str, bool | None]) -> tuple[ReadinessCheck, ...]:
    checks = [ReadinessCheck(CheckKind.ELIGIBILITY, q, eligibility.get(q)) for q in ELIGIBILITY_QUESTIONS]
    checks += [ReadinessCheck(CheckKind.GATE, g.gate_id, g.passed) for g in score.gates]
    checks += [
        ReadinessCheck(CheckKind.MINIMUM, c.criterion_id, c.meets_minimum)
        for c in score.criteria
        if c.minimum is not None
    ]
    complete = score.verdict.outcome is not Outcome.INCOMPLETE
    checks.append(ReadinessCheck(CheckKind.PASS_MARK, None, score.total >= score.pass_mark if complete else None))
    return tuple(checks)


def is_ready(checks: tuple[ReadinessCheck, ...]) -> bool:
    return all(check.ok for check in checks)


def answered_no(eligibility: Mapping[str, bool | None]) -> tuple[str, ...]:
    """The eligibility questions answered "no" (not those left unanswered): each one alone
    keeps the project from any label."""
    return tuple(q for q in ELIGIBILITY_QUESTIONS if eligibility.get(q) is False)


def state_key(check: ReadinessCheck) -> str:
    """The catalogue key of a checklist line's state in words. An eligibility question says
    what was answered: yes, no or not answered, so a "no" never reads as "to do"."""
    if check.kind is CheckKind.ELIGIBILITY:
        return {True: "readiness.answered_yes", False: "readiness.answered_no", None: "readiness.not_answered"}[check.ok]
    return {True: "readiness.ok", False: "readiness.missing", None: "readiness.unknown"}[check.ok]


def weakest_criteria(score: Score, *, count: int = 3) -> list[CriterionResult]:
    """The counted criteria to improve first: lowest level, heaviest weight on a tie."""
    scored = [c for c in score.criteria if c.counted and c.level is not None and c.level < LEVELS[-1]]
    return sorted(scored, key=lambda c: (c.level, -c.weight))[:count]


def describe_check(check: ReadinessCheck, *, score: Score, rubric: Rubric, lang: str) -> str:
    """The checklist line in words, in the reader's language."""
    if check.kind is CheckKind.ELIGIBILITY:
        return t("readiness.eligibility", lang, name=t(f"eligibility.question.{check.subject}", lang))
    if check.kind is CheckKind.PASS_MARK:
        return t("readiness.pass_mark", lang, pass_mark=f"{score.pass_mark:g}")
    item = rubric.item(cast(str, check.subject))  # criteria and gates always name theirs
    minimum = next(
        (g.minimum for g in score.gates if g.gate_id == check.subject),
        getattr(item, "minimum", None),
    )
    return t(f"readiness.{check.kind.value}", lang, name=item.name.get(lang), minimum=minimum)
