"""The words the survey tools write in their exports, read from data files.

``vocabularies/<tool>.toml`` (``google``, ``msforms``, ``limesurvey``) hold the headings
each tool writes, in every language we read: how its export begins, which columns identify
a respondent (dropped, never read), which hold the timestamp, the language, the "submitted"
date. ``other.toml`` holds headings of any form (questions asking who answered, quiz
marks), ``answers.toml`` the words people answer with (the agreement scale, ticked and
unticked boxes, the name of the "Other" option written before the words typed into it). A
word added there is recognised: no code changes.

The files are part of the program, read once at import; a file that is too large, is not
TOML, or holds a key or value we do not expect is refused with :class:`VocabularyError`
naming the file and the key, so a mistake is found at start, not on a teacher's upload.
Words are kept normalised (:func:`assess.domain.imports.text.normalise`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from assess.domain.answers import DONT_KNOW
from assess.domain.imports.text import fold, normalise

#: The folder shipped with the program.
FOLDER = Path(__file__).with_name("vocabularies")
#: The tools read, by the name stored as a response's ``source``: one file each.
TOOLS: tuple[str, ...] = ("google", "msforms", "limesurvey")
#: A vocabulary file is a few kilobytes; a larger one is a mistake (or not ours).
MAX_FILE_BYTES = 256 * 1024

Words = list[str]
_Model = TypeVar("_Model", bound=BaseModel)


class VocabularyError(Exception):
    """A vocabulary file that cannot be used: ``file: key: what is wrong``."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Detect(_Strict):
    #: The export's first heading is one of these.
    first_heading: Words = []
    #: The export's first headings are those of one of these lines, in order.
    first_headings: list[Words] = []
    #: Both headings of one of these groups are among the six after the first.
    times_after_first: list[Words] = []


class _Headings(_Strict):
    identifying: Words = []
    timestamps: list[Words] = []
    day_first: Words = []
    language: Words = []
    submitted: Words = []
    quiz_scores: Words = []
    unanswered: Words = []


class _HeadingsFile(_Strict):
    detect: _Detect = _Detect()
    headings: _Headings = _Headings()


class _Checkbox(_Strict):
    checked: Words
    unchecked: Words


class _Other(_Strict):
    before_text: Words


class _AnswersFile(_Strict):
    agreement: dict[str, Words]
    checkbox: _Checkbox
    other: _Other


@dataclass(frozen=True)
class Tool:
    """One tool's headings, normalised."""

    name: str
    first_heading: frozenset[str]
    first_headings: tuple[tuple[str, ...], ...]
    times_after_first: tuple[frozenset[str], ...]
    identifying: frozenset[str]
    #: One group of headings per timestamp column, the most trusted first.
    timestamps: tuple[frozenset[str], ...]
    submitted: frozenset[str]
    #: Cells meaning "not answered", exactly as written (not normalised).
    unanswered: frozenset[str]

    def begins(self, headings: tuple[str, ...]) -> bool:
        """Whether an export whose normalised headings are ``headings`` is this tool's."""
        if not headings:
            return False
        if self.first_heading and headings[0] not in self.first_heading:
            return False
        if self.first_headings and not any(headings[: len(line)] == line for line in self.first_headings):
            return False
        after = set(headings[1:7])
        return not self.times_after_first or any(group <= after for group in self.times_after_first)


@dataclass(frozen=True)
class Vocabulary:
    """Every word the import recognises, normalised."""

    tools: Mapping[str, Tool]
    #: Columns dropped from every export, whichever tool made it.
    identifying: frozenset[str]
    language: frozenset[str]
    day_first: frozenset[str]
    quiz_scores: frozenset[str]
    #: Agreement words -> 1..5 or dont_know.
    agreement: Mapping[str, int | str]
    checked: frozenset[str]
    unchecked: frozenset[str]
    #: ``Other: ...`` at the start of a cell (``pattern.match``), matched in its
    #: :func:`fold_each` form: the end of the match is where the words typed begin.
    other: re.Pattern[str]


