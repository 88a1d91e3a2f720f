"""Demonstration data: a fictional national office, loaded once, harmless to load again."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assess.domain.permissions import Actor, PermissionDenied
from assess.domain.scoring import Outcome
from assess.services import accounts, demo, projects, self_assessments
from assess.storage.models import Base, Project, User
from tests.services.helpers import make_user

OFFICE = Actor.system()


def row_counts(session) -> dict[str, int]:
    return {table.name: session.scalar(select(func.count()).select_from(table)) for table in Base.metadata.sorted_tables}


def stage(age: int) -> str:
    return "nursery" if age < 6 else "primary" if age < 11 else "lower secondary" if age < 15 else "upper secondary"


@pytest.fixture
def loaded(session) -> demo.DemoResult:
    result = demo.load_demo(session, actor=OFFICE)
    session.commit()
    return result


def test_the_demo_is_a_varied_national_office(session, loaded):
    assert loaded.created
    assert loaded.projects >= 12
    all_projects = projects.list_projects(session, actor=OFFICE)
    assert len(all_projects) == loaded.projects

    partner_countries = {p.school.country for project in all_projects for p in project.partners}
    assert len(partner_countries) >= 8, partner_countries
    stages = {stage(p.age_min) for p in all_projects}
    assert stages == {"nursery", "primary", "lower secondary", "upper secondary"}

    people = session.scalars(select(User)).all()
    assert sum("teacher" in u.role_names for u in people) >= 3
    assert sum("juror" in u.role_names for u in people) >= 1
    assert {u.email for u in people if "teacher" in u.role_names} == set(loaded.teacher_emails)

    outcomes = set()
    for project in all_projects:
        assessment = self_assessments.current(session, actor=OFFICE, project_id=project.id)
        if assessment is not None:
            outcomes.add(assessment.score.verdict.outcome)
    assert outcomes == {Outcome.PASS, Outcome.FAIL, Outcome.INCOMPLETE}


def test_demo_teachers_sign_in_with_the_password_shown_once(session, loaded):
    assert loaded.password and len(loaded.password) >= accounts.PASSWORD_MIN_LENGTH
    teacher = accounts.authenticate(session, email=loaded.teacher_emails[0], password=loaded.password)
    assert teacher is not None and teacher.roles == {"teacher"}
    own = projects.list_projects(session, actor=teacher)
    assert own and all(p.owner_id == teacher.id for p in own)


def test_loading_the_demo_twice_changes_nothing(session, loaded):
    before = row_counts(session)
    again = demo.load_demo(session, actor=OFFICE)
    session.commit()
    after = row_counts(session)

    assert (again.created, again.password, again.projects) == (False, None, 0)
    before.pop("audit_log"), after.pop("audit_log")
    assert after == before
    assert accounts.authenticate(session, email=loaded.teacher_emails[0], password=loaded.password) is not None


def test_a_teacher_cannot_load_the_demo(session):
    teacher = make_user(session, email="claire@example.org")
    session.commit()
    with pytest.raises(PermissionDenied):
        demo.load_demo(session, actor=teacher)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Project)) == 0
    assert session.scalar(select(func.count()).select_from(User)) == 1
