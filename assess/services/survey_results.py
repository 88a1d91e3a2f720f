"""A project's survey results and their triangulation with the teacher's self-assessment.

The database counts (GROUP BY audience, item, score...): answers are never loaded one by
one, except the comments of audiences shown apart. The figures themselves are computed in
:mod:`assess.domain.survey_results`, which also says how to read them.

Privacy (docs/surveys.md, "Anonymity"): only *released* responses are read
(:mod:`assess.services.survey_release`: five or more at a time), so two readings never
differ by fewer than MIN_GROUP respondents; an audience with fewer than MIN_GROUP
respondents is not shown apart (figures, items and comments), nor is an item, or the
comments of a question, with fewer than MIN_GROUP answers; comments are listed in
alphabetical order, with nothing that ties a comment to the other answers of the same
response.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from assess.domain.content import LocalizedText
from assess.domain.permissions import Actor
from assess.domain.questionnaire import Item, ItemType, Questionnaire
from assess.domain.rubric import Rubric
from assess.domain.survey_results import (
    MIN_GROUP,
    Counts,
    Figures,
    GroupResults,
    Indicators,
    TriangulationRow,
    compute,
    triangulate,
)
from assess.reports.views import SurveySectionView
from assess.services import _proposed_rubric, _settings_values, campaigns, questionnaires
from assess.services._current_assessment import current as current_assessment
from assess.services.access import check_actor, permitted
from assess.services.campaigns import CampaignSummary
from assess.services.projects import get_project
from assess.storage.models import Project, SurveyAnswer, SurveyCampaign, SurveyResponse, utcnow


@dataclass(frozen=True)
class ItemComments:
    """The answers to one text item, in alphabetical order."""

    item_id: str
    text: LocalizedText
    comments: tuple[str, ...]


@dataclass(frozen=True)
class AudienceResults:
    audience: str
    #: The audience's campaigns (newest first), each with its own participation.
    campaigns: tuple[CampaignSummary, ...]
    #: Figures (items, criteria, themes); hidden under MIN_GROUP respondents.
    group: GroupResults
    #: Text items and their answers; empty when the group is hidden. A question with fewer
    #: than MIN_GROUP comments is left out.
    comments: tuple[ItemComments, ...]
    #: Responses stored but not in the figures yet: they count once MIN_GROUP of them wait
    #: (or the campaign is closed).
    waiting: int = 0

    @property
    def respondents(self) -> int:
        return self.group.respondents

    @property
    def hidden(self) -> bool:
        return self.group.hidden

    @property
    def codes_issued(self) -> int:
        return sum(c.codes_issued for c in self.campaigns)

    @property
    def codes_used(self) -> int:
        return sum(c.codes_used for c in self.campaigns)

    @property
    def participation(self) -> float | None:
        """Codes used / issued over the audience's code campaigns; None without codes."""
        return self.codes_used / self.codes_issued if self.codes_issued else None


