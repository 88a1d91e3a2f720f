"""Assigning jurors: balanced, N per application, never in conflict; by hand too."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assess.domain.permissions import Actor, PermissionDenied
from assess.services import applications, jury
from assess.services.errors import Conflict, InvalidInput, NotFound
from assess.storage.models import Assignment, AuditLog
from assess.storage.models import Conflict as ConflictOfInterest
from tests.jury.helpers import apply, make_juror, make_round, other_project
from tests.services.helpers import make_project, make_user

SYSTEM = Actor.system()


def pairs(session) -> set[tuple[int, int]]:
    return set(session.execute(select(Assignment.juror_id, Assignment.application_id)).all())


@pytest.fixture
def round_with_applications(session, teacher, project):
    """Four applications (the first from École Jean Jaurès, FR Occitanie) in an open round."""
    made = make_round(session)
    found = [apply(session, teacher=teacher, round_id=made.id, project_id=project.id)]
    for i in range(3):
        owner = make_user(session, email=f"t{i}@example.org")
        p = other_project(session, owner, title=f"Project {i}", school_name=f"School {i}", region="Bretagne")
        found.append(apply(session, teacher=owner, round_id=made.id, project_id=p.id))
    return made, found


def test_each_application_gets_n_distinct_jurors_loads_balanced_and_no_conflict(session, round_with_applications):
    made, apps = round_with_applications
    same_school = make_juror(session, "colleague@example.org", school_name="École Jean Jaurès", region="Occitanie")
    others = [make_juror(session, f"j{i}@example.org") for i in range(2)]
    report = jury.auto_assign(session, actor=SYSTEM, round_id=made.id)
    assert report.per_application == 2 and report.short == {} and len(report.created) == 8
    found = pairs(session)
    for application in apps:
        assert len({j for j, a in found if a == application.id}) == 2
    assert (same_school.id, apps[0].id) not in found, "the same-school juror is never on it"
    loads = sorted(report.loads.values())
    assert loads[-1] - loads[0] <= 1 and sum(loads) == 8
    stored = session.scalar(select(ConflictOfInterest))
    assert (stored.juror_id, stored.application_id, stored.kind) == (same_school.id, apps[0].id, "same_school")
    assert report.conflicts_found == 1
    assert len(list(session.scalars(select(AuditLog).where(AuditLog.action == "jury.assign")))) == 8
    # Run again: nothing moves, nothing added.
    again = jury.auto_assign(session, actor=SYSTEM, round_id=made.id)
    assert again.created == () and pairs(session) == found and again.conflicts_found == 0
    del others


def test_shortages_are_reported_with_their_reason(session, round_with_applications):
    made, apps = round_with_applications
    make_juror(session, "colleague@example.org", school_name="École Jean Jaurès", region="Occitanie")
    make_juror(session, "only@example.org")
    report = jury.auto_assign(session, actor=SYSTEM, round_id=made.id)
    assert report.short == {apps[0].id: 1}
    assert report.explain() == (
        f"Application {apps[0].id} lacks 1 juror (it wants 2 and has 1); jurors without a conflict: only 1.",)
    assert report.explain("fr") == (
        f"Il manque 1 juré à la candidature {apps[0].id} (elle en demande 2 et en a 1)\u202f; "
        "jurés sans conflit d'intérêts\u00a0: seulement 1.",)
    assert report.to_dict()["short"][0]["reason"] == "conflicts"


def test_partner_schools_and_regions_make_conflicts_when_the_round_asks(session, teacher, project):
    made = make_round(session, region_conflicts=True)
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    partner = make_juror(session, "partner@example.org", school_name="Scoil Mhuire", country="IE")
    neighbour = make_juror(session, "neighbour@example.org", school_name="Lycée Pierre de Fermat", region="occitanie ")
    elsewhere = make_juror(session, "far@example.org", school_name="Lycée du Nord", region="Hauts-de-France")
    assert jury.conflict_kinds(session, actor=SYSTEM, juror_id=partner.id, application_id=application.id) == ["same_school"]
    assert jury.conflict_kinds(session, actor=SYSTEM, juror_id=neighbour.id, application_id=application.id) == ["same_region"]
    assert jury.conflict_kinds(session, actor=SYSTEM, juror_id=elsewhere.id, application_id=application.id) == []
    report = jury.auto_assign(session, actor=SYSTEM, round_id=made.id, per_application=3)
    assert report.created == ((elsewhere.id, application.id),) and report.short == {application.id: 2}
    no_region = make_round(session, name="No regions")
    other = make_project(session, owner=teacher, title="Second project")
    second = apply(session, teacher=teacher, round_id=no_region.id, project_id=other.id)
    assert jury.conflict_kinds(session, actor=SYSTEM, juror_id=neighbour.id, application_id=second.id) == []


def test_a_juror_is_never_assigned_their_own_application(session):
    both = make_juror(session, "both@example.org", roles={"teacher", "juror"})
    made = make_round(session)
    own = make_project(session, owner=both, title="My own project")
    application = apply(session, teacher=both, round_id=made.id, project_id=own.id)
    report = jury.auto_assign(session, actor=SYSTEM, round_id=made.id)
    assert report.created == () and report.short == {application.id: 2}
    with pytest.raises(Conflict):
        jury.assign_juror(session, actor=SYSTEM, application_id=application.id, juror_id=both.id)


def test_manual_assignment_refuses_conflicts_and_non_jurors(session, teacher, project):
    made = make_round(session)
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    same_school = make_juror(session, "colleague@example.org", school_name="École Jean Jaurès")
    juror = make_juror(session, "juror@example.org")
    with pytest.raises(Conflict) as refused:
        jury.assign_juror(session, actor=SYSTEM, application_id=application.id, juror_id=same_school.id)
    assert refused.value.kinds == ("same_school",)  # said in a sentence: tests/jury/test_capacity.py
    with pytest.raises(InvalidInput):
        jury.assign_juror(session, actor=SYSTEM, application_id=application.id, juror_id=teacher.id)
    with pytest.raises(PermissionDenied):
        jury.assign_juror(session, actor=juror, application_id=application.id, juror_id=juror.id)
    first = jury.assign_juror(session, actor=SYSTEM, application_id=application.id, juror_id=juror.id)
    assert jury.assign_juror(session, actor=SYSTEM, application_id=application.id, juror_id=juror.id).id == first.id
    assert first.origin == "manual"


def test_unassigning_a_juror_who_saved_scores_needs_force(session, teacher, project):
    made = make_round(session)
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    juror = make_juror(session, "juror@example.org")
    idle = make_juror(session, "idle@example.org")
    assignment = jury.assign_juror(session, actor=SYSTEM, application_id=application.id, juror_id=juror.id)
    jury.assign_juror(session, actor=SYSTEM, application_id=application.id, juror_id=idle.id)
    jury.unassign_juror(session, actor=SYSTEM, application_id=application.id, juror_id=idle.id)
    jury.save_score(session, actor=juror, assignment_id=assignment.id, item_id="innovation", level=4)
    with pytest.raises(Conflict) as refused:
        jury.unassign_juror(session, actor=SYSTEM, application_id=application.id, juror_id=juror.id)
    assert refused.value.key == "jury.errors.has_scores"
    jury.unassign_juror(session, actor=SYSTEM, application_id=application.id, juror_id=juror.id, force=True)
    assert pairs(session) == set()
    forced = session.scalars(select(AuditLog).where(AuditLog.action == "jury.unassign")).all()[-1]
    assert forced.details == {"juror": juror.id, "scores": 1, "forced": True}
    with pytest.raises(NotFound):
        jury.unassign_juror(session, actor=SYSTEM, application_id=application.id, juror_id=juror.id)


def test_declared_conflicts_by_juror_teacher_and_office(session, teacher, project):
    made = make_round(session)
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    a, b, c, d = (make_juror(session, f"{n}@example.org") for n in "abcd")
    for juror in (a, b):
        jury.assign_juror(session, actor=SYSTEM, application_id=application.id, juror_id=juror.id)
    # A juror declares on themself, on an application they were given.
    jury.declare_conflict(session, actor=a, application_id=application.id, note="I know this teacher.")
    # A juror not on it cannot even tell it exists.
    with pytest.raises(NotFound):
        jury.declare_conflict(session, actor=c, application_id=application.id)
    # The teacher names a juror; another teacher cannot.
    jury.declare_conflict(session, actor=teacher, application_id=application.id, juror_id=c.id)
    stranger = make_user(session, email="stranger@example.org")
    with pytest.raises(NotFound):
        jury.declare_conflict(session, actor=stranger, application_id=application.id, juror_id=d.id)
    # The office on anyone; twice is once.
    jury.declare_conflict(session, actor=SYSTEM, application_id=application.id, juror_id=d.id)
    jury.declare_conflict(session, actor=SYSTEM, application_id=application.id, juror_id=d.id)
    kinds = {(v.juror_id, v.kind) for v in jury.list_conflicts(session, actor=SYSTEM, round_id=made.id)}
    assert kinds == {(a.id, "declared_by_juror"), (c.id, "declared_by_teacher"), (d.id, "office")}
    assert pairs(session) == {(b.id, application.id)}, "the declaring juror's assignment is gone"
    with pytest.raises(NotFound):
        applications.application_for_juror(session, actor=a, application_id=application.id)
    report = jury.auto_assign(session, actor=SYSTEM, round_id=made.id)
    assert report.created == () and report.short == {application.id: 1}


def test_the_office_lists_a_rounds_applications_to_assign_with_teacher_and_school(session, round_with_applications):
    made, apps = round_with_applications
    withdrawn = apps[-1]
    applications.withdraw(session, actor=owner_of(session, withdrawn), application_id=withdrawn.id)
    listed = jury.applications_to_assign(session, actor=SYSTEM, round_id=made.id)

    assert [a.id for a in listed] == [a.id for a in apps[:-1]]  # submitted ones, by id; not the withdrawn
    first, second = listed[0], listed[1]
    assert (first.project_title, first.teacher_name) == ("Our European breakfast", "Claire")
    assert (first.school_name, first.school_region, first.school_country) == ("École Jean Jaurès", "Occitanie", "FR")
    assert (second.project_title, second.teacher_name, second.school_name) == ("Project 0", "T0", "School 0")


def test_only_the_office_lists_a_rounds_applications(session, round_with_applications, teacher):
    made, _apps = round_with_applications
    with pytest.raises(PermissionDenied):
        jury.applications_to_assign(session, actor=teacher, round_id=made.id)
    with pytest.raises(NotFound):
        jury.applications_to_assign(session, actor=SYSTEM, round_id=made.id + 1000)


def owner_of(session, application) -> Actor:
    from assess.services import accounts
    from assess.storage.models import User

    return accounts.actor_of(session.get(User, application.teacher_id))
