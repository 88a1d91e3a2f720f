"""How far the jury is: the round as a whole, each juror's share, the late list for the
office; and, for a juror, their work grouped by round with the scoring deadline.

A juror's work counts what they can see (:func:`assess.services.jury.my_assignments`):
submitted applications, not in conflict with them. The office's counts leave out the same
assignments, by the conflicts stored (automatic ones are stored when assigning). The
deadline rules are :mod:`assess.domain.jury`'s: a deadline is the last day (inclusive, in
the office's time zone), a juror with applications left after it is late, and one with
applications left within ``within_days`` of it is due soon.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from assess import clock
from assess.domain.jury import DeadlineState, RoundStatus, days_left, deadline_state, next_unsubmitted
from assess.domain.permissions import Actor
from assess.domain.states import ApplicationStatus
from assess.services.access import authorize
from assess.services.jury._common import find_round
from assess.services.jury.scoring import AssignmentItem, my_assignments
from assess.storage.models import Application, Assignment, Round, User
from assess.storage.models import Conflict as ConflictOfInterest

#: The warning window of the late list and the juror's page: due within this many days.
DUE_SOON_DAYS = 3


@dataclass(frozen=True)
class RoundProgress:
    applications: int
    assignments: int
    submitted: int
    short: Mapping[int, int] = field(default_factory=dict)


def progress(session: Session, *, actor: Actor, round_id: int) -> RoundProgress:
    """How far the jury is: applications, assignments, submitted assignments; and the
    applications with fewer jurors than the round asks."""
    authorize(session, actor, "round.manage")
    round_ = find_round(session, round_id)
    # Ids only: the rounds page asks this of every round, and loading each application
    # with its project took over half a second a national round.
    applications = session.scalars(select(Application.id).where(
        Application.round_id == round_.id, Application.status == ApplicationStatus.SUBMITTED).order_by(Application.id)).all()
    counts = dict(session.execute(
        select(Assignment.application_id, func.count(Assignment.id))
        .join(Application, Application.id == Assignment.application_id)
        .where(Application.round_id == round_.id).group_by(Assignment.application_id)
    ).all())
    submitted = session.scalar(
        select(func.count(Assignment.id)).join(Application, Application.id == Assignment.application_id)
        .where(Application.round_id == round_.id, Application.status == ApplicationStatus.SUBMITTED, Assignment.submitted_at.is_not(None))
    )
    return RoundProgress(
        applications=len(applications),
        assignments=sum(counts.get(a, 0) for a in applications),
        submitted=int(submitted or 0),
        short={a: round_.per_application - counts.get(a, 0) for a in applications
               if counts.get(a, 0) < round_.per_application},
    )


# --- the office: each juror, and the late list -----------------------------------------------


@dataclass(frozen=True)
class JurorProgress:
    """One juror in one round: applications assigned, submitted, left; against the deadline."""

    round_id: int
    round_name: str
    scoring_deadline: date | None
    juror_id: int
    name: str
    email: str
    assigned: int
    submitted: int
    #: Days to the deadline (0: the deadline is today, below zero: passed); None without one.
    days_left: int | None
    state: DeadlineState

    @property
    def left(self) -> int:
        return self.assigned - self.submitted

    def to_dict(self) -> dict:
        return {"round_id": self.round_id, "round": self.round_name, "juror_id": self.juror_id, "name": self.name,
                "email": self.email, "assigned": self.assigned, "submitted": self.submitted, "left": self.left,
                "scoring_deadline": self.scoring_deadline.isoformat() if self.scoring_deadline else None,
                "days_left": self.days_left, "state": self.state.value}


def _juror_rows(session: Session, *conditions, within_days: int, today: date) -> list[JurorProgress]:
    """Assigned and submitted per (round, juror), for the rounds matching ``conditions``."""
    not_conflicted = ~exists().where(and_(ConflictOfInterest.juror_id == Assignment.juror_id,
                                          ConflictOfInterest.application_id == Assignment.application_id))
    rows = session.execute(
        select(Round.id, Round.name, Round.scoring_deadline, User.id, User.display_name, User.email,
               func.count(Assignment.id), func.count(Assignment.submitted_at))
        .select_from(Assignment)
        .join(Application, Application.id == Assignment.application_id)
        .join(Round, Round.id == Application.round_id)
        .join(User, User.id == Assignment.juror_id)
        .where(Application.status == ApplicationStatus.SUBMITTED, not_conflicted, *conditions)
        .group_by(Round.id, Round.name, Round.scoring_deadline, User.id, User.display_name, User.email)
        .order_by(Round.id, User.display_name, User.id)
    ).all()
    found = []
    for round_id, round_name, deadline, juror_id, name, email, assigned, submitted in rows:
        found.append(JurorProgress(
            round_id=round_id, round_name=round_name, scoring_deadline=deadline, juror_id=juror_id, name=name,
            email=email, assigned=int(assigned), submitted=int(submitted),
            days_left=days_left(deadline, today=today),
            state=deadline_state(scoring_deadline=deadline, left=int(assigned) - int(submitted), today=today,
                                 within_days=within_days),
        ))
    return found


def juror_progress(session: Session, *, actor: Actor, round_id: int,
                   within_days: int = DUE_SOON_DAYS) -> list[JurorProgress]:
    """Each juror of the round with assigned, submitted and left (office), by name. A
    published round's jurors are never late: the work is over."""
    authorize(session, actor, "round.manage")
    round_ = find_round(session, round_id)
    found = _juror_rows(session, Round.id == round_.id, within_days=within_days, today=clock.today())
    if round_.published_at is not None:
        found = [replace(p, state=DeadlineState.NONE) for p in found]
    return found


