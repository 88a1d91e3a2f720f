"""Importing answers a teacher collected with another tool (Google Forms, Microsoft Forms,
LimeSurvey) into the import campaign of one audience of a project.

The file is read by :mod:`assess.domain.imports`; each row it accepts becomes one
response of the project's import campaign (:func:`campaigns.import_campaign`), next to
the answers given on the web. Nothing identifying is stored: the columns naming or
timing the respondent are dropped, the response keeps the month only, and the row is
recognised later by ``import_key``, a keyed hash (HMAC-SHA256 with the installation's
secret) of the campaign id and the row's cells. Importing a file twice, or a later
export that repeats earlier rows, therefore adds nothing twice: those rows are counted
as *repeated*.

As every service, this one never commits: a failure anywhere (a refused mapping, a
database error, a progress callback that raises) leaves the caller's transaction to
roll back, and nothing of the file is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Iterable, Mapping

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assess.domain import imports as reading
from assess.domain.answers import month_of
from assess.domain.content import ContentError, Problem
from assess.domain.imports import FORMATS, ImportMapping, MappingFile, Skipped, SkippedRow
from assess.domain.permissions import Actor
from assess.domain.questionnaire import Audience, Questionnaire
from assess.i18n import t
from assess.services import audit, campaigns, questionnaires, settings
from assess.services.errors import Conflict, FieldError, InvalidInput, ServiceError
from assess.services.projects import get_project
from assess.storage.models import SurveyAnswer, SurveyCampaign, SurveyImport, SurveyResponse

__all__ = ["FORMATS", "ImportReport", "MappingError", "MappingFile", "preview_import", "run_import", "describe_skipped"]

#: Rows inserted per statement (executemany).
CHUNK = 1000

Progress = Callable[[int, int], None]


class MappingError(ServiceError):
    """The mapping file has problems; ``problems`` lists them (``str(problem)`` is ``FILE:LINE: message``)."""

    key = "imports.errors.mapping"

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__(self.key, count=len(self.problems), problems="\n".join(str(p) for p in self.problems))


def describe_skipped(skipped: Skipped, lang: str) -> str:
    """``row 7, column D: '7' is not on the 1-5 scale`` in ``lang``."""
    reason = t(skipped.key, lang, **skipped.params)
    if skipped.column:
        return t("imports.report.skipped_cell", lang, row=skipped.row, column=skipped.column, reason=reason)
    return t("imports.report.skipped_row", lang, row=skipped.row, reason=reason)


@dataclass(frozen=True)
class ImportReport:
    """What an import found and did. ``stored`` False: a preview or dry run, whose figures
    are those the import would give (``rows_imported``: rows it would add)."""

    file_name: str
    file_format: str
    #: Header (or column letter when blank) -> item id, or ``item:option`` for a column per option.
    matched_columns: Mapping[str, str]
    unmatched_columns: tuple[str, ...]
    #: Identifying columns (e-mail, name, times, ids...): never read, never stored.
    dropped_columns: tuple[str, ...]
    rows_read: int
    rows_imported: int
    rows_repeated: int
    #: One entry per problem: (row, column letter, catalogue key, params, header).
    skipped: tuple[Skipped, ...]
    stored: bool
    #: Columns the mapping file set to null.
    ignored_columns: tuple[str, ...] = ()
    #: The import campaign; None in a preview or dry run before the first import.
    campaign_id: int | None = None
    questionnaire_id: str = ""
    #: Rows per language when the file says (LimeSurvey's startlanguage).
    languages: Mapping[str, int] = field(default_factory=dict)

    @property
    def rows_skipped(self) -> int:
        return len({s.row for s in self.skipped})

    def message(self, lang: str) -> str:
        """One sentence: format, rows read, imported, repeated, skipped."""
        return t(
            "imports.report.summary" if self.stored else "imports.report.summary_preview", lang,
            format=t(f"imports.format.{self.file_format}", lang), read=self.rows_read, imported=self.rows_imported,
            repeated=self.rows_repeated, skipped=self.rows_skipped,
        )

    def skipped_messages(self, lang: str) -> list[str]:
        return [describe_skipped(s, lang) for s in self.skipped]


# --- helpers --------------------------------------------------------------------------------


def _base_name(file_name: str) -> str:
    return re.split(r"[\\/]", file_name or "")[-1][:300] or "file"


def _existing_campaign(session: Session, *, project_id: int, audience: str) -> SurveyCampaign | None:
    return session.scalar(
        select(SurveyCampaign).where(
            SurveyCampaign.project_id == project_id, SurveyCampaign.audience == audience,
            SurveyCampaign.mode == campaigns.Mode.IMPORT,
        )
    )


def _parse_mapping(mapping: Any, questionnaire: Questionnaire) -> ImportMapping | None:
    if mapping is None:
        return None
    try:
        if isinstance(mapping, MappingFile):
            return reading.parse_mapping(mapping.text, file=mapping.name, questionnaire=questionnaire)
        if isinstance(mapping, (str, bytes)):
            return reading.parse_mapping(mapping, file="mapping.yaml", questionnaire=questionnaire)
        if isinstance(mapping, ImportMapping):
            problems = [Problem("mapping", 1, message) for _path, message in reading.check_mapping(mapping, questionnaire)]
            if problems:
                raise ContentError(problems)
            return mapping
    except ContentError as error:
        raise MappingError(error.problems) from None
    raise TypeError(f"mapping must be a MappingFile, its text or an ImportMapping, not {type(mapping).__name__}")


def _row_key(secret: bytes, campaign_id: int, fingerprint: tuple[tuple[str, str], ...]) -> str:
    message = json.dumps([campaign_id, fingerprint], ensure_ascii=False, separators=(",", ":"))
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()


def _insert(session: Session, *, campaign_id: int, source: str, batch: list[tuple[str, reading.ImportedRow]]) -> None:
    # Core statements, executemany: the ORM's bulk path would split rows by which values
    # are None. Responses first, their ids back in order, then their answers.
    responses, answers_table = SurveyResponse.__table__, SurveyAnswer.__table__
    today = date.today()
    ids = session.execute(
        insert(responses).returning(responses.c.id, sort_by_parameter_order=True),
        [
            {"campaign_id": campaign_id, "submitted_month": month_of(row.submitted_on or today), "language": row.language,
             "source": source, "import_key": key}
            for key, row in batch
        ],
    ).scalars().all()
    answers = [
        {"response_id": response_id, "item_id": a.item_id, "score": a.score, "dont_know": a.dont_know,
         "choices": list(a.choices) if a.choices else None, "text": a.text}
        for response_id, (_key, row) in zip(ids, batch, strict=True)
        for a in row.answers.values()
    ]
    connection = session.connection()
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        _copy_answers(connection, answers)
        return
    for start in range(0, len(answers), CHUNK * 10):
        session.execute(insert(answers_table), answers[start:start + CHUNK * 10])


_ANSWER_COLUMNS = ("response_id", "item_id", "score", "dont_know", "choices", "text")


def _copy_answers(connection, answers: list[dict[str, Any]]) -> None:
    """PostgreSQL: COPY, about ten times faster than INSERT for the ~8 answers of every row,
    in the session's own transaction. Empty choices are JSON null, as the ORM writes them."""
    from psycopg.types.json import Jsonb

    columns = ", ".join(_ANSWER_COLUMNS)
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy(f"COPY {SurveyAnswer.__tablename__} ({columns}) FROM STDIN") as copy:
            copy.set_types(["int4", "varchar", "int4", "bool", "jsonb", "text"])
            for a in answers:
                copy.write_row((a["response_id"], a["item_id"], a["score"], a["dont_know"], Jsonb(a["choices"]), a["text"]))


