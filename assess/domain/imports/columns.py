"""Columns -> items: what each column of an export holds (an item's answers, one option
of a multiple-choice item, a respondent's identity, a quiz mark, nothing known), decided
from its heading (a question's text in any language of the questionnaire, numbered or not, grid rows
``Title [Statement]``, LimeSurvey codes) and the mapping file."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from assess.domain.imports.mapping import ImportMapping
from assess.domain.imports.text import column_letter, normalise
from assess.domain.imports.vocabulary import SHIPPED, Vocabulary
from assess.domain.questionnaire import Item, ItemType, Questionnaire


@dataclass(frozen=True)
class Column:
    """A column read for answers: ``option_id`` set for a column per option (checkbox)."""

    index: int
    header: str
    item_id: str
    option_id: str | None = None

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    @property
    def target(self) -> str:
        return f"{self.item_id}:{self.option_id}" if self.option_id else self.item_id


@dataclass(frozen=True)
class ColumnPlan:
    file_format: str
    headers: tuple[str, ...]
    matched: tuple[Column, ...]
    unmatched: tuple[str, ...]
    identifying: tuple[str, ...]
    ignored: tuple[str, ...]  # set to null in the mapping file
    timestamp_index: int | None
    language_index: int | None
    day_first: bool
    #: LimeSurvey's "Date submitted" column: a row where it is blank was never sent (skipped).
    submitted_index: int | None = None
    #: Cells that mean "not answered" in this format (LimeSurvey's N/A: a page never reached).
    unanswered: frozenset[str] = frozenset()

    @property
    def matched_columns(self) -> dict[str, str]:
        return {c.header or c.letter: c.target for c in self.matched}


_NUMBERING = re.compile(r"^\s*\[?(?:[a-z]{0,3}\d+[a-z0-9]*)\]?\s*[.):\-\u2013]\s*", re.IGNORECASE)
_BRACKET = re.compile(r"^(.*?)\s*\[([^\[\]]+)\]\s*$")


def _item_texts(questionnaire: Questionnaire) -> dict[str, str]:
    """Normalised text (in any language it is written in) or id -> item id."""
    texts: dict[str, str] = {}
    for item in questionnaire.items:
        for candidate in (*item.text.texts(), item.id):
            texts.setdefault(normalise(candidate), item.id)
    return texts


def _match_header(header: str, texts: Mapping[str, str]) -> str | None:
    candidates = [header]
    bracket = _BRACKET.match(header)
    if bracket:  # Google Forms grids: "Title [row]"; the row may be the item, or the title
        candidates += [bracket.group(2), bracket.group(1)]
    candidates += [_NUMBERING.sub("", c, count=1) for c in list(candidates)]
    for candidate in candidates:
        found = texts.get(normalise(candidate))
        if found:
            return found
    # "Question title.Statement" (Microsoft Forms Likert) and the like: the longest item
    # text the header ends with.
    norm = normalise(header)
    endings = [t for t in texts if len(t) >= 12 and (norm.endswith(" " + t))]
    return texts[max(endings, key=len)] if endings else None


_QUIZ_PER_QUESTION = re.compile(r"^(?:points|feedback|commentaires?)\s*-\s", re.IGNORECASE)
#: LimeSurvey's subquestion codes as it numbers them by default: SQ001, SQ002...
_SUBQUESTION_CODE = re.compile(r"^sq0*(\d{1,3})$")
#: LimeSurvey's "question code & question text" headings: ``G2Q2[SQ001]. Which activities... [Option]``.
_CODE_PREFIX = re.compile(r"^(?=[A-Za-z0-9_]*\d)[A-Za-z][A-Za-z0-9_]*(?:\[[A-Za-z0-9_]+\])?\.\s+")


def _is_quiz_score(header: str, norm: str, quiz_scores: frozenset[str]) -> bool:
    if norm in quiz_scores or _QUIZ_PER_QUESTION.match(header):
        return True
    bracket = _BRACKET.match(header)  # Google Forms per-question "Question [Score]" / "[Feedback]"
    return bracket is not None and normalise(bracket.group(2)) in {"score", "feedback", "points", "note", "commentaires"}


def _option_of(item: Item, text: str) -> str | None:
    """The option of a multiple-choice item a column per option stands for: by its text
    (in any language), its id, or LimeSurvey's default subquestion code (SQ001 = the first)."""
    norm = normalise(text)
    for option in item.options:
        if norm in {*map(normalise, option.text.texts()), normalise(option.id)}:
            return option.id
    code = _SUBQUESTION_CODE.match(norm.replace(" ", ""))
    if code and 1 <= int(code.group(1)) <= len(item.options):
        return item.options[int(code.group(1)) - 1].id
    return None


