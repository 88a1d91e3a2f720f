"""A cell's value -> an answer, per item type: the words of the agreement scale
(vocabularies/answers.toml), numbers and LimeSurvey codes, option texts in any language of the questionnaire,
several options in one cell, ticked boxes, "Other: ..." words, bilingual labels, text cut at
its item's limit. A bad cell costs that cell (:class:`CellProblem`), not the response."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from assess.domain.answers import DONT_KNOW, Answer, AnswerError, validate_answers
from assess.domain.imports.text import fold, fold_each, normalise, quote
from assess.domain.imports.vocabulary import SHIPPED, Vocabulary
from assess.domain.questionnaire import AGREEMENT_POINTS, Item, ItemType, Questionnaire

#: Normalised agreement words (every language of the file) -> 1..5 or dont_know (vocabularies/answers.toml).
AGREEMENT_WORDS: Mapping[str, int | str] = SHIPPED.agreement
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]0*)?$")
_LIMESURVEY_CODE = re.compile(r"^a(o)?(\d{1,3})$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class CellProblem(NamedTuple):
    key: str
    params: dict[str, Any]


class CellNote(NamedTuple):
    """A cell read, but not quite as written (``key``, ``params``: a catalogue key
    ``imports.note.*`` saying how): the report lists it by row and column."""

    value: Any
    key: str
    params: dict[str, Any]


class CellOther(NamedTuple):
    """An "Other: ..." answer typed into a choice question: ``value`` what the cell also
    chose among the options (None: nothing), ``text`` the words typed, for the
    questionnaire's comment item."""

    value: Any
    text: str


#: The halves of a bilingual answer label: "D'accord / Agree", "Agree - D'accord".
_HALVES = re.compile(r"\s+[/|\-\u2013\u2014]\s+")


def _other_text(cell: str, other: re.Pattern[str], folded: str | None = None, start: int = 0) -> str | None:
    """The words typed after "Other:" ("Autre :", "Sonstiges:"... the words of
    vocabularies/answers.toml, ``other``) at ``start``, or None if the cell is not an "Other"
    answer there (a bare unknown text stays refused: it may be a typo). ``folded``: the
    cell's :func:`fold_each` when the caller has it."""
    found = other.match(fold_each(cell) if folded is None else folded, start)
    return _CONTROL.sub("", cell[found.end():]).strip() if found else None


def _code_number(norm: str) -> int | None:
    found = _LIMESURVEY_CODE.match(norm.replace(" ", ""))
    return int(found.group(2)) if found else None


_UNSEEN = object()  # not in a cache yet (None is a value cached)


