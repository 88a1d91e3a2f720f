"""An application across its jurors, as the office sees it: the building block of the
office's aggregates and of the decisions (the services that use it check who asks).
Only submitted scores count."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from assess.domain.jury import ItemAggregate, aggregate_items, juror_letter
from assess.domain.rubric import Rubric
from assess.domain.scoring import Outcome, Score, score_aggregates
from assess.domain.states import Verdict
from assess.services import _settings_values, rounds
from assess.services.jury._common import items_of
from assess.services.jury.scoring import ItemScore, JurorScores
from assess.storage.models import Application, Assignment, Decision, JurorScore, Round


@dataclass(frozen=True)
class ApplicationAggregate:
    """An application across its jurors, for the office. Only submitted scores count."""

    application_id: int
    round_id: int
    project_id: int
    project_title: str
    rubric: Rubric
    aggregation: str
    threshold: int
    #: Every assigned juror, submitted or not (pseudonym, juror id, their scores).
    jurors: tuple[JurorScores, ...]
    #: Per criterion then gate: the submitted jurors' levels by pseudonym, the aggregate,
    #: the spread and the disagreement flag.
    items: tuple[ItemAggregate, ...]
    #: What the aggregates give (fractional levels).
    score: Score
    consensus_note: str = ""
    decision: str | None = None  # the staged or published outcome, if any

    @property
    def submitted(self) -> int:
        return sum(1 for j in self.jurors if j.submitted_at is not None)

    @property
    def disagreement(self) -> bool:
        return any(i.disagreement for i in self.items)

    @property
    def disagreeing_items(self) -> tuple[str, ...]:
        return tuple(i.item_id for i in self.items if i.disagreement)

    def item(self, item_id: str) -> ItemAggregate:
        return next(i for i in self.items if i.item_id == item_id)

    @property
    def proposal(self) -> str | None:
        """The outcome the aggregates propose: label, no_label, or None while incomplete."""
        outcome = self.score.verdict.outcome
        if outcome is Outcome.INCOMPLETE:
            return None
        return Verdict.LABEL if outcome is Outcome.PASS else Verdict.NO_LABEL

    def to_dict(self) -> dict:
        return {
            "application": self.application_id,
            "round": self.round_id,
            "project": {"id": self.project_id, "title": self.project_title},
            "aggregation": self.aggregation,
            "threshold": self.threshold,
            "jurors": [{"pseudonym": j.pseudonym, "juror": j.juror_id, "origin": j.origin,
                        "submitted": j.submitted_at is not None} for j in self.jurors],
            "items": [{"id": i.item_id, "levels": dict(i.levels), "aggregate": i.aggregate, "spread": i.spread,
                       "disagreement": i.disagreement} for i in self.items],
            "disagreement": self.disagreement,
            "score": self.score.to_dict(),
            "proposal": self.proposal,
            "consensus_note": self.consensus_note,
            "decision": self.decision,
        }


def aggregate_application(session: Session, application: Application) -> ApplicationAggregate:
    """:func:`aggregates` without the permission check (for services that checked it)."""
    return aggregate_applications(session, [application])[0]


def aggregate_applications(session: Session, applications: list[Application]) -> list[ApplicationAggregate]:
    """:func:`aggregate_application` of several applications, with one query for their
    assignments and scores and one for their decisions."""
    ids = [a.id for a in applications]
    # Plain rows, not ORM objects: a national round has some 2,000 assignments and 12,000
    # scores, and building their objects took most of the office's decisions page.
    assignments: dict[int, list] = {i: [] for i in ids}
    scores: dict[int, dict[str, ItemScore]] = {}
    decisions: dict[int, Row] = {}
    if ids:
        for assignment in session.execute(
            select(Assignment.id, Assignment.application_id, Assignment.juror_id, Assignment.submitted_at,
                   Assignment.origin).where(Assignment.application_id.in_(ids)).order_by(Assignment.id)
        ):
            assignments[assignment.application_id].append(assignment)
            scores[assignment.id] = {}
        for assignment_id, item_id, level, comment, private_note in session.execute(
            select(JurorScore.assignment_id, JurorScore.item_id, JurorScore.level, JurorScore.comment,
                   JurorScore.private_note)
            .join(Assignment, Assignment.id == JurorScore.assignment_id)
            .where(Assignment.application_id.in_(ids)).order_by(JurorScore.id)
        ):
            scores[assignment_id][item_id] = ItemScore(level, comment, private_note)
        # The outcome and the note only: a Decision object also builds its levels' JSON.
        decisions = {d.application_id: d for d in session.execute(
            select(Decision.application_id, Decision.outcome, Decision.consensus_note)
            .where(Decision.application_id.in_(ids)))}
    gate_minimums: dict[str, dict[str, int]] = {}
    # Per round, its row, rubric and items once, not once an application (a national round
    # has a thousand: issue 13).
    of_round: dict[int, tuple[Round, Rubric, list[str]]] = {}
    found = []
    for application in applications:
        if application.round_id not in of_round:
            round_ = application.round
            rubric = rounds.rubric_of(round_)
            of_round[application.round_id] = (round_, rubric, items_of(rubric))
        round_, rubric, item_ids = of_round[application.round_id]
        if rubric.id not in gate_minimums:
            gate_minimums[rubric.id] = _settings_values.gate_minimums(session, rubric.id)
        jurors = tuple(
            JurorScores(pseudonym=juror_letter(i), submitted_at=a.submitted_at, scores=scores[a.id],
                        juror_id=a.juror_id, origin=a.origin)
            for i, a in enumerate(assignments[application.id])
        )
        submitted = {j.pseudonym: {i: s.level for i, s in j.scores.items()}
                     for j in jurors if j.submitted_at is not None}
        items = aggregate_items(item_ids=item_ids, levels_by_juror=submitted, rule=round_.aggregation,
                                threshold=round_.disagreement_threshold)
        result = score_aggregates(rubric, {i.item_id: i.aggregate for i in items},
                                  gate_minimums=gate_minimums[rubric.id])
        decision = decisions.get(application.id)
        found.append(ApplicationAggregate(
            application_id=application.id, round_id=round_.id, project_id=application.project_id,
            project_title=application.project.title, rubric=rubric, aggregation=round_.aggregation,
            threshold=round_.disagreement_threshold, jurors=jurors, items=items, score=result,
            consensus_note=decision.consensus_note if decision else "",
            decision=decision.outcome if decision else None,
        ))
    return found