# --- the use cases -----------------------------------------------------------------------


def _import(
    session: Session, *, actor: Actor, project_id: int, audience: str, file_name: str, data: bytes,
    file_format: str, mapping: Any, store: bool, progress: Progress | None,
) -> ImportReport:
    project = get_project(session, actor=actor, project_id=project_id, permission="survey.manage")
    errors = []
    if audience not in Audience.__members__.values():
        errors.append(FieldError("audience", "errors.required", {}))
    if file_format not in ("auto", *FORMATS):
        errors.append(FieldError("file_format", "imports.errors.format_choice", {"value": str(file_format)[:30]}))
    if not isinstance(data, (bytes, bytearray)):
        errors.append(FieldError("file", "errors.required", {}))
    if errors:
        raise InvalidInput(errors)
    name = _base_name(file_name)
    campaign = _existing_campaign(session, project_id=project.id, audience=audience)
    questionnaire = (
        questionnaires.from_snapshot(campaign.questionnaire_version) if campaign is not None
        else campaigns.questionnaire_for(audience=Audience(audience), age_max=project.age_max)
    )
    try:
        table = reading.read_table(file_name=name, data=bytes(data))
        detected = reading.format_of(table, file_name=name) if file_format == "auto" else file_format
    except reading.ImportFileError as error:
        raise ServiceError(error.key, **error.params) from None
    parsed = _parse_mapping(mapping, questionnaire)
    plan = reading.plan_columns(table.headers, questionnaire=questionnaire, file_format=detected, mapping=parsed)

    # Everything is checked: from here on, a real import may create the campaign.
    if store:
        campaign = campaigns.import_campaign(session, actor=actor, project_id=project.id, audience=audience)
    existing: set[str] = set()
    if campaign is not None:
        existing = set(session.scalars(
            select(SurveyResponse.import_key).where(
                SurveyResponse.campaign_id == campaign.id, SurveyResponse.import_key.is_not(None)
            )
        ))
    if store:
        secret = settings.secret_key(session)
    elif existing:
        # The secret exists (rows were keyed with it); the savepoint makes sure a preview
        # writes nothing even if it did not.
        with session.begin_nested() as savepoint:
            secret = settings.secret_key(session)
            savepoint.rollback()
    else:
        secret = secrets.token_bytes(32)  # nothing to compare with: only repeats within the file count
    campaign_id = campaign.id if campaign is not None else 0

    total = len(table.rows)
    if progress:
        progress(0, total)
    seen: set[str] = set()
    batch: list[tuple[str, reading.ImportedRow]] = []
    skipped: list[Skipped] = []
    languages: dict[str, int] = {}
    imported = repeated = done = 0
    try:
        for result in reading.read_rows(table, plan, questionnaire=questionnaire, mapping=parsed):
            done += 1
            if isinstance(result, SkippedRow):
                skipped.extend(result.problems)
            else:
                key = _row_key(secret, campaign_id, result.fingerprint)
                if key in existing or key in seen:
                    repeated += 1
                else:
                    seen.add(key)
                    imported += 1
                    if result.language:
                        languages[result.language] = languages.get(result.language, 0) + 1
                    if store:
                        batch.append((key, result))
                        if len(batch) >= CHUNK:
                            _insert(session, campaign_id=campaign_id, source=detected, batch=batch)
                            batch = []
            if progress and done % CHUNK == 0:
                progress(done, total)
        if batch:
            _insert(session, campaign_id=campaign_id, source=detected, batch=batch)
    except IntegrityError:
        # The same rows imported by someone else at this very moment: the caller rolls back.
        raise Conflict("imports.errors.concurrent") from None
    if progress and done % CHUNK:
        progress(done, total)

    report = ImportReport(
        file_name=name, file_format=detected, matched_columns=plan.matched_columns,
        unmatched_columns=plan.unmatched, dropped_columns=plan.identifying, ignored_columns=plan.ignored,
        rows_read=total, rows_imported=imported, rows_repeated=repeated, skipped=tuple(skipped), stored=store,
        campaign_id=campaign.id if campaign is not None else None, questionnaire_id=questionnaire.id,
        languages=languages,
    )
    if store:
        log = SurveyImport(
            campaign_id=campaign_id, file_name=name, file_format=detected, rows_imported=imported,
            rows_skipped=report.rows_skipped, rows_repeated=repeated, created_by=actor.id,
        )
        session.add(log)
        session.flush()
        # Counts only: never a cell, a header or the file's content.
        audit.record(session, actor=actor, action="survey.import", entity_type="survey_campaign", entity_id=campaign_id,
                     details={"import": log.id, "format": detected, "rows_read": total, "imported": imported,
                              "repeated": repeated, "skipped": report.rows_skipped})
        session.flush()
    return report


