"""Jury rounds: a label session, a national contest or a European-label nomination, opened
by the national office with a rubric, dates and the jury's rules.

A round's status comes from its dates and its publication (see
:func:`assess.domain.jury.round_status`): upcoming, open for applications, scoring (closed
for applications, verdicts not yet published), published. Its optional scoring deadline
(the last day jurors are expected to submit) falls after the closing date: the jury scores
from the day after (:func:`assess.domain.jury.deadline_problem`, docs/jury.md). Its rubric
is locked once the first juror's score is saved: the levels were given against that version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assess import clock
from assess.domain.jury import AGGREGATIONS, ROUND_KINDS, RoundStatus, deadline_problem, round_status, school_year
from assess.domain.permissions import Actor
from assess.domain.rubric import Rubric
from assess.domain.states import Aggregation, ApplicationStatus
from assess.services import _snapshots, audit, rubrics
from assess.services.access import authorize
from assess.services.errors import Conflict, FieldError, InvalidInput, NotFound
from assess.storage.models import Application, Assignment, JurorScore, Round

NAME_MAX = 200
PER_APPLICATION_MAX = 10
THRESHOLD_RANGE = (1, 5)
UNSET: Any = object()


@dataclass(frozen=True)
class RoundSummary:
    """A round as listed: its settings, status and number of applications (not withdrawn)."""

    id: int
    kind: str
    name: str
    rubric_id: str
    rubric_version: str
    opens_on: date
    closes_on: date
    per_application: int
    aggregation: str
    disagreement_threshold: int
    region_conflicts: bool
    published_at: datetime | None
    status: RoundStatus
    applications: int
    #: The last day jurors are expected to submit (None: no deadline set).
    scoring_deadline: date | None = None

    def to_dict(self) -> dict:
        return {
            "id": self.id, "kind": self.kind, "name": self.name,
            "rubric": {"id": self.rubric_id, "version": self.rubric_version},
            "opens_on": self.opens_on.isoformat(), "closes_on": self.closes_on.isoformat(),
            "per_application": self.per_application, "aggregation": self.aggregation,
            "disagreement_threshold": self.disagreement_threshold, "region_conflicts": self.region_conflicts,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "status": self.status.value, "applications": self.applications,
            "scoring_deadline": self.scoring_deadline.isoformat() if self.scoring_deadline else None,
        }


def today() -> date:
    """The date rounds are read against: the office's date (:func:`assess.clock.today`)."""
    return clock.today()


def status(stored: Round, *, on: date | None = None) -> RoundStatus:
    return round_status(opens_on=stored.opens_on, closes_on=stored.closes_on, published_at=stored.published_at,
                        today=on or today())


def rubric_of(stored: Round) -> Rubric:
    """The rubric version the round is scored against."""
    return rubrics.from_snapshot(stored.rubric_version)


def round_school_year(stored: Round) -> str:
    return school_year(stored.closes_on)


def _validate(*, kind: str, name: str, opens_on: Any, closes_on: Any, per_application: Any, aggregation: str,
              disagreement_threshold: Any, scoring_deadline: Any = None) -> list[FieldError]:
    errors = []
    if kind not in ROUND_KINDS:
        errors.append(FieldError("kind", "jury.errors.round_kind", {"value": kind, "known": ", ".join(ROUND_KINDS)}))
    if not str(name or "").strip():
        errors.append(FieldError("name", "errors.required", {}))
    elif len(str(name).strip()) > NAME_MAX:
        errors.append(FieldError("name", "errors.too_long", {"max": NAME_MAX}))
    for field, value in (("opens_on", opens_on), ("closes_on", closes_on)):
        if not isinstance(value, date) or isinstance(value, datetime):
            errors.append(FieldError(field, "errors.not_a_date", {}))
    if isinstance(opens_on, date) and isinstance(closes_on, date) and closes_on < opens_on:
        errors.append(FieldError("closes_on", "errors.end_before_start", {}))
    if scoring_deadline is not None:
        if not isinstance(scoring_deadline, date) or isinstance(scoring_deadline, datetime):
            errors.append(FieldError("scoring_deadline", "errors.not_a_date", {}))
        elif isinstance(closes_on, date) and (problem := deadline_problem(closes_on=closes_on,
                                                                          scoring_deadline=scoring_deadline)):
            errors.append(FieldError("scoring_deadline", problem, {}))
    if isinstance(per_application, bool) or not isinstance(per_application, int) or not 1 <= per_application <= PER_APPLICATION_MAX:
        errors.append(FieldError("per_application", "jury.errors.per_application", {"max": PER_APPLICATION_MAX}))
    if aggregation not in AGGREGATIONS:
        errors.append(FieldError("aggregation", "jury.errors.aggregation", {"value": aggregation}))
    low, high = THRESHOLD_RANGE
    if (isinstance(disagreement_threshold, bool) or not isinstance(disagreement_threshold, int)
            or not low <= disagreement_threshold <= high):
        errors.append(FieldError("disagreement_threshold", "jury.errors.threshold", {"min": low, "max": high}))
    return errors


