"""National statistics: the figures of the office's dashboard, computed in the database.

Views (one function each; :func:`national_figures` returns them all at once):

- :func:`applications_by_axis`: applications, published decisions and labels, in all and
  by round, school year, partner country, applicant region, pupils' age group and
  subject; the award rate is labels / published decisions (an application still waiting
  for its round's publication does not lower it);
- :func:`criterion_levels`: per rubric version and item (criteria, then gates), how many
  submitted juror levels gave 0..5, and their mean;
- :func:`jury_agreement`: per round and item, Krippendorff's alpha (ordinal, as on the
  reliability page) across the round's jurors, from their submitted levels;
- :func:`survey_participation`: per audience, campaigns, projects, responses (the
  respondents) and single-use codes issued and used;
- :func:`survey_levels`: per audience and criterion, the answers informing the
  criterion (:mod:`assess.domain.survey_results`: item -> themes -> criterion) and their
  comparable level on the 0-5 scale; an audience under MIN_GROUP respondents is never
  shown apart, and the figures of all audiences together follow the same secondary
  suppression as a project's results.

Every view is one or a few GROUP BY queries; Python only shapes their small results. The
survey views read the answers' counts per campaign, item and score
as last released (``survey_released_tallies``, copied from ``survey_answer_tallies`` when
five respondents or more have come: assess.services.survey_release), never the millions
of answers themselves nor the counts of answers not released yet. Applications, decisions and jurors' levels are small
tables (a few thousand rows a year).

What the filters (:class:`assess.domain.statistics.Filters`) narrow:

================  ==========================================  ====================================
filter            applications, levels, agreement             survey views
================  ==========================================  ====================================
round_id          applications of that round                  campaigns of the projects that
                                                              applied in that round (any date)
school_year       applications of that school year            campaigns opening in that school
                                                              year (1 September - 31 August)
country           projects with a partner school there        the same
region            projects whose applicant school is there    the same
age_group         projects whose age range falls in it        the same
subject           projects listing that subject               the same
================  ==========================================  ====================================

Withdrawn applications never count; only submitted juror scores count in the levels and
the agreement; a label counts once its decision is published. Demonstration projects
count only in a demonstration installation (:func:`assess.services.installation.counted_projects`,
in both scopes below, as in the exports).
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Iterable, Mapping

import numpy as np
from sqlalchemy import ColumnElement, Select, and_, case, distinct, exists, func, literal, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.functions import FunctionElement

from assess import stats
from assess.domain.content import LocalizedText
from assess.domain.jury import SCHOOL_YEAR_START_MONTH, school_year
from assess.domain.permissions import Actor
from assess.domain.questionnaire import AGREEMENT_POINTS, Audience, Item, ItemType
from assess.domain.rubric import LEVELS, Rubric
from assess.domain.statistics import AGE_GROUP_IDS, AGE_GROUPS, Filters
from assess.domain.survey_results import MIN_GROUP, Counts, Figures, Indicators, compute
from assess.services import questionnaires, rounds, rubrics
from assess.services.access import authorize
from assess.services._answer_tallies import DONT_KNOW_SCORE
from assess.services.errors import FieldError, InvalidInput, NotFound
from assess.services.installation import counted_projects, counted_rounds
from assess.storage.models import (
    Application,
    Assignment,
    Decision,
    JurorScore,
    Project,
    ProjectPartner,
    QuestionnaireVersion,
    Round,
    RubricVersion,
    School,
    SurveyCampaign,
    SurveyCode,
    SurveyReleasedTally,
    SurveyResponse,
)

#: The axes applications are counted by, in the dashboard's order.
AXES: tuple[str, ...] = ("round", "school_year", "country", "region", "age_group", "subject")
AGREEMENT_LEVEL = "ordinal"
SCHOOL_YEAR = re.compile(r"(\d{4})-(\d{4})")


# --- SQL building blocks --------------------------------------------------------------------


class json_array_elements(FunctionElement):
    """The elements of a JSON list column as rows of text, a table-valued function to
    join on its row: ``json_each`` on SQLite, ``jsonb_array_elements_text`` on PostgreSQL.
    Use ``json_array_elements(Project.subjects).table_valued("value")``."""

    name = "json_array_elements"
    inherit_cache = True


@compiles(json_array_elements)
def _json_each(element, compiler, **kw) -> str:
    return f"json_each({compiler.process(element.clauses, **kw)})"


@compiles(json_array_elements, "postgresql")
def _jsonb_array_elements_text(element, compiler, **kw) -> str:
    return f"jsonb_array_elements_text({compiler.process(element.clauses, **kw)})"


def subjects_of(project=Project):
    """A project's subjects as a joinable table with one column, ``value``."""
    return json_array_elements(project.subjects).table_valued("value")


