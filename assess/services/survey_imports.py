"""Importing answers a teacher collected with another tool (Google Forms, Microsoft Forms,
LimeSurvey) into the import campaign of one audience of a project.

The file is read by :mod:`assess.domain.imports`; each row it accepts becomes one
response of the project's import campaign (:func:`campaigns.import_campaign`), next to
the answers given on the web. Nothing identifying is stored: the columns naming or
timing the respondent are dropped, the response keeps the month only, and the row is
recognised later by ``import_key``, a keyed hash (HMAC-SHA256 with the installation's
secret) of the campaign id, the answers as read and the timestamp to the minute (see
:class:`_RowKeys`). Importing a file twice, a later export that repeats earlier rows, or
the same responses exported by another route or re-saved by a spreadsheet program,
therefore adds nothing twice: those rows are counted as *repeated*. An import that would
store no answer is refused (:attr:`ImportReport.refusal`).

As every service, this one never commits: a failure anywhere (a refused mapping, a
database error, a progress callback that raises) leaves the caller's transaction to
roll back, and nothing of the file is stored.

Reading a file is kept out of transactions (on SQLite a transaction that writes holds
the whole database): :func:`read_upload` reads and recognises the file without a
session, before the caller opens one; a preview is :func:`import_context` (a few reads,
in a short transaction) then :func:`preview` (every row, without a session). An import
is :func:`import_upload`: a short read (:func:`import_context_for_import`), every row
checked and converted with no transaction open (:func:`prepare_import`), then one short
write transaction that checks again what may have changed and only inserts
(:func:`store_import`). :func:`run_import` does the same steps in the caller's session
(its transaction stays open while rows are checked: for tests and scripts, not the app).
"""

from __future__ import annotations

import codecs
import hashlib
import hmac
import json
import queue
import re
import secrets
import threading
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from json.encoder import encode_basestring  # what json.dumps(ensure_ascii=False) uses for a string
from typing import Any, Callable, Iterable, Mapping

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from assess import clock
from assess.domain import imports as reading
from assess.domain.answers import month_of
from assess.domain.content import ContentError, Problem
from assess.domain.imports import FORMATS, ImportMapping, MappingFile, Skipped, SkippedRow
from assess.domain.permissions import Actor
from assess.domain.questionnaire import Audience, Questionnaire
from assess.i18n import t
from assess.services import _answer_tallies as answer_tallies  # (issue 12: building blocks are private modules)
from assess.services import _survey_release as survey_release
from assess.services import audit, campaigns, questionnaires, settings
from assess.services.errors import Conflict, FieldError, InvalidInput, ServiceError
from assess.services.projects import get_project
from assess.storage import bulk, db
from assess.storage.models import SurveyAnswer, SurveyCampaign, SurveyImport, SurveyResponse

__all__ = ["FORMATS", "ImportContext", "ImportReport", "MappingError", "MappingFile", "PreparedImport", "Upload",
           "describe_skipped", "import_context", "import_context_for_import", "import_upload", "prepare_import",
           "preview", "preview_import", "read_upload", "run_import", "store_import"]

