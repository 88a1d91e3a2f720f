"""Verdict letters of a round: one :class:`VerdictLetterView` per published decision.

Read straight from the jury tables (rounds, applications, decisions, scores) so that a
letter says exactly what was published: the decision's outcome and aggregate levels,
scored against the round's own rubric snapshot, and the comments the jurors wrote for
the teacher. Jurors' private notes are never selected.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from assess.domain.permissions import PERMISSIONS, Actor
from assess.domain.rubric import Rubric
from assess.domain.scoring import score
from assess.reports.views import CriterionFeedback, OfficeView, VerdictLetterView
from assess.services import rubrics, settings
from assess.services.access import authorize
from assess.services.errors import NotFound
from assess.services.self_assessments import project_view
from assess.storage.models import Application, Assignment, Decision, JurorScore, Project, ProjectPartner, Round, User

# "decision.manage" (admin or the command line) is the jury's permission; older
# installations without it fall back to the settings one (admin only).
_PERMISSION = "decision.manage" if "decision.manage" in PERMISSIONS else "settings.manage"


def _office_view(session: Session) -> OfficeView:
    """The national office from the settings; empty fields stay empty (the letter then
    prints its default office name, no address, our logo)."""
    office = settings.office(session)
    return OfficeView(
        name=office["name"],
        address=office["address"],  # line breaks inside are kept and printed
        signatory=office["signatory"],
        place=office["place"],
        logo=settings.office_logo(session),
    )


def _split_levels(rubric: Rubric, levels: dict[str, float]) -> tuple[dict[str, float], dict[str, float]]:
    """The decision's aggregate levels as (criteria, gates); ids the rubric does not know
    (there should be none) are left out rather than failing the letter."""
    criteria = {c.id for c in rubric.criteria}
    gates = {g.id for g in rubric.gates}
    return (
        {k: float(v) for k, v in levels.items() if k in criteria and v is not None},
        {k: float(v) for k, v in levels.items() if k in gates and v is not None},
    )


def _comments(session: Session, application_ids: list[int]) -> dict[int, dict[str, list[str]]]:
    """Per application and item, the comments of jurors who submitted, in assignment order.
    Only ``comment`` is selected: the private note never leaves the database here."""
    found: dict[int, dict[str, list[str]]] = {}
    if not application_ids:
        return found
    rows = session.execute(
        select(Assignment.application_id, JurorScore.item_id, JurorScore.comment)
        .join(JurorScore, JurorScore.assignment_id == Assignment.id)
        .where(Assignment.application_id.in_(application_ids), Assignment.submitted_at.is_not(None))
        .order_by(Assignment.application_id, Assignment.id, JurorScore.id)
    ).all()
    for application_id, item_id, comment in rows:
        if comment and comment.strip():
            found.setdefault(application_id, {}).setdefault(item_id, []).append(comment.strip())
    return found


def verdict_letters(session: Session, *, actor: Actor, round_id: int) -> list[VerdictLetterView]:
    """The letters of a round's published decisions, by application id; an empty list if
    none is published yet. Admins and the command line only."""
    authorize(session, actor, _PERMISSION)
    return _published_letters(session, round_id=round_id)


def _published_letters(session: Session, *, round_id: int, application_ids: set[int] | None = None) -> list[VerdictLetterView]:
    """:func:`verdict_letters` without the permission check, optionally for some
    applications only: for a caller that checked its own (a teacher's data download,
    assess.services.privacy)."""
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise NotFound("letters.errors.unknown_round", value=round_id)
    rubric = rubrics.from_snapshot(round_.rubric_version)
    office = _office_view(session)
    gate_minimums = settings.gate_minimums(session, rubric.id)
    rows = session.execute(
        select(Decision, Application)
        .join(Application, Application.id == Decision.application_id)
        .where(Application.round_id == round_.id, Decision.published_at.is_not(None),
               *([Application.id.in_(application_ids)] if application_ids is not None else []))
        .options(
            selectinload(Application.project).selectinload(Project.owner),
            selectinload(Application.project).selectinload(Project.school),
            selectinload(Application.project).selectinload(Project.partners).selectinload(ProjectPartner.school),
        )
        .order_by(Application.id)
    ).all()
    comments = _comments(session, [application.id for _, application in rows])
    teachers = {
        user.id: user.display_name
        for user in session.scalars(select(User).where(User.id.in_({a.teacher_id for _, a in rows})))
    } if rows else {}

    letters = []
    for decision, application in rows:
        criteria, gates = _split_levels(rubric, dict(decision.levels or {}))
        said = comments.get(application.id, {})
        feedback = tuple(
            CriterionFeedback(
                criterion_id=item.id,
                level=criteria.get(item.id, gates.get(item.id)),
                comments=tuple(said.get(item.id, ())),
            )
            for item in (*rubric.criteria, *rubric.gates)
        )
        project = project_view(application.project)
        teacher = teachers.get(application.teacher_id)
        letters.append(
            VerdictLetterView(
                application_id=application.id,
                round_name=round_.name,
                office=office,
                project=replace(project, teacher=teacher) if teacher else project,
                language=application.language or "en",
                rubric=rubric,
                score=score(rubric, levels=criteria, gates=gates, gate_minimums=gate_minimums, fractional=True),
                outcome=decision.outcome,
                feedback=feedback,
                published_at=decision.published_at,
                summary=(decision.consensus_note or "").strip(),
            )
        )
    return letters
