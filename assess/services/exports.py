"""National statistics exports: the Excel workbook the office sends on, and CSV files.

The workbook (:func:`write_workbook`) covers what the dashboard's filters keep
(:class:`assess.domain.statistics.Filters`: round, school year, partner country, region,
age group, subject), read with the dashboard's building blocks
(:mod:`assess.services.national`), so a figure is the same on screen and in the file:

- Summary: the filters, key figures, rows per sheet, and two charts (applications and
  labels per round; levels given per criterion);
- Applications: one row per application, withdrawn ones included with their status
  (and no figures); its rubric, and one column per rubric generation and criterion, so
  a level never sits under another generation's heading; where it stands (submitted,
  decision staged, decided, withdrawn) and the rules that decide its verdict (reasons). Aggregates come from the decision's levels when the office has
  staged or published one, else from the jurors' submitted levels (the round's mean or
  median). Only published decisions are verdicts; the others are "pending";
- Scores: every level of every submitted assignment, the juror under a stable
  pseudonym (see :func:`assess.services.national._tables.pseudonym_codes`), or their name
  when asked for with the ``statistics.juror_names`` permission;
- Criteria: per rubric version and criterion (or gate), how often each level was given
  and the mean;
- Jurors: load, severity (assess.domain.jury.severity, flagged from the
  ``severity_threshold`` setting) and agreement (share of their levels within one level
  of their co-jurors' mean on the same application and criterion);
- Surveys: per project, audience and criterion: respondents, answers, mean and
  comparable level, blank (not left out) under MIN_GROUP respondents. Criteria are
  those of the rubric the dashboard reads survey answers against
  (:func:`assess.services.national.survey_rubric`), and the campaigns those the
  dashboard counts for the same filters;
- Responses: every answer, one row each, anonymous (a response carries no code, no
  account and only its month), with the question's id and text; continued on
  "Responses (2)"... past Excel's row limit. Past :data:`RESPONSES_IN_WORKBOOK` answers
  they are left out unless asked for (``with_responses``), for a CSV file of their own;
- Regions, Age groups: the dashboard's applications, verdicts, labels and award rate
  per applicant region and pupils' age group.

Figures are rounded (:func:`assess.services.national._tables.rounded`) in the workbook
and the CSV files alike.

Rows are streamed from the database in chunks and written as they come
(assess.reports.workbook), so memory stays flat whatever the size.

Both functions only read. Run them with :func:`run_export`: the long reading and writing
of the file in a read-only transaction (:func:`assess.storage.db.reading`), which never
makes the survey respondents and jurors saving meanwhile wait (the workbook takes about a
minute at national scale), then the export recorded in the audit log (the filters, the
rows, whether names were shown) in a short writing transaction of its own.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from assess.domain.permissions import Actor
from assess.domain.project_choices import subject_name
from assess.domain.statistics import Filters, csv_writer
from assess.domain.survey_results import MIN_GROUP
from assess.i18n import t
from assess.i18n.formats import country_name, format_count
from assess.reports.workbook import ChartBlock, Column, Kind, SheetRows, StreamingWorkbook
from assess.services import _settings_values, audit, survey_release
from assess.services.access import authorize
from assess.services.errors import FieldError, InvalidInput, NotFound
from assess.services.national import _survey_tables, _tables
from assess.services.national._scope import NO_FILTER, check_filters, school_year_bounds
from assess.services.national._tables import Table
from assess.services.national.applications import ApplicationFigures, _applications
from assess.services.national.surveys import _survey_rubric
from assess.storage.db import reading, writing
from assess.storage.models import Round, utcnow

SHEETS: tuple[str, ...] = ("summary", "applications", "scores", "criteria", "jurors", "surveys", "responses",
                           "regions", "age_groups")
#: Survey answers the workbook holds unless told otherwise (``with_responses``): past
#: this, at national scale (3 million answers, 127 MB), they go to a CSV file of their
#: own (:func:`write_csv`, ``responses``) and the workbook opens in Excel in seconds.
RESPONSES_IN_WORKBOOK = 200_000
CSV_TABLES: tuple[str, ...] = ("applications", "scores", "responses")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class WorkbookSummary:
    """What :func:`write_workbook` wrote: every sheet in the workbook's order with its rows
    (the header row not counted; the summary's counts every row it has)."""

    sheets: tuple[SheetRows, ...]
    filters: dict[str, Any] = field(default_factory=dict)
    juror_names: bool = False
    kind: str = "xlsx"
    #: Survey answers left out of the workbook (too many): write them with
    #: :func:`write_csv` (``responses``) beside it. 0 when the workbook holds them.
    responses_apart: int = 0

    @property
    def rows(self) -> int:
        """Data rows in every sheet but the summary."""
        return sum(s.rows for s in self.sheets[1:])


@dataclass(frozen=True)
class CsvSummary:
    """What :func:`write_csv` wrote: ``rows`` of table ``what`` (the header not counted)."""

    what: str
    rows: int
    filters: dict[str, Any] = field(default_factory=dict)
    juror_names: bool = False

    @property
    def kind(self) -> str:
        return f"csv:{self.what}"


def sheet_name(key: str, lang: str) -> str:
    return t(f"exports.sheets.{key}", lang)


# --- checks --------------------------------------------------------------------------------


def _scope(session: Session, filters: Filters) -> tuple[Filters, Round | None]:
    """The filters checked as the dashboard checks them (:class:`InvalidInput` for a badly
    written school year or an unknown age group), and the round they name, if any
    (:class:`NotFound` for an unknown one)."""
    found = None
    if filters.round_id is not None:
        found = session.get(Round, filters.round_id)
        if found is None:
            raise NotFound()
    if filters.school_year is not None:
        school_year = str(filters.school_year).strip()
        try:
            school_year_bounds(school_year)
        except ValueError:
            raise InvalidInput([FieldError("school_year", "exports.errors.school_year", {"value": school_year})]) from None
        filters = dataclasses.replace(filters, school_year=school_year)
    return check_filters(filters), found


def _allowed(session: Session, actor: Actor, juror_names: bool) -> None:
    authorize(session, actor, "statistics.export")
    if juror_names:
        authorize(session, actor, "statistics.juror_names")


Summary = TypeVar("Summary", WorkbookSummary, CsvSummary)


def run_export(sessions: sessionmaker, write: Callable[[Session], Summary], *, actor: Actor) -> Summary:
    """Run ``write(session)`` (:func:`write_workbook` or :func:`write_csv` with their
    options) in a read-only transaction, then record it with :func:`record_export`. A
    refused or failed export records nothing."""
    with writing(sessions) as session:
        _allowed(session, actor, juror_names=False)  # refused before any work
        # Made on first use; the read-only transaction below could not store it.
        _settings_values.secret_key(session)
    # Campaigns ended by their date release their last waiting responses (survey_release).
    survey_release.release_ended_when_due(sessions)
    with reading(sessions) as session:
        summary = write(session)
    with writing(sessions) as session:
        record_export(session, actor=actor, summary=summary)
    return summary


def record_export(session: Session, *, actor: Actor, summary: WorkbookSummary | CsvSummary) -> None:
    """Record a written export in the audit log: what, its filters, its rows, whether
    jurors were named. Call it in a writing transaction once the file is written."""
    _allowed(session, actor, summary.juror_names)
    audit.record(session, actor=actor, action="statistics.export", entity_type="export", entity_id=summary.kind,
                 details={"round": summary.filters.get("round"), "school_year": summary.filters.get("school_year"),
                          **{k: v for k, v in summary.filters.items() if k not in ("round", "school_year")},
                          "juror_names": summary.juror_names, "rows": summary.rows})
    session.flush()


class _Counter:
    """Reports (done, total) to ``progress`` as rows go by."""

    def __init__(self, progress: Progress | None, total: int):
        self.progress, self.total, self.done = progress, total, 0
        self.tell()

    def add(self, rows: int) -> None:
        self.done += rows
        self.tell()

    def tell(self) -> None:
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total)

    def finish(self) -> None:
        self.total = max(self.total, self.done)
        self.done = self.total
        self.tell()


