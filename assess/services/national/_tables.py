"""The tables of the statistics exports: applications, scores, criteria, jurors."""

from __future__ import annotations

import base64
import hashlib
import hmac
import statistics
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session

from assess.domain.jury import aggregate, severity
from assess.domain.questionnaire import Audience
from assess.domain.rubric import LEVELS, Rubric
from assess.domain.scoring import reasons_for, score_aggregates
from assess.domain.states import ApplicationStatus
from assess.domain.statistics import Filters, age_group
from assess.i18n import t
from assess.i18n.formats import format_clauses
from assess.reports.reasons import override_note, reason_lines
from assess.reports.workbook import Column, Kind
from assess.services import _settings_values, rounds
from assess.services.decisions import decided_score
from assess.services.jury import items_of
from assess.services.national._scope import application_conditions
from assess.services.national.applications import ApplicationFigures
from assess.services.national.criteria import _levels_given
from assess.storage.models import (
    Application,
    Assignment,
    Decision,
    JurorScore,
    Project,
    ProjectPartner,
    Round,
    School,
    User,
)

#: Rows fetched at a time from the long queries (scores, responses).
YIELD_PER = 5_000
#: A juror's level "agrees" when it is within this many levels of their co-jurors' mean.
AGREEMENT_MARGIN = 1.0
PSEUDONYM_LENGTH = 6
AUDIENCES: tuple[str, ...] = tuple(a.value for a in Audience)


@dataclass(frozen=True)
class Table:
    key: str  # "applications", "scores"...: the sheet name's catalogue key
    columns: tuple[Column, ...]
    rows: Iterable[Sequence[Any]]
    #: Rows expected, counted before reading (for progress).
    expected: int


#: Decimals kept in the exports: two for levels, means and totals, two of a percentage for shares.
DIGITS = {Kind.NUMBER: 2, Kind.SHARE: 4}


def rounded(table: Table) -> Table:
    """``table`` with its figures rounded (:data:`DIGITS`), so that a CSV file reads
    0.6833 and not 0.6833333333333332 and the workbook holds what it shows. The rows
    pass untouched when no column holds such figures (the answers' millions of rows)."""
    places = [(i, DIGITS[c.kind]) for i, c in enumerate(table.columns) if c.kind in DIGITS]
    if not places:
        return table

    def rows() -> Iterator[Sequence[Any]]:
        for row in table.rows:
            values = list(row)
            for i, digits in places:
                value = values[i]
                if type(value) is float or type(value) is int:
                    values[i] = round(value, digits)
            yield values

    if isinstance(table.rows, (list, tuple)):  # read again for the summary's charts
        return Table(table.key, table.columns, list(rows()), table.expected)
    return Table(table.key, table.columns, rows(), table.expected)


def _column(lang: str, key: str, kind: Kind = Kind.TEXT, width: float = 12.0) -> Column:
    return Column(t(f"exports.columns.{key}", lang), kind, width)


def _stream(session: Session, query: Select) -> Iterator[Any]:
    """The rows of ``query``, fetched YIELD_PER at a time (a server-side cursor on
    PostgreSQL). Core rows, not ORM ones: the ORM's per-row work would be a third of
    the export's time and nothing here needs it."""
    result = session.connection().execute(query.execution_options(yield_per=YIELD_PER))
    for partition in result.partitions():
        yield from partition


def _driver_stream(session: Session, query: Select) -> Iterator[tuple]:
    """The rows of ``query`` as the database driver gives them, YIELD_PER at a time, in the
    session's transaction (a server-side cursor on PostgreSQL). For the one table that
    runs to millions of rows: SQLAlchemy's result rows and type processing cost three
    times the driver's own fetching there (measured on 2.9 million answers: 34 s against
    12 s), so the caller converts the few typed values itself (JSON, booleans, dates
    come as text and integers from SQLite, as Python objects from psycopg)."""
    connection = session.connection()
    compiled = query.compile(dialect=connection.dialect)
    params: Any = compiled.params
    if compiled.positional:
        params = [params[name] for name in compiled.positiontup or ()]
    driver: Any = connection.connection.driver_connection
    postgresql = connection.dialect.name == "postgresql"
    cursor = driver.cursor(name="assess_export_rows") if postgresql else driver.cursor()
    try:
        cursor.execute(str(compiled), params)
        while rows := cursor.fetchmany(YIELD_PER):
            yield from rows
    finally:
        # An interrupted export may close the connection before this generator is
        # collected: the cursor is gone with it, nothing to report.
        with suppress(Exception if connection.dialect.dbapi is None else connection.dialect.dbapi.Error):
            cursor.close()


