"""A person asks for their account to be deleted; the office carries it out. The account is
pseudonymised; projects and self-assessments go unless part of an application (then kept
for the jury's decision to stay verifiable); survey responses stay anonymous; a deleted
juror's scores stay under their pseudonym."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from assess.domain.permissions import Actor, PermissionDenied
from assess.services import accounts, jury, privacy, web_sessions
from assess.services.errors import Conflict
from assess.storage.models import (
    Application,
    AuditLog,
    Decision,
    DeletionRequest,
    JurorScore,
    Project,
    SelfAssessment,
    StandingConflict,
    SurveyCampaign,
    SurveyResponse,
    User,
)
from tests.jury.helpers import make_juror
from tests.privacy.helpers import make_world


@pytest.fixture
def world(session):
    made = make_world(session)
    session.commit()
    return made


def count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_teacher_asks_and_the_office_carries_it_out(session, world):
    web_sessions.start(session, user_id=world.marie.id)
    request = privacy.request_deletion(session, actor=world.marie)
    assert privacy.request_deletion(session, actor=world.marie).id == request.id, "asking twice is one request"
    [listed] = privacy.deletion_requests(session, actor=world.office)
    assert (listed.status, listed.email) == ("pending", "marie@example.org")
    assert listed.plan["projects_deleted"] == 1 and listed.plan["projects_kept"] == 1
    session.commit()

    done = privacy.carry_out_deletion(session, actor=world.office, request_id=request.id)
    session.commit()
    assert done == {"projects_deleted": 1, "projects_kept": 1, "self_assessments_deleted": 1,
                    "self_assessments_kept": 1, "campaigns_deleted": 1, "applications_kept": 1,
                    "jury_assignments_kept": 0, "standing_conflicts_deleted": 0, "web_sessions_ended": 1}

    user = session.get(User, world.marie.id)
    assert re.fullmatch(rf"deleted-{user.id}-[0-9a-f]{{8}}@deleted\.invalid", user.email)
    assert user.display_name == f"Deleted account {user.id}"
    assert user.password_hash is None and not user.is_active and user.last_login_at is None
    assert accounts.authenticate(session, email="marie@example.org", password="correct horse battery") is None
    assert count(session, User, User.email == "marie@example.org") == 0
    # The project never applied with is gone, with its self-assessment and campaign (the
    # campaign's anonymous responses with it); the applied one is kept, with its verdict.
    assert session.get(Project, world.lone_project) is None
    assert count(session, SurveyCampaign) == 0 and count(session, SurveyResponse) == 0
    kept = session.get(Project, world.applied_project)
    assert kept.owner_id == user.id and kept.owner.display_name == f"Deleted account {user.id}"
    assert count(session, SelfAssessment, SelfAssessment.project_id == world.applied_project) == 1
    application = session.get(Application, world.marie_application)
    assert application.teacher_id == user.id
    assert session.scalar(select(Decision.outcome).where(Decision.application_id == application.id)) == "label"
    assert count(session, JurorScore) > 0
    [stored] = session.scalars(select(DeletionRequest)).all()
    assert (stored.status, stored.carried_out_by, stored.outcome) == ("done", world.office.id, done)
    [entry] = session.scalars(select(AuditLog).where(AuditLog.action == "privacy.account_deleted")).all()
    assert entry.details == done and "marie" not in str(entry.details)
    titles = [e.details.get("title") for e in session.scalars(select(AuditLog).where(AuditLog.entity_type == "project"))]
    assert "A project never applied with" not in titles and "Our rivers, our future" in titles
    # Paul's data is untouched.
    assert session.get(User, world.paul.id).email == "paul@example.org"
    assert count(session, Project, Project.owner_id == world.paul.id) == 1


def test_a_deleted_jurors_scores_stay_under_their_pseudonym(session, world):
    before = jury.aggregates(session, actor=Actor.system(), application_id=world.marie_application)
    request = privacy.request_deletion(session, actor=world.juror)
    privacy.carry_out_deletion(session, actor=Actor.system(), request_id=request.id)
    session.commit()
    after = jury.aggregates(session, actor=Actor.system(), application_id=world.marie_application)
    assert [(j.pseudonym, j.scores) for j in after.jurors] == [(j.pseudonym, j.scores) for j in before.jurors]
    assert after.items == before.items
    assert session.get(User, world.juror.id).email.endswith("@deleted.invalid")


def test_a_request_withdrawn_or_done_cannot_be_carried_out(session, world):
    request = privacy.request_deletion(session, actor=world.paul)
    assert privacy.cancel_request(session, actor=world.paul)
    assert privacy.pending_request(session, actor=world.paul) is None
    with pytest.raises(Conflict):
        privacy.carry_out_deletion(session, actor=world.office, request_id=request.id)
    again = privacy.request_deletion(session, actor=world.paul)
    assert again.id != request.id
    privacy.carry_out_deletion(session, actor=world.office, request_id=again.id)
    with pytest.raises(Conflict):
        privacy.carry_out_deletion(session, actor=world.office, request_id=again.id)


def test_only_the_person_asks_and_only_the_office_carries_out(session, world):
    request = privacy.request_deletion(session, actor=world.paul)
    with pytest.raises(PermissionDenied):
        privacy.carry_out_deletion(session, actor=world.marie, request_id=request.id)
    with pytest.raises(PermissionDenied):
        privacy.deletion_requests(session, actor=world.juror)
    with pytest.raises(PermissionDenied):
        privacy.request_deletion(session, actor=Actor.system())
    assert session.get(DeletionRequest, request.id).status == "pending"


def test_the_last_administrator_cannot_be_deleted(session, world):
    request = privacy.request_deletion(session, actor=world.office)
    with pytest.raises(Conflict):
        privacy.carry_out_deletion(session, actor=world.office, request_id=request.id)
    assert session.get(User, world.office.id).is_active


def test_an_account_made_with_the_pseudonymous_address_blocks_nothing(session, world):
    from tests.services.helpers import make_user

    make_user(session, email=f"deleted-{world.paul.id}@deleted.invalid")
    request = privacy.request_deletion(session, actor=world.paul)
    privacy.carry_out_deletion(session, actor=world.office, request_id=request.id)
    session.commit()
    assert session.get(User, world.paul.id).email.endswith("@deleted.invalid")


def test_standing_conflicts_go_with_the_juror_and_lose_their_note_with_the_teacher(session, world):
    """A standing conflict says whom a juror is close to. Deleting the juror deletes theirs;
    deleting the teacher keeps it (Marie's applications stay, and the juror must still never
    judge them) without the note that says what binds the two."""
    paul_juror = make_juror(session, "jules@example.org")
    for juror_id in (world.juror.id, paul_juror.id):  # the first one's scores on Marie's application go
        jury.record_standing_conflict(session, actor=world.office, juror_id=juror_id, teacher_id=world.marie.id,
                                      relation="personal", note="Marie's brother-in-law", confirm=True)
    session.commit()

    request = privacy.request_deletion(session, actor=world.juror)
    assert privacy.carry_out_deletion(session, actor=world.office, request_id=request.id)[
        "standing_conflicts_deleted"] == 1
    session.commit()
    assert count(session, StandingConflict, StandingConflict.juror_id == world.juror.id) == 0

    request = privacy.request_deletion(session, actor=world.marie)
    privacy.carry_out_deletion(session, actor=world.office, request_id=request.id)
    session.commit()
    [kept] = session.scalars(select(StandingConflict)).all()
    assert (kept.juror_id, kept.teacher_id, kept.note) == (paul_juror.id, world.marie.id, "")
    assert jury.conflict_kinds(session, actor=world.office, juror_id=paul_juror.id,
                               application_id=world.marie_application) == ["standing_teacher"]
