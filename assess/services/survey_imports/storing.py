"""Storing a prepared import in one short write transaction (:func:`store_import`), and
the whole import in three units of work (:func:`import_upload`) or in the caller's
transaction (:func:`run_import`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from assess.domain.imports import ImportMapping, MappingFile
from assess.domain.permissions import Actor
from assess.services import _answer_tallies as answer_tallies
from assess.services import _survey_release as survey_release
from assess.services import audit, campaigns
from assess.services.errors import Conflict
from assess.services.projects import get_project
from assess.services.survey_imports.checking import PreparedImport, prepare_import, preview_import, tally_of
from assess.services.survey_imports.context import (
    _existing_keys,
    _imports_seen,
    import_context_for_import,
    questionnaire_of,
)
from assess.services.survey_imports.report import ImportReport, Progress
from assess.services.survey_imports.rows import Row, RowKeys
from assess.services.survey_imports.upload import Upload, check_request, upload_of
from assess.services.survey_imports.writer import Writer
from assess.storage import db
from assess.storage.models import SurveyImport


def _serialize_imports(session: Session, project_id: int) -> None:
    """On PostgreSQL, one import of a project writes at a time (until its transaction
    ends): the second then sees the first's rows and counts them as repeated, rather than
    failing on the unique key, and two first imports make one campaign. SQLite's write
    lock does the same for every writer."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:kind, :project)"),
                        {"kind": _PG_IMPORT_LOCK, "project": project_id})


#: First key of the PostgreSQL advisory lock an import of a project takes.
_PG_IMPORT_LOCK = 4_242_009


def _rekeyed(prepared: PreparedImport, campaign_id: int) -> list[Row]:
    """The rows keyed for ``campaign_id`` (another campaign was made between reading and
    writing than the one foreseen): their fingerprints made again from the table."""
    row_key = RowKeys(prepared.context.secret, campaign_id)
    return [replace(row, key=row_key.content(row.content)) for row in prepared.rows]


def store_import(session: Session, prepared: PreparedImport, *, actor: Actor) -> ImportReport:
    """Insert what :func:`prepare_import` converted, in ``session``'s transaction (short:
    inserts only), after checking again what may have changed since it was read: the
    actor's right, the campaign (made now on a first import), rows imported meanwhile
    (counted as repeated, not added twice). Raises NotFound / PermissionDenied, Conflict
    (the campaign's questionnaire changed meanwhile)."""
    context = prepared.context
    project = get_project(session, actor=actor, project_id=context.project_id, permission="survey.manage")
    _serialize_imports(session, project.id)
    campaign = campaigns._existing_import_campaign(session, project_id=project.id, audience=context.audience)
    if campaign is None:
        campaign = campaigns.import_campaign(session, actor=actor, project_id=project.id, audience=context.audience)
    if campaign.id != context.campaign_id and (
            questionnaire_of(project, campaign, context.audience) != context.questionnaire):
        # Made meanwhile (by another import, or now after the project's ages changed) for
        # other questions than the rows were checked against: the caller rolls back.
        raise Conflict("imports.errors.concurrent")
    rows = prepared.rows
    if campaign.id != context.key_campaign_id:
        rows = _rekeyed(prepared, campaign.id)
    if campaign.id != context.campaign_id or _imports_seen(session, campaign.id) != context.imports_seen:
        existing = _existing_keys(session, campaign.id)  # another import wrote meanwhile
        rows = [row for row in rows if row.key not in existing]
    repeated = prepared.report.rows_repeated + len(prepared.rows) - len(rows)
    released = survey_release.releases_import(session.connection(), campaign.id, len(rows))
    Writer(session, campaign_id=campaign.id, source=prepared.upload.file_format, released=released).write_all(rows)
    if len(rows) == len(prepared.rows):  # counted before the transaction
        tally = Counter({(campaign.id, item, score): n for (_zero, item, score), n in prepared.tally.items()})
        languages = prepared.report.languages
    else:  # some rows were imported meanwhile
        tally = tally_of(rows, campaign.id)
        languages = _languages(rows)
    answer_tallies.add(session.connection(), tally)
    survey_release.after_store(session.connection(), campaign.id, stored_released=released)
    report = replace(prepared.report, rows_imported=len(rows), rows_repeated=repeated, stored=True,
                     campaign_id=campaign.id, languages=languages)
    log = SurveyImport(
        campaign_id=campaign.id, file_name=report.file_name, file_format=report.file_format,
        rows_imported=report.rows_imported, rows_skipped=report.rows_skipped, rows_repeated=report.rows_repeated,
        created_by=actor.id,
    )
    session.add(log)
    session.flush()
    # Counts only: never a cell, a header or the file's content.
    audit.record(session, actor=actor, action="survey.import", entity_type="survey_campaign", entity_id=campaign.id,
                 details={"import": log.id, "format": report.file_format, "rows_read": report.rows_read,
                          "imported": report.rows_imported, "repeated": report.rows_repeated,
                          "skipped": report.rows_skipped})
    session.flush()
    return report


