"""Demonstration data: a fictional national office, loaded once, harmless to load again."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assess.domain.jury import RoundStatus, school_year
from assess.domain.permissions import Actor, PermissionDenied
from assess.domain.scoring import Outcome
from assess.services import accounts, applications, decisions, demo, jury, projects, rounds, rubrics, self_assessments
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


def test_the_demo_jury_has_judged_a_label_session(session, loaded):
    assert loaded.round
    [summary] = rounds.list_rounds(session, actor=OFFICE)
    assert summary.kind == "label" and school_year(rounds.today()) in summary.name
    assert summary.rubric_id == rubrics.installed().default.id
    assert summary.status is RoundStatus.PUBLISHED
    found = jury.round_aggregates(session, actor=OFFICE, round_id=summary.id)
    assert len(found) == summary.applications >= 4
    teachers = {session.get(Project, a.project_id).owner_id for a in found}
    assert len(teachers) >= 3

    # Every application was judged by two jurors, who submitted; one pair disagrees.
    assert all(len(a.jurors) == 2 and a.submitted == 2 for a in found)
    disagreeing = [a for a in found if a.disagreement]
    assert len(disagreeing) == 1
    [split] = disagreeing
    assert max(i.spread for i in split.items) >= summary.disagreement_threshold
    assert split.consensus_note

    # One conflict of interest: a juror teaching in an applicant's school, kept off it.
    [conflict] = jury.list_conflicts(session, actor=OFFICE, round_id=summary.id)
    assert conflict.kind == "same_school"
    assert all(conflict.juror_id not in {j.juror_id for j in a.jurors} for a in found
               if a.application_id == conflict.application_id)

    # Loads are balanced and the decisions are published, labels and refusals both.
    report = jury.reliability(session, actor=OFFICE, round_id=summary.id)
    assert len(report.jurors) >= 4
    outcomes = {d.outcome for d in decisions.list_decisions(session, actor=OFFICE, round_id=summary.id).decisions}
    assert outcomes == {"label", "no_label"}
    assert all(d.published_at is not None
               for d in decisions.list_decisions(session, actor=OFFICE, round_id=summary.id).decisions)


def test_demo_jurors_sign_in_and_find_their_work_and_teachers_their_verdicts(session, loaded):
    jurors = [accounts.authenticate(session, email=email, password=loaded.password) for email in loaded.juror_emails]
    assert len(jurors) >= 4 and all(j is not None and j.roles == {"juror"} for j in jurors)
    schools = {session.get(User, j.id).school_id for j in jurors}
    assert None not in schools and len(schools) == len(jurors)
    work = {j.id: jury.my_assignments(session, actor=j) for j in jurors}
    assert all(items and all(i.submitted_at is not None for i in items) for items in work.values())
    loads = sorted(len(items) for items in work.values())
    assert loads[-1] - loads[0] <= 1

    seen = []
    for email in loaded.teacher_emails:
        teacher = accounts.authenticate(session, email=email, password=loaded.password)
        seen += applications.my_applications(session, actor=teacher)
    assert seen and all(v.status == "decided" and v.verdict in {"label", "no_label"} for v in seen)
    assert all(any(f.comments for f in v.feedback) for v in seen)


def test_loading_the_demo_twice_changes_nothing(session, loaded):
    before = row_counts(session)
    again = demo.load_demo(session, actor=OFFICE)
    session.commit()
    after = row_counts(session)

    assert (again.created, again.password, again.projects, again.round) == (False, None, 0, False)
    before.pop("audit_log"), after.pop("audit_log")
    assert after == before
    assert before["rounds"] == 1 and before["applications"] >= 4 and before["juror_scores"] > 0
    assert accounts.authenticate(session, email=loaded.teacher_emails[0], password=loaded.password) is not None


def test_a_teacher_cannot_load_the_demo(session):
    teacher = make_user(session, email="claire@example.org")
    session.commit()
    with pytest.raises(PermissionDenied):
        demo.load_demo(session, actor=teacher)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Project)) == 0
    assert session.scalar(select(func.count()).select_from(User)) == 1