#: Rows read between two writes to the database, and between two progress reports.
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
    #: Cells of imported rows read with a note (a text cut, "Other" words moved to the
    #: comment): the cell is changed or lost, the rest of the response imported.
    notes: tuple[Skipped, ...] = ()
    #: A CSV file's separator and encoding, as detected or chosen ("" for a workbook).
    delimiter: str = ""
    encoding: str = ""
    #: How dates such as 02/06/2025 were read: day first or not, and on what basis
    #: (:class:`assess.domain.imports.DateOrder`; ``assumed`` or ``conflict``: undecided).
    day_first: bool = False
    date_basis: str = "unambiguous"

    def reading_message(self, lang: str) -> str:
        """How a CSV file was read, in words ("" for a workbook): see :func:`describe_reading`."""
        return describe_reading(self.delimiter, self.encoding, lang)

    @property
    def rows_skipped(self) -> int:
        return len({s.row for s in self.skipped})

    @property
    def date_undecided(self) -> bool:
        return self.date_basis in ("assumed", "conflict")

    def date_message(self, lang: str) -> str:
        """What was assumed of the order of day and month, "" when nothing needs saying."""
        if self.date_basis not in ("values", "heading", "choice", "assumed", "conflict"):
            return ""
        order = t("imports.dates.day_first" if self.day_first else "imports.dates.month_first", lang)
        return t(f"imports.dates.{self.date_basis}", lang, order=order)

    @property
    def refusal(self) -> tuple[str, dict[str, Any]] | None:
        """Why importing this file would store no answer (a catalogue key and its
        parameters), None when it would store some or only finds rows imported before."""
        if self.rows_read == 0:
            return "imports.errors.no_rows", {"name": self.file_name}
        if not self.matched_columns:
            return "imports.errors.no_columns", {"name": self.file_name, "count": len(self.unmatched_columns)}
        if self.rows_imported == 0 and self.rows_repeated == 0:
            return "imports.errors.no_valid_rows", {"name": self.file_name, "count": self.rows_skipped}
        return None

    def message(self, lang: str) -> str:
        """One sentence: format, rows read, imported, repeated, skipped."""
        return t(
            "imports.report.summary" if self.stored else "imports.report.summary_preview", lang,
            format=t(f"imports.format.{self.file_format}", lang), read=self.rows_read, imported=self.rows_imported,
            repeated=self.rows_repeated, skipped=self.rows_skipped,
        )

    def skipped_messages(self, lang: str) -> list[str]:
        return [describe_skipped(s, lang) for s in self.skipped]

    def note_messages(self, lang: str) -> list[str]:
        """``row R, column C: what was done``, one per cell noted."""
        return [describe_skipped(s, lang) for s in self.notes]


# --- helpers --------------------------------------------------------------------------------


def describe_delimiter(delimiter: str, lang: str) -> str:
    names = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
    return t(f"imports.reading.delimiters.{names[delimiter]}", lang) if delimiter in names else repr(delimiter)


def describe_encoding(encoding: str, lang: str) -> str:
    key = f"imports.reading.encodings.{encoding}"
    return t(key, lang) if encoding in reading.ENCODING_NAMES else encoding


def describe_reading(delimiter: str, encoding: str, lang: str) -> str:
    """"Read as Windows-1250 (Central European), columns separated by semicolons (;)": what
    the preview shows of a CSV file's separator and encoding ("" for a workbook)."""
    if not delimiter and not encoding:
        return ""
    return t("imports.reading.read_as", lang, encoding=describe_encoding(encoding, lang),
             delimiter=describe_delimiter(delimiter, lang))


def _base_name(file_name: str) -> str:
    return re.split(r"[\\/]", file_name or "")[-1][:300] or "file"


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


class _RowKeys:
    """The keys of a row, HMAC-SHA256 with the installation's secret.

    ``content(digest)`` is the ``import_key`` stored: of ``[campaign_id,"answers","<digest
    in hex>"]``, ``digest`` the BLAKE2b digest (16 bytes) of the response as read
    (:func:`assess.domain.imports.response_content`, the timestamp to the minute and the
    answers) followed by its rank among the file's responses with the same content (4
    bytes, big-endian); it recognises the response exported again by another route or
    re-saved (another quoting, separator or timestamp format). The digest, not the text,
    is kept until the rows are written: 100,000 rows wait in little memory.

    Called with a row's raw fingerprint, it gives the key stored before: of
    ``[campaign_id, fingerprint]`` as compact JSON (``json.dumps(..., ensure_ascii=False,
    separators=(",", ":"))``). It is still made for each row, to recognise files imported
    before the keys changed (rows stored with it) and a row repeated cell for cell within
    a file: the JSON is the same, byte for byte (a test compares it with json.dumps). It is
    only put together here with each header encoded once per file rather than once a row,
    which halves the time of keying a large file."""

    def __init__(self, secret: bytes, campaign_id: int):
        self.secret = secret
        self.prefix = f"[{campaign_id},["
        self.content_prefix = f'[{campaign_id},"answers",'
        self.headers: dict[str, str] = {}

    def content(self, digest: bytes) -> str:
        message = f'{self.content_prefix}"{digest.hex()}"]'
        return hmac.digest(self.secret, message.encode(), "sha256").hex()

    def __call__(self, fingerprint: tuple[tuple[str, str], ...]) -> str:
        headers = self.headers
        pairs = []
        for header, cell in fingerprint:
            if header not in headers:
                headers[header] = encode_basestring(header)
            pairs.append(f"[{headers[header]},{encode_basestring(cell)}]")
        message = self.prefix + ",".join(pairs) + "]]"
        return hmac.digest(self.secret, message.encode(), "sha256").hex()