@dataclass(frozen=True)
class ProjectResults:
    project_id: int
    project_title: str
    rubric: Rubric
    #: Every campaign of the project, newest first.
    campaigns: tuple[CampaignSummary, ...]
    #: One per audience with a campaign, in Audience order (pupils, families, teachers).
    audiences: tuple[AudienceResults, ...]
    indicators: Indicators
    generated_at: datetime
    min_group: int = MIN_GROUP

    @property
    def overall(self) -> GroupResults:
        """All audiences together (hidden under MIN_GROUP respondents in all)."""
        return self.indicators.overall

    @property
    def respondents(self) -> int:
        return self.indicators.overall.respondents

    def audience(self, audience: str) -> AudienceResults | None:
        for found in self.audiences:
            if found.audience == audience:
                return found
        return None

    def to_dict(self, *, lang: str = "en") -> dict:
        """A JSON-ready view (``assess survey results --json``); texts in ``lang``. Comments
        are left out."""

        def figures(f: Figures | None) -> dict:
            return {"hidden": True} if f is None else f.to_dict()

        def group(g: GroupResults) -> dict:
            return {
                "respondents": g.respondents,
                "hidden": g.hidden,
                "criteria": None if g.hidden else [
                    {"id": c.id, "name": c.name.get(lang), **figures(g.criterion(c.id))} for c in self.rubric.criteria
                ],
                "themes": None if g.hidden else {theme: figures(f) for theme, f in g.themes.items()},
            }

        return {
            "project": {"id": self.project_id, "title": self.project_title},
            "rubric": {"id": self.rubric.id, "version": self.rubric.version},
            "min_group": self.min_group,
            "respondents": self.respondents,
            "audiences": [
                {
                    "audience": a.audience,
                    "codes_issued": a.codes_issued,
                    "codes_used": a.codes_used,
                    "participation": a.participation,
                    # Responses not in the figures yet (they count five or more at a time).
                    "waiting": a.waiting,
                    "hidden_items": a.group.hidden_items,
                    "campaigns": [
                        {"id": c.id, "mode": c.mode, "questionnaire": c.questionnaire_id, "status": c.status.value,
                         "opens_on": c.opens_on.isoformat(), "closes_on": c.closes_on.isoformat(),
                         "responses": c.responses, "codes_issued": c.codes_issued, "codes_used": c.codes_used,
                         "participation": c.participation}
                        for c in a.campaigns
                    ],
                    **group(a.group),
                    "items": None if a.hidden else [
                        {
                            "id": item.id,
                            "type": item.type,
                            "text": item.text.get(lang),
                            "themes": list(item.themes),
                            **(item.figures.to_dict() if item.figures else {
                                "answered": item.choice_answers,
                                "options": [{"id": o.id, "text": o.text.get(lang), "count": o.count, "share": o.share}
                                            for o in item.options],
                            }),
                        }
                        for item in a.group.items
                    ],
                }
                for a in self.audiences
            ],
            "overall": group(self.overall),
        }


def _items_by_audience(stored: list[SurveyCampaign]) -> tuple[dict[str, list[Item]], dict[str, dict[str, Item]]]:
    """Audience -> items of its questionnaires (the newest campaign's first, in its order),
    and audience -> text items by id."""
    items: dict[str, dict[str, Item]] = {}
    seen: dict[int, Questionnaire] = {}
    for campaign in stored:  # newest first: its texts win for items of the same id
        version = campaign.questionnaire_version
        questionnaire = seen.get(version.id) or questionnaires.from_snapshot(version)
        seen[version.id] = questionnaire
        listed = items.setdefault(campaign.audience, {})
        for item in questionnaire.items:
            listed.setdefault(item.id, item)
    ordered = {audience: list(found.values()) for audience, found in items.items()}
    texts = {audience: {i.id: i for i in found if i.type is ItemType.TEXT} for audience, found in ordered.items()}
    return ordered, texts


