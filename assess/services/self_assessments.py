"""A teacher's self-assessment of a project against a rubric, saved as they go."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from assess.domain.permissions import Actor
from assess.domain.project import is_web_address
from assess.domain.readiness import ELIGIBILITY_QUESTIONS
from assess.domain.rubric import LEVELS, Rubric
from assess.domain.scoring import score
from assess.reports.views import PartnerView, ProjectView, SelfAssessmentReport
from assess.services import _proposed_rubric, _settings_values, _snapshots, audit, rubrics, survey_results
from assess.services._current_assessment import Assessment as Assessment
from assess.services._current_assessment import current as current
from assess.services._current_assessment import current_of as current_of
from assess.services._current_assessment import load as _load
from assess.services.errors import FieldError, InvalidInput, NotFound
from assess.services.projects import get_project
from assess.storage.models import Project, SelfAssessment, SelfAssessmentEntry, utcnow

NOTE_MAX = 5000
LINKS_MAX = 20
class Unset(Enum):
    """A field :func:`save_entry` leaves as it is (None clears it)."""

    UNSET = "unset"


UNSET: Final = Unset.UNSET


def proposed_rubric(session: Session, *, actor: Actor, project_id: int) -> tuple[Rubric, rubrics.Proposal]:
    """The rubric a new self-assessment of the project is proposed with, and why."""
    project = get_project(session, actor=actor, project_id=project_id, permission="self_assessment.view")
    return _proposed_rubric.proposed(session, project_end=project.end_date)


def start(session: Session, *, actor: Actor, project_id: int, rubric_id: str | None = None) -> Assessment:
    """Open the self-assessment of a project against a rubric (the proposed one if not given,
    see :func:`proposed_rubric`); returns the existing one if the project was already assessed
    with this rubric version."""
    project = get_project(session, actor=actor, project_id=project_id, permission="self_assessment.edit")
    if rubric_id:
        rubric = rubrics.installed_rubric(rubric_id)
    else:
        rubric, _why = _proposed_rubric.proposed(session, project_end=project.end_date)
    stored = _open(session, actor=actor, project=project, rubric=rubric)
    session.refresh(stored)
    return _load(session, stored)


def _open(session: Session, *, actor: Actor, project: Project, rubric: Rubric) -> SelfAssessment:
    """The project's self-assessment against this rubric version, made if there is none; it
    becomes the current one."""
    version = _snapshots.rubric_version(session, rubric)
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
    return stored


@dataclass(frozen=True)
class RubricChange:
    """What changing a self-assessment's rubric does: the items whose levels, notes and links
    carry over (same id in both rubrics) and those that do not (with the level given, None
    for a note or links alone). Those left behind stay stored with the former rubric."""

    source: Rubric
    target: Rubric
    kept: tuple[str, ...]
    left_behind: tuple[tuple[str, int | None], ...]

    @property
    def loses_anything(self) -> bool:
        return bool(self.left_behind)


def _given(entry: SelfAssessmentEntry) -> bool:
    return entry.level is not None or bool(entry.evidence_note) or bool(entry.evidence_links)


def _change(stored: SelfAssessment, target: Rubric) -> RubricChange:
    source = rubrics.from_snapshot(stored.rubric_version)
    target_items = {i.id for i in [*target.criteria, *target.gates]}
    order = [i.id for i in [*source.criteria, *source.gates]]
    given = sorted((e for e in stored.entries if _given(e)), key=lambda e: order.index(e.item_id) if e.item_id in order else len(order))
    return RubricChange(
        source=source, target=target,
        kept=tuple(e.item_id for e in given if e.item_id in target_items),
        left_behind=tuple((e.item_id, e.level) for e in given if e.item_id not in target_items),
    )


def rubric_change(session: Session, *, actor: Actor, assessment_id: int, rubric_id: str) -> RubricChange:
    """What :func:`change_rubric` would carry over and leave behind, to show before doing it."""
    stored = _editable(session, actor=actor, assessment_id=assessment_id)
    return _change(stored, rubrics.installed_rubric(rubric_id))


def change_rubric(session: Session, *, actor: Actor, assessment_id: int, rubric_id: str) -> Assessment:
    """Go on with the project's self-assessment against another installed rubric. A
    self-assessment is the teacher's working draft (nothing freezes it), so it may change
    rubric at any time. Levels, notes and links of items whose id is in both rubrics carry
    over, as do the eligibility answers; the others stay stored with the former rubric and
    come back if the teacher returns to it (see :func:`rubric_change`)."""
    stored = _editable(session, actor=actor, assessment_id=assessment_id)
    change = _change(stored, rubrics.installed_rubric(rubric_id))
    target = _open(session, actor=actor, project=stored.project, rubric=change.target)
    if target.id == stored.id:
        session.refresh(target)
        return _load(session, target)
    # Every entry of a shared item, a cleared one too: the latest word on it is the teacher's.
    shared = {i.id for i in [*change.target.criteria, *change.target.gates]}
    carried = {e.item_id: e for e in stored.entries if e.item_id in shared}
    for item_id, source_entry in carried.items():
        entry = next((e for e in target.entries if e.item_id == item_id), None)
        if entry is None:
            entry = SelfAssessmentEntry(item_id=item_id)
            target.entries.append(entry)
        entry.level = source_entry.level
        entry.evidence_note = source_entry.evidence_note or ""
        entry.evidence_links = list(source_entry.evidence_links or ())
        entry.updated_by = actor.id
    target.eligibility = dict(stored.eligibility)
    target.updated_by = actor.id
    target.updated_at = utcnow()  # the current one from now on
    audit.record(session, actor=actor, action="self_assessment.rubric", entity_type="self_assessment", entity_id=target.id,
                 details={"from": stored.id, "rubric": change.target.id, "version": change.target.version,
                          "kept": list(change.kept), "left_behind": [i for i, _level in change.left_behind]})
    session.flush()
    session.refresh(target)
    return _load(session, target)


def _editable(session: Session, *, actor: Actor, assessment_id: int) -> SelfAssessment:
    stored = session.get(SelfAssessment, assessment_id)
    # Same refusal for a missing assessment and another teacher's one.
    if stored is None:
        raise NotFound()
    get_project(session, actor=actor, project_id=stored.project_id, permission="self_assessment.edit")
    return stored


def clean_links(links: Iterable[str] | str) -> tuple[str, ...]:
    """Evidence links from a list or from text with one address per line; refuses anything
    that is not an http(s) address."""
    lines = links.splitlines() if isinstance(links, str) else links
    cleaned = tuple(dict.fromkeys(link.strip() for link in lines if link.strip()))
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
    level: int | Unset | None = UNSET,
    evidence_note: str | Unset = UNSET,
    evidence_links: list[str] | str | Unset = UNSET,
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
    changed: dict[str, object] = {}
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
    # Yes (True), no (False) or not answered (None): "no" is an answer, kept as such.
    wrong = [q for q, a in answers.items() if a is not None and not isinstance(a, bool)]
    if wrong:
        raise InvalidInput([FieldError("eligibility", "errors.eligibility_answer", {"value": q}) for q in sorted(wrong)])
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
        rubric, _why = _proposed_rubric.proposed(session, project_end=project.end_date)
        assessment_score = score(rubric, levels={}, gates={}, gate_minimums=_settings_values.gate_minimums(session, rubric.id))
        entries, eligibility = {}, {}
    else:
        rubric, assessment_score = assessment.rubric, assessment.score
        entries, eligibility = assessment.entries, assessment.eligibility
    surveys = survey_results.report_section(
        session, actor=actor, project_id=project_id, rubric=rubric,
        self_levels=assessment_score.whole_levels(),
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