class ItemReader:
    """Reads the cells of one item, with a cache (the same few words repeat on every row)."""

    def __init__(self, item: Item, answers: Mapping[str, int | str], questionnaire: Questionnaire,
                 vocabulary: Vocabulary = SHIPPED):
        self.item = item
        self.vocabulary = vocabulary
        self.agreement_words = vocabulary.agreement
        self.answers = answers
        self.questionnaire = questionnaire
        self.text = item.type is ItemType.TEXT
        self.multiple = item.type is ItemType.MULTIPLE
        self.cache: dict[str, Any] = {}
        self.checked: dict[Any, Answer | AnswerError | None] = {}
        self.options: dict[str, str] = {}
        if item.type in (ItemType.SINGLE, ItemType.MULTIPLE):
            for option in item.options:
                for text in (*option.text.texts(), option.id):
                    self.options.setdefault(normalise(text), option.id)
            for text, value in answers.items():
                if isinstance(value, str) and value in {o.id for o in item.options}:
                    self.options.setdefault(text, value)
            # Longest first, for the greedy split of multiple answers.
            folded: dict[str, str] = {}
            for option in item.options:
                for text in (*option.text.texts(), option.id):
                    folded.setdefault(fold(text), option.id)
            for text, value in answers.items():
                if isinstance(value, str) and value in {o.id for o in item.options}:
                    folded.setdefault(fold(text), value)
            self.folded = sorted(folded.items(), key=lambda pair: -len(pair[0]))

    def read(self, cell: str) -> Any:
        """The raw answer of a non-blank cell, or a :class:`CellProblem`."""
        if self.text:
            return self._text(cell)
        found = self.cache.get(cell, _UNSEEN)
        if found is _UNSEEN:
            if len(self.cache) > 10_000:
                self.cache.clear()
            found = self.cache[cell] = self._read(cell)
        return found

    def check(self, value: Any) -> Answer | AnswerError | None:
        """The clean answer of a raw value as :func:`validate_answers` gives it (the answering
        page's checks), its error, or None for a blank value.

        Memoised per value: the rows of an export repeat the same few answers, and checking
        each once rather than once a row saves most of the time of a large import. The
        result is the same as checking the whole row at once, as validate_answers checks
        every item on its own (only ``complete`` looks across items, and a row is a draft
        here). Free text differs from row to row: it is checked every time."""
        if self.text:
            return self._check(value)
        key = tuple(value) if self.multiple else value
        try:
            return self.checked[key]
        except KeyError:
            pass
        if len(self.checked) > 10_000:
            self.checked.clear()
        found = self.checked[key] = self._check(value)
        return found

    def _check(self, value: Any) -> Answer | AnswerError | None:
        clean, errors = validate_answers(self.questionnaire, {self.item.id: value}, complete=False)
        return clean[self.item.id] if clean else (errors[0] if errors else None)

    def _text(self, cell: str) -> Any:
        """Free text as written; past the item's limit, cut there with a note (the answering
        page would not take more), rather than the whole response lost."""
        text = _CONTROL.sub("", cell).strip()
        limit = self.item.max_length
        if len(text) <= limit:
            return text
        return CellNote(text[:limit].rstrip(), "imports.note.cut", {"length": len(text), "max": limit})

    def _read(self, cell: str) -> Any:
        kind = self.item.type
        if kind is ItemType.AGREEMENT:
            return self._bilingual(cell, self._agreement)
        if kind is ItemType.SINGLE:
            found = self._bilingual(cell, self._single)
            if isinstance(found, CellProblem) and (other := _other_text(cell, self.vocabulary.other)) is not None:
                return CellOther(None, other)
            return found
        return self._multiple(cell)

    def _single(self, cell: str) -> Any:
        found = self._option(normalise(cell))
        return found if found else CellProblem("imports.skip.option", {"value": quote(cell)})

    @staticmethod
    def _bilingual(cell: str, read: Any) -> Any:
        """``read(cell)``; if it is refused, a label in two languages (``D'accord / Agree``,
        ``Agree - D'accord``) is read half by half: the halves recognised must agree."""
        found = read(cell)
        if not isinstance(found, CellProblem):
            return found
        halves = _HALVES.split(cell.strip())
        if len(halves) < 2:
            return found
        values = {read(half) for half in halves}
        values = {v for v in values if not isinstance(v, CellProblem)}
        return values.pop() if len(values) == 1 else found

    def _agreement(self, cell: str) -> Any:
        norm = normalise(cell)
        mapped = self.answers.get(norm)
        if mapped == DONT_KNOW or (isinstance(mapped, int) and mapped in AGREEMENT_POINTS):
            return mapped
        if norm in self.agreement_words:
            return self.agreement_words[norm]
        number = None
        if _NUMBER.match(cell.strip()):
            number = int(re.split(r"[.,]", cell.strip())[0])
        elif (code := _code_number(norm)) is not None:
            number = code
        if number is not None:
            if number in AGREEMENT_POINTS:
                return number
            return CellProblem("imports.skip.out_of_scale", {"value": quote(cell)})
        return CellProblem("imports.skip.agreement", {"value": quote(cell)})

    def _option(self, norm: str) -> str | None:
        found = self.options.get(norm)
        if found:
            return found
        code = _code_number(norm)
        if code is not None and 1 <= code <= len(self.item.options):
            return self.item.options[code - 1].id
        return None

    def _multiple(self, cell: str) -> Any:
        original = " ".join(cell.split())
        text = fold(original)  # one character for one: positions hold in both
        chosen: list[str] = []
        position = 0
        while position < len(text):
            while position < len(text) and text[position] in " ;,":
                position += 1
            if position >= len(text):
                break
            other = _other_text(original, self.vocabulary.other, text, position)
            if other is not None:  # Google Forms writes the "Other" words last, commas and all
                return CellOther(chosen or None, other)
            for option_text, option_id in self.folded:
                if text.startswith(option_text, position):
                    end = position + len(option_text)
                    rest = text[end:].lstrip(" ")
                    if not rest or rest[0] in ";,":
                        chosen.append(option_id)
                        position = end
                        break
            else:
                ends = [i for i in (text.find(";", position), text.find(",", position)) if i >= 0]
                end = min(ends) if ends else len(text)
                found = self._bilingual(original[position:end], self._single)
                if isinstance(found, CellProblem):
                    return CellProblem("imports.skip.option", {"value": quote(original[position:end])})
                chosen.append(found)
                position = end
        return chosen

    def checkbox(self, cell: str, option_id: str) -> Any:
        norm = normalise(cell)
        if norm in self.vocabulary.checked or self._option(norm) == option_id:
            return [option_id]
        if norm in self.vocabulary.unchecked:
            return []
        return CellProblem("imports.skip.checkbox", {"value": quote(cell)})
