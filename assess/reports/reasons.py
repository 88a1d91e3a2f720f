"""The reasons of a verdict in words: each rule the domain checked
(:func:`assess.domain.scoring.verdict_rules`) as one line in the reader's language, with
its figures written as the language writes numbers. Shared by the teacher's page, the
office's boxes and the verdict letter, so all three say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

from assess.domain.rubric import Rubric
from assess.domain.scoring import LABEL, DecisionReasons, RuleCheck
from assess.i18n import t
from assess.i18n.formats import format_number


@dataclass(frozen=True)
class ReasonLine:
    """One rule in words, and whether it is met (None: not scored yet)."""

    text: str
    met: bool | None


def _state(check: RuleCheck, lang: str) -> str:
    if check.met is None:
        return t("reasons.not_scored", lang)
    return t("reasons.met" if check.met else "reasons.not_met", lang)


def describe_rule(check: RuleCheck, *, rubric: Rubric, lang: str) -> str:
    """'GDPR, copyright and eSafety (required for any label): level 2.5 against a minimum
    of 3 — not met'."""
    params = {"threshold": format_number(check.threshold, lang, digits=2),
              "value": format_number(check.value, lang, digits=2)}
    if check.subject is not None:
        params["name"] = rubric.item(check.subject).name.get(lang)
    key = check.kind.value if check.value is not None else f"{check.kind.value}_not_scored"
    return t("reasons.line", lang, rule=t(f"reasons.rule.{key}", lang, **params), state=_state(check, lang))


def reason_lines(reasons: DecisionReasons, *, rubric: Rubric, lang: str) -> list[ReasonLine]:
    """Every rule of the verdict in words, in the domain's order (pass mark, minimums, gates)."""
    return [ReasonLine(describe_rule(check, rubric=rubric, lang=lang), check.met) for check in reasons.rules]


def override_note(reasons: DecisionReasons, *, lang: str) -> str | None:
    """When the office decided otherwise than the rules give, the sentence that says so."""
    if not reasons.overridden:
        return None
    return t("reasons.overridden_label" if reasons.outcome == LABEL else "reasons.overridden_no_label", lang)
