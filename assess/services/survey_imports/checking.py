"""Every row of an upload checked against the context, with no session: counted for a
preview (:func:`preview`), or converted and kept for an import (:func:`prepare_import`)."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.orm import Session

from assess.domain import imports as reading
from assess.domain.content import ContentError, Problem
from assess.domain.imports import ImportMapping, MappingFile, Skipped, SkippedRow
from assess.domain.permissions import Actor
from assess.domain.questionnaire import Questionnaire
from assess.services import _answer_tallies as answer_tallies
from assess.services.errors import ServiceError
from assess.services.survey_imports.context import ImportContext, import_context
from assess.services.survey_imports.report import CHUNK, ImportReport, MappingError, Progress
from assess.services.survey_imports.rows import Converter, Row, RowKeys
from assess.services.survey_imports.upload import Upload, check_request, upload_of


def _parse_mapping(mapping: Any, questionnaire: Questionnaire) -> ImportMapping | None:
    if mapping is None:
        return None
    try:
        if isinstance(mapping, MappingFile):
            return reading.parse_mapping(mapping.text, file=mapping.name, questionnaire=questionnaire)
        if isinstance(mapping, (str, bytes)):
            return reading.parse_mapping(mapping, file="mapping.yaml", questionnaire=questionnaire)
        if isinstance(mapping, ImportMapping):
            problems = [Problem("mapping", 1, key, params)
                        for _path, key, params in reading.check_mapping(mapping, questionnaire)]
            if problems:
                raise ContentError(problems)
            return mapping
    except ContentError as error:
        raise MappingError(error.problems) from None
    raise TypeError(f"mapping must be a MappingFile, its text or an ImportMapping, not {type(mapping).__name__}")


@dataclass
class _Tally:
    imported: int = 0
    repeated: int = 0
    done: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[Skipped] = field(default_factory=list)
    languages: dict[str, int] = field(default_factory=dict)
    #: The rows to insert (None: a preview, counting only).
    rows: list[Row] | None = None


def _read_rows(upload: Upload, plan: reading.ColumnPlan, *, questionnaire: Questionnaire, mapping: ImportMapping | None,
               existing: frozenset[str], row_key: RowKeys, keep: bool, progress: Progress | None) -> _Tally:
    """Read and check every row, with no session: the new ones are kept converted
    (``keep``) or only counted."""
    table = upload.table
    total = len(table.rows)
    if progress:
        progress(0, total)
    tally = _Tally(rows=[] if keep else None)
    convert = Converter() if keep else None
    seen: set[str] = set()  # raw keys: a row repeated cell for cell within the file
    ranks: Counter = Counter()  # responses of the file with the same content so far
    answer_texts: dict = {}  # each distinct answer as JSON, made once (response_content)
    for result in reading.read_rows(table, plan, questionnaire=questionnaire, mapping=mapping):
        tally.done += 1
        if isinstance(result, SkippedRow):
            tally.skipped.extend(result.problems)
            continue
        raw = row_key(result.fingerprint)  # the key of imports made before it changed
        if raw in seen:
            tally.repeated += 1
            continue
        seen.add(raw)
        # Two families who gave the same answers in the same minute are two responses:
        # the rank tells them apart, and finds them again in another export of the file.
        digest = hashlib.blake2b(reading.response_content(result, answer_texts).encode(), digest_size=16).digest()
        rank = ranks[digest]
        ranks[digest] = rank + 1
        content = digest + rank.to_bytes(4, "big")
        key = row_key.content(content)
        if key in existing or raw in existing:
            tally.repeated += 1
            continue
        tally.imported += 1
        tally.notes.extend(result.notes)
        if result.language:
            tally.languages[result.language] = tally.languages.get(result.language, 0) + 1
        if convert is not None and tally.rows is not None:
            tally.rows.append(convert(key, result, content))
        if progress and tally.done % CHUNK == 0 and tally.done < total:
            progress(tally.done, total)
    if progress and total:
        progress(tally.done, total)
    return tally


def _report(upload: Upload, plan: reading.ColumnPlan, tally: _Tally, *, stored: bool, campaign_id: int | None,
            questionnaire: Questionnaire, dates: reading.DateOrder) -> ImportReport:
    return ImportReport(
        file_name=upload.file_name, file_format=upload.file_format, matched_columns=plan.matched_columns,
        unmatched_columns=plan.unmatched, dropped_columns=plan.identifying, ignored_columns=plan.ignored,
        rows_read=len(upload.table.rows), rows_imported=tally.imported, rows_repeated=tally.repeated,
        skipped=tuple(tally.skipped), stored=stored, campaign_id=campaign_id, questionnaire_id=questionnaire.id,
        languages=tally.languages, notes=tuple(tally.notes), delimiter=upload.table.delimiter,
        encoding=upload.table.encoding, day_first=dates.day_first, date_basis=dates.basis,
    )


def preview(context: ImportContext, upload: Upload, *,
            mapping: MappingFile | str | bytes | ImportMapping | None = None,
            day_first: bool | None = None) -> ImportReport:
    """What importing ``upload`` would do, from what :func:`import_context` read: no session,
    so that the rows are read outside any transaction. ``report.refusal`` says why an
    import would be refused (it would store no answer). Raises MappingError."""
    return _check_rows(context, upload, mapping=mapping, keep=False, progress=None, day_first=day_first)[2]


def _check_rows(context: ImportContext, upload: Upload, *, mapping, keep: bool, progress: Progress | None,
                day_first: bool | None = None):
    """Every row of ``upload`` checked against the context (no session): the column plan,
    the tally (with the rows to insert when ``keep``) and the report. ``day_first``: the
    order of day and month chosen (None: decided from the file). Raises MappingError."""
    questionnaire = context.questionnaire
    parsed = _parse_mapping(mapping, questionnaire)
    plan = reading.plan_columns(upload.table.headers, questionnaire=questionnaire, file_format=upload.file_format,
                                mapping=parsed)
    dates = reading.date_order(upload.table, plan, day_first=day_first)
    plan = replace(plan, day_first=dates.day_first)
    tally = _read_rows(upload, plan, questionnaire=questionnaire, mapping=parsed, existing=context.existing,
                       row_key=RowKeys(context.secret, context.key_campaign_id), keep=keep, progress=progress)
    report = _report(upload, plan, tally, stored=False, campaign_id=context.campaign_id, questionnaire=questionnaire,
                     dates=dates)
    return plan, tally, report


def preview_import(
    session: Session, *, actor: Actor, project_id: int, audience: str, file_name: str | None = None,
    data: bytes | None = None, file_format: str = "auto",
    mapping: MappingFile | str | bytes | ImportMapping | None = None, upload: Upload | None = None,
    day_first: bool | None = None,
) -> ImportReport:
    """What importing the file would do (columns found, rows imported, repeated and skipped),
    storing nothing. The same refusals as :func:`run_import`. Give ``upload`` (read by
    :func:`read_upload` beforehand) rather than ``file_name`` and ``data``; better still,
    call :func:`import_context` in a transaction and :func:`preview` after it."""
    check_request(audience=audience, file_format=file_format, data=data if upload is None else None)
    context = import_context(session, actor=actor, project_id=project_id, audience=audience)
    return preview(context, upload_of(upload, file_name, data, file_format), mapping=mapping, day_first=day_first)


@dataclass(frozen=True)
class PreparedImport:
    """An upload checked and converted (:func:`prepare_import`), waiting for
    :func:`store_import`'s short write transaction. Holds no session."""

    context: ImportContext = field(repr=False)
    upload: Upload = field(repr=False)
    plan: reading.ColumnPlan = field(repr=False)
    #: The figures found; :func:`store_import` corrects them for rows imported meanwhile.
    report: ImportReport
    rows: list[Row] = field(repr=False)
    #: What the rows add to the answer tallies, campaign id 0 (see :func:`tally_of`).
    tally: Counter = field(repr=False, default_factory=Counter)