def _count(session: Session, query: Select) -> int:
    return int(session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0)


# --- jurors' pseudonyms --------------------------------------------------------------------


def pseudonym_codes(secret: bytes, juror_ids: Iterable[int], length: int = PSEUDONYM_LENGTH) -> dict[int, str]:
    """A stable code per juror: the first ``length`` base32 characters of
    HMAC-SHA256(secret, juror id), lengthened for jurors whose codes would collide.

    Why a keyed hash rather than numbering the jurors: a number depends on who else is a
    juror (a role granted to an older account, or taken away, would shift everyone after
    it) and tells the order the accounts were made in; the hash depends on the juror
    alone, so a juror keeps their code in every export, whatever the filters, the year
    or the jurors added since, and the code says nothing without the installation's
    secret key (which, if changed, changes every code). Not "Juror A": that is how jurors
    are named to each other within one application, a different person each time.
    ``juror_ids`` should be every juror who ever scored (not only those exported), so
    that lengthening on a collision does not depend on the filters either. Six base32
    characters are 30 bits: two jurors among a thousand share them once in about two
    thousand installations, and then both get two more characters from that day on."""
    ids = sorted(set(juror_ids))
    codes: dict[int, str] = {}
    digests = {j: base64.b32encode(hmac.new(secret, f"export-juror:{j}".encode(), hashlib.sha256).digest()).decode()
               for j in ids}
    size = length
    pending = ids
    while pending:
        by_code: dict[str, list[int]] = defaultdict(list)
        for j in pending:
            by_code[digests[j][:size]].append(j)
        pending = []
        for code, jurors in by_code.items():
            if len(jurors) == 1 or size >= len(digests[jurors[0]]):
                codes.update({j: code for j in jurors})
            else:
                pending.extend(jurors)
        size += 2
    return codes


def juror_labels(session: Session, *, secret: bytes, names: bool, lang: str) -> dict[int, str]:
    """Juror id -> what the exports call them: their display name, or their pseudonym."""
    ids = list(session.scalars(select(Assignment.juror_id).distinct()))
    if names:
        return dict(session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all()) if ids else {}
    return {j: t("exports.juror", lang, code=code) for j, code in pseudonym_codes(secret, ids).items()}


# --- applications --------------------------------------------------------------------------


@dataclass(frozen=True)
class _RoundInfo:
    name: str
    rubric: Rubric
    aggregation: str
    gate_minimums: dict[str, int]

    @property
    def rubric_label(self) -> str:
        return f"{self.rubric.id} {self.rubric.version}"


def round_infos(session: Session, scope: Filters) -> dict[int, _RoundInfo]:
    in_scope = select(Application.round_id).where(*application_conditions(scope, withdrawn=True))
    query = select(Round).where(Round.id.in_(in_scope)).order_by(Round.id)
    found = {}
    for round_ in session.scalars(query):
        rubric = rounds.rubric_of(round_)
        found[round_.id] = _RoundInfo(round_.name, rubric, round_.aggregation,
                                      _settings_values.gate_minimums(session, rubric.id))
    return found