def age_group_sql(age_min: ColumnElement, age_max: ColumnElement) -> ColumnElement:
    """:func:`assess.domain.statistics.age_group` in SQL: the group of the middle of the
    range, by integer division (both databases truncate, and ages are positive)."""
    middle = (age_min + age_max) // 2
    *groups, (last, _low, _high) = AGE_GROUPS
    return case(*[(middle <= high, group) for group, _low, high in groups], else_=last)


def project_age_group() -> ColumnElement:
    return age_group_sql(Project.age_min, Project.age_max)


def school_year_bounds(value: str) -> tuple[date, date]:
    """First and last day of a school year written "2025-2026"."""
    found = SCHOOL_YEAR.fullmatch(value or "")
    if not found or int(found.group(2)) != int(found.group(1)) + 1:
        raise ValueError(value)
    start = int(found.group(1))
    return date(start, SCHOOL_YEAR_START_MONTH, 1), date(start + 1, SCHOOL_YEAR_START_MONTH, 1) - timedelta(days=1)


def check_filters(filters: Filters) -> Filters:
    """The filters, with the country in upper case; :class:`InvalidInput` for an unknown
    age group or a school year not written "2025-2026"."""
    errors = []
    if filters.age_group is not None and filters.age_group not in AGE_GROUP_IDS:
        errors.append(FieldError("age_group", "statistics.errors.age_group", {"value": filters.age_group}))
    if filters.school_year is not None:
        try:
            school_year_bounds(filters.school_year)
        except ValueError:
            errors.append(FieldError("school_year", "statistics.errors.school_year", {"value": filters.school_year}))
    if errors:
        raise InvalidInput(errors)
    if filters.country is not None and filters.country != filters.country.strip().upper():
        return dataclasses.replace(filters, country=filters.country.strip().upper())
    return filters


def applied_projects(*conditions: ColumnElement) -> Select:
    """Ids of the projects with a (not withdrawn) application meeting ``conditions``: how
    the survey views (here and in the exports) narrow campaigns to a round or year."""
    return select(Application.project_id).where(Application.status == "submitted", *conditions)


def _projects_matching(filters: Filters) -> Select | None:
    """Ids of the projects the project filters (country, region, age group, subject) keep;
    None when none of them is set."""
    conditions: list[ColumnElement] = []
    if filters.country is not None:
        partner = aliased(School)
        conditions.append(exists(
            select(literal(1)).select_from(ProjectPartner).join(partner, partner.id == ProjectPartner.school_id)
            .where(ProjectPartner.project_id == Project.id, partner.country == filters.country)
        ))
    if filters.region is not None:
        conditions.append(Project.school_id.in_(select(School.id).where(School.region == filters.region)))
    if filters.age_group is not None:
        conditions.append(project_age_group() == filters.age_group)
    if filters.subject is not None:
        subjects = subjects_of()
        conditions.append(exists(select(literal(1)).select_from(subjects).where(subjects.c.value == filters.subject)))
    if not conditions:
        return None
    return select(Project.id).where(*conditions)


def _application_scope(filters: Filters) -> list[ColumnElement]:
    """Conditions on Application for the application views (demonstration projects'
    applications only in a demonstration installation: :func:`counted_projects`)."""
    conditions: list[ColumnElement] = [Application.status == "submitted", counted_projects(Application.project_id)]
    if filters.round_id is not None:
        conditions.append(Application.round_id == filters.round_id)
    if filters.school_year is not None:
        conditions.append(Application.school_year == filters.school_year)
    projects = _projects_matching(filters)
    if projects is not None:
        conditions.append(Application.project_id.in_(projects))
    return conditions


