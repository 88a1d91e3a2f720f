"""The office's decisions: staged one by one from the jury's aggregates, reviewed, then
published together with the round.

A staged decision records the aggregate levels it was taken on, the total and the
percentage, and the outcome (by default what the aggregates propose; the office may
decide otherwise, which the audit log records). Nothing is shown to teachers before
:func:`publish_round`, which publishes every staged decision of the round in the
caller's transaction, so either all are published or none.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assess import clock
from assess.domain.permissions import Actor, DecisionFacts, can
from assess.domain.rubric import Rubric
from assess.domain.scoring import DecisionReasons, Score, reasons_for, score_aggregates
from assess.domain.states import ApplicationStatus, Verdict
from assess.services import _settings_values, audit, jury, rounds
from assess.services.access import authorize, permitted
from assess.services.errors import Conflict, FieldError, InvalidInput, NotFound, ServiceError
from assess.services.jury._aggregates import aggregate_application, aggregate_applications
from assess.services.jury._common import round_applications
from assess.storage.models import Application, ConflictDeclaration, Decision, Round, utcnow

OUTCOMES: tuple[str, ...] = tuple(Verdict)
NOTE_MAX = 5000
UNSET = object()


def _application(session: Session, application_id: int) -> Application:
    stored = session.get(Application, application_id)
    if stored is None:
        raise NotFound()
    if stored.round.published_at is not None:
        raise Conflict("jury.errors.round_published")
    if stored.status != ApplicationStatus.SUBMITTED:
        raise Conflict("jury.errors.withdrawn")
    return stored


def _check_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput([FieldError("consensus_note", "errors.too_long", {"max": NOTE_MAX})])
    return note


def stage_decision(
    session: Session,
    *,
    actor: Actor,
    application_id: int,
    outcome: str | None = None,
    consensus_note: str | None = None,
) -> Decision:
    """Stage (or re-stage) the decision on an application from its jurors' submitted
    scores. ``outcome``: ``label`` or ``no_label``, by default the aggregates' proposal
    (required while some criterion has no aggregate yet). ``consensus_note``: the jury's
    agreed reading after a disagreement; None keeps the one already staged."""
    authorize(session, actor, "decision.manage")
    application = _application(session, application_id)
    found = aggregate_application(session, application)
    if found.submitted == 0:
        raise ServiceError("jury.errors.no_scores")
    chosen = outcome or found.proposal
    if chosen is None:
        raise InvalidInput([FieldError("outcome", "jury.errors.outcome_required", {})])
    if chosen not in OUTCOMES:
        raise InvalidInput([FieldError("outcome", "jury.errors.outcome", {"value": chosen})])
    note = None if consensus_note is None else _check_note(consensus_note)
    stored = session.scalar(select(Decision).where(Decision.application_id == application.id))
    return _stage(session, actor=actor, found=found, outcome=chosen, note=note, stored=stored)


def _stage(session: Session, *, actor: Actor, found: jury.ApplicationAggregate, outcome: str, note: str | None,
           stored: Decision | None, details: dict | None = None) -> Decision:
    """Store the decision taken on ``found`` (checked by the caller) and audit it."""
    if stored is None:
        stored = Decision(application_id=found.application_id, consensus_note="")
        session.add(stored)
    stored.outcome = outcome
    stored.levels = {i.item_id: i.aggregate for i in found.items if i.aggregate is not None}
    stored.total = found.score.total
    stored.percentage = found.score.percentage
    if note is not None:
        stored.consensus_note = note
    stored.staged_by = actor.id
    stored.staged_at = utcnow()
    session.flush()
    audit.record(session, actor=actor, action="decision.stage", entity_type="application",
                 entity_id=found.application_id,
                 details={"outcome": outcome, "proposal": found.proposal, "total": found.score.total,
                          "disagreement": list(found.disagreeing_items), "consensus_note": bool(stored.consensus_note),
                          **(details or {})})
    return stored


def agreed(found: jury.ApplicationAggregate) -> bool:
    """Whether the office may take the aggregates' proposal as it stands, in bulk: every
    assigned juror has submitted, the aggregates propose an outcome, no criterion is
    disputed and nothing is decided yet. Anything else needs a person's reading."""
    return (bool(found.jurors) and found.submitted == len(found.jurors) and found.proposal is not None
            and not found.disagreement and found.decision is None)


