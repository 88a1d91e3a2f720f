"""Answers to a questionnaire: what a valid answer is, checked on the server for every item.

The same checks serve the answering page, save-and-resume drafts and imports, so an
answer is refused with the same message wherever it comes from.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from assess.domain.questionnaire import AGREEMENT_POINTS, ItemType, Questionnaire

#: How "don't know / not applicable" is written in a raw answer.
DONT_KNOW = "dont_know"


@dataclass(frozen=True)
class Answer:
    """One clean answer. Agreement: ``score`` 1-5, or ``dont_know``; choices: option ids; text."""

    item_id: str
    score: int | None = None
    dont_know: bool = False
    choices: tuple[str, ...] = ()
    text: str | None = None

    def to_raw(self) -> Any:
        """The answer as the answering page and drafts hold it (the inverse of validation)."""
        if self.dont_know:
            return DONT_KNOW
        if self.score is not None:
            return self.score
        if self.text is not None:
            return self.text
        return list(self.choices)


def month_of(day: date) -> date:
    """When a response is stored as sent: the first day of its month, never the day or time."""
    return day.replace(day=1)


@dataclass(frozen=True)
class AnswerError:
    item_id: str
    key: str  # catalogue key under errors.survey.*
    params: Mapping[str, Any]


def _is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or (isinstance(raw, (list, tuple)) and not raw)


def validate_answers(
    questionnaire: Questionnaire, raw: Mapping[str, Any], *, complete: bool
) -> tuple[dict[str, Answer], list[AnswerError]]:
    """Check raw answers by item id. ``complete`` (a submission) also requires required items;
    a draft may leave them blank. Unknown item ids are errors."""
    answers: dict[str, Answer] = {}
    errors: list[AnswerError] = []
    known = {item.id for item in questionnaire.items}
    for item_id in raw:
        if item_id not in known:
            errors.append(AnswerError(str(item_id), "errors.survey.unknown_item", {"value": str(item_id)[:50]}))
    for item in questionnaire.items:
        value = raw.get(item.id)
        if _is_blank(value):
            if complete and item.required:
                errors.append(AnswerError(item.id, "errors.survey.required", {}))
            continue
        if item.type is ItemType.AGREEMENT:
            if value == DONT_KNOW:
                answers[item.id] = Answer(item.id, dont_know=True)
            elif not isinstance(value, bool) and isinstance(value, int) and value in AGREEMENT_POINTS:
                answers[item.id] = Answer(item.id, score=value)
            else:
                errors.append(AnswerError(item.id, "errors.survey.agreement", {}))
        elif item.type is ItemType.SINGLE:
            option_ids: Collection[str] = {o.id for o in item.options}
            if isinstance(value, (list, tuple)) and len(value) == 1:
                value = value[0]
            if isinstance(value, str) and value in option_ids:
                answers[item.id] = Answer(item.id, choices=(value,))
            else:
                errors.append(AnswerError(item.id, "errors.survey.option", {}))
        elif item.type is ItemType.MULTIPLE:
            option_ids = [o.id for o in item.options]
            values = [value] if isinstance(value, str) else value
            if isinstance(values, (list, tuple)) and all(isinstance(v, str) and v in option_ids for v in values):
                # Kept in the questionnaire's order, each once.
                answers[item.id] = Answer(item.id, choices=tuple(o for o in option_ids if o in values))
            else:
                errors.append(AnswerError(item.id, "errors.survey.option", {}))
        else:  # free text
            text = str(value).strip()
            if len(text) > item.max_length:
                errors.append(AnswerError(item.id, "errors.survey.too_long", {"max": item.max_length}))
            elif "\x00" in text:  # no database stores it (PostgreSQL refuses it): said by question
                errors.append(AnswerError(item.id, "errors.nul_byte", {}))
            else:
                answers[item.id] = Answer(item.id, text=text)
    return answers, errors