def _campaign_scope(filters: Filters) -> list[ColumnElement]:
    """Conditions on SurveyCampaign for the survey views (demonstration projects' campaigns
    only in a demonstration installation: :func:`counted_projects`)."""
    conditions: list[ColumnElement] = [counted_projects(SurveyCampaign.project_id)]
    if filters.round_id is not None:
        conditions.append(SurveyCampaign.project_id.in_(applied_projects(Application.round_id == filters.round_id)))
    if filters.school_year is not None:
        first, last = school_year_bounds(filters.school_year)
        conditions.append(SurveyCampaign.opens_on.between(first, last))
    projects = _projects_matching(filters)
    if projects is not None:
        conditions.append(SurveyCampaign.project_id.in_(projects))
    return conditions


# --- applications and labels -------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """Applications (not withdrawn), published decisions and labels among them."""

    applications: int
    decided: int
    labels: int

    @property
    def award_rate(self) -> float | None:
        """Labels / published decisions; None before any decision is published."""
        return self.labels / self.decided if self.decided else None


@dataclass(frozen=True)
class AxisRow:
    """One value of an axis: a round id, a school year, a country code, a region, an age
    group id or a subject (None: the region is not known)."""

    key: Any
    tally: Tally
    #: The round's name (rounds only).
    label: str | None = None

    @property
    def applications(self) -> int:
        return self.tally.applications

    @property
    def decided(self) -> int:
        return self.tally.decided

    @property
    def labels(self) -> int:
        return self.tally.labels

    @property
    def award_rate(self) -> float | None:
        return self.tally.award_rate


@dataclass(frozen=True)
class ApplicationFigures:
    """Applications and labels in all and by every axis (see AXES). A project with partners
    in two countries counts once in each (and once only per country); a project listing
    two subjects counts under each."""

    total: Tally
    axes: Mapping[str, tuple[AxisRow, ...]]

    def axis(self, name: str) -> tuple[AxisRow, ...]:
        return self.axes[name]

    def row(self, axis: str, key: Any) -> AxisRow | None:
        return next((r for r in self.axes[axis] if r.key == key), None)


def _base(filters: Filters) -> Select:
    """Applications of the scope with their published decision, if any (no columns yet)."""
    return (
        select()
        .select_from(Application)
        .outerjoin(Decision, and_(Decision.application_id == Application.id, Decision.published_at.is_not(None)))
        .where(*_application_scope(filters))
    )


def _tally_columns(*, distinct_applications: bool) -> list[ColumnElement]:
    labelled = case((Decision.outcome == "label", Decision.id))
    if distinct_applications:
        return [func.count(distinct(Application.id)), func.count(distinct(Decision.id)), func.count(distinct(labelled))]
    return [func.count(Application.id), func.count(Decision.id), func.count(labelled)]


def _tally(row) -> Tally:
    applications, decided, labels = (int(n or 0) for n in row)
    return Tally(applications, decided, labels)


def _by_count(rows: list[AxisRow]) -> tuple[AxisRow, ...]:
    """Most applications first, then by key (unknown last)."""
    return tuple(sorted(rows, key=lambda r: (-r.applications, r.key is None, str(r.key))))


