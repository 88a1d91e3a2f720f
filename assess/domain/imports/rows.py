"""A row -> a response: each data row's cells read (:mod:`~assess.domain.imports.cells`)
and checked as the answering page checks a draft, or the reasons it is skipped; the notes on
cells read but not as written; what recognises a row imported before (its fingerprint, its
content)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from assess.domain.answers import Answer
from assess.domain.imports.cells import CellNote, CellOther, CellProblem, ItemReader
from assess.domain.imports.columns import Column, ColumnPlan
from assess.domain.imports.dates import moment_of
from assess.domain.imports.mapping import ImportMapping
from assess.domain.imports.reading import Table, blank
from assess.domain.imports.text import column_letter, normalise, quote
from assess.domain.imports.vocabulary import SHIPPED, Vocabulary
from assess.domain.questionnaire import Item, ItemType, Questionnaire
from assess.i18n import languages


class Skipped(NamedTuple):
    """Why a row was not imported: ``row`` as the file numbers it (header = row 1),
    ``column`` its letter ("" for the whole row), a catalogue key and its parameters."""

    row: int
    column: str
    key: str
    params: Mapping[str, Any]
    header: str = ""


@dataclass(frozen=True)
class ImportedRow:
    row: int
    answers: dict[str, Answer]
    language: str | None
    submitted_on: date | None
    #: (header, cell) of every non-blank cell, identifying ones included, in a stable
    #: order: hashed with a secret key to recognise the row later, never stored.
    fingerprint: tuple[tuple[str, str], ...] = field(repr=False)
    #: Cells read but not as written (cut, "Other" words moved): by row and column.
    notes: tuple[Skipped, ...] = ()
    #: The timestamp to the minute (see :func:`~assess.domain.imports.dates.moment_of`), "" without one: with the
    #: answers, what recognises the response in another export of it (:func:`response_content`).
    moment: str = field(default="", repr=False)


@dataclass(frozen=True)
class SkippedRow:
    row: int
    problems: tuple[Skipped, ...]


def _comment_item(questionnaire: Questionnaire) -> Item | None:
    """Where "Other" words typed into a choice question go: the questionnaire's free-text
    item (the last one if there are several: the closing "anything else?")."""
    texts = [item for item in questionnaire.items if item.type is ItemType.TEXT]
    return texts[-1] if texts else None


def _keep_others(others: list[tuple[Column, str]], raw: dict[str, Any], comment: Item | None,
                 number: int) -> Iterator[Skipped]:
    """Add each "Other" text to the comment item's answer (after what the row wrote there,
    within its limit), and note each cell: kept, cut or dropped."""
    for column, text in others:
        if not text:
            continue
        params = {"value": quote(text)}
        if comment is None:
            yield Skipped(number, column.letter, "imports.note.other_dropped", params, column.header)
            continue
        before = raw.get(comment.id) or ""
        joined = f"{before}\n{text}" if before else text
        if len(joined) > comment.max_length:
            joined = joined[: comment.max_length].rstrip()
            yield Skipped(number, column.letter, "imports.note.other_cut", {**params, "max": comment.max_length},
                          column.header)
        else:
            yield Skipped(number, column.letter, "imports.note.other_kept", params, column.header)
        raw[comment.id] = joined


def _language(cell: str) -> str | None:
    code = re.split(r"[-_]", cell.strip().lower(), maxsplit=1)[0]
    return code if code in languages() else None


def fingerprint(headers: tuple[str, ...], cells: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The row's content as (normalised header, cell) pairs of its non-blank cells, sorted:
    independent of the order of the columns and of columns added to the form later (blank
    in older rows). ``headers`` are normalised already."""
    pairs = []
    for index, cell in enumerate(cells):
        cell = cell.strip()
        if cell:
            pairs.append((headers[index] if index < len(headers) else f"#{index}", cell))
    return tuple(sorted(pairs))


def _spaced(text: str | None) -> str | None:
    return " ".join(text.split()) if text is not None else None


def _answer_json(answer: Answer) -> str:
    return json.dumps([answer.item_id, answer.score, answer.dont_know, sorted(answer.choices), _spaced(answer.text)],
                      ensure_ascii=False, separators=(",", ":"))


def response_content(row: ImportedRow, cache: dict[Answer, str] | None = None) -> str:
    """The response as read, independent of how the file was written: the timestamp to the
    minute and each answer (item id -> score, don't know, choices, text, spaces folded), as
    compact JSON. A Google Forms CSV, the same answers downloaded from Google Sheets and
    an Excel re-save of either (quoting, separator, timestamp format changed) give the same
    text; hashed with a secret key to recognise the response, never stored. ``cache``:
    each distinct answer's JSON, kept across the rows of a file (most answers repeat)."""
    if cache is None:
        cache = {}
    parts = []
    for _item_id, answer in sorted(row.answers.items()):
        text = cache.get(answer)
        if text is None:
            text = cache[answer] = _answer_json(answer)
        parts.append(text)
    # The moment holds digits, "-", "T" and ":" only: quoted as JSON would.
    return f'["{row.moment}",[{",".join(parts)}]]'