_RESPONSE_COLUMNS = ("id", "campaign_id", "submitted_month", "language", "source", "import_key", "released")
_ANSWER_COLUMNS = ("response_id", "campaign_id", "item_id", "score", "dont_know", "choices", "text")

#: One answer ready to insert: (item id, score, don't know, choices as JSON text, text).
_AnswerRow = tuple[str, "int | None", bool, str, "str | None"]


@dataclass(frozen=True, slots=True)
class _Row:
    """One accepted row, converted to what is inserted; no ImportedRow nor fingerprint is
    kept, so 100,000 rows wait in little memory between checking and writing. Answers
    that are the same (most agreement answers are) are one shared tuple."""

    key: str
    month: str
    language: str | None
    answers: tuple[_AnswerRow, ...]
    #: What the key is made of (see :class:`_RowKeys`): made again with it when the row's
    #: key must be made for another campaign id (see :func:`store_import`).
    content: bytes


class _Converter:
    """ImportedRow -> :class:`_Row`: the month as ISO text, choices as JSON text (JSON
    null when empty, as the ORM writes them), in the form the columns' types would give
    them, each made once per distinct value; equal answers shared."""

    def __init__(self) -> None:
        self.today = clock.today()
        self._months: dict[date | None, str] = {}
        self._choice_texts: dict[tuple[str, ...], str] = {}
        self._answers: dict[_AnswerRow, _AnswerRow] = {}

    def __call__(self, key: str, row: reading.ImportedRow, content: bytes) -> _Row:
        shared = self._answers
        answers = []
        for a in row.answers.values():
            if a.text is None:
                answer = (a.item_id, a.score, a.dont_know, self._choices(a.choices), None)
                answers.append(shared.setdefault(answer, answer))
            else:
                # What assess.storage.db refuses in every statement, refused here, before the
                # write transaction (the inserts skip the check): a NUL character, by field.
                if "\x00" in a.text:
                    raise InvalidInput([FieldError("text", "errors.nul_byte", {})])
                answers.append((a.item_id, a.score, a.dont_know, self._choices(a.choices), a.text))
        if row.language is not None and "\x00" in row.language:
            raise InvalidInput([FieldError("language", "errors.nul_byte", {})])
        return _Row(key, self._month(row.submitted_on), row.language, tuple(answers), content)

    def _month(self, day: date | None) -> str:
        if day not in self._months:
            self._months[day] = month_of(day or self.today).isoformat()
        return self._months[day]

    def _choices(self, choices: tuple[str, ...]) -> str:
        if choices not in self._choice_texts:
            self._choice_texts[choices] = json.dumps(list(choices)) if choices else "null"
        return self._choice_texts[choices]