def stage_proposals(session: Session, *, actor: Actor, round_id: int,
                    application_ids: Collection[int] | None = None) -> int:
    """Stage the proposal of every application of the round that is :func:`agreed`, in
    one go (a national round has a thousand applications, most of them clear-cut); the
    others are left for the office to read one by one. Each decision is audited as if
    staged by hand, marked ``bulk``. Returns how many were staged. ``application_ids``:
    only those (the office's filtered list)."""
    authorize(session, actor, "decision.manage")
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise NotFound()
    if not can(actor, "round.change", jury.round_facts(round_)):
        raise Conflict("jury.errors.round_published")
    staged = 0
    for found in jury.round_aggregates(session, actor=actor, round_id=round_id):
        if application_ids is not None and found.application_id not in application_ids:
            continue
        if agreed(found) and found.proposal is not None:
            _stage(session, actor=actor, found=found, outcome=found.proposal, note=None, stored=None,
                   details={"bulk": True})
            staged += 1
    audit.record(session, actor=actor, action="decision.stage_proposals", entity_type="round", entity_id=round_id,
                 details={"staged": staged})
    return staged


def add_consensus_note(session: Session, *, actor: Actor, application_id: int, note: str) -> Decision:
    """Record how the jury settled a disagreement. The note goes with the application's
    decision, staged from the aggregates' proposal if there is none yet."""
    authorize(session, actor, "decision.manage")
    note = _check_note(note)
    if not note:
        raise InvalidInput([FieldError("consensus_note", "errors.required", {})])
    application = _application(session, application_id)
    stored = session.scalar(select(Decision).where(Decision.application_id == application.id))
    if stored is None:
        return stage_decision(session, actor=actor, application_id=application.id, consensus_note=note)
    stored.consensus_note = note
    session.flush()
    audit.record(session, actor=actor, action="decision.consensus_note", entity_type="application",
                 entity_id=application.id, details={"length": len(note)})
    return stored


def unstage_decision(session: Session, *, actor: Actor, application_id: int) -> None:
    """Take back a staged decision (before publication)."""
    authorize(session, actor, "decision.manage")
    application = _application(session, application_id)
    stored = session.scalar(select(Decision).where(Decision.application_id == application.id))
    if stored is None:
        raise NotFound()
    audit.record(session, actor=actor, action="decision.unstage", entity_type="application", entity_id=application.id,
                 details={"outcome": stored.outcome})
    session.delete(stored)
    session.flush()


@dataclass(frozen=True)
class StagedDecision:
    application_id: int
    project_id: int
    project_title: str
    outcome: str
    proposal: str | None
    total: float
    percentage: float
    consensus_note: str
    disagreement: bool
    staged_at: datetime
    published_at: datetime | None


@dataclass(frozen=True)
class RoundDecisions:
    round_id: int
    decisions: tuple[StagedDecision, ...]
    #: Submitted applications without a decision yet.
    undecided: tuple[int, ...]


def list_decisions(session: Session, *, actor: Actor, round_id: int) -> RoundDecisions:
    """The round's decisions (staged or published) beside what the aggregates propose now,
    and the applications still undecided."""
    authorize(session, actor, "decision.manage")
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise NotFound()
    applications = round_applications(session, round_.id)
    stored_by_id = {d.application_id: d for d in session.scalars(
        select(Decision).where(Decision.application_id.in_([a.id for a in applications])))} if applications else {}
    undecided = [a.id for a in applications if a.id not in stored_by_id]
    decided = [a for a in applications if a.id in stored_by_id]
    decisions = []
    for application, found in zip(decided, aggregate_applications(session, decided), strict=True):
        stored = stored_by_id[application.id]
        decisions.append(StagedDecision(
            application_id=application.id, project_id=application.project_id, project_title=application.project.title,
            outcome=stored.outcome, proposal=found.proposal, total=stored.total, percentage=stored.percentage,
            consensus_note=stored.consensus_note, disagreement=found.disagreement, staged_at=stored.staged_at,
            published_at=stored.published_at,
        ))
    return RoundDecisions(round_id=round_.id, decisions=tuple(decisions), undecided=tuple(undecided))


