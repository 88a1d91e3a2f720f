"""The scoring deadline: set by the office after the closing date; a juror's current round
apart from the published ones, with "next application"; each juror's progress and the
late list for the office."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from assess.domain.jury import DeadlineState, deadline_state, next_unsubmitted
from assess.domain.permissions import Actor, PermissionDenied
from assess.services import decisions, jury, rounds
from assess.services.errors import InvalidInput
from assess.storage.models import AuditLog
from tests.jury.helpers import TODAY, apply, close, make_juror, make_round, score_all
from tests.services.helpers import make_project, make_user

OFFICE = Actor.system()


def refused_fields(call) -> dict[str, str]:
    with pytest.raises(InvalidInput) as refused:
        call()
    return {e.field: e.key for e in refused.value.errors}


def applications_of(session, *, round_id: int, teacher: Actor, count: int, prefix: str) -> list[int]:
    return [apply(session, teacher=teacher, round_id=round_id,
                  project_id=make_project(session, owner=teacher, title=f"{prefix} {n}").id).id
            for n in range(1, count + 1)]


def assign(session, *, juror: Actor, application_ids: list[int]) -> None:
    for application_id in application_ids:
        jury.assign_juror(session, actor=OFFICE, application_id=application_id, juror_id=juror.id)


# --- the round's deadline ----------------------------------------------------------------------


def test_a_round_takes_a_scoring_deadline_after_its_closing_date(session):
    closes = TODAY + timedelta(days=10)
    made = make_round(session, closes_on=closes, scoring_deadline=closes + timedelta(days=21))
    assert made.scoring_deadline == closes + timedelta(days=21)
    (listed,) = rounds.list_rounds(session, actor=OFFICE)
    assert listed.scoring_deadline == made.scoring_deadline
    assert listed.to_dict()["scoring_deadline"] == made.scoring_deadline.isoformat()
    event = session.scalar(select(AuditLog).where(AuditLog.action == "round.create"))
    assert event.details["scoring_deadline"] == made.scoring_deadline.isoformat()

    # The jury scores from the day after the closing date: the closing day itself leaves none.
    for day in (closes, closes - timedelta(days=1)):
        assert refused_fields(lambda day=day: make_round(session, name="Too early", closes_on=closes,
                                                         scoring_deadline=day)) == \
            {"scoring_deadline": "jury.errors.deadline_before_closing"}
    assert refused_fields(lambda: make_round(session, name="Text", scoring_deadline="2027-01-10")) == \
        {"scoring_deadline": "errors.not_a_date"}
    assert make_round(session, name="No deadline").scoring_deadline is None


def test_the_office_moves_or_removes_the_deadline_and_the_closing_date_cannot_pass_it(session):
    made = make_round(session, closes_on=TODAY + timedelta(days=10))
    later = TODAY + timedelta(days=30)
    rounds.update_round(session, actor=OFFICE, round_id=made.id, scoring_deadline=later)
    assert made.scoring_deadline == later
    event = session.scalar(select(AuditLog).where(AuditLog.action == "round.update"))
    assert event.details == {"scoring_deadline": [None, later.isoformat()]}

    assert refused_fields(lambda: rounds.update_round(session, actor=OFFICE, round_id=made.id, closes_on=later)) == \
        {"scoring_deadline": "jury.errors.deadline_before_closing"}
    assert made.closes_on == TODAY + timedelta(days=10), "nothing changed"
    rounds.update_round(session, actor=OFFICE, round_id=made.id, name="Renamed")
    assert made.scoring_deadline == later, "left as it is when not given"
    rounds.update_round(session, actor=OFFICE, round_id=made.id, scoring_deadline=None)
    assert made.scoring_deadline is None


def test_the_database_refuses_a_deadline_on_or_before_the_closing_date(session):
    made = make_round(session, closes_on=TODAY + timedelta(days=10))
    made.scoring_deadline = made.closes_on
    with pytest.raises(Exception, match="scoring_deadline_order"):
        session.flush()


# --- the juror --------------------------------------------------------------------------------


def test_a_juror_counts_the_current_round_apart_from_the_published_one(session):
    juror = make_juror(session, "juror@example.org")
    first_teacher = make_user(session, email="first@example.org")
    second_teacher = make_user(session, email="second@example.org")
    # Last session: three applications, all scored, decided and published.
    past = make_round(session, name="Labels autumn", per_application=1)
    decided = applications_of(session, round_id=past.id, teacher=first_teacher, count=3, prefix="Autumn")
    close(session, past.id)
    assign(session, juror=juror, application_ids=decided)
    for application_id in decided:
        score_all(session, juror=juror, application_id=application_id)
        decisions.stage_decision(session, actor=OFFICE, application_id=application_id)
    decisions.publish_round(session, actor=OFFICE, round_id=past.id)
    # This session: two applications, nothing submitted yet.
    current = make_round(session, name="Labels spring", per_application=1)
    waiting = applications_of(session, round_id=current.id, teacher=second_teacher, count=2, prefix="Spring")
    close(session, current.id)
    rounds.update_round(session, actor=OFFICE, round_id=current.id, scoring_deadline=TODAY + timedelta(days=5))
    assign(session, juror=juror, application_ids=waiting)

    work = jury.my_work(session, actor=juror)
    assert [(w.round_name, w.submitted, w.total) for w in work.current] == [("Labels spring", 0, 2)]
    assert [(w.round_name, w.submitted, w.total) for w in work.past] == [("Labels autumn", 3, 3)]
    (now,) = work.current
    assert (now.scoring_deadline, now.days_left, now.late) == (TODAY + timedelta(days=5), 5, False)
    assert work.past[0].next_application() is None, "nothing to score in a published round"
    assert now.next_application() == waiting[0]


def test_next_application_is_the_next_unsubmitted_one_going_round(session, teacher):
    juror = make_juror(session, "juror@example.org")
    made = make_round(session, per_application=1)
    ids = applications_of(session, round_id=made.id, teacher=teacher, count=4, prefix="Project")
    close(session, made.id)
    assign(session, juror=juror, application_ids=ids)
    score_all(session, juror=juror, application_id=ids[1])

    (work,) = jury.my_work(session, actor=juror).current
    assert [i.application_id for i in work.items] == ids, "the list's order: as assigned"
    assert work.next_application() == ids[0]
    assert work.next_application(after=ids[0]) == ids[2], "the submitted one is skipped"
    assert work.next_application(after=ids[2]) == ids[3]
    assert work.next_application(after=ids[3]) == ids[0], "going round to the start"
    for application_id in (ids[0], ids[2]):
        score_all(session, juror=juror, application_id=application_id)
    (work,) = jury.my_work(session, actor=juror).current
    assert work.next_application(after=ids[3]) is None, "the open one is the last one left"
    assert work.next_application() == ids[3]


def test_next_unsubmitted_rules():
    order = [("a", True), ("b", False), ("c", True), ("d", False)]
    assert next_unsubmitted(order) == "b"
    assert next_unsubmitted(order, after="b") == "d"
    assert next_unsubmitted(order, after="d") == "b"
    assert next_unsubmitted(order, after="zzz") == "b"
    assert next_unsubmitted([("a", True)]) is None
    assert next_unsubmitted([]) is None


@pytest.mark.parametrize(("deadline", "left", "state"), [
    (None, 3, DeadlineState.NONE),
    (date(2027, 1, 20), 0, DeadlineState.NONE),
    (date(2027, 1, 20), 2, DeadlineState.ON_TIME),
    (date(2027, 1, 13), 2, DeadlineState.DUE_SOON),
    (date(2027, 1, 10), 2, DeadlineState.DUE_SOON),  # the deadline day is still on time
    (date(2027, 1, 9), 1, DeadlineState.LATE),
])
def test_deadline_states(deadline, left, state):
    assert deadline_state(scoring_deadline=deadline, left=left, today=date(2027, 1, 10), within_days=3) is state


# --- the office ---------------------------------------------------------------------------------


def late_round(session, *, name: str, teacher: Actor, jurors: list[Actor], deadline_in: int, count: int = 2,
               closed_days_ago: int = 10):
    made = make_round(session, name=name, per_application=len(jurors))
    ids = applications_of(session, round_id=made.id, teacher=teacher, count=count, prefix=name)
    rounds.update_round(session, actor=OFFICE, round_id=made.id, opens_on=TODAY - timedelta(days=40),
                        closes_on=TODAY - timedelta(days=closed_days_ago),
                        scoring_deadline=TODAY + timedelta(days=deadline_in))
    for juror in jurors:
        assign(session, juror=juror, application_ids=ids)
    return made, ids


def test_the_office_sees_each_jurors_progress_in_a_round(session, teacher):
    ana, ben = make_juror(session, "ana@example.org"), make_juror(session, "ben@example.org")
    made, ids = late_round(session, name="Labels", teacher=teacher, jurors=[ana, ben], deadline_in=-2, count=3)
    score_all(session, juror=ana, application_id=ids[0])
    for application_id in ids:
        score_all(session, juror=ben, application_id=application_id)

    found = {p.email: p for p in jury.juror_progress(session, actor=OFFICE, round_id=made.id)}
    assert {e: (p.assigned, p.submitted, p.left, p.state) for e, p in found.items()} == {
        "ana@example.org": (3, 1, 2, DeadlineState.LATE),
        "ben@example.org": (3, 3, 0, DeadlineState.NONE),
    }
    assert found["ana@example.org"].days_left == -2
    with pytest.raises(PermissionDenied):
        jury.juror_progress(session, actor=ana, round_id=made.id)


def test_the_late_list_names_late_jurors_then_those_due_soon(session, teacher):
    other_teacher = make_user(session, email="jonas@example.org")
    ana, ben, cleo = (make_juror(session, f"{n}@example.org") for n in ("ana", "ben", "cleo"))
    _late, late_ids = late_round(session, name="Late round", teacher=teacher, jurors=[ana, ben], deadline_in=-3)
    soon, _ = late_round(session, name="Soon round", teacher=other_teacher, jurors=[cleo], deadline_in=2, count=1)
    far, _ = late_round(session, name="Far round", teacher=other_teacher, jurors=[ana], deadline_in=20, count=1)
    for application_id in late_ids:  # Ben is done: never late
        score_all(session, juror=ben, application_id=application_id)

    found = jury.late_jurors(session, actor=OFFICE, within_days=3)
    assert [(p.round_name, p.email, p.left, p.days_left, p.state) for p in found] == [
        ("Late round", "ana@example.org", 2, -3, DeadlineState.LATE),
        ("Soon round", "cleo@example.org", 1, 2, DeadlineState.DUE_SOON),
    ]
    assert [p.email for p in jury.late_jurors(session, actor=OFFICE, within_days=0)] == ["ana@example.org"]
    assert [p.round_name for p in jury.late_jurors(session, actor=OFFICE, within_days=30)] == \
        ["Late round", "Soon round", "Far round"]
    assert [p.round_name for p in jury.late_jurors(session, actor=OFFICE, round_id=soon.id)] == ["Soon round"]
    assert far.id  # the far round is listed only with a wide window


def test_a_withdrawn_or_conflicted_application_is_not_work_left(session, teacher):
    from assess.services import applications

    ana = make_juror(session, "ana@example.org")
    made = make_round(session, per_application=1)
    ids = applications_of(session, round_id=made.id, teacher=teacher, count=3, prefix="Project")
    applications.withdraw(session, actor=teacher, application_id=ids[0])  # while the round is open
    rounds.update_round(session, actor=OFFICE, round_id=made.id, opens_on=TODAY - timedelta(days=40),
                        closes_on=TODAY - timedelta(days=10), scoring_deadline=TODAY - timedelta(days=1))
    assign(session, juror=ana, application_ids=ids[1:])
    jury.declare_conflict(session, actor=ana, application_id=ids[1], note="My sister teaches there")
    (found,) = jury.late_jurors(session, actor=OFFICE)
    assert (found.assigned, found.left) == (1, 1)
    (work,) = jury.my_work(session, actor=ana).current
    assert (work.total, work.late) == (1, True)