class _Writer:
    """Inserts converted rows (:class:`_Row`), a chunk at a time, in the session's
    transaction (on PostgreSQL, on a thread of its own while the next chunk is prepared).

    A large export is mostly answers (a 100,000-row file of the families' questionnaire
    holds some 800,000), so this is written for speed, measured by bench/bench_import.py:

    - on PostgreSQL, making the tuples is Python's work and writing them mostly the
      server's (the driver waits with the GIL released), so the two overlap on two
      cores: chunks go to a writing thread. At most two chunks wait. The session is not
      touched meanwhile; :meth:`finish` waits for the last chunk and raises, in the
      caller's thread, whatever writing raised, so the caller rolls back. SQLite writes in
      the caller's thread: its driver releases and takes back the GIL for every row, and
      two threads fighting for it made the import slower, not faster;
    - rows are plain tuples, not the ORM's objects nor Core's dicts, whose per-row
      processing took more time than the database;
    - response ids are reserved first and the rows written by COPY on PostgreSQL, the
      driver's executemany on SQLite (:mod:`assess.storage.bulk`).
    """

    def __init__(self, session: Session, *, campaign_id: int, source: str, released: bool = False):
        self.connection = session.connection()
        self.released = released  # stored released: see survey_release.releases_import
        self.postgresql = self.connection.dialect.name == "postgresql"
        self.campaign_id = campaign_id
        self.source = source
        self._chunks: queue.Queue[list[_Row] | None] = queue.Queue(maxsize=2)
        self._failure: BaseException | None = None
        self._thread: threading.Thread | None = None
        if self.postgresql:
            self._thread = threading.Thread(target=self._run, name="survey-import-writer", daemon=True)
            self._thread.start()

    def write_all(self, rows: list[_Row]) -> None:
        """Insert every row, a chunk at a time; raise what writing raised."""
        try:
            for start in range(0, len(rows), CHUNK):
                self.write(rows[start:start + CHUNK])
            self.finish()
        finally:
            self.close()  # a failure: the thread ends before the caller rolls back

    def write(self, batch: list[_Row]) -> None:
        """Hand a chunk over; waits while two are waiting already."""
        self._raise_failure()
        if self._thread is None:
            self._write_now(batch)
            self._raise_failure()
        else:
            self._chunks.put(batch)

    def finish(self) -> None:
        """Wait until every chunk handed over is written; raise what writing raised."""
        self.close()
        self._raise_failure()

    def close(self) -> None:
        """Stop the writing thread once it has written what it holds (also on failure:
        the connection must be idle before the caller rolls back)."""
        if self._thread is not None and self._thread.is_alive():
            self._chunks.put(None)
            self._thread.join()

    def _run(self) -> None:
        while (batch := self._chunks.get()) is not None:
            self._write_now(batch)

    def _write_now(self, batch: list[_Row]) -> None:
        if self._failure is None:  # after a failure, chunks are taken and dropped: the caller never waits forever
            try:
                self._write_batch(batch)
            except BaseException as error:  # raised again in the caller's thread
                self._failure = error

    def _raise_failure(self) -> None:
        failure = self._failure
        if failure is None:
            return
        if isinstance(failure, (IntegrityError, self.connection.dialect.dbapi.IntegrityError)):
            # (COPY goes to the driver itself: its errors are not SQLAlchemy's.) The same
            # rows imported by someone else at this very moment: the caller rolls back.
            raise Conflict("imports.errors.concurrent") from None
        raise failure

    def _write_batch(self, batch: list[_Row]) -> None:
        ids = bulk.reserve_ids(self.connection, SurveyResponse.__table__, len(batch))
        campaign_id, source = self.campaign_id, self.source
        responses = []
        answers = []
        for response_id, row in zip(ids, batch, strict=True):
            responses.append((response_id, campaign_id, row.month, row.language, source, row.key, self.released))
            head = (response_id, campaign_id)
            answers.extend([head + answer for answer in row.answers])
        # NUL characters were refused as the rows were converted (_Converter), outside the transaction.
        bulk.write_rows(self.connection, SurveyResponse.__table__, _RESPONSE_COLUMNS, responses, nul_checked=True)
        bulk.write_rows(self.connection, SurveyAnswer.__table__, _ANSWER_COLUMNS, answers, nul_checked=True)


