"""The survey tables of the statistics exports: surveys per project, responses."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assess.domain.questionnaire import Audience, Item, ItemType, Questionnaire
from assess.domain.rubric import Rubric
from assess.domain.statistics import Filters
from assess.domain.survey_results import MIN_GROUP, Counts, compute
from assess.i18n import t
from assess.reports.workbook import Column, Kind
from assess.services import questionnaires
from assess.services._answer_tallies import DONT_KNOW_SCORE
from assess.services.national._scope import campaign_ids
from assess.services.national._tables import Table, _column, _driver_stream, _stream
from assess.storage.models import (
    Project,
    QuestionnaireVersion,
    SurveyAnswer,
    SurveyCampaign,
    SurveyReleasedTally,
    SurveyResponse,
)

AUDIENCES: tuple[str, ...] = tuple(a.value for a in Audience)


@dataclass(frozen=True)
class _Campaign:
    project_id: int
    audience: str
    questionnaire: Questionnaire


def campaigns_of(session: Session, scope: Filters) -> dict[int, _Campaign]:
    """Campaign id -> its project, audience and questionnaire, newest first."""
    query = (select(SurveyCampaign.id, SurveyCampaign.project_id, SurveyCampaign.audience,
                    SurveyCampaign.questionnaire_version_id)
             .order_by(SurveyCampaign.created_at.desc(), SurveyCampaign.id.desc()))
    ids = campaign_ids(scope)
    query = query.where(SurveyCampaign.id.in_(ids))
    rows = session.execute(query).all()
    versions = {v.id: questionnaires.from_snapshot(v) for v in session.scalars(
        select(QuestionnaireVersion).where(QuestionnaireVersion.id.in_({r[3] for r in rows})))} if rows else {}
    return {campaign_id: _Campaign(project_id, audience, versions[version_id])
            for campaign_id, project_id, audience, version_id in rows}


@dataclass(frozen=True)
class SurveyTotals:
    projects: int
    responses: int


def surveys(session: Session, scope: Filters, lang: str, rubric: Rubric, *,
            campaigns: dict[int, _Campaign] | None = None) -> tuple[Table, SurveyTotals]:
    """Per project, audience (and all audiences together) and criterion of ``rubric``:
    respondents, answers drawn on, mean (1-5) and comparable level (0-5). Groups under
    MIN_GROUP respondents keep their row, with the figures blank. ``campaigns``:
    :func:`campaigns_of` ``scope``, when the caller already read them."""
    campaigns = campaigns_of(session, scope) if campaigns is None else campaigns
    items: dict[int, dict[str, dict[str, Item]]] = defaultdict(lambda: defaultdict(dict))
    for campaign in campaigns.values():  # newest first: its texts win for a shared item id
        listed = items[campaign.project_id][campaign.audience]
        for item in campaign.questionnaire.items:
            listed.setdefault(item.id, item)
    respondents: dict[int, dict[str, int]] = defaultdict(dict)
    query = (select(SurveyResponse.campaign_id, func.count()).where(SurveyResponse.released.is_(True))
             .group_by(SurveyResponse.campaign_id))
    ids = campaign_ids(scope)
    query = query.where(SurveyResponse.campaign_id.in_(ids))
    for campaign_id, n in session.execute(query):
        responded = campaigns.get(campaign_id)
        if responded is not None:
            counts = respondents[responded.project_id]
            counts[responded.audience] = counts.get(responded.audience, 0) + int(n)
    titles = dict(session.execute(select(Project.id, Project.title).where(Project.id.in_(list(items)))).all()) \
        if items else {}
    expected = sum(len(by_audience) + 1 for by_audience in items.values()) * len(rubric.criteria)
    table = Table("surveys", _survey_columns(lang), _survey_rows(session, scope, lang, rubric, campaigns, items,
                                                                 respondents, titles), expected)
    return table, SurveyTotals(projects=len(items), responses=sum(sum(r.values()) for r in respondents.values()))


def _survey_columns(lang: str) -> tuple[Column, ...]:
    return (_column(lang, "project", Kind.INTEGER, 9), _column(lang, "project_title", width=40),
            _column(lang, "audience", width=16), _column(lang, "rubric", width=18),
            _column(lang, "criterion_id", width=22), _column(lang, "criterion", width=32),
            _column(lang, "respondents", Kind.INTEGER, 12),
            _column(lang, "answers", Kind.INTEGER, 10), _column(lang, "mean", Kind.NUMBER, 9),
            _column(lang, "comparable_level", Kind.NUMBER, 12))


def _answer_counts(session: Session, scope: Filters, campaigns: dict[int, _Campaign]) -> Iterator[tuple[int, Counts]]:
    """(project id, scores and "don't know" counts by audience and item), project by project.

    From ``survey_released_tallies`` (the counts as last released, about 150,000 rows at
    the national scale; the dashboard reads the same), never from the millions of answers."""
    query = (
        select(SurveyCampaign.project_id, SurveyReleasedTally.campaign_id, SurveyReleasedTally.item_id,
               SurveyReleasedTally.score, SurveyReleasedTally.answers)
        .join(SurveyCampaign, SurveyCampaign.id == SurveyReleasedTally.campaign_id)
        .order_by(SurveyCampaign.project_id)
    )
    ids = campaign_ids(scope)
    query = query.where(SurveyReleasedTally.campaign_id.in_(ids))
    for project_id, rows in groupby(_stream(session, query), key=lambda r: r[0]):
        scores: dict[tuple[str, str, int], int] = {}
        dont_know: dict[tuple[str, str], int] = {}
        for _project, campaign_id, item_id, level, n in rows:
            campaign = campaigns.get(campaign_id)
            if campaign is None:
                continue
            if level == DONT_KNOW_SCORE:
                key = (campaign.audience, item_id)
                dont_know[key] = dont_know.get(key, 0) + n
            else:
                key3 = (campaign.audience, item_id, level)
                scores[key3] = scores.get(key3, 0) + n
        yield project_id, Counts(scores=scores, dont_know=dont_know)


def _survey_rows(session: Session, scope: Filters, lang: str, rubric: Rubric, campaigns: dict[int, _Campaign],
                 items: dict[int, dict[str, dict[str, Item]]], respondents: dict[int, dict[str, int]],
                 titles: dict[int, str]) -> Iterator[tuple]:
    audiences = {a: t(f"exports.audience.{a}", lang) for a in (*AUDIENCES, "all")}
    names = [(c.id, c.name.get(lang)) for c in rubric.criteria]
    read_against = f"{rubric.id} {rubric.version}"  # as the Applications and Scores sheets name it
    counted = _answer_counts(session, scope, campaigns)
    pending = next(counted, None)
    for project_id in sorted(items):
        found = Counts()
        while pending is not None and pending[0] <= project_id:
            if pending[0] == project_id:
                found = pending[1]
            pending = next(counted, None)
        counts = Counts(scores=found.scores, dont_know=found.dont_know, respondents=respondents.get(project_id, {}))
        listed = {a: [i for i in by_id.values() if i.type is not ItemType.TEXT]
                  for a, by_id in items[project_id].items()}
        indicators = compute(rubric=rubric, items=listed, counts=counts)
        for group in (*indicators.groups, indicators.overall):
            label = audiences.get(group.audience or "all", group.audience)
            for criterion_id, name in names:
                figures = None if group.is_hidden(criterion_id) else group.criteria.get(criterion_id)
                yield (project_id, titles.get(project_id), label, read_against, criterion_id, name, group.respondents,
                       figures.answered if figures else None, figures.mean if figures else None,
                       figures.level if figures else None)


# --- responses -----------------------------------------------------------------------------------


def responses(session: Session, scope: Filters, lang: str, *, campaigns: dict[int, _Campaign] | None = None) -> Table:
    """Every answer, one row each, in the order they were stored.

    A campaign with fewer than MIN_GROUP respondents is not shown apart: its answers are
    listed (they count in every total) without their project and without their free
    text, the two things that could lead back to a pupil of a small group. ``campaigns``:
    :func:`campaigns_of` ``scope``, when the caller already read them."""
    campaigns = campaigns_of(session, scope) if campaigns is None else campaigns
    small = set(session.scalars(
        select(SurveyResponse.campaign_id).where(SurveyResponse.released.is_(True)).group_by(SurveyResponse.campaign_id)
        .having(func.count(SurveyResponse.id) < MIN_GROUP)
    ))
    audiences = {a: t(f"exports.audience.{a}", lang) for a in AUDIENCES}
    themes: dict[int, dict[str, str]] = {}
    texts: dict[int, dict[str, str]] = {}  # the question as the respondents read it, in the export's language
    info: dict[int, tuple[int, str, dict[str, str], dict[str, str]]] = {}
    for campaign_id, campaign in campaigns.items():
        key = id(campaign.questionnaire)
        if key not in themes:
            themes[key] = {i.id: ", ".join(i.themes) for i in campaign.questionnaire.items if i.themes}
            texts[key] = {i.id: i.text.get(lang) for i in campaign.questionnaire.items}
        info[campaign_id] = (campaign.project_id, audiences.get(campaign.audience, campaign.audience), themes[key],
                             texts[key])
    query = (
        select(SurveyAnswer.response_id, SurveyAnswer.campaign_id, SurveyAnswer.item_id, SurveyResponse.submitted_month,
               SurveyResponse.language, SurveyAnswer.score, SurveyAnswer.dont_know, SurveyAnswer.choices,
               SurveyAnswer.text)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyResponse.released.is_(True))
        .order_by(SurveyAnswer.id)
    )
    # Every answer of the scope less those of the few responses not released (fewer than
    # five a campaign): two index scans, where joining millions of answers to their
    # responses would take seconds.
    count = select(func.count(SurveyAnswer.id))
    waiting = (select(func.count(SurveyAnswer.id)).join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
               .where(SurveyResponse.released.is_(False)))
    ids = campaign_ids(scope)
    query = query.where(SurveyAnswer.campaign_id.in_(ids))
    count = count.where(SurveyAnswer.campaign_id.in_(ids))
    waiting = waiting.where(SurveyResponse.campaign_id.in_(ids))
    columns = (_column(lang, "response", Kind.INTEGER, 10), _column(lang, "project", Kind.INTEGER, 9),
               _column(lang, "audience", width=12), _column(lang, "question_id", width=20),
               _column(lang, "item", width=48), _column(lang, "themes", width=28), _column(lang, "month", Kind.MONTH, 9),
               _column(lang, "language", width=9), _column(lang, "score", Kind.INTEGER, 7),
               _column(lang, "dont_know", Kind.BOOLEAN, 10), _column(lang, "choices", width=24),
               _column(lang, "text", width=60))
    unknown: tuple[int | None, str | None, dict[str, str], dict[str, str]] = (None, None, {}, {})
    # Raw driver values (see _driver_stream): months are made dates once each (a few
    # distinct values); choices come as JSON text from SQLite ('null' for most answers)
    # and as lists from psycopg, and are joined once per distinct value.
    months: dict[Any, date | None] = {None: None}
    choice_texts: dict[str, str | None] = {}

    def choice_text(raw: Any) -> str | None:
        if type(raw) is str:
            if raw in choice_texts:
                return choice_texts[raw]
            found = choice_text(json.loads(raw))
            if len(choice_texts) < 10_000:
                choice_texts[raw] = found
            return found
        return ", ".join(map(str, raw)) if raw else None

    def rows() -> Iterator[tuple]:
        for response_id, campaign_id, item_id, stored, language, level, dont_know, choices, text in _driver_stream(
                session, query):
            project_id, audience, by_item, questions = info.get(campaign_id, unknown)
            if campaign_id in small:
                project_id, text = None, None
            month = months.get(stored)
            if month is None and stored is not None:
                month = months[stored] = stored if isinstance(stored, date) else date.fromisoformat(stored[:10])
            if choices is not None:
                choices = choice_text(choices)
            yield (response_id, project_id, audience, item_id, questions.get(item_id), by_item.get(item_id), month,
                   language, level, bool(dont_know), choices, text)

    return Table("responses", columns, rows(), int(session.scalar(count) or 0) - int(session.scalar(waiting) or 0))