def applications_by_axis(session: Session, *, actor: Actor, filters: Filters = Filters()) -> ApplicationFigures:
    """Applications, published decisions, labels and award rates, in all and by round,
    school year, partner country, applicant region, age group and subject."""
    authorize(session, actor, "statistics.view")
    filters = check_filters(filters)
    tally = _tally_columns(distinct_applications=False)
    total = _tally(session.execute(_base(filters).add_columns(*tally)).one())

    rounds_ = session.execute(
        _base(filters).add_columns(Round.id, Round.name, *tally)
        .join(Round, Round.id == Application.round_id)
        .group_by(Round.id, Round.name, Round.opens_on).order_by(Round.opens_on, Round.id)
    ).all()
    years = session.execute(
        _base(filters).add_columns(Application.school_year, *tally)
        .group_by(Application.school_year).order_by(Application.school_year)
    ).all()
    partner = aliased(School)
    countries = session.execute(
        _base(filters).add_columns(partner.country, *_tally_columns(distinct_applications=True))
        .join(ProjectPartner, ProjectPartner.project_id == Application.project_id)
        .join(partner, partner.id == ProjectPartner.school_id)
        .group_by(partner.country)
    ).all()
    regions = session.execute(
        _base(filters).add_columns(School.region, *tally)
        .join(Project, Project.id == Application.project_id)
        .outerjoin(School, School.id == Project.school_id)
        .group_by(School.region)
    ).all()
    group = project_age_group().label("age_group")
    ages = dict((row[0], row[1:]) for row in session.execute(
        _base(filters).add_columns(group, *tally)
        .join(Project, Project.id == Application.project_id)
        .group_by(group)
    ))
    subjects = subjects_of()
    by_subject = session.execute(
        _base(filters).add_columns(subjects.c.value, *_tally_columns(distinct_applications=True))
        .join(Project, Project.id == Application.project_id)
        .join(subjects, true())
        .group_by(subjects.c.value)
    ).all()
    return ApplicationFigures(
        total=total,
        axes={
            "round": tuple(AxisRow(r[0], _tally(r[2:]), label=r[1]) for r in rounds_),
            "school_year": tuple(AxisRow(r[0], _tally(r[1:])) for r in years),
            "country": _by_count([AxisRow(r[0], _tally(r[1:])) for r in countries]),
            "region": _by_count([AxisRow(r[0], _tally(r[1:])) for r in regions]),
            "age_group": tuple(AxisRow(g, _tally(ages[g])) for g in AGE_GROUP_IDS if g in ages),
            "subject": _by_count([AxisRow(r[0], _tally(r[1:])) for r in by_subject]),
        },
    )


# --- jurors' levels per criterion --------------------------------------------------------------


@dataclass(frozen=True)
class CriterionLevels:
    """The submitted juror levels given to one item of one rubric version."""

    rubric_version_id: int
    rubric_id: str
    rubric_version: str
    item_id: str
    kind: str  # "criterion" or "gate"
    name: LocalizedText
    #: How many levels 0, 1, 2, 3, 4 and 5.
    distribution: tuple[int, ...]

    @property
    def count(self) -> int:
        return sum(self.distribution)

    @property
    def mean(self) -> float | None:
        total = self.count
        return sum(level * n for level, n in zip(LEVELS, self.distribution)) / total if total else None


def _rubric_versions(session: Session, ids: Iterable[int]) -> dict[int, Rubric]:
    ids = sorted(set(ids))
    if not ids:
        return {}
    return {stored.id: rubrics.from_snapshot(stored)
            for stored in session.scalars(select(RubricVersion).where(RubricVersion.id.in_(ids)))}


def _items_of(rubric: Rubric) -> list[tuple[str, str, LocalizedText]]:
    return ([(c.id, "criterion", c.name) for c in rubric.criteria]
            + [(g.id, "gate", g.name) for g in rubric.gates])


def _scores(filters: Filters) -> Select:
    """Submitted juror levels of the scope's applications (no columns yet)."""
    return (
        select()
        .select_from(JurorScore)
        .join(Assignment, Assignment.id == JurorScore.assignment_id)
        .join(Application, Application.id == Assignment.application_id)
        .where(Assignment.submitted_at.is_not(None), JurorScore.level.is_not(None), *_application_scope(filters))
    )


def criterion_levels(session: Session, *, actor: Actor, filters: Filters = Filters()) -> tuple[CriterionLevels, ...]:
    """Per rubric version (in the order they were stored) and item (the rubric's order):
    the distribution of the submitted juror levels and their mean. Items nobody scored in
    the scope are left out."""
    authorize(session, actor, "statistics.view")
    filters = check_filters(filters)
    counts: dict[tuple[int, str], list[int]] = {}
    for version_id, item_id, level, n in session.execute(
        _scores(filters).add_columns(JurorScore.rubric_version_id, JurorScore.item_id, JurorScore.level, func.count())
        .group_by(JurorScore.rubric_version_id, JurorScore.item_id, JurorScore.level)
    ):
        if int(level) in LEVELS:
            counts.setdefault((version_id, item_id), [0] * len(LEVELS))[int(level)] += int(n)
    found = []
    for version_id, rubric in sorted(_rubric_versions(session, (v for v, _ in counts)).items()):
        for item_id, kind, name in _items_of(rubric):
            if (version_id, item_id) in counts:
                found.append(CriterionLevels(version_id, rubric.id, rubric.version, item_id, kind, name,
                                             tuple(counts[(version_id, item_id)])))
    return tuple(found)


