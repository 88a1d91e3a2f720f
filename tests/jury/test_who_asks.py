"""Every public function of the jury's services checks who asks, as an attacker would try
them: a teacher with no part in an application and a juror not assigned to it call each
one with real ids and are refused (PermissionDenied, or NotFound where even existence is
not told). A function that stores without asking (as ``store_conflict`` did: a juror
could put any colleague in conflict with any application) fails here by name."""

from __future__ import annotations

import inspect

import pytest

from assess.domain.permissions import Actor, PermissionDenied
from assess.services import jury
from assess.services.errors import NotFound
from assess.storage.models import Round, User
from tests.jury.helpers import apply, make_juror, make_round, score_all
from tests.services.helpers import make_project, make_user

SYSTEM = Actor.system()
#: Their own work, which a juror reads (and finds empty when they have none).
OWN_WORK = {"my_work", "my_assignments"}
#: Their own standing conflicts, which a juror declares and reads (the schools to choose from too).
OWN_STANDING = {"record_standing_conflict", "list_standing_conflicts", "standing_choices"}


def public_functions() -> list[tuple[str, object]]:
    found = []
    for module in (jury.conflicts, jury.assignment, jury.capacity, jury.aggregates, jury.progress,
                   jury.reliability, jury.scoring, jury.facts, jury.standing):
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("_") and function.__module__ == module.__name__ \
                    and "actor" in inspect.signature(function).parameters:
                found.append((f"{module.__name__.rsplit('.', 1)[-1]}.{name}", function))
    return found


@pytest.fixture
def scene(session, teacher, project):
    made = make_round(session, per_application=1)
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    juror = make_juror(session, "assigned@example.org")
    jury.auto_assign(session, actor=SYSTEM, round_id=made.id)
    score_all(session, juror=juror, application_id=application.id, submit=False)
    outsider = make_juror(session, "outsider@example.org")
    declared = jury.declare_conflict(session, actor=SYSTEM, application_id=application.id,
                                     juror_id=make_juror(session, "third@example.org").id, note="Cousin")
    # A teacher's declaration waiting for the office (the juror saved drafts), a standing conflict.
    jury.declare_conflict(session, actor=teacher, application_id=application.id, juror_id=juror.id)
    [waiting] = jury.pending_declarations(session, actor=SYSTEM, round_id=made.id)
    standing = jury.record_standing_conflict(session, actor=SYSTEM, juror_id=outsider.id, teacher_id=teacher.id,
                                             relation="personal")
    intruder = make_user(session, email="intruder@example.org")
    make_project(session, owner=intruder, title="The intruder's own project")
    session.commit()
    assignment = jury.assignment_of(session, actor=juror, application_id=application.id)
    values = {
        "round_id": made.id, "round_": session.get(Round, made.id), "application_id": application.id,
        "application_ids": [application.id], "applications": [application], "juror_id": juror.id,
        "jurors": [session.get(User, juror.id)], "from_juror_id": juror.id, "to_juror_id": outsider.id,
        "conflict_id": declared.id, "kind": "same_school", "reason": "Because.", "max_per_round": 1,
        "assignment_id": assignment.id, "item_id": "innovation", "declaration_id": waiting.id,
        "standing_id": standing.id, "relation": "personal",
    }
    return {"teacher": intruder, "juror": outsider}, values


@pytest.mark.parametrize("who", ["teacher", "juror"])
def test_no_one_but_the_office_and_the_assigned_juror_gets_through(session, scene, who):
    actors, values = scene
    actor = actors[who]
    let_through = []
    for name, function in public_functions():
        if who == "juror" and name.rsplit(".", 1)[1] in OWN_WORK | OWN_STANDING:
            continue
        needed = [p.name for p in inspect.signature(function).parameters.values()
                  if p.kind is p.KEYWORD_ONLY and p.default is inspect.Parameter.empty and p.name != "actor"]
        try:
            with session.begin_nested():
                answer = function(session, actor=actor, **{n: values[n] for n in needed})
        except (PermissionDenied, NotFound):
            continue
        if name == "facts.application_facts" and answer == jury.application_facts(
                session, actor=actor, application_id=10**9):
            continue  # told nothing more than for an application that does not exist
        let_through.append(f"{name} -> {answer!r}"[:160])
    assert not let_through, f"a {who} with no part in the application got through:\n" + "\n".join(let_through)


def test_a_juror_s_own_work_holds_nothing_of_others(session, scene):
    actors, _ = scene
    assert jury.my_assignments(session, actor=actors["juror"]) == []
    assert not jury.my_work(session, actor=actors["juror"]).current