def _item_columns(infos: dict[int, _RoundInfo], lang: str) -> list[tuple[str, str, str]]:
    """(rubric id, item id, header) of every criterion and gate of the rounds' rubrics, in
    rubric order, one column per rubric generation and item: two generations may give
    one id to different criteria (A's "Results and benefits" and C's "Results,
    documentation and dissemination" are both ``results``), so a level is never shown
    under another generation's heading. With several generations each header names its
    rubric; a name shared by two ids of one rubric gets its id added."""
    items: dict[tuple[str, str], str] = {}
    for info in infos.values():
        for item_id in items_of(info.rubric):
            items.setdefault((info.rubric.id, item_id), info.rubric.item(item_id).name.get(lang))
    several = len({rubric_id for rubric_id, _ in items}) > 1
    columns = []
    for (rubric_id, item_id), name in items.items():
        if sum(1 for (r, _), n in items.items() if r == rubric_id and n == name) > 1:
            name = f"{name} ({item_id})"
        if several:
            name = t("exports.columns.item_of_rubric", lang, name=name, rubric=rubric_id)
        columns.append((rubric_id, item_id, name))
    return columns


def applications(session: Session, scope: Filters, lang: str, *, infos: dict[int, _RoundInfo] | None = None) -> Table:
    """``infos``: :func:`round_infos` of ``scope``, when the caller already read them."""
    infos = round_infos(session, scope) if infos is None else infos
    items = _item_columns(infos, lang)
    columns = (
        _column(lang, "application", Kind.INTEGER, 11), _column(lang, "round", width=28),
        _column(lang, "school_year", width=11), _column(lang, "status", width=15),
        _column(lang, "rubric", width=18),
        _column(lang, "project", Kind.INTEGER, 9), _column(lang, "project_title", width=40),
        _column(lang, "school", width=32), _column(lang, "region", width=20), _column(lang, "age_group", width=18),
        _column(lang, "partner_countries", width=18),
        *(Column(header, Kind.NUMBER, 14) for _, _, header in items),
        _column(lang, "total", Kind.NUMBER, 9), _column(lang, "share", Kind.SHARE, 10),
        _column(lang, "verdict", width=12), _column(lang, "reasons", width=60),
    )
    in_scope = select(Application.id).where(*application_conditions(scope, withdrawn=True))
    query = (
        select(Application.id, Application.round_id, Application.school_year, Application.status, Project.id,
               Project.title, School.name, School.region, Project.age_min, Project.age_max, Decision.levels,
               Decision.total, Decision.percentage, Decision.outcome, Decision.published_at)
        .join(Project, Project.id == Application.project_id)
        .outerjoin(School, School.id == Project.school_id)
        .outerjoin(Decision, Decision.application_id == Application.id)
        .where(*application_conditions(scope, withdrawn=True)).order_by(Application.id)
    )
    return Table("applications", columns, _application_rows(session, scope, query, infos, items, lang),
                 _count(session, in_scope))


def _partner_countries(session: Session, scope: Filters) -> dict[int, str]:
    found: dict[int, set[str]] = defaultdict(set)
    for project_id, country in session.execute(
        select(ProjectPartner.project_id, School.country).join(School, School.id == ProjectPartner.school_id)
        .where(ProjectPartner.project_id.in_(
            select(Application.project_id).where(*application_conditions(scope, withdrawn=True))))
    ):
        found[project_id].add(country)
    return {p: ", ".join(sorted(c)) for p, c in found.items()}


def _undecided_levels(session: Session, scope: Filters) -> dict[int, dict[str, list[int]]]:
    """Application -> item -> submitted levels, for applications without a decision."""
    found: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    decided = exists().where(Decision.application_id == Application.id)
    for application_id, item_id, level in session.execute(
        select(Assignment.application_id, JurorScore.item_id, JurorScore.level)
        .join(JurorScore, JurorScore.assignment_id == Assignment.id)
        .join(Application, Application.id == Assignment.application_id)
        .where(Assignment.submitted_at.is_not(None), ~decided, *application_conditions(scope))
    ):
        if level is not None:
            found[application_id][item_id].append(level)
    return found


#: Application statuses as the workbook names them: where the application stands.
STATUSES = ("submitted", "staged", "decided", "withdrawn")


def _status(status: str, outcome: str | None, published_at: Any) -> str:
    if status != "submitted":
        return "withdrawn"
    if outcome is None:
        return "submitted"
    return "decided" if published_at is not None else "staged"