# --- jurors' agreement -------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemAgreement:
    round_id: int
    round_name: str
    item_id: str
    kind: str
    name: LocalizedText
    alpha: float  # NaN when undefined
    reading: str  # reliable, tentative, unreliable, undefined (assess.stats.reading)
    reason: str | None  # why alpha is undefined (English), else None
    units: int  # applications with at least one level
    pairable: int  # levels in applications scored by two jurors or more


def alpha_from_units(units: Mapping[tuple[int, ...], int], *, level: str = AGREEMENT_LEVEL) -> stats.AlphaResult:
    """Krippendorff's alpha from how many units (applications) got each set of levels:
    ``units[(n0, ..., n5)]`` is the number of applications where n0 jurors gave 0, n1
    gave 1... Alpha only depends on these counts (not on which juror gave what), so the
    raters x units matrix handed to :func:`assess.stats.krippendorff_alpha_explained` is
    rebuilt from them, a column per application."""
    columns = sum(units.values())
    height = max((sum(counts) for counts in units), default=0)
    matrix = np.full((max(height, 1), max(columns, 1)), np.nan)
    start = 0
    for counts, repeat in units.items():
        values = np.repeat(np.array(LEVELS, dtype=float), counts)
        matrix[: values.size, start:start + repeat] = values[:, None]
        start += repeat
    return stats.krippendorff_alpha_explained(matrix, level=level)


def jury_agreement(session: Session, *, actor: Actor, filters: Filters = Filters()) -> tuple[ItemAgreement, ...]:
    """Per round (by opening date) and item of its rubric: Krippendorff's alpha (ordinal)
    of the submitted juror levels on the scope's applications, with its reading. Rounds
    without any submitted level are left out."""
    authorize(session, actor, "statistics.view")
    filters = check_filters(filters)
    per_level = [func.sum(case((JurorScore.level == level, 1), else_=0)).label(f"n{level}") for level in LEVELS]
    per_application = (
        _scores(filters).add_columns(Application.round_id.label("round_id"), JurorScore.item_id.label("item_id"),
                                     *per_level)
        .group_by(Application.round_id, JurorScore.item_id, Assignment.application_id)
    ).subquery()
    level_columns = [per_application.c[f"n{level}"] for level in LEVELS]
    units: dict[tuple[int, str], dict[tuple[int, ...], int]] = {}
    for round_id, item_id, *counts, n in session.execute(
        select(per_application.c.round_id, per_application.c.item_id, *level_columns, func.count())
        .group_by(per_application.c.round_id, per_application.c.item_id, *level_columns)
    ):
        units.setdefault((round_id, item_id), {})[tuple(int(c) for c in counts)] = int(n)
    round_ids = sorted({round_id for round_id, _ in units})
    if not round_ids:
        return ()
    listed = session.execute(
        select(Round.id, Round.name, Round.rubric_version_id).where(Round.id.in_(round_ids))
        .order_by(Round.opens_on, Round.id)
    ).all()
    rubric_of = _rubric_versions(session, (r.rubric_version_id for r in listed))
    found = []
    for round_id, name, version_id in listed:
        for item_id, kind, item_name in _items_of(rubric_of[version_id]):
            given = units.get((round_id, item_id))
            if given:
                result = alpha_from_units(given)
                alpha, reason, pairable, count = result.alpha, result.reason, result.pairable_values, sum(given.values())
            else:
                alpha, reason, pairable, count = math.nan, "no submitted scores yet", 0, 0
            found.append(ItemAgreement(round_id, name, item_id, kind, item_name, alpha, stats.reading(alpha), reason,
                                       count, pairable))
    return tuple(found)