def _read(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise VocabularyError(f"{path}: cannot read file: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise VocabularyError(f"{path}: the file is larger than {MAX_FILE_BYTES // 1024} KB")
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise VocabularyError(f"{path}: not a TOML file: {exc}") from None


def _parsed(path: Path, model: type[_Model]) -> _Model:
    try:
        return model.model_validate(_read(path))
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or "(file)"
        raise VocabularyError(f"{path}: {key}: {first['msg']}") from None


def _words(path: Path, key: str, words: Words) -> frozenset[str]:
    """The words normalised; a word that normalises to nothing would match every blank or
    punctuation cell, so it is refused."""
    normalised = set()
    for index, word in enumerate(words):
        if not normalise(word):
            raise VocabularyError(f"{path}: {key}.{index}: '{word}' is only punctuation or spaces")
        normalised.add(normalise(word))
    return frozenset(normalised)


def _tool(folder: Path, name: str) -> tuple[Tool, _Headings]:
    path = folder / f"{name}.toml"
    parsed = _parsed(path, _HeadingsFile)
    detect, headings = parsed.detect, parsed.headings
    tool = Tool(
        name=name,
        first_heading=_words(path, "detect.first_heading", detect.first_heading),
        first_headings=tuple(tuple(normalise(w) for w in line) for line in detect.first_headings),
        times_after_first=tuple(_words(path, "detect.times_after_first", g) for g in detect.times_after_first),
        identifying=_words(path, "headings.identifying", headings.identifying),
        timestamps=tuple(_words(path, "headings.timestamps", g) for g in headings.timestamps),
        submitted=_words(path, "headings.submitted", headings.submitted),
        unanswered=frozenset(headings.unanswered),
    )
    if not (tool.first_heading or tool.first_headings):
        raise VocabularyError(f"{path}: detect: no first_heading nor first_headings, the export would never be recognised")
    return tool, headings


def _agreement(path: Path, scale: Mapping[str, Words]) -> dict[str, int | str]:
    words: dict[str, int | str] = {}
    for key, texts in scale.items():
        value: int | str = DONT_KNOW if key == DONT_KNOW else int(key) if key in {"1", "2", "3", "4", "5"} else ""
        if value == "":
            raise VocabularyError(f"{path}: agreement.{key}: not a point of the scale (1 to 5 or {DONT_KNOW})")
        for index, word in enumerate(texts):
            norm = normalise(word)
            if not norm:
                raise VocabularyError(f"{path}: agreement.{key}.{index}: '{word}' is only punctuation or spaces")
            if words.setdefault(norm, value) != value:
                raise VocabularyError(f"{path}: agreement.{key}.{index}: '{word}' is also a word for {words[norm]}")
    return words


def _other(path: Path, words: Words) -> re.Pattern[str]:
    """The pattern of a cell that begins with one of ``words`` (case and accents aside, any
    spaces between its words), an optional note in brackets, then a colon."""
    names = []
    for index, word in enumerate(words):
        parts = fold(word).split()
        if not normalise(word):
            raise VocabularyError(f"{path}: other.before_text.{index}: '{word}' is only punctuation or spaces")
        names.append(r"\s+".join(re.escape(part) for part in parts))
    if not names:
        raise VocabularyError(f"{path}: other.before_text: no word")
    alternatives = "|".join(sorted(set(names), key=len, reverse=True))
    return re.compile(rf"\s*(?:{alternatives})\s*(?:\([^)]*\))?\s*[:\uff1a]\s*")


def load(folder: Path = FOLDER) -> Vocabulary:
    """The vocabulary of the files in ``folder``; raises :class:`VocabularyError`."""
    tools: dict[str, Tool] = {}
    every: list[tuple[Path, _Headings]] = []
    for name in TOOLS:
        tools[name], headings = _tool(folder, name)
        every.append((folder / f"{name}.toml", headings))
    other = folder / "other.toml"
    every.append((other, _parsed(other, _HeadingsFile).headings))
    answers_path = folder / "answers.toml"
    answers = _parsed(answers_path, _AnswersFile)
    checked = _words(answers_path, "checkbox.checked", answers.checkbox.checked)
    unchecked = _words(answers_path, "checkbox.unchecked", answers.checkbox.unchecked)
    if both := checked & unchecked:
        raise VocabularyError(f"{answers_path}: checkbox: '{min(both)}' is both checked and unchecked")

    def union(key: str) -> frozenset[str]:
        return frozenset().union(*(_words(path, f"headings.{key}", getattr(h, key)) for path, h in every))

    return Vocabulary(
        tools=tools, identifying=union("identifying"), language=union("language"), day_first=union("day_first"),
        quiz_scores=union("quiz_scores"), agreement=_agreement(answers_path, answers.agreement),
        checked=checked, unchecked=unchecked, other=_other(answers_path, answers.other.before_text),
    )


#: The vocabulary shipped with the program, read once.
SHIPPED = load()
