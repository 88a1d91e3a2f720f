"""Applications, published decisions and labels, in all and by every axis."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, distinct, func, select, true
from sqlalchemy.orm import Session, aliased

from assess.domain.permissions import Actor
from assess.domain.statistics import AGE_GROUP_IDS, Filters
from assess.services.access import authorize
from assess.services.national._scope import NO_FILTER, application_conditions, check_filters
from assess.services.national._sql import project_age_group, subjects_of
from assess.storage.models import (
    Application,
    Decision,
    Project,
    ProjectPartner,
    Round,
    School,
)

AXES: tuple[str, ...] = ("round", "school_year", "country", "region", "age_group", "subject")


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
        .where(*application_conditions(filters))
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


def applications_by_axis(session: Session, *, actor: Actor, filters: Filters = NO_FILTER) -> ApplicationFigures:
    """Applications, published decisions, labels and award rates, in all and by round,
    school year, partner country, applicant region, age group and subject."""
    authorize(session, actor, "statistics.view")
    return _applications(session, check_filters(filters))


def _applications(session: Session, filters: Filters) -> ApplicationFigures:
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
