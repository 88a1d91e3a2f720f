"""A teacher's self-assessment of a project against a rubric, saved as they go."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from assess.domain.permissions import Actor
from assess.domain.project import is_web_address
from assess.domain.readiness import ELIGIBILITY_QUESTIONS
from assess.domain.rubric import LEVELS, Rubric
from assess.domain.scoring import Score, score
from assess.reports.views import EntryView, PartnerView, ProjectView, SelfAssessmentReport
from assess.services import audit, rubrics, settings, survey_results
from assess.services.errors import FieldError, InvalidInput
from assess.services.projects import get_project
from assess.storage.models import Project, SelfAssessment, SelfAssessmentEntry, utcnow

NOTE_MAX = 5000
LINKS_MAX = 20
UNSET = object()


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


def _load(session: Session, assessment: SelfAssessment) -> Assessment:
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
        gate_minimums=settings.gate_minimums(session, rubric.id),
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


def _stored(session: Session, *, actor: Actor, project_id: int, permission: str) -> SelfAssessment | None:
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
    stored = _stored(session, actor=actor, project_id=project_id, permission="self_assessment.view")
    return _load(session, stored) if stored else None


def start(session: Session, *, actor: Actor, project_id: int, rubric_id: str | None = None) -> Assessment:
    """Open the self-assessment of a project against a rubric (the default one if not given);
    returns the existing one if the project was already assessed with this rubric version."""
    project = get_project(session, actor=actor, project_id=project_id, permission="self_assessment.edit")
    rubric = rubrics.installed_rubric(rubric_id) if rubric_id else rubrics.installed().default
    version = rubrics.snapshot(session, rubric)
    stored = session.scalar(
        select(SelfAssessment).where(SelfAssessment.project_id == project.id, SelfAssessment.rubric_version_id == version.id)
    )
    if stored is None:
        stored = SelfAssessment(project=project, rubric_version=version, eligibility={}, created_by=actor.id, updated_by=actor.id)
        session.add(stored)
        session.flush()
        audit.record(session, actor=actor, action="self_assessment.start", entity_type="self_assessment", entity_id=stored.id,
                     details={"project": project.id, "rubric": rubric.id, "version": rubric.version})
    else:
        stored.updated_at = utcnow()
        session.flush()
    session.refresh(stored)
    return _load(session, stored)


def _editable(session: Session, *, actor: Actor, assessment_id: int) -> SelfAssessment:
    stored = session.get(SelfAssessment, assessment_id)
    project = session.get(Project, stored.project_id) if stored else None
    # Same refusal for a missing assessment and another teacher's one.
    get_project(session, actor=actor, project_id=project.id if project else -1, permission="self_assessment.edit")
    return stored


def clean_links(links: list[str] | tuple[str, ...] | str) -> tuple[str, ...]:
    """Evidence links from a list or from text with one address per line; refuses anything
    that is not an http(s) address."""
    if isinstance(links, str):
        links = links.splitlines()
    cleaned = tuple(dict.fromkeys(link.strip() for link in links if link.strip()))
    errors = [FieldError("evidence_links", "errors.not_a_url", {"value": link[:80]}) for link in cleaned if not is_web_address(link)]
    if len(cleaned) > LINKS_MAX:
        errors.append(FieldError("evidence_links", "errors.too_many", {"max": LINKS_MAX}))
    if errors:
        raise InvalidInput(errors)
    return cleaned


def save_entry(
    session: Session,
    *,
    actor: Actor,
    assessment_id: int,
    item_id: str,
    level: int | None | object = UNSET,
    evidence_note: str | object = UNSET,
    evidence_links: list[str] | str | object = UNSET,
) -> Assessment:
    """Save what the teacher said about one criterion or gate; only the given fields change."""
    stored = _editable(session, actor=actor, assessment_id=assessment_id)
    rubric = rubrics.from_snapshot(stored.rubric_version)
    try:
        rubric.item(item_id)
    except KeyError:
        raise InvalidInput([FieldError("item_id", "errors.unknown_item", {"value": item_id})]) from None
    errors = []
    if level is not UNSET and level is not None and (isinstance(level, bool) or not isinstance(level, int) or level not in LEVELS):
        errors.append(FieldError("level", "errors.level_range", {}))
    if evidence_note is not UNSET and len(str(evidence_note)) > NOTE_MAX:
        errors.append(FieldError("evidence_note", "errors.too_long", {"max": NOTE_MAX}))
    if errors:
        raise InvalidInput(errors)
    links = clean_links(evidence_links) if evidence_links is not UNSET else UNSET

    entry = next((e for e in stored.entries if e.item_id == item_id), None)
    if entry is None:
        entry = SelfAssessmentEntry(item_id=item_id, evidence_note="", evidence_links=[])
        stored.entries.append(entry)
    changed = {}
    if level is not UNSET and entry.level != level:
        changed["level"] = [entry.level, level]
        entry.level = level
    if evidence_note is not UNSET and entry.evidence_note != str(evidence_note):
        changed["evidence_note"] = True
        entry.evidence_note = str(evidence_note)
    if links is not UNSET and tuple(entry.evidence_links or ()) != links:
        changed["evidence_links"] = len(links)
        entry.evidence_links = list(links)
    if changed:
        entry.updated_by = actor.id
        stored.updated_by = actor.id
        stored.updated_at = utcnow()
        audit.record(session, actor=actor, action="self_assessment.save", entity_type="self_assessment", entity_id=stored.id,
                     details={"item": item_id, **changed})
    session.flush()
    return _load(session, stored)


def save_eligibility(session: Session, *, actor: Actor, assessment_id: int, answers: dict[str, bool | None]) -> Assessment:
    stored = _editable(session, actor=actor, assessment_id=assessment_id)
    unknown = set(answers) - set(ELIGIBILITY_QUESTIONS)
    if unknown:
        raise InvalidInput([FieldError("eligibility", "errors.unknown_item", {"value": q}) for q in sorted(unknown)])
    merged = {**stored.eligibility, **{q: a for q, a in answers.items() if a is not None}}
    for q, a in answers.items():
        if a is None:
            merged.pop(q, None)
    if merged != dict(stored.eligibility):
        stored.eligibility = merged
        stored.updated_by = actor.id
        stored.updated_at = utcnow()
        audit.record(session, actor=actor, action="self_assessment.eligibility", entity_type="self_assessment", entity_id=stored.id,
                     details=dict(merged))
    session.flush()
    return _load(session, stored)


def report(session: Session, *, actor: Actor, project_id: int) -> SelfAssessmentReport:
    """Everything the PDF self-assessment report shows, as plain values."""
    project = get_project(session, actor=actor, project_id=project_id, permission="report.self_assessment")
    assessment = current(session, actor=actor, project_id=project_id)
    if assessment is None:
        rubric = rubrics.installed().default
        assessment_score = score(rubric, levels={}, gates={}, gate_minimums=settings.gate_minimums(session, rubric.id))
        entries, eligibility = {}, {}
    else:
        rubric, assessment_score = assessment.rubric, assessment.score
        entries, eligibility = assessment.entries, assessment.eligibility
    surveys = survey_results.report_section(
        session, actor=actor, project_id=project_id, rubric=rubric,
        self_levels={c.criterion_id: c.level for c in assessment_score.criteria},
    )
    return SelfAssessmentReport(
        project=project_view(project),
        rubric=rubric,
        score=assessment_score,
        entries=entries,
        eligibility=eligibility,
        generated_at=utcnow(),
        surveys=surveys,
    )


def project_view(project: Project) -> ProjectView:
    return ProjectView(
        id=project.id,
        title=project.title,
        summary=project.summary or "",
        teacher=project.owner.display_name,
        school=project.school.name if project.school else None,
        country=project.school.country if project.school else None,
        start_date=project.start_date,
        end_date=project.end_date,
        age_min=project.age_min,
        age_max=project.age_max,
        subjects=tuple(project.subjects or ()),
        languages=tuple(project.languages or ()),
        twinspace_url=project.twinspace_url,
        partners=tuple(PartnerView(school=p.school.name, country=p.school.country, region=p.school.region) for p in project.partners),
    )