def prepare_import(context: ImportContext, upload: Upload, *,
                   mapping: MappingFile | str | bytes | ImportMapping | None = None,
                   progress: Progress | None = None, day_first: bool | None = None) -> PreparedImport:
    """Check every row of ``upload`` and convert the new ones to what is inserted, with no
    session (the long part of an import: seconds for 100,000 rows). ``context``: read by
    :func:`import_context_for_import`. ``progress(done, total)`` as rows are checked.
    ``day_first``: the order of day and month chosen (None: decided from the file).
    Raises MappingError, ServiceError ``imports.errors.no_*`` (the file would store no
    answer: refused before anything, even the campaign, is made)."""
    plan, tally, report = _check_rows(context, upload, mapping=mapping, keep=True, progress=progress,
                                      day_first=day_first)
    if report.refusal is not None:
        key, params = report.refusal
        raise ServiceError(key, **params)
    rows = tally.rows or []
    return PreparedImport(context=context, upload=upload, plan=plan, report=report, rows=rows, tally=tally_of(rows))


def tally_of(rows: list[Row], campaign_id: int = 0) -> Counter:
    """What ``rows`` add to the answer tallies (:mod:`answer_tallies`)."""
    return answer_tallies.tally((campaign_id, a[0], a[1], a[2]) for row in rows for a in row.answers)
