"""Conflicts of interest at the service level: never after publication, the same refusal
for a teacher whatever the id, removable by the office (audited)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assess.domain.permissions import Actor, PermissionDenied
from assess.services import jury
from assess.services.errors import Conflict, InvalidInput, NotFound
from assess.storage.models import Assignment, AuditLog, JurorScore, User
from assess.storage.models import Conflict as ConflictOfInterest
from tests.jury.helpers import apply, close, decide_round, make_juror, make_round, score_all
from tests.services.helpers import make_project, make_user

SYSTEM = Actor.system()


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_no_conflict_is_declared_once_the_round_is_published(session, teacher, project):
    made = make_round(session, per_application=1)
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    juror = make_juror(session, "a@example.org")
    close(session, made.id)
    decide_round(session, round_id=made.id, jurors={juror.id: juror}, levels={application.id: 3})
    scores, assignments = count(session, JurorScore), count(session, Assignment)
    assert scores == 6
    for actor, juror_id in ((teacher, juror.id), (SYSTEM, juror.id), (juror, None)):
        with pytest.raises(Conflict) as refused:
            jury.declare_conflict(session, actor=actor, application_id=application.id, juror_id=juror_id)
        assert refused.value.key == "jury.errors.round_published"
    assert count(session, JurorScore) == scores and count(session, Assignment) == assignments
    assert count(session, ConflictOfInterest) == 0


def test_a_teachers_declaration_never_tells_who_is_a_juror(session, teacher, project):
    made = make_round(session)
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    juror = make_juror(session, "a@example.org")
    former = make_juror(session, "former@example.org")
    session.get(User, former.id).is_active = False
    plain = make_user(session, email="plain@example.org")
    answers = []
    for juror_id in (juror.id, former.id, plain.id, 987654, None):
        try:
            answers.append(jury.declare_conflict(session, actor=teacher, application_id=application.id,
                                                 juror_id=juror_id))
        except (InvalidInput, NotFound, Conflict) as refused:  # pragma: no cover - the bug
            answers.append(type(refused).__name__)
    assert answers == [None] * 5, "the teacher is told the same thing whatever the id"
    stored = {(c.juror_id, c.kind) for c in jury.list_conflicts(session, actor=SYSTEM, round_id=made.id)}
    assert stored == {(juror.id, "declared_by_teacher")}, "only a real juror's conflict is stored"


def test_the_office_removes_a_declared_conflict_without_restoring_the_assignment(session, teacher, project):
    made = make_round(session)
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    juror = make_juror(session, "a@example.org")
    jury.assign_juror(session, actor=SYSTEM, application_id=application.id, juror_id=juror.id)
    score_all(session, juror=juror, application_id=application.id, submit=False)
    stored = jury.declare_conflict(session, actor=juror, application_id=application.id)
    # Nobody but the office may remove it; the teacher and the juror are not told it exists.
    for actor in (teacher, juror):
        with pytest.raises((PermissionDenied, NotFound)):
            jury.remove_conflict(session, actor=actor, conflict_id=stored.id)
    office = make_user(session, email="office@example.org", roles={"admin"})
    jury.remove_conflict(session, actor=office, conflict_id=stored.id)
    assert jury.list_conflicts(session, actor=SYSTEM, round_id=made.id) == []
    assert jury.conflict_kinds(session, actor=SYSTEM, juror_id=juror.id, application_id=application.id) == []
    assert count(session, Assignment) == 0, "the assignment is not restored: the office assigns again"
    entry = session.scalar(select(AuditLog).where(AuditLog.action == "jury.conflict_removed"))
    assert entry.actor_id == office.id and entry.entity_id == str(application.id)
    assert entry.details["juror"] == juror.id and entry.details["kind"] == "declared_by_juror"
    with pytest.raises(NotFound):
        jury.remove_conflict(session, actor=office, conflict_id=stored.id)
    # Now the juror may be assigned again.
    jury.assign_juror(session, actor=SYSTEM, application_id=application.id, juror_id=juror.id)


def test_an_automatic_conflict_is_not_removed_since_it_would_come_back(session, teacher, project):
    made = make_round(session)
    apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    partner = make_juror(session, "p@example.org", school_name="École Jean Jaurès", region="Occitanie")
    jury.auto_assign(session, actor=SYSTEM, round_id=made.id)
    stored = session.scalar(select(ConflictOfInterest).where(ConflictOfInterest.juror_id == partner.id))
    assert stored is not None and stored.kind == "same_school"
    with pytest.raises(Conflict) as refused:
        jury.remove_conflict(session, actor=SYSTEM, conflict_id=stored.id)
    assert refused.value.key == "jury.errors.conflict_automatic"


def test_no_conflict_is_removed_once_the_round_is_published(session, teacher, project):
    made = make_round(session, per_application=1)
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    juror, other = make_juror(session, "a@example.org"), make_juror(session, "b@example.org")
    stored = jury.declare_conflict(session, actor=SYSTEM, application_id=application.id, juror_id=other.id)
    close(session, made.id)
    decide_round(session, round_id=made.id, jurors={juror.id: juror}, levels={application.id: 3})
    with pytest.raises(Conflict) as refused:
        jury.remove_conflict(session, actor=SYSTEM, conflict_id=stored.id)
    assert refused.value.key == "jury.errors.round_published"


def test_a_teacher_declares_a_conflict_only_while_the_round_is_open(session, teacher, project):
    """Once applications are closed the jury is at work: a teacher's late declaration would
    take a juror (and their scores) off the application. Refused, the same way whatever the id."""
    made = make_round(session)
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    juror = make_juror(session, "a@example.org")
    plain = make_user(session, email="plain@example.org")
    jury.assign_juror(session, actor=SYSTEM, application_id=application.id, juror_id=juror.id)
    close(session, made.id)
    score_all(session, juror=juror, application_id=application.id)
    scores = count(session, JurorScore)
    refusals = []
    for juror_id in (juror.id, plain.id, 987654, None):
        with pytest.raises(Conflict) as refused:
            jury.declare_conflict(session, actor=teacher, application_id=application.id, juror_id=juror_id)
        refusals.append(refused.value.key)
    assert refusals == ["jury.errors.declarations_closed"] * 4
    assert count(session, JurorScore) == scores and count(session, ConflictOfInterest) == 0
    # The office still may: it decides who judges (confirming that the juror's scores go).
    jury.declare_conflict(session, actor=SYSTEM, application_id=application.id, juror_id=juror.id, confirm=True)
    assert jury.conflict_kinds(session, actor=SYSTEM, juror_id=juror.id, application_id=application.id) == ["office"]


def test_the_office_waives_an_automatic_conflict_for_one_application(session, teacher, project):
    made = make_round(session)
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    partner = make_juror(session, "p@example.org", school_name="École Jean Jaurès", region="Occitanie")
    jury.auto_assign(session, actor=SYSTEM, round_id=made.id)
    assert jury.conflict_kinds(session, actor=SYSTEM, juror_id=partner.id, application_id=application.id) == ["same_school"]
    office = make_user(session, email="office@example.org", roles={"admin"})
    # Nobody but the office; a reason is required.
    for actor in (teacher, partner):
        with pytest.raises((PermissionDenied, NotFound)):
            jury.waive_conflict(session, actor=actor, application_id=application.id, juror_id=partner.id,
                                kind="same_school", reason="Different campus.")
    with pytest.raises(InvalidInput) as refused:
        jury.waive_conflict(session, actor=office, application_id=application.id, juror_id=partner.id,
                            kind="same_school", reason="  ")
    assert refused.value.errors[0].field == "reason"
    jury.waive_conflict(session, actor=office, application_id=application.id, juror_id=partner.id,
                        kind="same_school", reason="Different campus, never met the team.")
    assert jury.conflict_kinds(session, actor=SYSTEM, juror_id=partner.id, application_id=application.id) == []
    waived = jury.list_waivers(session, actor=office, round_id=made.id)
    assert [(w.juror_id, w.application_id, w.kind, w.reason) for w in waived] == [
        (partner.id, application.id, "same_school", "Different campus, never met the team.")]
    entry = session.scalar(select(AuditLog).where(AuditLog.action == "jury.conflict_waived"))
    assert entry.actor_id == office.id and entry.details == {"juror": partner.id, "kind": "same_school", "reason": True}
    # The next automatic assignment neither stores the conflict again nor avoids the juror.
    report = jury.auto_assign(session, actor=SYSTEM, round_id=made.id)
    assert (partner.id, application.id) in report.created
    assert jury.list_conflicts(session, actor=SYSTEM, round_id=made.id) == []
    # Only for that application: the waiver is no blanket pass.
    other = make_user(session, email="t2@example.org")
    second = apply(session, teacher=other, round_id=made.id,
                   project_id=make_project(session, owner=other, title="Second",
                                           school={"name": "École Jean Jaurès", "country": "FR",
                                                   "region": "Occitanie"}).id)
    assert jury.conflict_kinds(session, actor=SYSTEM, juror_id=partner.id, application_id=second.id) == ["same_school"]


def test_only_an_automatic_conflict_is_waived(session, teacher, project):
    made = make_round(session)
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    juror = make_juror(session, "a@example.org")
    jury.declare_conflict(session, actor=SYSTEM, application_id=application.id, juror_id=juror.id)
    for kind in ("office", "own_application", "declared_by_juror"):
        with pytest.raises(InvalidInput):
            jury.waive_conflict(session, actor=SYSTEM, application_id=application.id, juror_id=juror.id,
                                kind=kind, reason="Because.")
    teacher_as_juror = make_juror(session, "own@example.org")
    with pytest.raises(InvalidInput):
        jury.waive_conflict(session, actor=SYSTEM, application_id=application.id, juror_id=teacher_as_juror.id,
                            kind="same_school", reason="Not in conflict at all.")


def test_only_the_office_asks_why_a_juror_may_not_judge(session, teacher, project):
    """Why a juror is in conflict names the juror's school: neither the teacher nor a juror
    reads it."""
    made = make_round(session)
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    juror = make_juror(session, "asks@example.org")
    for who in (teacher, juror):
        with pytest.raises(PermissionDenied):
            jury.conflict_kinds(session, actor=who, juror_id=juror.id, application_id=application.id)
    office = make_user(session, email="office@example.org", roles={"admin"})
    assert jury.conflict_kinds(session, actor=office, juror_id=juror.id, application_id=application.id) == []
    with pytest.raises(NotFound):
        jury.conflict_kinds(session, actor=office, juror_id=juror.id, application_id=application.id + 1000)
