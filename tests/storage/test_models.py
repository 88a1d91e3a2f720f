"""The constraints a user would notice, on every database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from assess.storage.models import (
    AuditLog,
    Project,
    ProjectPartner,
    RubricVersion,
    School,
    SelfAssessment,
    SelfAssessmentEntry,
    User,
    UserRole,
)


def make_user(session: Session, email: str = "Teacher@Example.org", roles=("teacher",)) -> User:
    user = User(email=email, display_name="A Teacher", password_hash="x")
    user.roles = [UserRole(role=role) for role in roles]
    session.add(user)
    session.flush()
    return user


def make_project(session: Session, owner: User, **overrides) -> Project:
    values = dict(
        title="Water around us",
        start_date=date(2024, 9, 1),
        end_date=date(2025, 6, 30),
        age_min=10,
        age_max=12,
    )
    project = Project(owner_id=owner.id, **(values | overrides))
    session.add(project)
    session.flush()
    return project


def make_rubric_version(session: Session, version: str = "1.0") -> RubricVersion:
    rubric = RubricVersion(
        rubric_id="etwinning-2006", version=version, digest="0" * 64, content={"id": "x"}
    )
    session.add(rubric)
    session.flush()
    return rubric


def make_self_assessment(session: Session) -> SelfAssessment:
    owner = make_user(session)
    project = make_project(session, owner)
    rubric = make_rubric_version(session)
    assessment = SelfAssessment(
        project_id=project.id, rubric_version_id=rubric.id, created_by=owner.id
    )
    assessment.entries = [
        SelfAssessmentEntry(item_id="innovation", level=3, updated_by=owner.id),
        SelfAssessmentEntry(item_id="safety", level=None),
    ]
    session.add(assessment)
    session.commit()
    return assessment


def refused(session: Session, *objects) -> bool:
    session.add_all(objects)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return True
    return False


def test_email_is_stored_lower_case_and_unique(session):
    user = make_user(session, "  Ana.Lopez@Example.ORG ")
    session.commit()
    assert session.scalar(select(User.email).where(User.id == user.id)) == "ana.lopez@example.org"
    assert refused(session, User(email="ana.lopez@EXAMPLE.org", display_name="Twin"))


def test_roles(session):
    user = make_user(session, roles=("teacher", "juror"))
    session.commit()
    assert user.role_names == frozenset({"teacher", "juror"})
    assert user.is_active and user.password_hash == "x"
    assert refused(session, UserRole(user_id=user.id, role="superuser"))


def test_deleting_a_user_deletes_their_roles_and_keeps_their_traces(session):
    user = make_user(session, roles=("admin",))
    session.add(
        AuditLog(actor_id=user.id, action="user.create", entity_type="user", entity_id="1")
    )
    session.commit()
    session.execute(delete(User).where(User.id == user.id))
    session.commit()
    assert session.scalar(select(func.count()).select_from(UserRole)) == 0
    assert session.scalar(select(AuditLog.actor_id)) is None


def test_a_user_who_owns_projects_cannot_be_deleted(session):
    owner = make_user(session)
    make_project(session, owner)
    session.commit()
    with pytest.raises(IntegrityError):
        session.execute(delete(User).where(User.id == owner.id))
    session.rollback()


def test_level_out_of_range_is_refused(session):
    assessment = make_self_assessment(session)
    def new_entry(item_id: str, level: int) -> SelfAssessmentEntry:
        return SelfAssessmentEntry(self_assessment_id=assessment.id, item_id=item_id, level=level)

    assert refused(session, new_entry("a", 6))
    assert refused(session, new_entry("b", -1))
    entry = new_entry("c", 5)
    session.add(entry)
    session.commit()
    assert (entry.evidence_note, entry.evidence_links) == ("", [])


def test_one_entry_per_item(session):
    assessment = make_self_assessment(session)
    twin = SelfAssessmentEntry(self_assessment_id=assessment.id, item_id="innovation")
    assert refused(session, twin)


def test_one_self_assessment_per_project_and_rubric_version(session):
    assessment = make_self_assessment(session)
    twin = SelfAssessment(
        project_id=assessment.project_id, rubric_version_id=assessment.rubric_version_id
    )
    assert refused(session, twin)
    other_version = make_rubric_version(session, "2.0")
    session.add(SelfAssessment(project_id=assessment.project_id, rubric_version_id=other_version.id))
    session.commit()


def test_rubric_versions_are_unique(session):
    make_rubric_version(session)
    twin = RubricVersion(rubric_id="etwinning-2006", version="1.0", digest="1" * 64, content={})
    assert refused(session, twin)


@pytest.mark.parametrize("through", ["sql", "orm"])
def test_deleting_a_project_deletes_its_self_assessments_and_entries(session, through):
    assessment = make_self_assessment(session)
    if through == "sql":  # the database cascades, not only the ORM
        session.execute(delete(Project).where(Project.id == assessment.project_id))
    else:
        session.delete(session.get(Project, assessment.project_id))
    session.commit()
    assert session.scalar(select(func.count()).select_from(SelfAssessment)) == 0
    assert session.scalar(select(func.count()).select_from(SelfAssessmentEntry)) == 0


def test_project_ages_and_dates(session):
    owner = make_user(session)
    session.commit()
    def project(start: date, end: date, age_min: int, age_max: int) -> Project:
        return Project(owner_id=owner.id, title="t", start_date=start, end_date=end,
                       age_min=age_min, age_max=age_max)

    assert refused(session, project(date(2024, 1, 1), date(2024, 6, 1), 12, 10))
    assert refused(session, project(date(2024, 1, 1), date(2024, 6, 1), 1, 10))
    assert refused(session, project(date(2024, 1, 1), date(2024, 6, 1), 10, 22))
    assert refused(session, project(date(2024, 6, 1), date(2024, 1, 1), 5, 10))
    project = make_project(session, owner, subjects=["science"], languages=["en", "fr"])
    session.commit()
    assert (project.subjects, project.summary, project.school_id) == (["science"], "", None)


def test_schools_and_partners(session):
    school = School(name="Collège Jean Moulin", country="fr")
    session.add(school)
    session.commit()
    assert school.country == "FR"
    assert refused(session, School(name="Collège Jean Moulin", country="FR"))
    project = make_project(session, make_user(session))
    project.partners.append(ProjectPartner(school=school))
    session.commit()
    assert refused(session, ProjectPartner(project_id=project.id, school_id=school.id))
    partners = session.get(Project, project.id).partners
    assert [partner.school.name for partner in partners] == [school.name]


def test_times_are_aware_utc(session):
    user = make_user(session)
    user.last_login_at = datetime(2025, 1, 1, 12, tzinfo=timezone(timedelta(hours=2)))
    session.commit()
    session.expire_all()
    user = session.get(User, user.id)
    assert user.last_login_at == datetime(2025, 1, 1, 10, tzinfo=UTC)
    assert user.last_login_at.tzinfo == UTC
    assert user.created_at.tzinfo == UTC
    user.last_login_at = datetime(2025, 1, 1)  # noqa: DTZ001 (naive on purpose: the column must refuse it)
    with pytest.raises(StatementError, match="naive datetime"):
        session.flush()
    session.rollback()


def test_in_place_changes_to_json_lists_and_dicts_are_saved(session):
    assessment = make_self_assessment(session)
    assessment.eligibility["q1"] = True
    assessment.entries[0].evidence_links.append("https://twinspace.example/p/1")
    session.commit()
    session.expire_all()
    assessment = session.get(SelfAssessment, assessment.id)
    assert assessment.eligibility == {"q1": True}
    links = {entry.item_id: entry.evidence_links for entry in assessment.entries}
    assert links["innovation"] == ["https://twinspace.example/p/1"]
