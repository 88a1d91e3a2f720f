"""A juror's capacity (the most applications they judge in one round), set by the
office, kept by the automatic and the manual assignment; a conflict declared by the
office asks before it removes a juror's scores; conflicts read with titles and
sentences, never ids or raw keys (issue 13)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assess.domain.permissions import Actor, PermissionDenied
from assess.i18n import t
from assess.services import jury
from assess.services.errors import Conflict, InvalidInput
from assess.storage.models import Assignment, AuditLog, JurorScore
from tests.jury.helpers import apply, close, make_juror, make_office, make_round, other_project, score_all
from tests.services.helpers import make_project, make_user

SYSTEM = Actor.system()


def round_with_applications(session, count: int):
    made = make_round(session, per_application=1)
    teacher = make_user(session, email="teacher@example.org")
    applied = [apply(session, teacher=teacher, round_id=made.id,
                     project_id=make_project(session, owner=teacher, title=f"Project {i}").id)
               for i in range(count)]
    return made, teacher, applied


def loads(session, round_id: int) -> dict[int, int]:
    return dict(session.execute(select(Assignment.juror_id, func.count()).group_by(Assignment.juror_id)).all())


def test_the_automatic_assignment_gives_no_juror_more_than_their_capacity(session):
    made, _, _ = round_with_applications(session, 4)
    small = make_juror(session, "small@example.org")
    large = make_juror(session, "large@example.org")
    jury.set_capacity(session, actor=SYSTEM, juror_id=small.id, max_per_round=1)

    report = jury.auto_assign(session, actor=SYSTEM, round_id=made.id)

    assert loads(session, made.id) == {small.id: 1, large.id: 3}
    assert report.loads == {small.id: 1, large.id: 3}


def test_when_everyone_is_full_the_office_is_told_capacity_is_why(session):
    made, _, _ = round_with_applications(session, 3)
    juror = make_juror(session, "only@example.org")
    jury.set_capacity(session, actor=SYSTEM, juror_id=juror.id, max_per_round=2)

    report = jury.auto_assign(session, actor=SYSTEM, round_id=made.id)

    assert loads(session, made.id) == {juror.id: 2}
    [shortage] = report.shortages
    assert shortage.reason == "capacity"
    assert "maximum" in report.explain("en")[0]


def test_assigning_by_hand_beyond_capacity_is_refused_with_the_jurors_name_and_maximum(session):
    _, _, applied = round_with_applications(session, 2)
    juror = make_juror(session, "ana@example.org")
    jury.set_capacity(session, actor=SYSTEM, juror_id=juror.id, max_per_round=1)
    jury.assign_juror(session, actor=SYSTEM, application_id=applied[0].id, juror_id=juror.id)

    with pytest.raises(Conflict) as refused:
        jury.assign_juror(session, actor=SYSTEM, application_id=applied[1].id, juror_id=juror.id)

    assert refused.value.key == "jury.errors.at_capacity"
    message = refused.value.message("en")
    assert "1" in message and "ana@example.org" not in message
    assert refused.value.message("fr") != message
    # The page to raise the maximum is named as the navigation names it, in every language.
    for lang in ("en", "fr", "de"):
        assert t('nav.users', lang) in refused.value.message(lang)
    assert session.scalar(select(func.count()).select_from(Assignment)) == 1


def test_capacity_is_the_offices_and_a_whole_number_or_none(session):
    juror = make_juror(session, "ana@example.org")
    teacher = make_user(session, email="t@example.org")
    with pytest.raises(PermissionDenied):
        jury.set_capacity(session, actor=teacher, juror_id=juror.id, max_per_round=3)
    for wrong in (-1, 0, 10_001, 2.5, True):
        with pytest.raises(InvalidInput):
            jury.set_capacity(session, actor=SYSTEM, juror_id=juror.id, max_per_round=wrong)
    jury.set_capacity(session, actor=SYSTEM, juror_id=juror.id, max_per_round=3)
    assert jury.capacity_of(session, actor=SYSTEM, juror_id=juror.id) == 3
    jury.set_capacity(session, actor=SYSTEM, juror_id=juror.id, max_per_round=None)
    assert jury.capacity_of(session, actor=SYSTEM, juror_id=juror.id) is None
    assert session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.action == "jury.capacity")) == 2


# --- a conflict declared by the office asks first ----------------------------------------------


def test_an_office_conflict_on_a_juror_with_submitted_scores_asks_for_confirmation(session, teacher, project):
    made = make_round(session, per_application=1)
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    juror = make_juror(session, "ana@example.org")
    office = make_office(session)
    jury.auto_assign(session, actor=SYSTEM, round_id=made.id)
    close(session, made.id)
    score_all(session, juror=juror, application_id=application.id)

    with pytest.raises(Conflict) as refused:
        jury.declare_conflict(session, actor=office, application_id=application.id, juror_id=juror.id)

    assert refused.value.key == "jury.errors.conflict_removes_scores"
    assert "6" in refused.value.message("en")
    assert session.scalar(select(func.count()).select_from(JurorScore)) == 6, "nothing removed without asking"
    assert jury.list_conflicts(session, actor=office, round_id=made.id) == []

    jury.declare_conflict(session, actor=office, application_id=application.id, juror_id=juror.id, confirm=True)

    assert session.scalar(select(func.count()).select_from(JurorScore)) == 0
    assert [c.kind for c in jury.list_conflicts(session, actor=office, round_id=made.id)] == ["office"]


def test_an_office_conflict_on_a_juror_without_scores_needs_no_confirmation(session, teacher, project):
    made = make_round(session, per_application=1)
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    juror = make_juror(session, "ana@example.org")
    jury.auto_assign(session, actor=SYSTEM, round_id=made.id)

    jury.declare_conflict(session, actor=SYSTEM, application_id=application.id, juror_id=juror.id)

    assert session.scalar(select(func.count()).select_from(Assignment)) == 0


# --- conflicts read with titles and sentences -------------------------------------------------


def test_the_offices_list_names_the_application_and_the_juror(session, teacher, project):
    made = make_round(session)
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    juror = make_juror(session, "ana@example.org")
    jury.declare_conflict(session, actor=SYSTEM, application_id=application.id, juror_id=juror.id)

    [view] = jury.list_conflicts(session, actor=SYSTEM, round_id=made.id)

    assert view.application_title == project.title
    assert view.juror_name


def test_refusing_a_juror_in_conflict_says_why_in_a_sentence_of_the_readers_language(session):
    made = make_round(session)
    teacher = make_user(session, email="teacher@example.org")
    project = other_project(session, teacher, school_name="Collège Victor Hugo")
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    juror = make_juror(session, "ana@example.org", school_name="Collège Victor Hugo", region="Bretagne")

    with pytest.raises(Conflict) as refused:
        jury.assign_juror(session, actor=SYSTEM, application_id=application.id, juror_id=juror.id)

    for lang in ("en", "fr"):
        message = refused.value.message(lang)
        assert "same_school" not in message and "(" not in message
    assert "school" in refused.value.message("en")
    assert "établissement" in refused.value.message("fr")
