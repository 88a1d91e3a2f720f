"""The one scope of the national figures (:class:`assess.domain.statistics.Filters`) as SQL conditions."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, exists, literal, select
from sqlalchemy.orm import aliased

from assess.domain.jury import SCHOOL_YEAR_START_MONTH
from assess.domain.states import ApplicationStatus
from assess.domain.statistics import AGE_GROUP_IDS, Filters
from assess.services.errors import FieldError, InvalidInput
from assess.services.installation import counted_projects
from assess.services.national._sql import project_age_group, subjects_of
from assess.storage.models import (
    Application,
    Project,
    ProjectPartner,
    School,
    SurveyCampaign,
)

SCHOOL_YEAR = re.compile(r"(\d{4})-(\d{4})")


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
    return select(Application.project_id).where(Application.status == ApplicationStatus.SUBMITTED, *conditions)


def projects_matching(filters: Filters) -> Select | None:
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


def application_conditions(filters: Filters, *, withdrawn: bool = False) -> list[ColumnElement]:
    """Conditions on Application for every figure about applications, on the dashboard and
    in the exports alike (demonstration projects' applications only in a demonstration
    installation: :func:`counted_projects`). ``withdrawn``: keep withdrawn applications
    too (the exports' Applications sheet lists them with their status, and no figure)."""
    # A draft is its teacher's only (assess.services.applications): never in a figure or an export.
    conditions: list[ColumnElement] = [counted_projects(Application.project_id),
                                       Application.status != ApplicationStatus.DRAFT]
    if not withdrawn:
        conditions.append(Application.status == ApplicationStatus.SUBMITTED)
    if filters.round_id is not None:
        conditions.append(Application.round_id == filters.round_id)
    if filters.school_year is not None:
        conditions.append(Application.school_year == filters.school_year)
    projects = projects_matching(filters)
    if projects is not None:
        conditions.append(Application.project_id.in_(projects))
    return conditions


def campaign_conditions(filters: Filters) -> list[ColumnElement]:
    """Conditions on SurveyCampaign for every survey figure, on the dashboard and in the
    exports alike: a round keeps the campaigns of the projects that applied in it (any
    date), a school year the campaigns opening in it, the project filters the campaigns of
    the projects they keep (demonstration projects' campaigns only in a demonstration
    installation: :func:`counted_projects`)."""
    conditions: list[ColumnElement] = [counted_projects(SurveyCampaign.project_id)]
    if filters.round_id is not None:
        conditions.append(SurveyCampaign.project_id.in_(applied_projects(Application.round_id == filters.round_id)))
    if filters.school_year is not None:
        first, last = school_year_bounds(filters.school_year)
        conditions.append(SurveyCampaign.opens_on.between(first, last))
    projects = projects_matching(filters)
    if projects is not None:
        conditions.append(SurveyCampaign.project_id.in_(projects))
    return conditions


def campaign_ids(filters: Filters) -> Select:
    """Ids of the campaigns in scope (:func:`campaign_conditions`)."""
    return select(SurveyCampaign.id).where(*campaign_conditions(filters))

#: No filter: every figure of the country (a frozen value, safe as a default argument).
NO_FILTER = Filters()