def preview_import(
    session: Session, *, actor: Actor, project_id: int, audience: str, file_name: str, data: bytes,
    file_format: str = "auto", mapping: MappingFile | str | bytes | ImportMapping | None = None,
) -> ImportReport:
    """What importing the file would do (columns found, rows imported, repeated and skipped),
    storing nothing. The same refusals as :func:`run_import`."""
    return _import(session, actor=actor, project_id=project_id, audience=audience, file_name=file_name, data=data,
                   file_format=file_format, mapping=mapping, store=False, progress=None)


def run_import(
    session: Session, *, actor: Actor, project_id: int, audience: str, file_name: str, data: bytes,
    file_format: str = "auto", mapping: MappingFile | str | bytes | ImportMapping | None = None,
    dry_run: bool = False, progress: Progress | None = None,
) -> ImportReport:
    """Import the rows of an export into the project's import campaign for ``audience``
    (made on first import). ``file_format``: ``auto`` (recognised by the header row) or one
    of :data:`FORMATS`. ``mapping``: a mapping file (:class:`MappingFile`, or its text).
    ``progress(done, total)`` is called as rows are processed. ``dry_run`` stores nothing
    and reports the same figures.

    Raises NotFound / PermissionDenied (not the project's owner), InvalidInput (audience,
    format), ServiceError ``imports.errors.*`` (unreadable or unknown file), MappingError."""
    return _import(session, actor=actor, project_id=project_id, audience=audience, file_name=file_name, data=data,
                   file_format=file_format, mapping=mapping, store=not dry_run, progress=progress)