def _languages(rows: list[Row]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        if row.language:
            counts[row.language] = counts.get(row.language, 0) + 1
    return counts


def import_upload(
    sessions: sessionmaker, *, actor: Actor, project_id: int, audience: str, upload: Upload,
    mapping: MappingFile | str | bytes | ImportMapping | None = None, progress: Progress | None = None,
    day_first: bool | None = None,
) -> ImportReport:
    """Import ``upload`` (read by :func:`read_upload`) into the project's import campaign
    for ``audience`` (made on first import), in three units of work of its own, so that no
    transaction that writes stays open while rows are checked:

    1. a short read (:func:`import_context_for_import`);
    2. every row checked and converted with no transaction open (:func:`prepare_import`;
       ``progress(done, total)`` as rows are checked);
    3. one short write transaction that checks again what may have changed and inserts
       (:func:`store_import`): everything is stored or, on any failure, nothing.

    The installation's secret must exist (the app and the CLI make it when they open the
    database). Raises what :func:`run_import` raises, refusals before any row is checked."""
    check_request(audience=audience, file_format="auto", data=None)
    with db.reading(sessions) as session:
        context = import_context_for_import(session, actor=actor, project_id=project_id, audience=audience)
    prepared = prepare_import(context, upload, mapping=mapping, progress=progress, day_first=day_first)
    with db.writing(sessions) as session:
        return store_import(session, prepared, actor=actor)


def run_import(
    session: Session, *, actor: Actor, project_id: int, audience: str, file_name: str | None = None,
    data: bytes | None = None, file_format: str = "auto",
    mapping: MappingFile | str | bytes | ImportMapping | None = None,
    dry_run: bool = False, progress: Progress | None = None, upload: Upload | None = None,
    day_first: bool | None = None,
) -> ImportReport:
    """Import the rows of an export into the project's import campaign for ``audience``
    (made on first import), in ``session``'s transaction, which stays open while every row
    is checked: the CLI and the page call :func:`import_upload` instead, which checks them
    outside any transaction. ``file_format``: ``auto`` (recognised by the header row) or
    one of :data:`FORMATS`. ``mapping``: a mapping file (:class:`MappingFile`, or its
    text). ``progress(done, total)`` is called as rows are checked. ``dry_run`` stores
    nothing and reports the same figures. ``upload``: the file read by :func:`read_upload`
    (instead of ``file_name`` and ``data``, read here otherwise).

    Raises NotFound / PermissionDenied (not the project's owner), InvalidInput (audience,
    format), ServiceError ``imports.errors.*`` (unreadable or unknown file), MappingError,
    Conflict."""
    get_project(session, actor=actor, project_id=project_id, permission="survey.manage")
    check_request(audience=audience, file_format=file_format, data=data if upload is None else None)
    if dry_run:
        return preview_import(session, actor=actor, project_id=project_id, audience=audience, file_name=file_name,
                              data=data, file_format=file_format, mapping=mapping, upload=upload,
                              day_first=day_first)
    upload = upload_of(upload, file_name, data, file_format)
    context = import_context_for_import(session, actor=actor, project_id=project_id, audience=audience)
    prepared = prepare_import(context, upload, mapping=mapping, progress=progress, day_first=day_first)
    return store_import(session, prepared, actor=actor)
