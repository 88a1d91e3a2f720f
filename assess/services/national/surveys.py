"""Survey participation and what each audience says per criterion."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Select, case, distinct, func, select
from sqlalchemy.orm import Session

from assess.domain.content import LocalizedText
from assess.domain.permissions import Actor
from assess.domain.questionnaire import AGREEMENT_POINTS, Audience, Item, ItemType
from assess.domain.rubric import Rubric
from assess.domain.statistics import Filters
from assess.domain.survey_results import MIN_GROUP, Counts, Figures, Indicators, compute
from assess.services import questionnaires, rounds, rubrics
from assess.services._answer_tallies import DONT_KNOW_SCORE
from assess.services.access import authorize
from assess.services.errors import NotFound
from assess.services.installation import counted_rounds
from assess.services.national._scope import NO_FILTER, application_conditions, campaign_conditions, check_filters
from assess.storage.models import (
    Application,
    QuestionnaireVersion,
    Round,
    SurveyCampaign,
    SurveyCode,
    SurveyReleasedTally,
    SurveyResponse,
)


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


def survey_participation(session: Session, *, actor: Actor,
                         filters: Filters = NO_FILTER) -> tuple[AudienceParticipation, ...]:
    """Per audience (pupils, families, teachers): campaigns, projects with a campaign,
    responses, codes issued and used, over the scope's campaigns."""
    authorize(session, actor, "statistics.view")
    filters = check_filters(filters)
    return _participation(session, filters)


def _participation(session: Session, filters: Filters) -> tuple[AudienceParticipation, ...]:
    scope = campaign_conditions(filters)
    # Released responses only (assess.services.survey_release): the count moves with the figures.
    responses = (select(SurveyResponse.campaign_id, func.count().label("n")).where(SurveyResponse.released.is_(True))
                 .group_by(SurveyResponse.campaign_id))
    codes = select(SurveyCode.campaign_id, func.count().label("issued"),
                   func.count(case((SurveyCode.used.is_(True), 1))).label("used")).group_by(SurveyCode.campaign_id)
    if scope:
        scoped = select(SurveyCampaign.id).where(*scope)
        responses = responses.where(SurveyResponse.campaign_id.in_(scoped))
        codes = codes.where(SurveyCode.campaign_id.in_(scoped))
    released, issued = responses.subquery(), codes.subquery()
    rows = session.execute(
        select(SurveyCampaign.audience, func.count(SurveyCampaign.id), func.count(distinct(SurveyCampaign.project_id)),
               func.coalesce(func.sum(released.c.n), 0), func.coalesce(func.sum(issued.c.issued), 0),
               func.coalesce(func.sum(issued.c.used), 0))
        .outerjoin(released, released.c.campaign_id == SurveyCampaign.id)
        .outerjoin(issued, issued.c.campaign_id == SurveyCampaign.id)
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


def survey_rubric(session: Session, *, actor: Actor, filters: Filters = NO_FILTER) -> Rubric:
    """The rubric survey figures are read against for ``filters`` (see :func:`_survey_rubric`)."""
    authorize(session, actor, "statistics.view")
    return _survey_rubric(session, check_filters(filters))


def _survey_rubric(session: Session, filters: Filters) -> Rubric:
    """The rubric survey figures are read against, on the dashboard and in the workbook
    alike (the exports call this one; one rule, so the screen and the Excel file never
    show the same answers against different criteria):

    1. a round filter: that round's rubric (:class:`NotFound` for an unknown round);
    2. else the rubric of the newest round (highest id) among the applications the filters
       keep (:func:`application_conditions`): what the office's jurors scored against lately;
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
                                                                   .where(*application_conditions(filters))))
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
    scope = campaign_conditions(filters)
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


def survey_levels(session: Session, *, actor: Actor, filters: Filters = NO_FILTER,
                  rubric: Rubric | None = None) -> SurveyLevels:
    """Per audience and criterion of ``rubric`` (default: :func:`survey_rubric`), the
    pooled answers of the items informing it, nationally over the scope's campaigns."""
    authorize(session, actor, "statistics.view")
    filters = check_filters(filters)
    return _survey_levels(session, filters, rubric or _survey_rubric(session, filters),
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