def _application_rows(session: Session, scope: Filters, query: Select, infos: dict[int, _RoundInfo],
                      items: list[tuple[str, str, str]], lang: str) -> Iterator[tuple]:
    partners = _partner_countries(session, scope)
    undecided = _undecided_levels(session, scope)
    labels = {key: t(f"exports.verdict.{key}", lang) for key in ("label", "no_label", "pending", "withdrawn")}
    statuses = {key: t(f"exports.status.{key}", lang) for key in STATUSES}
    groups: dict[tuple[int, int], str] = {}
    for (application_id, round_id, year, status, project_id, title, school, region, age_min, age_max, levels,
         total, percentage, outcome, published_at) in _stream(session, query):
        info = infos[round_id]
        aggregates: dict[str, float | None] = {}
        share = None
        reasons = None
        if status != ApplicationStatus.SUBMITTED:
            verdict, total = labels["withdrawn"], None
        else:
            verdict = labels[outcome] if outcome is not None and published_at is not None else labels["pending"]
            if levels is not None:
                aggregates = {k: float(v) for k, v in levels.items() if v is not None}
                share = None if percentage is None else percentage / 100
            elif application_id in undecided:
                total, share, aggregates = _from_scores(info, undecided[application_id])
            if aggregates:
                reasons = verdict_reasons(info, aggregates, outcome, lang)
        group = groups.get((age_min, age_max))
        if group is None:
            group = groups[(age_min, age_max)] = t(f"exports.age_group.{age_group(age_min, age_max)}", lang)
        yield (application_id, info.name, year, statuses[_status(status, outcome, published_at)], info.rubric_label,
               project_id, title, school, region, group, partners.get(project_id),
               *(aggregates.get(i) if r == info.rubric.id else None for r, i, _ in items), total, share, verdict,
               reasons)


def _from_scores(info: _RoundInfo, levels: dict[str, list[int]]) -> tuple[float, float, dict[str, float | None]]:
    """Total, share of the maximum and aggregates of an application without a decision."""
    aggregates = {i: aggregate(levels.get(i, ()), info.aggregation) for i in items_of(info.rubric)}
    result = score_aggregates(info.rubric, aggregates, gate_minimums=info.gate_minimums)
    return result.total, result.percentage / 100, aggregates


def verdict_reasons(info: _RoundInfo, aggregates: dict[str, float | None], outcome: str | None, lang: str) -> str:
    """Each rule that decides a verdict, met or not, with its figures (a semicolon between them),
    and, when the office decided against what the rules give, that it did: the same
    rules (:func:`assess.domain.scoring.reasons_for`) in the same words
    (:mod:`assess.reports.reasons`) as the teacher's page, the office's boxes and the letter."""
    result = decided_score(info.rubric, aggregates, gate_minimums=info.gate_minimums)
    reasons = reasons_for(result, outcome=outcome)
    found = [line.text for line in reason_lines(reasons, rubric=info.rubric, lang=lang)]
    note = override_note(reasons, lang=lang)
    return format_clauses([*found, note] if note else found, lang)


# --- scores, criteria, jurors ------------------------------------------------------------------


def _submitted(scope: Filters):
    return (Assignment.submitted_at.is_not(None), *application_conditions(scope))