# --- the workbook --------------------------------------------------------------------------


def write_workbook(
    session: Session,
    *,
    actor: Actor,
    out: str | IO[bytes],
    filters: Filters = NO_FILTER,
    juror_names: bool = False,
    progress: Progress | None = None,
    lang: str = "en",
    with_responses: bool | None = None,
) -> WorkbookSummary:
    """Write the statistics workbook to ``out`` (a path or a binary file object); record
    it afterwards with :func:`record_export`.

    ``progress(done, total)`` is told how far it got, in rows: each row counts twice,
    once written and once compressed into the file (the total comes from COUNT queries
    made first). ``filters``: what the dashboard's filters keep (every figure by default).
    Requires ``statistics.export``, and ``statistics.juror_names`` with ``juror_names``.
    An unknown round: :class:`NotFound`; a school year not written like "2025-2026" or an
    unknown age group: :class:`InvalidInput` on ``school_year`` / ``age_group``.

    ``with_responses``: whether the Responses sheet holds every survey answer; by
    default only up to :data:`RESPONSES_IN_WORKBOOK` of them, more are left out (the
    summary says so, ``responses_apart`` counts them) for the caller to write as CSV."""
    _allowed(session, actor, juror_names)
    scope, round_ = _scope(session, filters)
    figures = _applications(session, scope)  # the Regions and Age groups sheets, and the summary's rounds
    tables, survey_totals = _workbook_tables(session, scope, lang=lang, juror_names=juror_names, figures=figures)
    criteria = next(table for table in tables if table.key == "criteria")
    answers = next(table for table in tables if table.key == "responses")
    apart = 0
    if with_responses is False or (with_responses is None and answers.expected > RESPONSES_IN_WORKBOOK):
        tables.remove(answers)
        apart = answers.expected
    counter = _Counter(progress, 2 * sum(table.expected for table in tables))
    written: list[SheetRows] = []
    by_key: dict[str, int] = {}
    # The sheets' temporary files go beside the file written, never in the shared /tmp.
    scratch = os.path.dirname(os.path.abspath(out)) if isinstance(out, (str, os.PathLike)) else None
    with StreamingWorkbook(scratch=scratch) as book:
        for table in tables:
            sheets = book.table(sheet_name(table.key, lang), table.columns, table.rows, on_rows=counter.add)
            written += sheets
            by_key[table.key] = sum(s.rows for s in sheets)
        rounds = _tables.per_round(figures)
        facts = _facts(session, scope, round_, lang, rounds=rounds, juror_names=juror_names, counts=by_key,
                       totals=survey_totals, sheets=written, apart=apart)
        summary = book.summary(sheet_name("summary", lang), title=t("exports.summary.title", lang), facts=facts,
                               blocks=_blocks(rounds, criteria, lang))
        book.save(out, on_rows=counter.add)
    counter.finish()
    return WorkbookSummary(sheets=(summary, *written), filters=_filters(scope), juror_names=juror_names,
                           responses_apart=apart)