def read_rows(
    table: Table, plan: ColumnPlan, *, questionnaire: Questionnaire, mapping: ImportMapping | None = None,
    vocabulary: Vocabulary = SHIPPED,
) -> Iterator[ImportedRow | SkippedRow]:
    """Each data row, in file order, as answers checked by validate_answers (a draft's
    rules: required items may be blank) or as the reasons it is skipped.

    This loop runs for every cell of files of up to 200,000 rows, so what can be is worked
    out once per file or once per distinct value (see bench/bench_import.py): the columns
    as plain tuples, the readers' caches of cells read and of answers checked."""
    answers_map = {normalise(k): v for k, v in (mapping.answers.items() if mapping else ())}
    # In the questionnaire's order, the order validate_answers checks and returns answers in.
    readers = {item.id: ItemReader(item, answers_map, questionnaire, vocabulary) for item in questionnaire.items}
    first_column: dict[str, Column] = {}
    for column in plan.matched:
        first_column.setdefault(column.item_id, column)
    columns = [(column.index, column.item_id, column.option_id, readers[column.item_id], column)
               for column in plan.matched]
    headers = tuple(normalise(h) for h in plan.headers)
    unanswered, submitted = plan.unanswered, plan.submitted_index
    comment = _comment_item(questionnaire)
    for number, cells in table.rows:
        if blank(cells):
            yield SkippedRow(number, (Skipped(number, "", "imports.skip.empty", {}),))
            continue
        if submitted is not None and (submitted >= len(cells) or not cells[submitted].strip()):
            # LimeSurvey: never sent (left before the last page); see docs/surveys.md.
            yield SkippedRow(number, (Skipped(number, column_letter(submitted), "imports.skip.not_submitted", {},
                                              plan.headers[submitted]),))
            continue
        width = len(cells)
        raw: dict[str, Any] = {}
        problems: list[Skipped] = []
        notes: list[Skipped] = []
        others: list[tuple[Column, str]] = []
        for index, item_id, option_id, reader, column in columns:
            cell = cells[index] if index < width else ""
            if not cell or cell.isspace() or cell in unanswered:
                continue
            value = reader.checkbox(cell, option_id) if option_id else reader.read(cell)
            if isinstance(value, CellOther):
                others.append((column, value.text))
                if value.value is None:
                    continue
                value = value.value
            if isinstance(value, CellNote):
                notes.append(Skipped(number, column.letter, value.key, value.params, column.header))
                value = value.value
            if isinstance(value, CellProblem):
                problems.append(Skipped(number, column.letter, value.key, value.params, column.header))
                continue
            if reader.multiple:
                merged = raw.setdefault(item_id, [])
                merged.extend(v for v in value if v not in merged)
            elif item_id in raw and raw[item_id] != value:
                problems.append(Skipped(number, column.letter, "imports.skip.conflict",
                                        {"other": first_column[item_id].letter}, column.header))
            elif value != "":
                raw[item_id] = value
        if others:
            notes.extend(_keep_others(others, raw, comment, number))
        clean: dict[str, Answer] = {}
        if not problems:  # validate_answers(questionnaire, raw, complete=False), item by item
            for item_id, reader in readers.items():
                checked = reader.check(raw[item_id]) if item_id in raw else None
                if isinstance(checked, Answer):
                    clean[item_id] = checked
                elif checked is not None:
                    first = first_column.get(item_id)
                    problems.append(Skipped(number, first.letter if first else "", checked.key,
                                            dict(checked.params), first.header if first else ""))
        if problems:
            yield SkippedRow(number, tuple(problems))
            continue
        if not clean:
            yield SkippedRow(number, (Skipped(number, "", "imports.skip.no_answer", {}),))
            continue
        stamp = cells[plan.timestamp_index] if plan.timestamp_index is not None and plan.timestamp_index < width else ""
        spoken = cells[plan.language_index] if plan.language_index is not None and plan.language_index < width else ""
        moment = moment_of(stamp, day_first=plan.day_first) if stamp else ""  # the day, and the minute
        yield ImportedRow(
            row=number, answers=clean, language=_language(spoken) if spoken else None,
            submitted_on=date.fromisoformat(moment[:10]) if moment else None,
            fingerprint=fingerprint(headers, cells), notes=tuple(notes),
            moment=moment,
        )