def list_staged(session: Session, *, actor: Actor, round_id: int) -> list[StagedDecision]:
    """The decisions staged and not yet published."""
    return [d for d in list_decisions(session, actor=actor, round_id=round_id).decisions if d.published_at is None]


@dataclass(frozen=True)
class Publication:
    round_id: int
    published_at: datetime
    decisions: int
    labels: int


class PublishBeforeClosing(Conflict):
    """The round still takes applications (until its closing day included): its
    decisions wait. The date is written in the reader's language (assess.errors.reader_params)."""

    def __init__(self, closes_on: date):
        self.closes_on = closes_on
        super().__init__("jury.errors.publish_before_closing", closes_on=closes_on)


def publish_round(session: Session, *, actor: Actor, round_id: int) -> Publication:
    """Publish every staged decision of the round at once and mark the round published.
    Refused while a submitted application has no decision (``jury.errors.undecided``) or
    a teacher's declaration of a conflict waits for the office
    (``jury.errors.declarations_waiting``),
    for a round already published, and before the round's closing date has passed
    (:class:`PublishBeforeClosing`: teachers may still apply, edit or withdraw)."""
    authorize(session, actor, "decision.manage")
    round_ = session.scalars(select(Round).where(Round.id == round_id).with_for_update()
                             .execution_options(populate_existing=True)).one_or_none()
    if round_ is None:
        raise NotFound()
    if not can(actor, "round.publish", jury.round_facts(round_)):
        raise Conflict("jury.errors.round_published")
    if clock.today() <= round_.closes_on:
        raise PublishBeforeClosing(round_.closes_on)
    applications = round_applications(session, round_.id)
    decisions = {d.application_id: d for d in session.scalars(
        select(Decision).where(Decision.application_id.in_([a.id for a in applications])))} if applications else {}
    undecided = [a.id for a in applications if a.id not in decisions]
    if undecided:
        raise Conflict("jury.errors.undecided", count=len(undecided), ids=", ".join(map(str, undecided)))
    # A teacher's declaration of a conflict that the office has not answered yet says a
    # juror whose levels count may be conflicted: the verdict waits for the answer.
    waiting = sorted(set(session.scalars(select(ConflictDeclaration.application_id).where(
        ConflictDeclaration.application_id.in_([a.id for a in applications]))))) if applications else []
    if waiting:
        raise Conflict("jury.errors.declarations_waiting", count=len(waiting), ids=", ".join(map(str, waiting)))
    if not decisions:
        raise ServiceError("jury.errors.nothing_to_publish")
    at = utcnow()
    for decision in decisions.values():
        decision.published_at = at
    round_.published_at = at
    session.flush()
    labels = sum(1 for d in decisions.values() if d.outcome == Verdict.LABEL)
    audit.record(session, actor=actor, action="round.publish", entity_type="round", entity_id=round_.id,
                 details={"decisions": len(decisions), "labels": labels,
                          "applications": sorted(decisions)})
    return Publication(round_id=round_.id, published_at=at, decisions=len(decisions), labels=labels)


# --- why: the rules behind a verdict, and the jury's summary ----------------------------------


def decided_score(rubric: Rubric, levels: Mapping[str, float | None], *,
                  gate_minimums: Mapping[str, int] | None = None) -> Score:
    """The score of the levels a decision was taken on (a jury's aggregates, stored with
    the decision); ids the rubric does not know are left out rather than failing."""
    known = {i.id for i in (*rubric.criteria, *rubric.gates)}
    return score_aggregates(rubric, {k: float(v) for k, v in levels.items() if k in known and v is not None},
                            gate_minimums=gate_minimums)


def _reasons(session: Session, application: Application, decision: Decision | None,
             gate_minimums: dict[str, dict[str, int]]) -> DecisionReasons:
    rubric = rounds.rubric_of(application.round)
    if rubric.id not in gate_minimums:
        gate_minimums[rubric.id] = _settings_values.gate_minimums(session, rubric.id)
    if decision is None:  # undecided: what the jury's aggregates give now
        found = aggregate_application(session, application)
        return reasons_for(found.score)
    result = decided_score(rubric, dict(decision.levels or {}), gate_minimums=gate_minimums[rubric.id])
    return reasons_for(result, outcome=decision.outcome)