def _counts(session: Session, project_id: int) -> Counts:
    """Every count the figures need, each from one GROUP BY query."""
    of_project = (
        select(SurveyCampaign.audience, SurveyAnswer.item_id)
        .select_from(SurveyAnswer)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .join(SurveyCampaign, SurveyCampaign.id == SurveyResponse.campaign_id)
        .where(SurveyCampaign.project_id == project_id, SurveyResponse.released.is_(True))
    )
    scores: dict[tuple[str, str, int], int] = {}
    dont_know: dict[tuple[str, str], int] = {}
    query = (
        of_project.add_columns(SurveyAnswer.score, SurveyAnswer.dont_know, func.count())
        .where((SurveyAnswer.score.is_not(None)) | (SurveyAnswer.dont_know.is_(True)))
        .group_by(SurveyCampaign.audience, SurveyAnswer.item_id, SurveyAnswer.score, SurveyAnswer.dont_know)
    )
    for audience, item_id, score, unknown, n in session.execute(query):
        if score is not None:
            scores[(audience, item_id, int(score))] = scores.get((audience, item_id, int(score)), 0) + n
        elif unknown:
            dont_know[(audience, item_id)] = dont_know.get((audience, item_id), 0) + n

    # Choice answers are JSON lists of option ids: counted per distinct list (a handful per
    # item), then spread over their options here.
    options: dict[tuple[str, str, str], int] = {}
    choice_answers: dict[tuple[str, str], int] = {}
    query = (
        of_project.add_columns(SurveyAnswer.choices, func.count())
        .where(and_(SurveyAnswer.score.is_(None), SurveyAnswer.dont_know.is_(False), SurveyAnswer.text.is_(None)))
        .group_by(SurveyCampaign.audience, SurveyAnswer.item_id, SurveyAnswer.choices)
    )
    for audience, item_id, choices, n in session.execute(query):
        if not isinstance(choices, list) or not choices:
            continue
        choice_answers[(audience, item_id)] = choice_answers.get((audience, item_id), 0) + n
        for option_id in set(choices):
            key = (audience, item_id, str(option_id))
            options[key] = options.get(key, 0) + n

    return Counts(scores=scores, dont_know=dont_know, options=options, choice_answers=choice_answers,
                  respondents=_respondents(session, project_id, released=True))


def _respondents(session: Session, project_id: int, *, released: bool | None) -> dict[str, int]:
    """Audience -> responses (``released``: True, those in the figures; False, those waiting;
    None, all)."""
    query = (
        select(SurveyCampaign.audience, func.count(SurveyResponse.id))
        .select_from(SurveyResponse)
        .join(SurveyCampaign, SurveyCampaign.id == SurveyResponse.campaign_id)
        .where(SurveyCampaign.project_id == project_id)
        .group_by(SurveyCampaign.audience)
    )
    if released is not None:
        query = query.where(SurveyResponse.released.is_(released))
    return {audience: int(n) for audience, n in session.execute(query)}


def _comments(session: Session, project_id: int, audience: str, text_items: dict[str, Item]) -> tuple[ItemComments, ...]:
    if not text_items:
        return ()
    rows = session.execute(
        select(SurveyAnswer.item_id, SurveyAnswer.text)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .join(SurveyCampaign, SurveyCampaign.id == SurveyResponse.campaign_id)
        .where(SurveyCampaign.project_id == project_id, SurveyCampaign.audience == audience,
               SurveyResponse.released.is_(True),
               SurveyAnswer.item_id.in_(list(text_items)), SurveyAnswer.text.is_not(None))
    ).all()
    found: dict[str, list[str]] = {}
    for item_id, text in rows:
        if text and text.strip():
            found.setdefault(item_id, []).append(text.strip())
    # Sorted by the text itself (the same on every database), never by storage order:
    # the order must not tell which response a comment came with. A question fewer than
    # MIN_GROUP people commented on shows none: in a class, one comment is one pupil.
    return tuple(
        ItemComments(item_id, item.text, tuple(sorted(found[item_id], key=lambda s: (s.casefold(), s))))
        for item_id, item in text_items.items()
        if len(found.get(item_id, ())) >= MIN_GROUP
    )


def _default_rubric(session: Session, *, actor: Actor, project: Project) -> Rubric:
    if permitted(session, actor, "self_assessment.view", project):
        assessment = current_assessment(session, actor=actor, project_id=project.id)
        if assessment is not None:
            return assessment.rubric
    # As a self-assessment started now would be: the office's default, else the school year's.
    return _proposed_rubric.proposed(session, project_end=project.end_date)[0]