def create_round(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    name: str,
    opens_on: date,
    closes_on: date,
    rubric_id: str | None = None,
    per_application: int = 2,
    aggregation: str = Aggregation.MEAN,
    disagreement_threshold: int = 2,
    region_conflicts: bool = False,
    scoring_deadline: date | None = None,
) -> Round:
    """Open a round (office only). ``rubric_id``: an installed rubric, the default one if
    not given; its current version is stored with the round. ``disagreement_threshold``:
    the spread (highest minus lowest juror level on a criterion) from which jurors disagree.
    ``scoring_deadline``: the last day jurors are expected to submit, after ``closes_on``
    (:func:`assess.domain.jury.deadline_problem`); None: no deadline."""
    authorize(session, actor, "round.manage")
    errors = _validate(kind=kind, name=name, opens_on=opens_on, closes_on=closes_on, per_application=per_application,
                       aggregation=aggregation, disagreement_threshold=disagreement_threshold,
                       scoring_deadline=scoring_deadline)
    if errors:
        raise InvalidInput(errors)
    rubric = rubrics.installed_rubric(rubric_id) if rubric_id else rubrics.installed().default
    version = _snapshots.rubric_version(session, rubric)
    stored = Round(
        kind=kind, name=name.strip(), rubric_version=version, opens_on=opens_on, closes_on=closes_on,
        per_application=per_application, aggregation=aggregation, disagreement_threshold=disagreement_threshold,
        region_conflicts=bool(region_conflicts), created_by=actor.id, scoring_deadline=scoring_deadline,
    )
    session.add(stored)
    session.flush()
    audit.record(session, actor=actor, action="round.create", entity_type="round", entity_id=stored.id,
                 details={"kind": kind, "name": stored.name, "rubric": rubric.id, "version": rubric.version,
                          "opens_on": opens_on.isoformat(), "closes_on": closes_on.isoformat(),
                          "per_application": per_application, "aggregation": aggregation,
                          "disagreement_threshold": disagreement_threshold, "region_conflicts": bool(region_conflicts),
                          "scoring_deadline": scoring_deadline.isoformat() if scoring_deadline else None})
    return stored


def get_round(session: Session, *, actor: Actor, round_id: int) -> Round:
    """The round, for anyone signed in (teachers see the rounds they may apply to)."""
    authorize(session, actor, "round.view")
    stored = session.get(Round, round_id)
    if stored is None:
        raise NotFound()
    return stored


def list_rounds(session: Session, *, actor: Actor) -> list[RoundSummary]:
    """Every round, newest first, with its status and number of applications."""
    authorize(session, actor, "round.view")
    counts = dict(session.execute(
        select(Application.round_id, func.count(Application.id))
        .where(Application.status == ApplicationStatus.SUBMITTED)
        .group_by(Application.round_id)
    ).all())
    stored = session.scalars(select(Round).order_by(Round.opens_on.desc(), Round.id.desc()))
    return [summary(r, applications=int(counts.get(r.id, 0))) for r in stored]