def scores(session: Session, scope: Filters, lang: str, jurors: dict[int, str], *,
           infos: dict[int, _RoundInfo] | None = None) -> Table:
    """``infos``: :func:`round_infos` of ``scope``, when the caller already read them."""
    infos = round_infos(session, scope) if infos is None else infos
    names = {(r, i): info.rubric.item(i).name.get(lang) for r, info in infos.items() for i in items_of(info.rubric)}
    # The rubric beside each level: two generations share criterion ids and names
    # ("collaboration"), and a pivot on the criterion alone would mix them.
    columns = (_column(lang, "application", Kind.INTEGER, 11), _column(lang, "round", width=28),
               _column(lang, "rubric", width=18), _column(lang, "project", Kind.INTEGER, 9),
               _column(lang, "juror", width=20), _column(lang, "criterion_id", width=22),
               _column(lang, "criterion", width=32), _column(lang, "level", Kind.INTEGER, 8))
    query = (
        select(Assignment.application_id, Application.round_id, Application.project_id, Assignment.juror_id,
               JurorScore.item_id, JurorScore.level)
        .join(Application, Application.id == Assignment.application_id)
        .join(JurorScore, JurorScore.assignment_id == Assignment.id)
        .where(*_submitted(scope))
        .order_by(Assignment.application_id, Assignment.juror_id, JurorScore.id)
    )

    def rows() -> Iterator[tuple]:
        for application_id, round_id, project_id, juror_id, item_id, level in _stream(session, query):
            info = infos[round_id]
            yield (application_id, info.name, info.rubric_label, project_id, jurors.get(juror_id, str(juror_id)),
                   item_id, names.get((round_id, item_id), item_id), level)

    return Table("scores", columns, rows(), _count(session, query))


def criteria(session: Session, scope: Filters, lang: str) -> Table:
    """Per rubric version and item: how many times each level was given, and the mean: the
    dashboard's figures (:func:`assess.services.national.criteria._levels_given`), as a sheet."""
    found = _levels_given(session, scope)
    rows = [(f"{c.rubric_id} {c.rubric_version}", c.item_id, c.name.get(lang), *c.distribution, c.count, c.mean)
            for c in found]
    columns = (_column(lang, "rubric", width=20), _column(lang, "criterion_id", width=22),
               _column(lang, "criterion", width=32),
               *(Column(t("exports.columns.level_n", lang, level=level), Kind.INTEGER, 9) for level in LEVELS),
               _column(lang, "levels_given", Kind.INTEGER, 10), _column(lang, "mean", Kind.NUMBER, 9))
    return Table("criteria", columns, rows, len(rows))


def agreement(rows: Iterable[tuple[Hashable, Hashable, str, float | None]], *,
              margin: float = AGREEMENT_MARGIN) -> dict[Hashable, tuple[int, int]]:
    """Juror -> (levels within ``margin`` of their co-jurors' mean, levels compared), from
    ``(juror, application, item, level)`` rows: over every (application, item) a juror
    scored with at least one co-juror, how often their level is within one level of the
    mean of the others' levels (their share: how much they agree with the jury)."""
    cells: dict[tuple[Hashable, str], dict[Hashable, float]] = defaultdict(dict)
    for juror, application, item, level in rows:
        if level is not None:
            cells[(application, item)][juror] = float(level)
    found: dict[Hashable, list[int]] = defaultdict(lambda: [0, 0])
    for given in cells.values():
        if len(given) < 2:
            continue
        total = sum(given.values())
        for juror, level in given.items():
            others = (total - level) / (len(given) - 1)
            counts = found[juror]
            counts[0] += abs(level - others) <= margin + 1e-9
            counts[1] += 1
    return {juror: (within, compared) for juror, (within, compared) in found.items()}


