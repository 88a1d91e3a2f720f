"""Every view of the national dashboard at once, and what the filters offer."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, true
from sqlalchemy.orm import Session

from assess.domain.jury import school_year
from assess.domain.permissions import Actor
from assess.domain.rubric import Rubric
from assess.domain.statistics import AGE_GROUP_IDS, Filters
from assess.domain.survey_results import MIN_GROUP
from assess.services.access import authorize
from assess.services.installation import counted_projects, counted_rounds
from assess.services.national._scope import NO_FILTER, check_filters
from assess.services.national._sql import project_age_group, subjects_of
from assess.services.national.agreement import ItemAgreement, _agreement
from assess.services.national.applications import ApplicationFigures, _applications
from assess.services.national.criteria import CriterionLevels, _levels_given
from assess.services.national.surveys import (
    AudienceParticipation,
    SurveyLevels,
    _participation,
    _survey_levels,
    _survey_rubric,
)
from assess.storage.models import (
    Application,
    Project,
    ProjectPartner,
    Round,
    School,
    SurveyCampaign,
)


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


def national_figures(session: Session, *, actor: Actor, filters: Filters = NO_FILTER,
                     rubric: Rubric | None = None) -> NationalFigures:
    """Every view at once (see the module's docstring for what each filter narrows).
    ``rubric``: what survey answers are read against (default: :func:`survey_rubric`).
    Refusals: :class:`PermissionDenied` without ``statistics.view``; :class:`InvalidInput`
    for an unknown age group or a badly written school year; :class:`NotFound` for a
    round that does not exist."""
    authorize(session, actor, "statistics.view")
    filters = check_filters(filters)
    participation = _participation(session, filters)
    return NationalFigures(
        filters=filters,
        applications=_applications(session, filters),
        criteria=_levels_given(session, filters),
        agreement=_agreement(session, filters),
        participation=participation,
        surveys=_survey_levels(session, filters, rubric or _survey_rubric(session, filters), participation),
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
        regions=tuple(r for r in regions if r is not None),
        age_groups=tuple(g for g in AGE_GROUP_IDS if g in groups),
        subjects=tuple(sorted((str(s) for s in found_subjects if s is not None and str(s).strip()),
                              key=lambda s: (s.casefold(), s))),
    )
