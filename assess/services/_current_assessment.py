"""A project's current self-assessment, read against its rubric snapshot.

Below both :mod:`assess.services.self_assessments` (which writes self-assessments and
composes the report) and :mod:`assess.services.survey_results` (whose triangulation sets
the survey figures beside the teacher's own levels): each reads the current
self-assessment from here, so neither imports the other back.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from assess.domain.permissions import Actor, can
from assess.domain.readiness import ELIGIBILITY_QUESTIONS
from assess.domain.rubric import Rubric
from assess.domain.scoring import Score, score
from assess.reports.views import EntryView
from assess.services import _settings_values, rubrics
from assess.services.access import check_actor
from assess.services.errors import NotFound
from assess.services.projects import get_project
from assess.storage.models import Project, SelfAssessment


@dataclass(frozen=True)
class Assessment:
    """A self-assessment with the rubric it is read against and its current score."""

    id: int
    project_id: int
    rubric: Rubric
    entries: dict[str, EntryView]
    eligibility: dict[str, bool | None]
    score: Score
    updated_at: datetime


def load(session: Session, assessment: SelfAssessment, *,
         gate_minimums: dict[str, dict[str, int]] | None = None) -> Assessment:
    """The stored self-assessment read against its snapshot; ``gate_minimums`` is the
    setting when the caller read it once for several (:func:`current_of`)."""
    rubric = rubrics.from_snapshot(assessment.rubric_version)
    entries = {
        e.item_id: EntryView(level=e.level, evidence_note=e.evidence_note or "", evidence_links=tuple(e.evidence_links or ()))
        for e in assessment.entries
    }
    criteria_ids = {c.id for c in rubric.criteria}
    result = score(
        rubric,
        levels={k: v.level for k, v in entries.items() if k in criteria_ids},
        gates={k: v.level for k, v in entries.items() if k not in criteria_ids},
        gate_minimums=(_settings_values.gate_minimums(session, rubric.id) if gate_minimums is None
                       else dict(gate_minimums.get(rubric.id, {}))),
    )
    return Assessment(
        id=assessment.id,
        project_id=assessment.project_id,
        rubric=rubric,
        entries=entries,
        eligibility={q: assessment.eligibility.get(q) for q in ELIGIBILITY_QUESTIONS},
        score=result,
        updated_at=assessment.updated_at,
    )


def stored(session: Session, *, actor: Actor, project_id: int, permission: str) -> SelfAssessment | None:
    get_project(session, actor=actor, project_id=project_id, permission=permission)
    return session.scalar(
        select(SelfAssessment)
        .where(SelfAssessment.project_id == project_id)
        .options(selectinload(SelfAssessment.entries), selectinload(SelfAssessment.rubric_version))
        .order_by(SelfAssessment.updated_at.desc(), SelfAssessment.id.desc())
        .limit(1)
    )


def current(session: Session, *, actor: Actor, project_id: int) -> Assessment | None:
    """The project's latest self-assessment, or None if the teacher has not started one."""
    found = stored(session, actor=actor, project_id=project_id, permission="self_assessment.view")
    return load(session, found) if found else None


def current_of(session: Session, *, actor: Actor, project_ids: Collection[int]) -> dict[int, Assessment]:
    """:func:`current` of several projects, by project id (those not started left out), in
    a few queries for them all rather than a few for each."""
    if not project_ids:
        return {}
    # get_project's refusal, the actor checked once rather than read again for each project
    check_actor(session, actor, "self_assessment.view")
    for project_id in project_ids:
        project = session.get(Project, project_id)
        if project is None or not can(actor, "self_assessment.view", project):
            raise NotFound()
    ranked = select(
        SelfAssessment.id,
        func.row_number().over(partition_by=SelfAssessment.project_id,
                               order_by=(SelfAssessment.updated_at.desc(), SelfAssessment.id.desc())).label("rank"),
    ).where(SelfAssessment.project_id.in_(list(project_ids))).subquery()
    latest = session.scalars(
        select(SelfAssessment)
        .where(SelfAssessment.id.in_(select(ranked.c.id).where(ranked.c.rank == 1)))
        .options(selectinload(SelfAssessment.entries), selectinload(SelfAssessment.rubric_version))
    )
    minimums = _settings_values.get(session, "gate_minimums")
    return {found.project_id: load(session, found, gate_minimums=minimums) for found in latest}