def _option_column(
    header: str, texts: Mapping[str, str], items: Mapping[str, Item], by_normalised: Mapping[str, str | None]
) -> tuple[str, str | None] | None:
    """(item, option) of a column per option, ``Question [Option]`` (full texts: LimeSurvey,
    Google checkbox grids) or ``CODE[SQ001]`` whose ``CODE`` the mapping gives a multiple-choice
    item; the option is None when the bracket names none of its options (LimeSurvey's
    ``[Other]`` text). None when the bracket holds an item's text (a grid row:
    ``Title [Statement]``) or the title is no multiple-choice item."""
    bracket = _BRACKET.match(header)
    if not bracket or normalise(bracket.group(2)) in texts:
        return None
    title = bracket.group(1)
    item_id = by_normalised.get(normalise(title)) or texts.get(normalise(title)) or texts.get(
        normalise(_NUMBERING.sub("", title, count=1))) or texts.get(normalise(_CODE_PREFIX.sub("", title, count=1)))
    item = items.get(item_id or "")
    if item is None or item.type is not ItemType.MULTIPLE:
        return None
    return item.id, _option_of(item, bracket.group(2))


def plan_columns(
    headers: tuple[str, ...], *, questionnaire: Questionnaire, file_format: str, mapping: ImportMapping | None = None,
    vocabulary: Vocabulary = SHIPPED,
) -> ColumnPlan:
    """Decide what each column is: identifying (dropped), an item's answers (matched),
    ignored by the mapping or as a quiz score, or unknown (unmatched).

    A column per option of a multiple-choice question (``Question [Option]``,
    ``CODE[SQ001]``) is matched to that item and option; a grid or array row
    (``Title [Statement]``, Microsoft Forms' ``Title.Statement``) to the item of its statement."""
    tool = vocabulary.tools.get(file_format)
    timestamps = tool.timestamps if tool else ()
    texts = _item_texts(questionnaire)
    items = {item.id: item for item in questionnaire.items}
    submitted_index = None
    by_header = {k: v for k, v in (mapping.columns.items() if mapping else ())}
    by_normalised = {normalise(k): v for k, v in by_header.items()}
    matched: list[Column] = []
    unmatched: list[str] = []
    identifying: list[str] = []
    ignored: list[str] = []
    timestamp_index = language_index = None
    timestamp_rank = len(timestamps) + 1
    day_first = False
    for index, header in enumerate(headers):
        norm = normalise(header)
        label = header or column_letter(index)
        if norm in vocabulary.identifying or norm in vocabulary.language:
            identifying.append(label)
            for rank, names in enumerate(timestamps):
                if norm in names and rank < timestamp_rank:
                    timestamp_index, timestamp_rank = index, rank
                    day_first = norm in vocabulary.day_first
            if norm in vocabulary.language and language_index is None:
                language_index = index
            if tool and norm in tool.submitted and submitted_index is None:
                submitted_index = index
            continue
        if header in by_header or (norm and norm in by_normalised):
            target = by_header[header] if header in by_header else by_normalised[norm]
            if target is None:
                ignored.append(label)
            else:
                item_id, _, option_id = target.partition(":")
                matched.append(Column(index, header, item_id, option_id or None))
            continue
        per_option = _option_column(header, texts, items, by_normalised) if norm else None
        if per_option:
            if per_option[1] is None:  # not an answer to the whole question: a cell would be refused
                unmatched.append(label)
            else:
                matched.append(Column(index, header, *per_option))
            continue
        if norm and _is_quiz_score(header, norm, vocabulary.quiz_scores):
            ignored.append(label)
            continue
        found = _match_header(header, texts) if norm else None
        if found is None:
            unmatched.append(label)
        else:
            matched.append(Column(index, header, found))
    return ColumnPlan(
        file_format=file_format, headers=headers, matched=tuple(matched), unmatched=tuple(unmatched),
        identifying=tuple(identifying), ignored=tuple(ignored), timestamp_index=timestamp_index,
        language_index=language_index, day_first=day_first, submitted_index=submitted_index,
        unanswered=tool.unanswered if tool else frozenset(),
    )
