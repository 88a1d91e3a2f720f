"""A project's current self-assessment, read against its rubric snapshot.

Below both :mod:`assess.services.self_assessments` (which writes self-assessments and
composes the report) and :mod:`assess.services.survey_results` (whose triangulation sets
the survey figures beside the teacher's own levels): each reads the current
self-assessment from here, so neither imports the other back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from assess.domain.permissions import Actor
from assess.domain.readiness import ELIGIBILITY_QUESTIONS
from assess.domain.rubric import Rubric
from assess.domain.scoring import Score, score
from assess.reports.views import EntryView
from assess.services import _settings_values, rubrics
from assess.services.projects import get_project
from assess.storage.models import SelfAssessment


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


def load(session: Session, assessment: SelfAssessment) -> Assessment:
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
        gate_minimums=_settings_values.gate_minimums(session, rubric.id),
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
