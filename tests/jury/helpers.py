"""Builders for the jury tests: a round, accounts with a school, applications, a jury at work."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from assess import clock
from assess.domain.permissions import Actor
from assess.domain.project import SchoolData
from assess.domain.readiness import ELIGIBILITY_QUESTIONS
from assess.services import applications, decisions, jury, rounds
from assess.services._schools import find_or_add_school as school
from assess.storage.models import Assignment, Round, User
from tests.services.helpers import make_project, make_user

TODAY = clock.today()
#: The default rubric (etwinning-2006): six criteria, no gate.
CRITERIA = ("innovation", "curricular-integration", "collaboration", "ict-use", "sustainability", "results")


def yes() -> dict[str, bool]:
    return {q: True for q in ELIGIBILITY_QUESTIONS}


def texts(**overrides: str) -> dict[str, str]:
    found = {c: f"What we did for {c}." for c in CRITERIA}
    found.update(overrides)
    return found


def make_office(session, email: str = "office@example.org") -> Actor:
    return make_user(session, email=email, roles={"admin"}, name="National office")


def make_juror(session, email: str, *, school_name: str | None = None, country: str = "FR",
               region: str | None = None, roles=frozenset({"juror"})) -> Actor:
    actor = make_user(session, email=email, roles=set(roles))
    if school_name:
        user = session.get(User, actor.id)
        user.school_id = school(session, SchoolData(name=school_name, country=country, region=region)).id
        session.flush()
    return actor


def make_round(session, *, office: Actor | None = None, **overrides):
    values = dict(kind="label", name="Labels 2026", opens_on=TODAY - timedelta(days=10),
                  closes_on=TODAY + timedelta(days=10))
    values.update(overrides)
    return rounds.create_round(session, actor=office or Actor.system(), **values)


def close(session, round_id: int) -> None:
    """Move the round's closing date to yesterday (the jury's time)."""
    rounds.update_round(session, actor=Actor.system(), round_id=round_id, opens_on=TODAY - timedelta(days=30),
                        closes_on=TODAY - timedelta(days=1))


def apply(session, *, teacher: Actor, round_id: int, project_id: int, **overrides):
    values = dict(eligibility=yes(), texts=texts(), evidence_links=["https://twinspace.example.org/p/1"],
                  language="fr")
    values.update(overrides)
    return applications.apply(session, actor=teacher, round_id=round_id, project_id=project_id, **values)


def other_project(session, owner: Actor, title: str = "Stars over Europe", school_name: str = "Collège Victor Hugo",
                  region: str = "Bretagne"):
    return make_project(session, owner=owner, title=title,
                        school={"name": school_name, "country": "FR", "region": region})


def assignment_of(session, *, juror: Actor, application_id: int) -> Assignment:
    return session.scalar(select(Assignment).where(Assignment.juror_id == juror.id,
                                                   Assignment.application_id == application_id))


def score_all(session, *, juror: Actor, application_id: int, level: int = 3, overrides: dict | None = None,
              comment: str = "Well done.", private_note: str = "", submit: bool = True,
              items=CRITERIA) -> None:
    """The juror gives ``level`` (or ``overrides[item]``) to every item, then submits."""
    assignment = jury.assignment_of(session, actor=juror, application_id=application_id)
    for item in items:
        jury.save_score(session, actor=juror, assignment_id=assignment.id, item_id=item,
                        level=(overrides or {}).get(item, level), comment=f"{comment} ({item})",
                        private_note=private_note)
    if submit:
        jury.submit_scores(session, actor=juror, assignment_id=assignment.id)


def decide_round(session, *, round_id: int, jurors: dict[int, Actor], levels: dict[int, int]) -> None:
    """Assign, score every application at ``levels[application id]``, stage and publish."""
    jury.auto_assign(session, actor=Actor.system(), round_id=round_id)
    for application_id, level in levels.items():
        for assignment in session.scalars(select(Assignment).where(Assignment.application_id == application_id)):
            score_all(session, juror=jurors[assignment.juror_id], application_id=application_id, level=level)
        decisions.stage_decision(session, actor=Actor.system(), application_id=application_id)
    if session.get(Round, round_id).closes_on >= TODAY:  # published only once the round has closed
        close(session, round_id)
    decisions.publish_round(session, actor=Actor.system(), round_id=round_id)

