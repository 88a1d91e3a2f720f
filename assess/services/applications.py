"""A teacher's application for a label in an open round, and what each side sees of it.

The office's rules (see docs and ``assess.services.settings``):

- all five eligibility questions answered yes;
- a short text per criterion (at most :data:`TEXT_MAX` characters), evidence links
  (http/https only);
- at most ``max_applications_per_year`` applications per teacher and school year (from
  1 September), withdrawn ones not counted;
- after a refusal (a published ``no_label`` decision), one second application of the
  same project, which names the criteria to re-check and where the new evidence is;
- applications are made, edited and withdrawn while the round is open (until its
  closing day included);
- a teacher may keep a *draft* (:func:`save_draft`): theirs only, never seen by the
  jury nor counted (in the yearly limit or the office's figures), sent with :func:`apply`;
- a project labelled in a school year does not apply again that year (the
  ``one_label_per_year`` setting, on by default).

The teacher sees nothing of the jury's work before the round's decisions are published;
then the verdict, the levels and each juror's comment per criterion (never the jurors'
names nor their private notes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assess.domain.jury import RoundStatus, school_year
from assess.domain.permissions import Actor, PermissionDenied
from assess.domain.readiness import ELIGIBILITY_QUESTIONS
from assess.domain.rubric import Rubric
from assess.domain.states import ApplicationStatus, Verdict
from assess.i18n import languages
from assess.reports.views import ProjectView
from assess.services import _settings_values, audit, jury, rounds, survey_results
from assess.services.access import authorize, check_actor, permitted
from assess.services.errors import Conflict, FieldError, InvalidInput, NotFound, ServiceError
from assess.services.projects import get_project
from assess.services.self_assessments import clean_links, project_view
from assess.services.survey_results import ProjectResults
from assess.storage.models import Application, Assignment, Decision, JurorScore, Project, Round, User, utcnow

TEXT_MAX = 3000
RECHECK_NOTE_MAX = 3000


def max_per_year(session: Session, *, actor: Actor) -> int:
    """How many applications a teacher may send in one school year (the office's setting)."""
    check_actor(session, actor, "application.apply")
    return int(_settings_values.get(session, "max_applications_per_year"))


def _eligibility_errors(answers: Mapping[str, bool | None]) -> list[FieldError]:
    errors = [FieldError(f"eligibility.{q}", "jury.errors.unknown_question", {"value": q})
              for q in sorted(set(answers) - set(ELIGIBILITY_QUESTIONS))]
    for q in ELIGIBILITY_QUESTIONS:
        answer = answers.get(q)
        if answer is None:  # not answered is not "no": the message asks for an answer
            errors.append(FieldError(f"eligibility.{q}", f"jury.errors.eligibility_unanswered.{q}", {}))
        elif answer is not True:
            errors.append(FieldError(f"eligibility.{q}", f"jury.errors.eligibility_no.{q}", {}))
    return errors


def _text_errors(texts: Mapping[str, str], rubric: Rubric) -> list[FieldError]:
    criteria = {c.id for c in rubric.criteria}
    errors = []
    for criterion_id, text in texts.items():
        if criterion_id not in criteria:
            errors.append(FieldError(f"texts.{criterion_id}", "jury.errors.unknown_criterion", {"value": criterion_id}))
        elif not isinstance(text, str):
            errors.append(FieldError(f"texts.{criterion_id}", "errors.required", {}))
        elif len(text) > TEXT_MAX:
            errors.append(FieldError(f"texts.{criterion_id}", "errors.too_long", {"max": TEXT_MAX}))
    return errors


def _refused_applications(session: Session, project_id: int, *, excluding_round: int) -> list[Application]:
    """Earlier applications of the project that got a published refusal."""
    return list(session.scalars(
        select(Application)
        .join(Decision, Decision.application_id == Application.id)
        .where(Application.project_id == project_id, Application.round_id != excluding_round,
               Decision.outcome == Verdict.NO_LABEL, Decision.published_at.is_not(None))
        .order_by(Application.submitted_at, Application.id)
    ))


def _resubmission_errors(
    session: Session, *, project: Project, round_: Round, rubric: Rubric, resubmission_of: int | None,
    recheck_criteria: Sequence[str], recheck_note: str,
) -> list[FieldError]:
    refused = _refused_applications(session, project.id, excluding_round=round_.id)
    if not refused:
        if resubmission_of is not None:
            return [FieldError("resubmission_of", "jury.errors.not_refused", {})]
        return []
    second = session.scalar(
        select(func.count(Application.id)).where(
            Application.project_id == project.id, Application.resubmission_of.is_not(None),
            Application.status == ApplicationStatus.SUBMITTED, Application.round_id != round_.id)
    )
    if second:
        raise Conflict("jury.errors.second_application_used")
    errors = []
    if resubmission_of not in {a.id for a in refused}:
        errors.append(FieldError("resubmission_of", "jury.errors.resubmission_required", {"id": refused[-1].id}))
    known = {c.id for c in rubric.criteria} | {g.id for g in rubric.gates}
    if not recheck_criteria:
        errors.append(FieldError("recheck_criteria", "jury.errors.recheck_required", {}))
    for item in recheck_criteria:
        if item not in known:
            errors.append(FieldError("recheck_criteria", "errors.unknown_item", {"value": item}))
    if not str(recheck_note or "").strip():
        errors.append(FieldError("recheck_note", "jury.errors.recheck_note_required", {}))
    elif len(recheck_note) > RECHECK_NOTE_MAX:
        errors.append(FieldError("recheck_note", "errors.too_long", {"max": RECHECK_NOTE_MAX}))
    return errors


def _labelled_in(session: Session, *, year: str, project_ids: Sequence[int] | None = None) -> set[int]:
    """The projects (of ``project_ids``, else all) that got a published label for an
    application of ``year``, when the office keeps the ``one_label_per_year`` rule; empty
    otherwise. The one rule :func:`apply`, :func:`save_draft` and :func:`labelled_this_year` read."""
    if not _settings_values.get(session, "one_label_per_year"):
        return set()
    query = (select(Application.project_id).join(Decision, Decision.application_id == Application.id)
             .where(Application.school_year == year, Decision.outcome == "label", Decision.published_at.is_not(None)))
    if project_ids is not None:
        query = query.where(Application.project_id.in_(list(project_ids)))
    return set(session.scalars(query.distinct()))


def _refuse_if_labelled_this_year(session: Session, *, project: Project, year: str) -> None:
    """``jury.errors.labelled_this_year`` when the project got a published label for an
    application of this school year and the office keeps that rule."""
    if _labelled_in(session, year=year, project_ids=[project.id]):
        raise Conflict("jury.errors.labelled_this_year", year=year)


@dataclass(frozen=True)
class LabelledThisYear:
    """The teacher's projects that may not apply again this school year (labelled in it)."""

    project_ids: frozenset[int]
    year: str


def labelled_this_year(session: Session, *, actor: Actor) -> LabelledThisYear:
    """Which of the teacher's projects got the label this school year and so may not apply
    again before the next (none when the office lets them, ``one_label_per_year``): the
    page says so instead of offering a form the service would refuse once filled in."""
    if not permitted(session, actor, "project.list"):
        raise PermissionDenied("project.list")
    year = school_year(rounds.today())
    own = select(Project.id).where(Project.owner_id == actor.id)
    return LabelledThisYear(project_ids=frozenset(_labelled_in(session, year=year, project_ids=list(session.scalars(own)))),
                            year=year)


def _open_application_round(session: Session, *, project: Project, round_id: int) -> Round:
    """The round if the project may apply to it now (the checks :func:`apply` and
    :func:`save_draft` share)."""
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise NotFound()
    if round_.kind == "eql":
        raise ServiceError("jury.errors.not_an_application_round")
    if bool(project.is_demo) != bool(round_.is_demo):
        # Demonstration projects apply to demonstration rounds only (assess.services.installation).
        raise ServiceError("demo.errors.demo_project" if project.is_demo else "demo.errors.real_project")
    if rounds.status(round_) is not RoundStatus.OPEN:
        raise ServiceError("jury.errors.round_not_open", opens_on=round_.opens_on,
                           closes_on=round_.closes_on)
    _refuse_if_labelled_this_year(session, project=project, year=school_year(rounds.today()))
    return round_


def apply(
    session: Session,
    *,
    actor: Actor,
    round_id: int,
    project_id: int,
    eligibility: Mapping[str, bool | None],
    texts: Mapping[str, str],
    evidence_links: Sequence[str] | str = (),
    language: str = "en",
    resubmission_of: int | None = None,
    recheck_criteria: Sequence[str] = (),
    recheck_note: str = "",
) -> Application:
    """Apply for a label with one of the teacher's projects in an open round.

    Refusals: :class:`NotFound` (round missing, project missing or not the teacher's);
    ``jury.errors.round_not_open``; ``jury.errors.not_an_application_round`` (European
    label rounds take nominations, not applications); ``jury.errors.already_applied``;
    ``jury.errors.limit_reached`` (the yearly limit, which the message names);
    ``jury.errors.second_application_used``; :class:`InvalidInput` naming each field
    (every eligibility question not answered yes, texts, links, re-check fields).
    """
    project = get_project(session, actor=actor, project_id=project_id, permission="application.apply")
    round_ = _open_application_round(session, project=project, round_id=round_id)
    rubric = rounds.rubric_of(round_)

    earlier = session.scalar(select(Application).where(Application.round_id == round_.id,
                                                       Application.project_id == project.id))
    if earlier is not None and earlier.status == ApplicationStatus.SUBMITTED:
        raise Conflict("jury.errors.already_applied")

    errors = _eligibility_errors(eligibility) + _text_errors(texts, rubric)
    if language not in languages():
        errors.append(FieldError("language", "jury.errors.language", {"value": language}))
    try:
        links = clean_links(evidence_links)
    except InvalidInput as refused:
        errors += refused.errors
        links = ()
    errors += _resubmission_errors(session, project=project, round_=round_, rubric=rubric,
                                   resubmission_of=resubmission_of, recheck_criteria=list(recheck_criteria),
                                   recheck_note=recheck_note)
    if errors:
        raise InvalidInput(errors)

    year = school_year(rounds.today())
    limit = max_per_year(session, actor=actor)
    # One application at a time per teacher (PostgreSQL; SQLite serializes writers anyway),
    # so two sent at once cannot both pass the limit.
    session.execute(select(User.id).where(User.id == actor.id).with_for_update())
    used = session.execute(select(func.count(Application.id)).where(
        Application.teacher_id == actor.id, Application.school_year == year, Application.status == ApplicationStatus.SUBMITTED)
    ).scalar_one()
    if used >= limit:
        raise ServiceError("jury.errors.limit_reached", max=limit, year=year)

    given = {k: v for k, v in texts.items() if v and v.strip()}
    values = dict(
        teacher_id=actor.id, school_year=year, status=ApplicationStatus.SUBMITTED, language=language,
        eligibility={q: True for q in ELIGIBILITY_QUESTIONS},
        texts=given, evidence_links=list(links),
        resubmission_of=resubmission_of, recheck_criteria=list(dict.fromkeys(recheck_criteria)),
        recheck_note=(recheck_note or "").strip(), submitted_at=utcnow(), withdrawn_at=None,
    )
    if earlier is None:  # a withdrawn application or a draft of the same round is submitted
        earlier = Application(round_id=round_.id, project_id=project.id)
        session.add(earlier)
    for key, value in values.items():
        setattr(earlier, key, value)
    session.flush()
    audit.record(session, actor=actor, action="application.submit", entity_type="application", entity_id=earlier.id,
                 details={"round": round_.id, "project": project.id, "school_year": year,
                          "criteria": sorted(given), "links": len(links),
                          "resubmission_of": resubmission_of})
    return earlier


def save_draft(
    session: Session,
    *,
    actor: Actor,
    round_id: int,
    project_id: int,
    eligibility: Mapping[str, bool | None],
    texts: Mapping[str, str],
    evidence_links: list[str] | tuple[str, ...] | str = (),
    language: str = "en",
    recheck_criteria: Sequence[str] = (),
    recheck_note: str = "",
) -> Application:
    """Keep an unfinished application as a draft, while the round is open: the teacher's
    only (the jury never sees it, no count includes it), sent later with :func:`apply`.
    Unanswered questions and empty texts are allowed; what is given must fit (texts'
    length, links). Refused for an application already sent (``jury.errors.not_a_draft``:
    :func:`edit` changes it)."""
    project = get_project(session, actor=actor, project_id=project_id, permission="application.apply")
    round_ = _open_application_round(session, project=project, round_id=round_id)
    rubric = rounds.rubric_of(round_)
    stored = session.scalar(select(Application).where(Application.round_id == round_.id,
                                                      Application.project_id == project.id))
    if stored is not None and stored.status == "submitted":
        raise Conflict("jury.errors.not_a_draft")
    errors = _text_errors(texts, rubric)
    if language not in languages():
        errors.append(FieldError("language", "jury.errors.language", {"value": language}))
    if len(recheck_note or "") > RECHECK_NOTE_MAX:
        errors.append(FieldError("recheck_note", "errors.too_long", {"max": RECHECK_NOTE_MAX}))
    try:
        links = clean_links(evidence_links)
    except InvalidInput as refused:
        errors += refused.errors
        links = ()
    if errors:
        raise InvalidInput(errors)
    if stored is None:
        stored = Application(round_id=round_.id, project_id=project.id)
        session.add(stored)
    assert actor.id is not None  # get_project let only an account of this database through
    stored.teacher_id = actor.id
    stored.school_year = school_year(rounds.today())
    stored.status = "draft"
    stored.language = language
    stored.eligibility = {q: eligibility.get(q) is True for q in ELIGIBILITY_QUESTIONS}
    stored.texts = {k: v for k, v in texts.items() if v and v.strip()}
    stored.evidence_links = list(links)
    known = {c.id for c in rubric.criteria} | {g.id for g in rubric.gates}
    stored.recheck_criteria = [c for c in dict.fromkeys(recheck_criteria) if c in known]
    stored.recheck_note = (recheck_note or "").strip()
    stored.submitted_at = utcnow()
    stored.withdrawn_at = None
    session.flush()
    audit.record(session, actor=actor, action="application.draft", entity_type="application", entity_id=stored.id,
                 details={"round": round_.id, "project": project.id, "criteria": sorted(stored.texts)})
    return stored


def edit(
    session: Session,
    *,
    actor: Actor,
    application_id: int,
    texts: Mapping[str, str] | None = None,
    evidence_links: list[str] | tuple[str, ...] | str | None = None,
    recheck_note: str | None = None,
) -> Application:
    """Change a sent application's texts, evidence links or re-check note until the
    round's closing date (``jury.errors.round_closed`` after); checked as sending is.
    Only what is given changes; audited."""
    stored = _own_application(session, actor=actor, application_id=application_id, permission="application.apply")
    if stored.status == "withdrawn":
        raise Conflict("jury.errors.withdrawn")
    if rounds.status(stored.round) is not RoundStatus.OPEN:
        raise ServiceError("jury.errors.round_closed", closes_on=stored.round.closes_on)
    errors = _text_errors(texts, rounds.rubric_of(stored.round)) if texts is not None else []
    if recheck_note is not None and len(recheck_note) > RECHECK_NOTE_MAX:
        errors.append(FieldError("recheck_note", "errors.too_long", {"max": RECHECK_NOTE_MAX}))
    links: tuple[str, ...] | list[str] = ()
    if evidence_links is not None:
        try:
            links = clean_links(evidence_links)
        except InvalidInput as refused:
            errors += refused.errors
    if errors:
        raise InvalidInput(errors)
    changed = []
    if texts is not None:
        stored.texts = {k: v for k, v in texts.items() if v and v.strip()}
        changed.append("texts")
    if evidence_links is not None:
        stored.evidence_links = list(links)
        changed.append("evidence_links")
    if recheck_note is not None and stored.resubmission_of is not None:
        stored.recheck_note = recheck_note.strip()
        changed.append("recheck_note")
    session.flush()
    audit.record(session, actor=actor, action="application.edit", entity_type="application", entity_id=stored.id,
                 details={"round": stored.round_id, "changed": changed})
    return stored


@dataclass(frozen=True)
class Allowance:
    """The teacher's applications sent this school year against the office's limit."""

    used: int
    limit: int
    year: str

    @property
    def reached(self) -> bool:
        return self.used >= self.limit


def allowance(session: Session, *, actor: Actor) -> Allowance:
    """How many applications the teacher sent this school year (drafts and withdrawn
    ones not counted) and the limit: the page offers the form only while some are left."""
    if not permitted(session, actor, "project.list"):
        raise PermissionDenied("project.list")
    year = school_year(rounds.today())
    used = session.scalar(select(func.count(Application.id)).where(
        Application.teacher_id == actor.id, Application.school_year == year,
        Application.status == ApplicationStatus.SUBMITTED))
    return Allowance(used=int(used or 0), limit=max_per_year(session, actor=actor), year=year)


def _own_application(session: Session, *, actor: Actor, application_id: int, permission: str) -> Application:
    """The application if the actor may see it through its project (same refusal otherwise)."""
    stored = session.get(Application, application_id)
    if stored is None or not permitted(session, actor, permission, stored.project):
        raise NotFound()
    return stored


def withdraw(session: Session, *, actor: Actor, application_id: int) -> Application:
    """Withdraw one's application while the round is open (until its closing day included).
    Its jurors' assignments are kept but the application leaves their lists."""
    stored = _own_application(session, actor=actor, application_id=application_id, permission="application.apply")
    if stored.status == ApplicationStatus.WITHDRAWN:
        return stored
    if rounds.status(stored.round) is not RoundStatus.OPEN:
        raise ServiceError("jury.errors.round_closed", closes_on=stored.round.closes_on)
    stored.status = ApplicationStatus.WITHDRAWN
    stored.withdrawn_at = utcnow()
    session.flush()
    audit.record(session, actor=actor, action="application.withdraw", entity_type="application", entity_id=stored.id,
                 details={"round": stored.round_id, "project": stored.project_id})
    return stored


# --- what the teacher sees --------------------------------------------------------------


@dataclass(frozen=True)
class ItemFeedback:
    """After publication: the decided level of a criterion or gate and the jurors' comments."""

    item_id: str
    level: float | None
    comments: tuple[str, ...]


@dataclass(frozen=True)
class TeacherView:
    id: int
    round_id: int
    round_name: str
    project_id: int
    project_title: str
    status: str
    submitted_at: datetime
    withdrawn_at: datetime | None
    texts: Mapping[str, str]
    evidence_links: tuple[str, ...]
    rubric: Rubric
    #: Only once the round's decisions are published; None (and empty feedback) before.
    verdict: str | None = None
    total: float | None = None
    percentage: float | None = None
    published_at: datetime | None = None
    feedback: tuple[ItemFeedback, ...] = ()


def _status(round_: Round, stored: str, *, decision_published: bool) -> str:
    """The status the teacher reads, from the stored one: the one rule for a single
    application and a round's list."""
    if stored == ApplicationStatus.WITHDRAWN:
        return ApplicationStatus.WITHDRAWN
    if stored == "draft":
        return ApplicationStatus.DRAFT
    if round_.published_at is not None and decision_published:
        return ApplicationStatus.DECIDED
    return ApplicationStatus.SUBMITTED if rounds.status(round_) is RoundStatus.OPEN else ApplicationStatus.UNDER_REVIEW


def round_statuses(session: Session, *, actor: Actor, round_id: int) -> dict[int, str]:
    """Application id -> the status its teacher reads, for every application of a round,
    in two queries whatever the round's size (the office's list of a national round)."""
    authorize(session, actor, "round.manage")
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise NotFound()
    published = set(session.scalars(select(Decision.application_id).join(Application).where(
        Application.round_id == round_id, Decision.published_at.is_not(None))))
    # Drafts are their teachers' only. Ids and stored statuses, not 1,000 applications
    # with their texts.
    stored = session.execute(select(Application.id, Application.status).where(Application.round_id == round_id,
                                                                           Application.status != "draft"))
    return {id_: _status(round_, status, decision_published=id_ in published) for id_, status in stored}


def _teacher_view(session: Session, stored: Application) -> TeacherView:
    round_ = stored.round
    rubric = rounds.rubric_of(round_)
    base = TeacherView(
        id=stored.id, round_id=round_.id, round_name=round_.name, project_id=stored.project_id,
        project_title=stored.project.title, status=_status(round_, stored.status, decision_published=False),
        submitted_at=stored.submitted_at, withdrawn_at=stored.withdrawn_at,
        texts=dict(stored.texts), evidence_links=tuple(stored.evidence_links), rubric=rubric,
    )
    if stored.status in (ApplicationStatus.WITHDRAWN, ApplicationStatus.DRAFT):
        return base
    decision = session.scalar(select(Decision).where(Decision.application_id == stored.id))
    state = _status(round_, stored.status, decision_published=decision is not None and decision.published_at is not None)
    if decision is None or state != ApplicationStatus.DECIDED:
        return replace(base, status=state)
    comments: dict[str, list[str]] = {}
    rows = session.execute(
        select(JurorScore.item_id, JurorScore.comment)
        .join(Assignment, Assignment.id == JurorScore.assignment_id)
        .where(Assignment.application_id == stored.id, Assignment.submitted_at.is_not(None))
        .order_by(Assignment.id, JurorScore.id)
    ).all()
    for item_id, comment in rows:
        if comment and comment.strip():
            comments.setdefault(item_id, []).append(comment.strip())
    items = [c.id for c in rubric.criteria] + [g.id for g in rubric.gates]
    feedback = tuple(ItemFeedback(item_id=i, level=decision.levels.get(i), comments=tuple(comments.get(i, ())))
                     for i in items)
    return replace(base, status=ApplicationStatus.DECIDED, verdict=decision.outcome, total=decision.total,
                   percentage=decision.percentage, published_at=decision.published_at, feedback=feedback)


def my_applications(session: Session, *, actor: Actor) -> list[TeacherView]:
    """The teacher's applications, newest first, each with its status; verdict and
    feedback only once published."""
    if not permitted(session, actor, "project.list"):
        raise PermissionDenied("project.list")
    stored = session.scalars(select(Application).where(Application.teacher_id == actor.id)
                             .order_by(Application.submitted_at.desc(), Application.id.desc()))
    return [_teacher_view(session, a) for a in stored]


def get_application(session: Session, *, actor: Actor, application_id: int) -> TeacherView:
    """One application as its teacher sees it (the office too): nothing of the jury's work
    before publication."""
    return _teacher_view(session, _own_application(session, actor=actor, application_id=application_id,
                                                   permission="application.view"))


# --- what an assigned juror sees --------------------------------------------------------


@dataclass(frozen=True)
class OwnScore:
    level: int | None
    comment: str
    private_note: str


@dataclass(frozen=True)
class JurorView:
    """An application as an assigned juror works on it: the rubric's descriptors, the
    teacher's texts and evidence, the project's survey results and the juror's own scores."""

    application_id: int
    assignment_id: int
    round_id: int
    round_name: str
    rubric: Rubric
    project: ProjectView
    language: str
    texts: Mapping[str, str]
    evidence_links: tuple[str, ...]
    recheck_criteria: tuple[str, ...]
    recheck_note: str
    surveys: ProjectResults
    scores: Mapping[str, OwnScore]
    submitted_at: datetime | None


def application_for_juror(session: Session, *, actor: Actor, application_id: int) -> JurorView:
    """The application for one of its assigned jurors; :class:`NotFound` for anyone else,
    for a juror in conflict with it, and for a withdrawn application."""
    authorize(session, actor, "jury.score")
    assignment = jury.assignment_of(session, actor=actor, application_id=application_id)
    stored = session.get_one(Application, application_id)
    round_ = stored.round
    rubric = rounds.rubric_of(round_)
    surveys = survey_results.project_results(session, actor=Actor.system(), project_id=stored.project_id, rubric=rubric)
    return JurorView(
        application_id=stored.id, assignment_id=assignment.id, round_id=round_.id, round_name=round_.name,
        rubric=rubric, project=project_view(stored.project), language=stored.language, texts=dict(stored.texts),
        evidence_links=tuple(stored.evidence_links), recheck_criteria=tuple(stored.recheck_criteria),
        recheck_note=stored.recheck_note, surveys=surveys,
        scores={s.item_id: OwnScore(s.level, s.comment, s.private_note) for s in assignment.scores},
        submitted_at=assignment.submitted_at,
    )