# --- the use cases -----------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """An export read and recognised (:func:`read_upload`): parsed once, outside any
    transaction, then previewed and imported as often as needed."""

    file_name: str
    file_format: str
    table: reading.Table = field(repr=False)

    @property
    def delimiter(self) -> str:
        return self.table.delimiter

    @property
    def encoding(self) -> str:
        return self.table.encoding


@dataclass(frozen=True)
class ImportContext:
    """What a preview needs from the database (:func:`import_context`), read in a short
    transaction, so that the preview itself (reading every row) runs outside one."""

    project_id: int
    audience: str
    questionnaire: Questionnaire
    #: The import campaign, None before the first import.
    campaign_id: int | None
    #: ``import_key`` of the rows imported before.
    existing: frozenset[str] = field(repr=False)
    secret: bytes = field(repr=False)
    #: The campaign id the row keys are made with: the campaign's, else the id the
    #: campaign will most likely get when the import makes it (:func:`_next_campaign_id`).
    key_campaign_id: int = 0
    #: The import logs of the campaign when read (count, highest id): a write phase that
    #: finds others knows that rows were imported meanwhile.
    imports_seen: tuple[int, int] = (0, 0)


def _check_request(*, audience: str | None, file_format: str, data: Any) -> None:
    errors = []
    if audience is not None and audience not in Audience.__members__.values():
        errors.append(FieldError("audience", "errors.required", {}))
    if file_format not in ("auto", *FORMATS):
        errors.append(FieldError("file_format", "imports.errors.format_choice", {"value": str(file_format)[:30]}))
    if data is not None and not isinstance(data, (bytes, bytearray)):
        errors.append(FieldError("file", "errors.required", {}))
    if errors:
        raise InvalidInput(errors)


def _check_reading(delimiter: str | None, encoding: str | None) -> None:
    errors = []
    if delimiter is not None and delimiter not in reading.DELIMITERS:
        errors.append(FieldError("delimiter", "imports.reading.delimiter_choice", {"value": str(delimiter)[:10]}))
    if encoding is not None:
        try:
            codecs.lookup(str(encoding))
        except LookupError:
            errors.append(FieldError("encoding", "imports.reading.encoding_choice", {"value": str(encoding)[:30]}))
    if errors:
        raise InvalidInput(errors)


def read_upload(*, file_name: str, data: bytes, file_format: str = "auto", delimiter: str | None = None,
                encoding: str | None = None) -> Upload:
    """Read an export (CSV or XLSX) and recognise its format (``auto``) or take the one given.
    A CSV file's separator (one of :data:`assess.domain.imports.DELIMITERS`) and encoding (a
    codec name) are detected from its content unless given (None). No database: call it
    before opening a transaction (reading a large file takes seconds, a hostile one is
    refused within its limits, :mod:`assess.domain.imports`).

    Raises InvalidInput (format, separator, encoding) or ServiceError ``imports.errors.*`` /
    ``imports.reading.*`` (unreadable, encoding unsure, unknown format, a limit passed: the
    message names the file, and the row and column when known)."""
    _check_request(audience=None, file_format=file_format, data=data)
    _check_reading(delimiter, encoding)
    name = _base_name(file_name)
    try:
        table = reading.read_table(file_name=name, data=bytes(data), delimiter=delimiter, encoding=encoding)
        detected = reading.format_of(table, file_name=name) if file_format == "auto" else file_format
    except reading.ImportFileError as error:
        raise ServiceError(error.key, **error.params) from None
    return Upload(file_name=name, file_format=detected, table=table)


def _questionnaire(project, campaign, audience: str) -> Questionnaire:
    if campaign is not None:
        return questionnaires.from_snapshot(campaign.questionnaire_version)
    return campaigns.questionnaire_for(audience=Audience(audience), age_max=project.age_max)


def _existing_keys(session: Session, campaign_id: int | None) -> frozenset[str]:
    if campaign_id is None:
        return frozenset()
    return frozenset(session.scalars(
        select(SurveyResponse.import_key).where(
            SurveyResponse.campaign_id == campaign_id, SurveyResponse.import_key.is_not(None)
        )
    ))


def _imports_seen(session: Session, campaign_id: int | None) -> tuple[int, int]:
    if campaign_id is None:
        return (0, 0)
    found = session.execute(select(func.count(SurveyImport.id), func.coalesce(func.max(SurveyImport.id), 0))
                            .where(SurveyImport.campaign_id == campaign_id)).one()
    return (found[0], found[1])


def _next_campaign_id(session: Session) -> int:
    """The id the next campaign made will most likely get, read without writing: SQLite
    gives the highest rowid plus one, PostgreSQL the sequence's next value. Another
    campaign made in between only costs the import a second keying of its rows (in its
    write transaction, see :func:`store_import`)."""
    table = SurveyCampaign.__table__
    if session.get_bind().dialect.name == "postgresql":
        sequence = session.scalar(text(f"SELECT pg_get_serial_sequence('{table.name}', 'id')"))
        last, called = session.execute(text(f"SELECT last_value, is_called FROM {sequence}")).one()
        return last + 1 if called else last
    return session.scalar(select(func.coalesce(func.max(table.c.id), 0))) + 1


def _project_campaign(session: Session, *, actor: Actor, project_id: int, audience: str):
    """The project (the actor's right checked), its import campaign for ``audience`` or None."""
    project = get_project(session, actor=actor, project_id=project_id, permission="survey.manage")
    _check_request(audience=audience, file_format="auto", data=None)
    return project, campaigns.existing_import_campaign(session, project_id=project.id, audience=audience)


def import_context(session: Session, *, actor: Actor, project_id: int, audience: str) -> ImportContext:
    """Read (and write nothing) what :func:`preview` needs: the project's questionnaire for
    ``audience``, its import campaign and the keys of the rows imported before.

    Raises NotFound / PermissionDenied (not the project's owner), InvalidInput (audience)."""
    project, campaign = _project_campaign(session, actor=actor, project_id=project_id, audience=audience)
    existing = _existing_keys(session, campaign.id if campaign is not None else None)
    if existing:
        # The secret exists (rows were keyed with it); the savepoint makes sure a preview
        # writes nothing even if it did not.
        with session.begin_nested() as savepoint:
            secret = settings.secret_key(session)
            savepoint.rollback()
    else:
        secret = secrets.token_bytes(32)  # nothing to compare with: only repeats within the file count
    return ImportContext(
        project_id=project.id, audience=audience, questionnaire=_questionnaire(project, campaign, audience),
        campaign_id=campaign.id if campaign is not None else None, existing=existing, secret=secret,
        key_campaign_id=campaign.id if campaign is not None else 0,
    )


@dataclass
class _Tally:
    imported: int = 0
    repeated: int = 0
    done: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[Skipped] = field(default_factory=list)
    languages: dict[str, int] = field(default_factory=dict)
    #: The rows to insert (None: a preview, counting only).
    rows: list[_Row] | None = None


def _read_rows(upload: Upload, plan: reading.ColumnPlan, *, questionnaire: Questionnaire, mapping: ImportMapping | None,
               existing: frozenset[str], row_key: _RowKeys, keep: bool, progress: Progress | None) -> _Tally:
    """Read and check every row, with no session: the new ones are kept converted
    (``keep``) or only counted."""
    table = upload.table
    total = len(table.rows)
    if progress:
        progress(0, total)
    tally = _Tally(rows=[] if keep else None)
    convert = _Converter() if keep else None
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
        if convert is not None:
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
                       row_key=_RowKeys(context.secret, context.key_campaign_id), keep=keep, progress=progress)
    report = _report(upload, plan, tally, stored=False, campaign_id=context.campaign_id, questionnaire=questionnaire,
                     dates=dates)
    return plan, tally, report