# --- surveys -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AudienceParticipation:
    audience: str
    campaigns: int
    projects: int
    #: Responses stored (each is one respondent).
    responses: int
    codes_issued: int
    codes_used: int

    @property
    def respondents(self) -> int:
        return self.responses

    @property
    def participation(self) -> float | None:
        """Codes used / issued; None without codes."""
        return self.codes_used / self.codes_issued if self.codes_issued else None


_AUDIENCE_ORDER = [a.value for a in Audience]


def _audience_order(audience: str | None) -> int:
    return _AUDIENCE_ORDER.index(audience) if audience in _AUDIENCE_ORDER else len(_AUDIENCE_ORDER)


def survey_participation(session: Session, *, actor: Actor, filters: Filters = Filters()) -> tuple[AudienceParticipation, ...]:
    """Per audience (pupils, families, teachers): campaigns, projects with a campaign,
    responses, codes issued and used, over the scope's campaigns."""
    authorize(session, actor, "statistics.view")
    filters = check_filters(filters)
    return _participation(session, filters)


def _participation(session: Session, filters: Filters) -> tuple[AudienceParticipation, ...]:
    scope = _campaign_scope(filters)
    # Released responses only (assess.services.survey_release): the count moves with the figures.
    responses = (select(SurveyResponse.campaign_id, func.count().label("n")).where(SurveyResponse.released.is_(True))
                 .group_by(SurveyResponse.campaign_id))
    codes = select(SurveyCode.campaign_id, func.count().label("issued"),
                   func.count(case((SurveyCode.used.is_(True), 1))).label("used")).group_by(SurveyCode.campaign_id)
    if scope:
        scoped = select(SurveyCampaign.id).where(*scope)
        responses = responses.where(SurveyResponse.campaign_id.in_(scoped))
        codes = codes.where(SurveyCode.campaign_id.in_(scoped))
    responses, codes = responses.subquery(), codes.subquery()
    rows = session.execute(
        select(SurveyCampaign.audience, func.count(SurveyCampaign.id), func.count(distinct(SurveyCampaign.project_id)),
               func.coalesce(func.sum(responses.c.n), 0), func.coalesce(func.sum(codes.c.issued), 0),
               func.coalesce(func.sum(codes.c.used), 0))
        .outerjoin(responses, responses.c.campaign_id == SurveyCampaign.id)
        .outerjoin(codes, codes.c.campaign_id == SurveyCampaign.id)
        .where(*scope)
        .group_by(SurveyCampaign.audience)
    ).all()
    return tuple(sorted((AudienceParticipation(audience, *(int(n) for n in rest)) for audience, *rest in rows),
                        key=lambda p: _audience_order(p.audience)))


@dataclass(frozen=True)
class SurveyLevel:
    """What one audience (None: all together) says about one criterion of the rubric."""

    audience: str | None
    criterion_id: str
    name: LocalizedText
    respondents: int
    #: Not shown: the audience has fewer than MIN_GROUP respondents, or (all audiences)
    #: the figure would give a small audience away.
    hidden: bool
    #: None when hidden; answered == 0 when no question informs the criterion.
    figures: Figures | None

    @property
    def level(self) -> float | None:
        return None if self.figures is None else self.figures.level


@dataclass(frozen=True)
class SurveyLevels:
    rubric: Rubric
    #: Audience by audience (pupils, families, teachers), then all together; in each, the
    #: rubric's criteria in order.
    rows: tuple[SurveyLevel, ...]
    indicators: Indicators
    min_group: int = MIN_GROUP

    def of(self, audience: str | None, criterion_id: str) -> SurveyLevel | None:
        return next((r for r in self.rows if r.audience == audience and r.criterion_id == criterion_id), None)


