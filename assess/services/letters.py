"""Verdict letters of a round: one :class:`VerdictLetterView` per published decision,
and one :class:`CertificateView` per published label.

Read straight from the jury tables (rounds, applications, decisions, scores) so that a
letter says exactly what was published: the decision's outcome and aggregate levels,
scored against the round's own rubric snapshot, and the comments the jurors wrote for
the teacher. Jurors' private notes are never selected.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from assess.domain.permissions import Actor, VerdictFacts
from assess.domain.rubric import Rubric
from assess.domain.scoring import score
from assess.domain.states import Verdict
from assess.i18n import default_language
from assess.reports.filenames import certificate_filename, letter_filename
from assess.reports.views import CertificateView, CriterionFeedback, OfficeView, PartnerView, VerdictLetterView
from assess.services import _settings_values, rubrics
from assess.services.access import authorize, permitted
from assess.services.errors import NotFound
from assess.services.self_assessments import project_view
from assess.storage.models import Application, Assignment, Decision, JurorScore, Project, ProjectPartner, Round, User

# Letters and certificates are the jury's documents: the permission that decides verdicts.
_PERMISSION = "decision.manage"


def _office_view(session: Session) -> OfficeView:
    """The national office from the settings; empty fields stay empty (the letter then
    prints its default office name, no address, our logo)."""
    office = _settings_values.office(session)
    return OfficeView(
        name=office["name"],
        address=office["address"],  # line breaks inside are kept and printed
        signatory=office["signatory"],
        place=office["place"],
        signatory_title=office["signatory_title"],
        logo=_settings_values.office_logo(session),
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
    gate_minimums = _settings_values.gate_minimums(session, rubric.id)
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
                language=application.language or default_language(),
                rubric=rubric,
                score=score(rubric, levels=criteria, gates=gates, gate_minimums=gate_minimums, fractional=True),
                outcome=decision.outcome,
                feedback=feedback,
                published_at=decision.published_at,
                summary=(decision.consensus_note or "").strip(),
                school_year=application.school_year or "",
            )
        )
    return letters


# -- Certificates -----------------------------------------------------------------------


def certificate_of(letter: VerdictLetterView) -> CertificateView:
    """The certificate of a labelled application, from what its letter says."""
    project = letter.project
    home = (PartnerView(school=project.school, country=project.country or ""),) if project.school else ()
    return CertificateView(
        application_id=letter.application_id,
        language=letter.language,
        office=letter.office,
        project_title=project.title,
        teacher=project.teacher,
        schools=(*home, *project.partners),
        school_year=letter.school_year,
        round_name=letter.round_name,
        published_at=letter.published_at,
    )


def certificates(session: Session, *, actor: Actor, round_id: int) -> list[CertificateView]:
    """The certificates of a round's published labels, by application id. Admins and the
    command line only."""
    authorize(session, actor, _PERMISSION)
    return [certificate_of(letter) for letter in _published_letters(session, round_id=round_id)
            if letter.outcome == Verdict.LABEL]


# -- A teacher's own documents ----------------------------------------------------------


@dataclass(frozen=True)
class TeacherDocuments:
    """The letter of one application and, for a label, its certificate; rendered on
    demand (the page's download buttons call these only when clicked)."""

    letter: VerdictLetterView
    certificate: CertificateView | None

    @property
    def letter_filename(self) -> str:
        return letter_filename(self.letter)

    @property
    def certificate_filename(self) -> str | None:
        return certificate_filename(self.certificate) if self.certificate is not None else None

    def letter_pdf(self) -> bytes:
        from assess.reports.verdict import render_verdict_letter_pdf  # WeasyPrint loads only when needed

        return render_verdict_letter_pdf(self.letter)

    def certificate_pdf(self) -> bytes:
        from assess.reports.certificate import render_certificate_pdf

        if self.certificate is None:
            raise NotFound()
        return render_certificate_pdf(self.certificate)

    def renderers(self) -> dict[str, Callable[[], bytes]]:
        return {"letter": self.letter_pdf, **({"certificate": self.certificate_pdf} if self.certificate else {})}


def teacher_documents(session: Session, *, actor: Actor, application_id: int) -> TeacherDocuments:
    """The letter (and certificate) of one application, for its teacher or the office,
    once its decision and its round are published. Anything else, another teacher's
    application included, gets the refusal of an application that does not exist."""
    stored = session.get(Application, application_id)
    decision = session.scalar(select(Decision).where(Decision.application_id == application_id)) if stored else None
    facts = VerdictFacts(
        application_id=application_id,
        owner_id=stored.teacher_id if stored is not None else None,
        verdict_published=bool(stored is not None and decision is not None and decision.published_at is not None
                               and stored.round.published_at is not None),
    )
    if stored is None or not permitted(session, actor, "application.documents", facts):
        raise NotFound()
    [letter] = _published_letters(session, round_id=stored.round_id, application_ids={stored.id})
    return TeacherDocuments(letter=letter, certificate=certificate_of(letter) if letter.outcome == Verdict.LABEL else None)