def _upload_of(upload: Upload | None, file_name: str | None, data: Any, file_format: str) -> Upload:
    if upload is not None:
        return upload
    return read_upload(file_name=file_name or "", data=data, file_format=file_format)


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
    _check_request(audience=audience, file_format=file_format, data=data if upload is None else None)
    context = import_context(session, actor=actor, project_id=project_id, audience=audience)
    return preview(context, _upload_of(upload, file_name, data, file_format), mapping=mapping, day_first=day_first)


@dataclass(frozen=True)
class PreparedImport:
    """An upload checked and converted (:func:`prepare_import`), waiting for
    :func:`store_import`'s short write transaction. Holds no session."""

    context: ImportContext = field(repr=False)
    upload: Upload = field(repr=False)
    plan: reading.ColumnPlan = field(repr=False)
    #: The figures found; :func:`store_import` corrects them for rows imported meanwhile.
    report: ImportReport
    rows: list[_Row] = field(repr=False)
    #: What the rows add to the answer tallies, campaign id 0 (see :func:`_tally_of`).
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
    return PreparedImport(context=context, upload=upload, plan=plan, report=report, rows=rows, tally=_tally_of(rows))


def _tally_of(rows: list[_Row], campaign_id: int = 0) -> Counter:
    """What ``rows`` add to the answer tallies (:mod:`answer_tallies`)."""
    return answer_tallies.tally((campaign_id, a[0], a[1], a[2]) for row in rows for a in row.answers)