def survey_rubric(session: Session, filters: Filters) -> Rubric:
    """The rubric survey figures are read against, on the dashboard and in the workbook
    alike (:mod:`assess.services.export_tables` calls this one; one rule, so the screen and
    the Excel file never show the same answers against different criteria):

    1. a round filter: that round's rubric (:class:`NotFound` for an unknown round);
    2. else the rubric of the newest round (highest id) among the applications the filters
       keep (:func:`_application_scope`): what the office's jurors scored against lately;
    3. else, with a school year filter, the installed rubric whose period holds that year
       (:func:`assess.services.rubrics.for_school_year`, as proposed to teachers);
    4. else the installed default rubric."""
    if filters.round_id is not None:
        stored = session.get(Round, filters.round_id)
        if stored is None:
            raise NotFound()
        return rounds.rubric_of(stored)
    newest = session.scalar(
        select(Round).where(counted_rounds(Round.id), Round.id.in_(select(Application.round_id)
                                                                   .where(*_application_scope(filters))))
        .order_by(Round.id.desc()).limit(1))
    if newest is not None:
        return rounds.rubric_of(newest)
    if filters.school_year is not None:
        return rubrics.for_school_year(list(rubrics.installed()), int(filters.school_year[:4]))[0]
    return rubrics.installed().default


def _answers_query(filters: Filters) -> Select:
    """(audience, questionnaire version, item, score, answers) from the answers' counts per
    campaign as last released (survey_released_tallies, a copy of survey_answer_tallies made
    five respondents or more at a time: a few hundred thousand rows where the answers are
    millions), joined to the campaigns in scope. Score 0 counts the "don't know" answers."""
    scope = _campaign_scope(filters)
    query = (
        select(SurveyCampaign.audience, SurveyCampaign.questionnaire_version_id, SurveyReleasedTally.item_id,
               SurveyReleasedTally.score, func.sum(SurveyReleasedTally.answers))
        .join(SurveyCampaign, SurveyCampaign.id == SurveyReleasedTally.campaign_id)
        .group_by(SurveyCampaign.audience, SurveyCampaign.questionnaire_version_id, SurveyReleasedTally.item_id,
                  SurveyReleasedTally.score)
    )
    return query.where(*scope) if scope else query


def _agreement_items(session: Session, versions: Mapping[int, str]) -> dict[str, list[Item]]:
    """Audience -> agreement items of the given questionnaire versions (version id ->
    audience); the newest version's item wins when two share an id."""
    items: dict[str, dict[str, Item]] = {}
    stored = session.scalars(select(QuestionnaireVersion).where(QuestionnaireVersion.id.in_(list(versions)))
                             .order_by(QuestionnaireVersion.registered_at.desc(), QuestionnaireVersion.id.desc()))
    for version in stored:
        listed = items.setdefault(versions[version.id], {})
        for item in questionnaires.from_snapshot(version).items:
            if item.type is ItemType.AGREEMENT:
                listed.setdefault(item.id, item)
    return {audience: list(found.values()) for audience, found in items.items()}


def survey_levels(session: Session, *, actor: Actor, filters: Filters = Filters(),
                  rubric: Rubric | None = None) -> SurveyLevels:
    """Per audience and criterion of ``rubric`` (default: :func:`survey_rubric`), the
    pooled answers of the items informing it, nationally over the scope's campaigns."""
    authorize(session, actor, "statistics.view")
    filters = check_filters(filters)
    return _survey_levels(session, filters, rubric or survey_rubric(session, filters),
                          _participation(session, filters))


def _survey_levels(session: Session, filters: Filters, rubric: Rubric,
                   participation: tuple[AudienceParticipation, ...]) -> SurveyLevels:
    scores: dict[tuple[str, str, int], int] = {}
    dont_know: dict[tuple[str, str], int] = {}
    versions: dict[int, str] = {}
    for audience, version_id, item_id, score, n in session.execute(_answers_query(filters)):
        versions[version_id] = audience
        if score == DONT_KNOW_SCORE:
            dont_know[(audience, item_id)] = dont_know.get((audience, item_id), 0) + int(n)
        elif int(score) in AGREEMENT_POINTS:
            key = (audience, item_id, int(score))
            scores[key] = scores.get(key, 0) + int(n)
    respondents = {p.audience: p.responses for p in participation if p.responses}
    items = _agreement_items(session, versions)
    indicators = compute(rubric=rubric, items={a: items.get(a, []) for a in respondents},
                         counts=Counts(scores=scores, dont_know=dont_know, respondents=respondents))
    rows = []
    for group in (*indicators.groups, indicators.overall):
        for criterion in rubric.criteria:
            hidden = group.is_hidden(criterion.id)
            rows.append(SurveyLevel(group.audience, criterion.id, criterion.name, group.respondents, hidden,
                                    None if hidden else group.criteria[criterion.id]))
    return SurveyLevels(rubric=rubric, rows=tuple(rows), indicators=indicators)