def summary(stored: Round, *, applications: int = 0) -> RoundSummary:
    return RoundSummary(
        id=stored.id, kind=stored.kind, name=stored.name, rubric_id=stored.rubric_version.rubric_id,
        rubric_version=stored.rubric_version.version, opens_on=stored.opens_on, closes_on=stored.closes_on,
        per_application=stored.per_application, aggregation=stored.aggregation,
        disagreement_threshold=stored.disagreement_threshold, region_conflicts=stored.region_conflicts,
        published_at=stored.published_at, status=status(stored), applications=applications,
        scoring_deadline=stored.scoring_deadline,
    )


def rubric_locked(session: Session, *, actor: Actor, round_id: int) -> bool:
    """Whether the round's rubric is locked (a score was saved in it) (office)."""
    authorize(session, actor, "round.manage")
    return _has_scores(session, round_id)


def _has_scores(session: Session, round_id: int) -> bool:
    """Whether any juror has saved a score in the round (its rubric is then locked)."""
    return bool(session.scalar(
        select(func.count(JurorScore.id))
        .join(Assignment, Assignment.id == JurorScore.assignment_id)
        .join(Application, Application.id == Assignment.application_id)
        .where(Application.round_id == round_id)
    ))


def update_round(
    session: Session,
    *,
    actor: Actor,
    round_id: int,
    name: str = UNSET,
    rubric_id: str = UNSET,
    opens_on: date = UNSET,
    closes_on: date = UNSET,
    per_application: int = UNSET,
    aggregation: str = UNSET,
    disagreement_threshold: int = UNSET,
    region_conflicts: bool = UNSET,
    scoring_deadline: date | None = UNSET,
) -> Round:
    """Change a round's settings (only the given ones; ``scoring_deadline=None`` removes the
    deadline). The rubric cannot change once any
    juror has saved a score (:class:`Conflict`, ``jury.errors.rubric_locked``); a
    published round cannot change at all."""
    authorize(session, actor, "round.manage")
    # Locked, and read again: a score saved meanwhile (which holds a shared lock) is seen.
    stored = session.get(Round, round_id, with_for_update=True, populate_existing=True)
    if stored is None:
        raise NotFound()
    if stored.published_at is not None:
        raise Conflict("jury.errors.round_published")
    new = {
        "name": stored.name if name is UNSET else name,
        "opens_on": stored.opens_on if opens_on is UNSET else opens_on,
        "closes_on": stored.closes_on if closes_on is UNSET else closes_on,
        "per_application": stored.per_application if per_application is UNSET else per_application,
        "aggregation": stored.aggregation if aggregation is UNSET else aggregation,
        "disagreement_threshold": stored.disagreement_threshold if disagreement_threshold is UNSET else disagreement_threshold,
        # Checked against the closing date as changed: moving the closing date past the
        # deadline is refused on the deadline's field.
        "scoring_deadline": stored.scoring_deadline if scoring_deadline is UNSET else scoring_deadline,
    }
    # The values as typed: _validate checks them.
    errors = _validate(kind=stored.kind, **new)  # type: ignore[arg-type]
    if errors:
        raise InvalidInput(errors)
    changed: dict[str, Any] = {}
    if rubric_id is not UNSET and rubric_id is not None:
        rubric = rubrics.installed_rubric(rubric_id)
        version = _snapshots.rubric_version(session, rubric)
        if version.id != stored.rubric_version_id:
            if _has_scores(session, stored.id):
                raise Conflict("jury.errors.rubric_locked")
            changed["rubric"] = [f"{stored.rubric_version.rubric_id} {stored.rubric_version.version}",
                                 f"{rubric.id} {rubric.version}"]
            stored.rubric_version = version
    new["name"] = str(new["name"]).strip()
    for key, value in new.items():
        old = getattr(stored, key)
        if old != value:
            changed[key] = [old.isoformat() if isinstance(old, date) else old,
                            value.isoformat() if isinstance(value, date) else value]
            setattr(stored, key, value)
    if region_conflicts is not UNSET and bool(region_conflicts) != stored.region_conflicts:
        changed["region_conflicts"] = [stored.region_conflicts, bool(region_conflicts)]
        stored.region_conflicts = bool(region_conflicts)
    if changed:
        audit.record(session, actor=actor, action="round.update", entity_type="round", entity_id=stored.id, details=changed)
    session.flush()
    return stored