def import_context_for_import(session: Session, *, actor: Actor, project_id: int, audience: str) -> ImportContext:
    """What :func:`prepare_import` needs, read (and nothing written) in a short transaction:
    the project (and the actor's right), the questionnaire, the import campaign, the keys
    of the rows imported before and the installation's secret, which must exist
    (:func:`assess.services.settings.secret_key` makes it; the app and the CLI make it
    when they open the database).

    Raises NotFound / PermissionDenied (not the project's owner), InvalidInput (audience)."""
    project, campaign = _project_campaign(session, actor=actor, project_id=project_id, audience=audience)
    campaign_id = campaign.id if campaign is not None else None
    return ImportContext(
        project_id=project.id, audience=audience, questionnaire=_questionnaire(project, campaign, audience),
        campaign_id=campaign_id, existing=_existing_keys(session, campaign_id), secret=settings.secret_key(session),
        key_campaign_id=campaign_id if campaign_id is not None else _next_campaign_id(session),
        imports_seen=_imports_seen(session, campaign_id),
    )


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


def _rekeyed(prepared: PreparedImport, campaign_id: int) -> list[_Row]:
    """The rows keyed for ``campaign_id`` (another campaign was made between reading and
    writing than the one foreseen): their fingerprints made again from the table."""
    row_key = _RowKeys(prepared.context.secret, campaign_id)
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
    campaign = campaigns.existing_import_campaign(session, project_id=project.id, audience=context.audience)
    if campaign is None:
        campaign = campaigns.import_campaign(session, actor=actor, project_id=project.id, audience=context.audience)
    if campaign.id != context.campaign_id and (
            _questionnaire(project, campaign, context.audience) != context.questionnaire):
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
    _Writer(session, campaign_id=campaign.id, source=prepared.upload.file_format, released=released).write_all(rows)
    if len(rows) == len(prepared.rows):  # counted before the transaction
        tally = Counter({(campaign.id, item, score): n for (_zero, item, score), n in prepared.tally.items()})
        languages = prepared.report.languages
    else:  # some rows were imported meanwhile
        tally = _tally_of(rows, campaign.id)
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


def _languages(rows: list[_Row]) -> dict[str, int]:
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
    _check_request(audience=audience, file_format="auto", data=None)
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
    _check_request(audience=audience, file_format=file_format, data=data if upload is None else None)
    if dry_run:
        return preview_import(session, actor=actor, project_id=project_id, audience=audience, file_name=file_name,
                              data=data, file_format=file_format, mapping=mapping, upload=upload,
                              day_first=day_first)
    upload = _upload_of(upload, file_name, data, file_format)
    context = import_context_for_import(session, actor=actor, project_id=project_id, audience=audience)
    prepared = prepare_import(context, upload, mapping=mapping, progress=progress, day_first=day_first)
    return store_import(session, prepared, actor=actor)