# --- everything at once ------------------------------------------------------------------------


@dataclass(frozen=True)
class NationalFigures:
    """Every view of the national dashboard, for one set of filters."""

    filters: Filters
    applications: ApplicationFigures
    criteria: tuple[CriterionLevels, ...]
    agreement: tuple[ItemAgreement, ...]
    participation: tuple[AudienceParticipation, ...]
    surveys: SurveyLevels
    min_group: int = MIN_GROUP


def national_figures(session: Session, *, actor: Actor, filters: Filters = Filters(),
                     rubric: Rubric | None = None) -> NationalFigures:
    """Every view at once (see the module's docstring for what each filter narrows).
    ``rubric``: what survey answers are read against (default: :func:`survey_rubric`).
    Refusals: :class:`PermissionDenied` without ``statistics.view``; :class:`InvalidInput`
    for an unknown age group or a badly written school year; :class:`NotFound` for a
    round that does not exist."""
    authorize(session, actor, "statistics.view")
    filters = check_filters(filters)
    applications = applications_by_axis(session, actor=actor, filters=filters)
    participation = _participation(session, filters)
    return NationalFigures(
        filters=filters,
        applications=applications,
        criteria=criterion_levels(session, actor=actor, filters=filters),
        agreement=jury_agreement(session, actor=actor, filters=filters),
        participation=participation,
        surveys=_survey_levels(session, filters, rubric or survey_rubric(session, filters), participation),
    )


# --- what the filters offer --------------------------------------------------------------------


@dataclass(frozen=True)
class RoundOption:
    id: int
    name: str
    school_year: str


@dataclass(frozen=True)
class FilterOptions:
    """The values present in the data, for each filter."""

    rounds: tuple[RoundOption, ...]
    school_years: tuple[str, ...]
    countries: tuple[str, ...]
    regions: tuple[str, ...]
    age_groups: tuple[str, ...]
    subjects: tuple[str, ...]


def filter_options(session: Session, *, actor: Actor) -> FilterOptions:
    """Rounds (by opening date), school years (of applications and campaigns, newest
    first), partner countries, applicant regions, age groups and subjects of the projects."""
    authorize(session, actor, "statistics.view")
    listed = session.execute(select(Round.id, Round.name, Round.closes_on).where(counted_rounds(Round.id))
                             .order_by(Round.opens_on, Round.id)).all()
    years = set(session.scalars(select(Application.school_year).distinct()
                                .where(counted_projects(Application.project_id))))
    years |= {school_year(day) for day in session.scalars(
        select(SurveyCampaign.opens_on).distinct().where(counted_projects(SurveyCampaign.project_id)))}
    years |= {school_year(closes_on) for _id, _name, closes_on in listed}
    countries = session.scalars(
        select(School.country).distinct().join(ProjectPartner, ProjectPartner.school_id == School.id)
        .where(counted_projects(ProjectPartner.project_id)).order_by(School.country))
    regions = session.scalars(
        select(School.region).distinct().join(Project, Project.school_id == School.id)
        .where(School.region.is_not(None), counted_projects(Project.id)).order_by(School.region))
    groups = set(session.scalars(select(project_age_group()).distinct().where(counted_projects(Project.id))))
    subjects = subjects_of()
    found_subjects = session.scalars(select(subjects.c.value).distinct().select_from(Project).join(subjects, true())
                                     .where(counted_projects(Project.id)))
    return FilterOptions(
        rounds=tuple(RoundOption(id_, name, school_year(closes_on)) for id_, name, closes_on in listed),
        school_years=tuple(sorted(years, reverse=True)),
        countries=tuple(countries),
        regions=tuple(regions),
        age_groups=tuple(g for g in AGE_GROUP_IDS if g in groups),
        subjects=tuple(sorted((str(s) for s in found_subjects if s is not None and str(s).strip()),
                              key=lambda s: (s.casefold(), s))),
    )