def _workbook_tables(session: Session, scope: Filters, *, lang: str, juror_names: bool,
                     figures: ApplicationFigures | None = None
                     ) -> tuple[list[Table], _survey_tables.SurveyTotals]:
    """The workbook's tables but the summary, in sheet order, ready to be read (the
    benchmark reads them apart to time the queries alone). ``scope``: checked filters
    (:func:`_scope`); the caller has checked the permissions. ``figures``: the dashboard's
    application figures for ``scope``, when the caller has read them already."""
    labels = _tables.juror_labels(session, secret=_settings_values.secret_key(session), names=juror_names, lang=lang)
    # Read once for the two tables each that need them.
    infos = _tables.round_infos(session, scope)
    campaigns = _survey_tables.campaigns_of(session, scope)
    surveys, totals = _survey_tables.surveys(session, scope, lang, _survey_rubric(session, scope),
                                             campaigns=campaigns)
    tables = [
        _tables.applications(session, scope, lang, infos=infos),
        _tables.scores(session, scope, lang, labels, infos=infos),
        _tables.criteria(session, scope, lang),
        _tables.jurors(session, scope, lang, labels),
        surveys,
        _survey_tables.responses(session, scope, lang, campaigns=campaigns),
        *_tables.axis_tables(figures if figures is not None else _applications(session, scope), lang),
    ]
    return [_tables.rounded(table) for table in tables], totals


#: The filters as the audit log names them.
_AUDITED = (("round", "round_id"), ("school_year", "school_year"), ("country", "country"), ("region", "region"),
            ("age_group", "age_group"), ("subject", "subject"))


def _filters(scope: Filters) -> dict[str, Any]:
    return {name: getattr(scope, field_) for name, field_ in _AUDITED if getattr(scope, field_) is not None}


def _facts(session: Session, scope: Filters, round_: Round | None, lang: str, *, rounds: Sequence[tuple],
           juror_names: bool, counts: dict[str, int], totals: _survey_tables.SurveyTotals,
           sheets: Sequence[SheetRows], apart: int = 0) -> list:
    submitted = sum(r[1] for r in rounds)
    labels = sum(r[2] for r in rounds)
    published = labels + sum(r[3] for r in rounds)

    def fact(key: str, value: Any, kind: Kind | None = None, **params: Any) -> tuple:
        label = t(f"exports.summary.{key}", lang, **params)
        return (label, value) if kind is None else (label, value, kind)

    every = t("exports.summary.all", lang)
    facts = [
        fact("generated", utcnow().strftime("%Y-%m-%d %H:%M UTC")),
        fact("round", f"{round_.name} ({round_.id})" if round_ is not None else every),
        fact("school_year", scope.school_year or every),
        *_project_filter_facts(scope, lang, fact),
        fact("jurors_shown_as", t("exports.summary.names" if juror_names else "exports.summary.pseudonyms", lang)),
        fact("survey_min_group", t("exports.summary.min_group", lang, count=MIN_GROUP)),
        fact("applications", submitted),
        fact("withdrawn", _tables.withdrawn(session, scope)),
        fact("published", published),
        fact("labels", labels),
        fact("label_rate", round(labels / published, 4) if published else None, Kind.SHARE),
        fact("pending", submitted - published),
        fact("jurors", counts.get("jurors", 0)),
        fact("scores", counts.get("scores", 0)),
        fact("projects_surveyed", totals.projects),
        fact("responses", totals.responses),
        fact("answers", t("exports.summary.answers_apart", lang, count=format_count(apart, lang)) if apart
             else counts.get("responses", 0)),
    ]
    facts += [fact("sheet_rows", s.rows, name=s.name) for s in sheets]
    return facts