def _decision_facts(application: Application, decision: Decision | None) -> DecisionFacts:
    return DecisionFacts(owner_id=application.project.owner_id,
                         published=decision is not None and decision.published_at is not None)


def decision_reasons(session: Session, *, actor: Actor, application_id: int) -> DecisionReasons:
    """Each rule that decides the application's verdict (pass mark, per-criterion minimums,
    gates) with its figure, threshold and whether it is met, and the outcome decided.
    From the levels the decision was taken on; before any decision, from the jury's
    aggregates now. The office at any time, the teacher once published (``decision.view``);
    anyone else, and the teacher before publication, gets :class:`NotFound`."""
    application = session.get(Application, application_id)
    if application is None:
        raise NotFound()
    decision = session.scalar(select(Decision).where(Decision.application_id == application.id))
    if not permitted(session, actor, "decision.view", _decision_facts(application, decision)):
        raise NotFound()
    return _reasons(session, application, decision, {})


def round_reasons(session: Session, *, actor: Actor, round_id: int,
                  application_ids: Iterable[int] | None = None) -> dict[int, DecisionReasons]:
    """:func:`decision_reasons` of every decided application of the round (staged or
    published), by application id, from the stored decisions: a few queries whatever the
    round's size (the workbook of a national round). Office only."""
    authorize(session, actor, "decision.manage")
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise NotFound()
    rubric = rounds.rubric_of(round_)
    gate_minimums = _settings_values.gate_minimums(session, rubric.id)
    query = (select(Decision.application_id, Decision.levels, Decision.outcome)
             .join(Application, Application.id == Decision.application_id)
             .where(Application.round_id == round_.id).order_by(Decision.application_id))
    if application_ids is not None:
        query = query.where(Decision.application_id.in_(list(application_ids)))
    return {
        application_id: reasons_for(decided_score(rubric, dict(levels or {}), gate_minimums=gate_minimums),
                                    outcome=outcome)
        for application_id, levels, outcome in session.execute(query)
    }


@dataclass(frozen=True)
class JuryVerdict:
    """What the teacher reads once the round is published: the reasons of the verdict and
    the jury's summary (the office's consensus note, empty if it wrote none)."""

    application_id: int
    reasons: DecisionReasons
    summary: str


def published_verdict(session: Session, *, actor: Actor, application_id: int) -> JuryVerdict | None:
    """The application's published verdict with its reasons and the jury's summary, for its
    teacher (and the office); None before publication: nothing of the jury's work shows
    before. :class:`NotFound` for anyone who may not see the application."""
    application = session.get(Application, application_id)
    if application is None or not permitted(session, actor, "application.view", application.project):
        raise NotFound()
    decision = session.scalar(select(Decision).where(Decision.application_id == application.id))
    facts = _decision_facts(application, decision)
    if decision is None or not facts.published or not permitted(session, actor, "decision.view", facts):
        return None
    return JuryVerdict(application_id=application.id, reasons=_reasons(session, application, decision, {}),
                       summary=(decision.consensus_note or "").strip())


@dataclass(frozen=True)
class SentApplication:
    """What the teacher sent, for the office to read before deciding."""

    application_id: int
    language: str
    texts: Mapping[str, str]
    evidence_links: tuple[str, ...]
    recheck_note: str


def sent_applications(session: Session, *, actor: Actor, application_ids: Iterable[int]) -> dict[int, SentApplication]:
    """The teachers' texts, evidence links and re-check notes of some applications, by id,
    in one query (the page of applications the office reads). Office only."""
    authorize(session, actor, "decision.manage")
    ids = list(application_ids)
    if not ids:
        return {}
    rows = session.execute(select(Application.id, Application.language, Application.texts,
                                  Application.evidence_links, Application.recheck_note)
                           .where(Application.id.in_(ids)))
    return {row.id: SentApplication(application_id=row.id, language=row.language or "", texts=dict(row.texts or {}),
                                    evidence_links=tuple(row.evidence_links or ()), recheck_note=row.recheck_note or "")
            for row in rows}
