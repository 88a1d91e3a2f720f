"""Moving a filtered list of applications from one juror to another (issue 13): the rules
of an assignment by hand (conflicts, capacity) hold for each one, a refusal names every
application that cannot move and why and moves nothing, the old juror's saved scores go
only after a confirmation, and each move is audited. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assess.domain.audit_words import describe
from assess.domain.permissions import Actor, PermissionDenied
from assess.services import accounts, audit, jury, search
from assess.services.errors import Conflict, InvalidInput
from assess.storage.models import Assignment, AuditLog, JurorScore
from tests.jury.helpers import CRITERIA, apply, decide_round, make_juror, make_round, other_project, score_all
from tests.services.helpers import make_project, make_user

SYSTEM = Actor.system()
WORDS = ("Rivers", "Stars", "Forests", "Oceans")


def jurors_of(session, application_id: int) -> set[int]:
    return set(session.scalars(select(Assignment.juror_id).where(Assignment.application_id == application_id)))


def scene(session, count: int = 3):
    """A round of ``count`` applications all judged by Ana; Ben has none."""
    made = make_round(session, per_application=1)
    applied = []
    for i in range(count):  # a teacher applies 4 times a year at most
        teacher = make_user(session, email=f"teacher{i}@example.org", name=f"Claire {WORDS[i]}")
        applied.append(apply(session, teacher=teacher, round_id=made.id,
                             project_id=make_project(session, owner=teacher, title=f"Project {WORDS[i]}").id).id)
    teacher = make_user(session, email="jonas@example.org", name="Jonas Weber")
    ana = make_juror(session, "ana@example.org")
    for application_id in applied:
        jury.assign_juror(session, actor=SYSTEM, application_id=application_id, juror_id=ana.id)
    ben = make_juror(session, "ben@example.org")
    return made, teacher, applied, ana, ben


def test_the_applications_move_from_one_juror_to_the_other_and_each_move_is_audited(session):
    made, _, applied, ana, ben = scene(session)

    done = jury.reassign(session, actor=SYSTEM, round_id=made.id, from_juror_id=ana.id, to_juror_id=ben.id,
                         application_ids=applied[:2])

    assert done.moved == tuple(applied[:2]) and done.scores_dropped == 0
    assert [jurors_of(session, a) for a in applied] == [{ben.id}, {ben.id}, {ana.id}]
    actions = session.execute(select(AuditLog.action, AuditLog.entity_id, AuditLog.details)
                              .where(AuditLog.action.in_(["jury.reassign", "jury.unassign"]))
                              .order_by(AuditLog.id)).all()
    assert [(a, e) for a, e, _ in actions] == [("jury.unassign", str(applied[0])),
                                               ("jury.unassign", str(applied[1])), ("jury.reassign", str(made.id))]
    assert actions[-1][2] == {"from": ana.id, "to": ben.id, "applications": applied[:2], "scores_dropped": 0}
    # The office reads the move in its log as a sentence naming both jurors, in its language.
    [moved] = [e for e in audit.entries(session, actor=SYSTEM) if e.action == "jury.reassign"]
    assert describe(moved, "en") == ("The system moved the applications Ana had to score in the round “Labels 2026” "
                                     "to Ben (applications moved: 2).")
    assert describe(moved, "fr") == ("Le système a confié à Ben les candidatures que Ana avait à évaluer dans la "
                                     "session «\u00a0Labels 2026\u00a0» (candidatures confiées\u00a0: 2).")


def test_a_refusal_names_each_application_that_cannot_move_and_why_and_moves_nothing(session):
    made, teacher, applied, ana, ben = scene(session)
    # Ben works in the school of a fourth application (a conflict of interest found from
    # the schools); a fifth application is not Ana's; one of another round.
    ben_school = make_juror(session, "carl@example.org", school_name="Collège Victor Hugo")
    conflicted = apply(session, teacher=teacher, round_id=made.id,
                       project_id=other_project(session, teacher, title="Rivers of Europe",
                                                school_name="Collège Victor Hugo").id).id
    jury.assign_juror(session, actor=SYSTEM, application_id=conflicted, juror_id=ana.id)
    not_hers = apply(session, teacher=teacher, round_id=made.id,
                     project_id=make_project(session, owner=teacher, title="Someone else's").id).id
    elsewhere = make_round(session, name="Another round")
    outside = apply(session, teacher=teacher, round_id=elsewhere.id,
                    project_id=make_project(session, owner=teacher, title="Elsewhere").id).id
    wanted = [*applied, conflicted, not_hers, outside]

    with pytest.raises(jury.ReassignmentRefused) as refused:
        jury.reassign(session, actor=SYSTEM, round_id=made.id, from_juror_id=ana.id, to_juror_id=ben_school.id,
                      application_ids=wanted)

    english = refused.value.message("en").splitlines()
    assert english == [
        "Nothing was moved: 3 applications cannot go to Carl.",
        f"Application {conflicted} (Rivers of Europe): This juror may not judge this application. "
        "The juror works in the applicant school or in one of its partner schools.",
        f"Application {not_hers} (Someone else's): Ana is not one of its jurors.",
        f"Application {outside}: It is not an application of this round.",
    ]
    french = refused.value.message("fr")
    assert f"Candidature {conflicted} (Rivers of Europe)\u00a0: Ce juré ne peut pas évaluer" in french
    assert "same_school" not in french
    # Nothing moved, nothing audited, the three movable ones included.
    assert [jurors_of(session, a) for a in applied] == [{ana.id}] * 3
    assert jurors_of(session, conflicted) == {ana.id}
    assert session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "jury.reassign")) == 0
    # Ben, with no conflict, takes them all.
    jury.reassign(session, actor=SYSTEM, round_id=made.id, from_juror_id=ana.id, to_juror_id=ben.id,
                  application_ids=[*applied, conflicted])
    assert jurors_of(session, conflicted) == {ben.id}


def test_the_new_jurors_capacity_counts_the_applications_moved_before(session):
    made, teacher, applied, ana, ben = scene(session, count=4)
    jury.set_capacity(session, actor=SYSTEM, juror_id=ben.id, max_per_round=2)
    extra = apply(session, teacher=teacher, round_id=made.id,
                  project_id=make_project(session, owner=teacher, title="Ben's own").id)
    jury.assign_juror(session, actor=SYSTEM, application_id=extra.id, juror_id=ben.id)  # Ben: 1 of 2

    with pytest.raises(jury.ReassignmentRefused) as refused:
        jury.reassign(session, actor=SYSTEM, round_id=made.id, from_juror_id=ana.id, to_juror_id=ben.id,
                      application_ids=applied)

    lines = refused.value.lines("en")
    # The first fits (Ben then has 2); the three after it would take him past his maximum.
    assert [line.split(" (")[0] for line in lines] == [f"Application {a}" for a in applied[1:]]
    assert all("Ben already has 2 applications in this round, their maximum (2)" in line for line in lines)
    assert [jurors_of(session, a) for a in applied] == [{ana.id}] * 4

    done = jury.reassign(session, actor=SYSTEM, round_id=made.id, from_juror_id=ana.id, to_juror_id=ben.id,
                         application_ids=applied[:1])
    assert done.moved == (applied[0],)


def test_the_old_jurors_scores_go_only_after_a_confirmation(session):
    made, _, applied, ana, ben = scene(session)
    score_all(session, juror=ana, application_id=applied[0])  # submitted
    score_all(session, juror=ana, application_id=applied[1], items=CRITERIA[:2], submit=False)  # started

    with pytest.raises(jury.ReassignmentDropsScores) as asked:
        jury.reassign(session, actor=SYSTEM, round_id=made.id, from_juror_id=ana.id, to_juror_id=ben.id,
                      application_ids=applied)

    assert asked.value.message("en") == ("Ana has saved scores on 2 of these applications (1 of them submitted; "
                                         "scores saved: 8): moving them deletes those scores. Confirm to go on.")
    assert "Confirmez pour continuer" in asked.value.message("fr")
    assert session.scalar(select(func.count()).select_from(JurorScore)) == 8
    assert [jurors_of(session, a) for a in applied] == [{ana.id}] * 3

    done = jury.reassign(session, actor=SYSTEM, round_id=made.id, from_juror_id=ana.id, to_juror_id=ben.id,
                         application_ids=applied, confirm=True)

    assert done.moved == tuple(applied) and done.scores_dropped == 8
    assert session.scalar(select(func.count()).select_from(JurorScore)) == 0
    assert [jurors_of(session, a) for a in applied] == [{ben.id}] * 3
    dropped = session.scalars(select(AuditLog.details).where(AuditLog.action == "jury.unassign")
                              .order_by(AuditLog.id)).all()
    assert [d["scores"] for d in dropped] == [6, 2, 0]


def test_a_deactivated_jurors_work_moves_to_an_active_one_only(session):
    made, _, applied, ana, ben = scene(session, count=2)
    accounts.set_active(session, actor=SYSTEM, user_id=ana.id, active=False)

    with pytest.raises(InvalidInput) as refused:
        jury.reassign(session, actor=SYSTEM, round_id=made.id, from_juror_id=ben.id, to_juror_id=ana.id,
                      application_ids=applied)
    assert [(e.field, e.key) for e in refused.value.errors] == [("to_juror_id", "jury.errors.not_a_juror")]

    jury.reassign(session, actor=SYSTEM, round_id=made.id, from_juror_id=ana.id, to_juror_id=ben.id,
                  application_ids=applied)
    assert [jurors_of(session, a) for a in applied] == [{ben.id}] * 2


@pytest.mark.parametrize(("change", "field", "key"), [
    ({"application_ids": []}, "application_ids", "jury.errors.reassign_none"),
    ({"application_ids": range(1, jury.REASSIGN_MAX + 2)}, "application_ids", "jury.errors.reassign_too_many"),
    ({"to_juror_id": "ana"}, "to_juror_id", "jury.errors.reassign_same"),
    ({"from_juror_id": 999_999}, "from_juror_id", "jury.errors.not_a_juror"),
])
def test_bad_input_is_refused_on_its_field(session, change, field, key):
    made, _, applied, ana, ben = scene(session, count=1)
    values = {"from_juror_id": ana.id, "to_juror_id": ben.id, "application_ids": applied, **change}
    if values["to_juror_id"] == "ana":
        values["to_juror_id"] = ana.id

    with pytest.raises(InvalidInput) as refused:
        jury.reassign(session, actor=SYSTEM, round_id=made.id, **values)

    assert [(e.field, e.key) for e in refused.value.errors] == [(field, key)]
    assert jurors_of(session, applied[0]) == {ana.id}


def test_a_published_round_and_people_other_than_the_office_are_refused(session):
    made = make_round(session, per_application=1)
    teacher = make_user(session, email="teacher@example.org")
    application = apply(session, teacher=teacher, round_id=made.id,
                        project_id=make_project(session, owner=teacher, title="Done").id)
    ana = make_juror(session, "ana@example.org")
    ben = make_juror(session, "ben@example.org")
    with pytest.raises(PermissionDenied):
        jury.reassign(session, actor=teacher, round_id=made.id, from_juror_id=ana.id, to_juror_id=ben.id,
                      application_ids=[application.id])
    jury.set_capacity(session, actor=SYSTEM, juror_id=ben.id, max_per_round=1)
    decide_round(session, round_id=made.id, jurors={ana.id: ana, ben.id: ben}, levels={application.id: 4})
    [juror] = jurors_of(session, application.id)

    with pytest.raises(Conflict) as refused:
        jury.reassign(session, actor=SYSTEM, round_id=made.id, from_juror_id=juror,
                      to_juror_id=({ana.id, ben.id} - {juror}).pop(), application_ids=[application.id], confirm=True)
    assert refused.value.key == "jury.errors.round_published"


def test_the_office_chooses_the_list_by_words_and_by_what_the_juror_did(session):
    made, _, applied, ana, ben = scene(session, count=4)
    score_all(session, juror=ana, application_id=applied[0])
    score_all(session, juror=ana, application_id=applied[1], items=CRITERIA[:1], submit=False)
    office = make_user(session, email="office@example.org", roles={"admin"})

    def chosen(**options) -> search.AssignedPage:
        return search.assigned_applications(session, actor=office, round_id=made.id, juror_id=ana.id, **options)

    every = chosen()
    assert (every.total, every.ids, every.scored) == (4, applied, 2)
    assert [(r.project_title, r.teacher, r.scores, r.submitted) for r in every.rows] == [
        ("Project Rivers", "Claire Rivers", 6, True), ("Project Stars", "Claire Stars", 1, False),
        ("Project Forests", "Claire Forests", 0, False), ("Project Oceans", "Claire Oceans", 0, False)]
    assert chosen(state="not_started").ids == applied[2:]
    assert chosen(state="started").ids == [applied[1]]
    assert chosen(state="submitted").ids == [applied[0]]
    assert chosen(text="project OCEANS").ids == [applied[3]]
    assert chosen(text="claire").ids == applied
    assert chosen(text="claire stars", state="started").ids == [applied[1]]
    assert chosen(text="claire 100%_").ids == []
    # A page of the list, and every matching id for the bulk action.
    paged = chosen(limit=2, offset=2)
    assert [r.application_id for r in paged.rows] == applied[2:] and paged.ids == applied and paged.total == 4
    assert search.assigned_applications(session, actor=office, round_id=made.id, juror_id=ben.id).total == 0
    with pytest.raises(PermissionDenied):
        search.assigned_applications(session, actor=ana, round_id=made.id, juror_id=ana.id)