def _project_filter_facts(scope: Filters, lang: str, fact: Callable[..., tuple]) -> list[tuple]:
    """The summary's lines for the project filters the office chose (none when unset, so
    a workbook of a round or a year reads as it always has)."""
    found = []
    if scope.country is not None:
        found.append(fact("country", country_name(scope.country, lang)))
    if scope.region is not None:
        found.append(fact("region", scope.region))
    if scope.age_group is not None:
        found.append(fact("age_group", t(f"exports.age_group.{scope.age_group}", lang)))
    if scope.subject is not None:
        found.append(fact("subject", subject_name(scope.subject, lang)))
    return found


def _blocks(rounds: Sequence[tuple], criteria: Table, lang: str) -> list[ChartBlock]:
    """The summary's charts: ``rounds`` from :func:`_tables.per_round` (read once
    for the key figures and this chart), the levels from the criteria table."""

    def column(key: str, kind: Kind = Kind.INTEGER, **params: Any) -> Column:
        return Column(t(f"exports.summary.{key}", lang, **params), kind)

    # Rounded as every other figure of the workbook (_tables.rounded): the summary's table
    # of levels held 0.16666666666666666 where Excel shows 16.7 %.
    digits = _tables.DIGITS[Kind.SHARE]
    levels = [(name, *(round(share, digits) for share in shares))
              for name, *shares in _tables.level_distribution(criteria)]
    return [
        ChartBlock(t("exports.summary.per_round", lang),
                   (column("round_column", Kind.TEXT), column("applications_column"), column("labels_column"),
                    column("no_label_column"), column("pending_column")), rounds,
                   y_title=t("exports.summary.applications_column", lang)),
        ChartBlock(t("exports.summary.levels", lang),
                   (column("criterion_column", Kind.TEXT),
                    *(column("level_column", Kind.SHARE, level=n) for n in range(6))), levels, stacked=True),
    ]


# --- CSV -------------------------------------------------------------------------------------


def write_csv(
    session: Session,
    *,
    actor: Actor,
    what: str,
    out: IO[str],
    filters: Filters = NO_FILTER,
    juror_names: bool = False,
    progress: Progress | None = None,
    lang: str = "en",
) -> CsvSummary:
    """Write one table (``applications``, ``scores`` or ``responses``) as CSV to ``out``
    (a text file object, opened with ``newline=""``): a header row, then the rows as the
    workbook has them, through :func:`assess.domain.statistics.csv_writer`: text quoted,
    and a quote before anything a spreadsheet could run as a formula, whether it opens
    the file with "," or ";" as separator; booleans are ``true``/``false``, dates ISO.
    Returns what was written, to record with :func:`record_export`. Same permissions and errors as :func:`write_workbook`."""
    _allowed(session, actor, juror_names)
    if what not in CSV_TABLES:
        raise InvalidInput([FieldError("what", "exports.errors.what", {"value": what, "known": ", ".join(CSV_TABLES)})])
    scope, _ = _scope(session, filters)
    if what == "applications":
        table = _tables.applications(session, scope, lang)
    elif what == "scores":
        labels = _tables.juror_labels(session, secret=_settings_values.secret_key(session), names=juror_names, lang=lang)
        table = _tables.scores(session, scope, lang, labels)
    else:
        table = _survey_tables.responses(session, scope, lang)
    table = _tables.rounded(table)
    counter = _Counter(progress, table.expected)
    writer = csv_writer(out)
    writer.writerow([c.header for c in table.columns])
    count = 0
    batch: list[Sequence[Any]] = []
    for row in table.rows:
        batch.append(row)
        if len(batch) == 5_000:
            writer.writerows(batch)
            count += len(batch)
            counter.add(len(batch))
            batch.clear()
    writer.writerows(batch)
    count += len(batch)
    counter.add(len(batch))
    counter.finish()
    return CsvSummary(what=what, rows=count, filters=_filters(scope), juror_names=juror_names)