def project_results(session: Session, *, actor: Actor, project_id: int, rubric: Rubric | None = None) -> ProjectResults:
    """Every figure of the project's surveys, against ``rubric`` (default: the rubric of the
    teacher's current self-assessment, else the rubric proposed for one)."""
    project = get_project(session, actor=actor, project_id=project_id, permission="survey.results")
    rubric = rubric or _default_rubric(session, actor=actor, project=project)
    summaries = tuple(campaigns.list_campaigns(session, actor=actor, project_id=project.id))
    stored = list(session.scalars(
        select(SurveyCampaign).where(SurveyCampaign.project_id == project.id)
        .order_by(SurveyCampaign.created_at.desc(), SurveyCampaign.id.desc())
    ))
    items, text_items = _items_by_audience(stored)
    indicators = compute(rubric=rubric, items=items, counts=_counts(session, project.id))
    waiting = _respondents(session, project.id, released=False)
    audiences = []
    for group in indicators.groups:
        audience = group.audience
        if audience is None:  # (each group is one audience; all of them together is indicators.overall)
            continue
        comments = () if group.hidden else _comments(session, project.id, audience, text_items.get(audience, {}))
        audiences.append(AudienceResults(
            audience=audience,
            campaigns=tuple(c for c in summaries if c.audience == audience),
            group=group,
            comments=comments,
            waiting=waiting.get(audience, 0),
        ))
    return ProjectResults(
        project_id=project.id,
        project_title=project.title,
        rubric=rubric,
        campaigns=summaries,
        audiences=tuple(audiences),
        indicators=indicators,
        generated_at=utcnow(),
    )


def triangulation(session: Session, *, actor: Actor, project_id: int) -> list[TriangulationRow]:
    """The teacher's current self-assessed levels beside each audience's comparable level,
    per counted criterion; gaps of the ``triangulation_gap`` setting or more are flagged.
    Without a self-assessment, the default rubric and no self levels (nothing flagged)."""
    rows, _ = triangulation_with_results(session, actor=actor, project_id=project_id)
    return rows


def triangulation_with_results(
    session: Session, *, actor: Actor, project_id: int
) -> tuple[list[TriangulationRow], ProjectResults]:
    """:func:`triangulation` and the results it was read from (for pages showing both)."""
    project = get_project(session, actor=actor, project_id=project_id, permission="survey.results")
    assessment = current_assessment(session, actor=actor, project_id=project_id)
    rubric = assessment.rubric if assessment else _proposed_rubric.proposed(session, project_end=project.end_date)[0]
    self_levels = assessment.score.whole_levels() if assessment else {}
    results = project_results(session, actor=actor, project_id=project_id, rubric=rubric)
    rows = triangulate(rubric=rubric, self_levels=self_levels, indicators=results.indicators,
                       threshold=gap_threshold(session, actor=actor))
    return rows, results


def report_section(
    session: Session, *, actor: Actor, project_id: int, rubric: Rubric, self_levels: Mapping[str, int | None]
) -> SurveySectionView | None:
    """The survey section of the self-assessment report, or None when the project has no
    survey answer yet (or the actor may not read its results)."""
    project = get_project(session, actor=actor, project_id=project_id, permission="report.self_assessment")
    if not permitted(session, actor, "survey.results", project):
        return None
    answered = session.scalar(
        select(func.count(SurveyResponse.id))
        .join(SurveyCampaign, SurveyCampaign.id == SurveyResponse.campaign_id)
        .where(SurveyCampaign.project_id == project.id, SurveyResponse.released.is_(True))
    )
    if not answered:
        return None
    results = project_results(session, actor=actor, project_id=project.id, rubric=rubric)
    threshold = gap_threshold(session, actor=actor)
    rows = triangulate(rubric=rubric, self_levels=self_levels, indicators=results.indicators, threshold=threshold)
    return SurveySectionView(
        triangulation=tuple(rows),
        threshold=threshold,
        respondents={a.audience: a.respondents for a in results.audiences},
        min_group=MIN_GROUP,
    )


def gap_threshold(session: Session, *, actor: Actor) -> float:
    """The gap between self-assessed and survey levels from which a row is flagged."""
    check_actor(session, actor, "survey.results")
    return float(_settings_values.get(session, "triangulation_gap"))