def jurors(session: Session, scope: Filters, lang: str, labels: dict[int, str]) -> Table:
    """Per juror: applications assigned and submitted, levels given and their mean,
    severity (mean deviation from co-jurors, flagged from the ``severity_threshold``
    setting) and agreement (share of their levels within one level of their co-jurors' mean)."""
    loads = {j: (int(n), int(done)) for j, n, done in session.execute(
        select(Assignment.juror_id, func.count(Assignment.id), func.count(Assignment.submitted_at))
        .join(Application, Application.id == Assignment.application_id)
        .where(*application_conditions(scope)).group_by(Assignment.juror_id))}
    rows: list[tuple[int, int, str, int | None]] = [(r[0], r[1], r[2], r[3]) for r in session.execute(
        select(Assignment.juror_id, Assignment.application_id, JurorScore.item_id, JurorScore.level)
        .join(JurorScore, JurorScore.assignment_id == Assignment.id)
        .join(Application, Application.id == Assignment.application_id)
        .where(*_submitted(scope)))]
    threshold = float(_settings_values.get(session, "severity_threshold"))
    severities = severity(rows, threshold=threshold)
    agreeing = agreement(rows)
    given: dict[int, list[int]] = defaultdict(list)
    for juror, _application, _item, level in rows:
        if level is not None:
            given[juror].append(level)
    del rows
    table = []
    for juror, (assigned, submitted) in loads.items():
        found = severities.get(juror)
        within, compared = agreeing.get(juror, (0, 0))
        levels = given.get(juror, [])
        table.append((labels.get(juror, str(juror)), assigned, submitted, len(levels),
                      statistics.fmean(levels) if levels else None,
                      found.mean_deviation if found else None, found.compared if found else 0,
                      bool(found and found.flagged), within / compared if compared else None))
    table.sort(key=lambda r: (r[0].casefold(), r[0]))
    columns = (_column(lang, "juror", width=22), _column(lang, "assigned", Kind.INTEGER, 10),
               _column(lang, "submitted", Kind.INTEGER, 10), _column(lang, "levels_given", Kind.INTEGER, 10),
               _column(lang, "mean_level", Kind.NUMBER, 10), _column(lang, "mean_deviation", Kind.NUMBER, 12),
               _column(lang, "compared", Kind.INTEGER, 10), _column(lang, "flagged", Kind.BOOLEAN, 9),
               _column(lang, "agreement", Kind.SHARE, 11))
    return Table("jurors", columns, table, len(table))


# --- regions and age groups ------------------------------------------------------------------


def axis_tables(figures: ApplicationFigures, lang: str) -> list[Table]:
    """Applications, published verdicts, labels and award rate per applicant region
    (``regions``) and per pupils' age group (``age_groups``): the dashboard's figures
    (``figures``, from :func:`assess.services.national.applications._applications`), as sheets."""
    unknown = t("exports.summary.unknown_region", lang)
    regions = [(r.key if r.key is not None else unknown, *_tally_row(r.tally)) for r in figures.axis("region")]
    ages = [(t(f"exports.age_group.{r.key}", lang), *_tally_row(r.tally)) for r in figures.axis("age_group")]

    def figures_columns(first: str) -> tuple[Column, ...]:
        return (_column(lang, first, width=28), _column(lang, "applications", Kind.INTEGER, 13),
                _column(lang, "published", Kind.INTEGER, 13), _column(lang, "labels", Kind.INTEGER, 9),
                _column(lang, "award_rate", Kind.SHARE, 11))

    return [Table("regions", figures_columns("region"), regions, len(regions)),
            Table("age_groups", figures_columns("age_group"), ages, len(ages))]


def _tally_row(tally: Any) -> tuple:
    return tally.applications, tally.decided, tally.labels, tally.award_rate


# --- the summary's figures -------------------------------------------------------------------


def per_round(figures: ApplicationFigures) -> list[tuple[str, int, int, int, int]]:
    """(round name, applications, labels, no label, pending) per round, oldest round id
    first, for the summary's chart: submitted applications; labels and refusals as
    published. Taken from the dashboard's round axis (``figures``, read once for the
    Regions and Age groups sheets too), not read again."""
    return [(r.label or str(r.key), r.applications, r.labels, r.decided - r.labels, r.applications - r.decided)
            for r in sorted(figures.axis("round"), key=lambda r: r.key)]


def withdrawn(session: Session, scope: Filters) -> int:
    return int(session.scalar(select(func.count(Application.id))
                              .where(Application.status == ApplicationStatus.WITHDRAWN,
                                     *application_conditions(scope, withdrawn=True))) or 0)


def level_distribution(table: Table) -> list[tuple]:
    """(criterion, share at level 0..5) per row of the criteria table, for the summary's chart."""
    rows = []
    several = len({r[0] for r in table.rows}) > 1
    for row in table.rows:
        name = f"{row[2]} ({row[0]})" if several else row[2]
        n = row[9]
        rows.append((name, *(k / n for k in row[3:9])))
    return rows
