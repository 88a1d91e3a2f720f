"""A teacher's declaration of a conflict never deletes a juror's scores by itself: while
the round is open a juror may already have saved or submitted scores on the application;
the declaration then waits for the office, which confirms it (with the confirmation every
conflict removing scores asks for) or sets it aside. Both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assess.domain.audit_words import describe
from assess.domain.permissions import PermissionDenied
from assess.services import audit, decisions, jury
from assess.services.errors import Conflict
from assess.storage.models import JurorScore
from tests.jury.helpers import CRITERIA, apply, assignment_of, close, make_juror, make_office, make_round, score_all


def scores(session) -> int:
    return session.scalar(select(func.count()).select_from(JurorScore))


@pytest.fixture
def scored(session, teacher, project):
    """An open round, a juror who submitted every score on the teacher's application,
    another who saved two drafts."""
    made = make_round(session)
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    office = make_office(session)
    ana, ben = make_juror(session, "ana@example.org"), make_juror(session, "ben@example.org")
    for juror in (ana, ben):
        jury.assign_juror(session, actor=office, application_id=application.id, juror_id=juror.id)
    score_all(session, juror=ana, application_id=application.id)
    score_all(session, juror=ben, application_id=application.id, submit=False, items=CRITERIA[:2])
    return made, application, office, ana, ben


def test_a_teachers_declaration_keeps_the_jurors_scores_until_the_office_decides(session, teacher, scored):
    made, application, office, ana, ben = scored
    before = scores(session)
    assert before == 8
    for juror in (ana, ben):
        assert jury.declare_conflict(session, actor=teacher, application_id=application.id, juror_id=juror.id) is None
    # Nothing removed, nothing stored as a conflict: the juror still works on it.
    assert scores(session) == before
    assert assignment_of(session, juror=ana, application_id=application.id) is not None
    assert jury.list_conflicts(session, actor=office, round_id=made.id) == []
    assert application.id in {a.application_id for a in jury.my_assignments(session, actor=ben)}
    # The office sees both, with names, titles and what confirming would remove.
    waiting = jury.pending_declarations(session, actor=office, round_id=made.id)
    assert [(p.juror_name, p.application_title, p.teacher_name, p.scores, p.submitted) for p in waiting] == [
        ("Ana", "Our European breakfast", "Claire", 6, True), ("Ben", "Our European breakfast", "Claire", 2, False)]
    # Declared again: still one each.
    jury.declare_conflict(session, actor=teacher, application_id=application.id, juror_id=ana.id)
    assert len(jury.pending_declarations(session, actor=office, round_id=made.id)) == 2

    # Confirming asks first, with the same words as any conflict that removes scores.
    with pytest.raises(Conflict) as asked:
        jury.confirm_declaration(session, actor=office, declaration_id=waiting[0].id)
    assert asked.value.key == "jury.errors.conflict_removes_scores"
    assert scores(session) == before
    jury.confirm_declaration(session, actor=office, declaration_id=waiting[0].id, confirm=True)
    assert scores(session) == 2 and assignment_of(session, juror=ana, application_id=application.id) is None
    assert jury.conflict_kinds(session, actor=office, juror_id=ana.id,
                               application_id=application.id) == ["declared_by_teacher"]
    # Set aside: Ben keeps the application and his drafts.
    jury.dismiss_declaration(session, actor=office, declaration_id=waiting[1].id)
    assert scores(session) == 2 and assignment_of(session, juror=ben, application_id=application.id) is not None
    assert jury.pending_declarations(session, actor=office, round_id=made.id) == []

    said = [describe(e, "en") for e in audit.entries(session, actor=office)]
    assert "National office set aside the teacher's conflict of interest between Ben and application no. " \
           f"{application.id} (“Our European breakfast”)." in said
    assert "National office confirmed the teacher's conflict of interest between Ana and application no. " \
           f"{application.id} (“Our European breakfast”)." in said
    assert sum("waits for the national office" in s for s in said) == 2


def test_only_the_office_reads_and_answers_the_waiting_declarations(session, teacher, scored):
    made, application, office, ana, _ben = scored
    jury.declare_conflict(session, actor=teacher, application_id=application.id, juror_id=ana.id)
    waiting = jury.pending_declarations(session, actor=office, round_id=made.id)
    for actor in (teacher, ana):
        with pytest.raises(PermissionDenied):
            jury.pending_declarations(session, actor=actor, round_id=made.id)
        with pytest.raises(PermissionDenied):
            jury.confirm_declaration(session, actor=actor, declaration_id=waiting[0].id, confirm=True)
        with pytest.raises(PermissionDenied):
            jury.dismiss_declaration(session, actor=actor, declaration_id=waiting[0].id)
    assert scores(session) == 8


def test_without_scores_a_teachers_declaration_takes_effect_at_once(session, teacher, project):
    made = make_round(session)
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    juror = make_juror(session, "ana@example.org")
    jury.assign_juror(session, actor=make_office(session), application_id=application.id, juror_id=juror.id)
    jury.declare_conflict(session, actor=teacher, application_id=application.id, juror_id=juror.id)
    assert assignment_of(session, juror=juror, application_id=application.id) is None
    assert jury.pending_declarations(session, actor=make_office(session, "o2@example.org"), round_id=made.id) == []


def test_a_round_is_not_published_while_a_declaration_waits(session, teacher, scored):
    """The verdict would count the levels of a juror a teacher says is conflicted: the
    office answers the declaration first."""
    made, application, office, ana, _ben = scored
    jury.declare_conflict(session, actor=teacher, application_id=application.id, juror_id=ana.id)
    close(session, made.id)
    decisions.stage_decision(session, actor=office, application_id=application.id, outcome="label")

    with pytest.raises(Conflict) as refused:
        decisions.publish_round(session, actor=office, round_id=made.id)
    assert refused.value.key == "jury.errors.declarations_waiting"
    assert str(application.id) in refused.value.message("en") and "Rounds page" in refused.value.message("en")
    assert decisions.published_verdict(session, actor=teacher, application_id=application.id) is None

    [waiting] = jury.pending_declarations(session, actor=office, round_id=made.id)
    jury.dismiss_declaration(session, actor=office, declaration_id=waiting.id)
    assert decisions.publish_round(session, actor=office, round_id=made.id).decisions == 1