def late_jurors(session: Session, *, actor: Actor, round_id: int | None = None,
                within_days: int = DUE_SOON_DAYS) -> list[JurorProgress]:
    """The late list (office): in the rounds not yet published that have a deadline (or in
    ``round_id`` only), the jurors with applications left whose deadline has passed (late)
    or falls within ``within_days`` days (due soon). The latest first, then by deadline."""
    authorize(session, actor, "round.manage")
    if round_id is not None:
        find_round(session, round_id)
    today = clock.today()
    conditions = [Round.published_at.is_(None), Round.scoring_deadline.is_not(None),
                  Round.scoring_deadline <= today + timedelta(days=max(within_days, 0))]
    if round_id is not None:
        conditions.append(Round.id == round_id)
    found = [p for p in _juror_rows(session, *conditions, within_days=within_days, today=today)
             if p.state in (DeadlineState.LATE, DeadlineState.DUE_SOON)]
    return sorted(found, key=lambda p: (p.days_left, -p.left, p.name.casefold(), p.juror_id))


# --- the juror: their work by round ----------------------------------------------------------


@dataclass(frozen=True)
class RoundWork:
    """A juror's applications in one round, in the order of their list."""

    round_id: int
    round_name: str
    round_status: RoundStatus
    scoring_deadline: date | None
    days_left: int | None
    items: tuple[AssignmentItem, ...]

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def submitted(self) -> int:
        return sum(1 for item in self.items if item.submitted_at is not None)

    @property
    def current(self) -> bool:
        """Still to work on: the round's decisions are not published."""
        return self.round_status is not RoundStatus.PUBLISHED

    @property
    def late(self) -> bool:
        return self.current and self.days_left is not None and self.days_left < 0 and self.submitted < self.total

    def next_application(self, *, after: int | None = None) -> int | None:
        """The next application to score (its id), after ``after`` in the list and going
        round; None when every other one is submitted."""
        found: Hashable | None = next_unsubmitted(
            [(item.application_id, item.submitted_at is not None) for item in self.items], after=after)
        return found if isinstance(found, int) else None


@dataclass(frozen=True)
class JurorWork:
    """The rounds still at work (earliest deadline first) apart from the published ones
    (newest first)."""

    current: tuple[RoundWork, ...]
    past: tuple[RoundWork, ...]

    def round_of(self, application_id: int) -> RoundWork | None:
        return next((w for w in (*self.current, *self.past)
                     if any(i.application_id == application_id for i in w.items)), None)


def my_work(session: Session, *, actor: Actor) -> JurorWork:
    """The juror's applications (what :func:`my_assignments` lets them see) by round."""
    items = my_assignments(session, actor=actor)
    today = clock.today()
    by_round: dict[int, list[AssignmentItem]] = {}
    for item in items:
        by_round.setdefault(item.round_id, []).append(item)
    works = []
    for round_id, found in by_round.items():
        round_ = find_round(session, round_id)  # already loaded with the applications
        works.append(RoundWork(
            round_id=round_id, round_name=round_.name, round_status=RoundStatus(found[0].round_status),
            scoring_deadline=round_.scoring_deadline, days_left=days_left(round_.scoring_deadline, today=today),
            items=tuple(found),
        ))
    current = sorted((w for w in works if w.current),
                     key=lambda w: (w.scoring_deadline is None, w.scoring_deadline or today, w.round_id))
    past = sorted((w for w in works if not w.current), key=lambda w: -w.round_id)
    return JurorWork(current=tuple(current), past=tuple(past))
