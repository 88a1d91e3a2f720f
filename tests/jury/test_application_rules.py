"""The application rules of issue 13: no publication before the round's closing date,
no second application in the school year a project was labelled, drafts the teacher
keeps and edits until the closing date (unseen by the jury and the counts), and the
yearly allowance the form reads before it is offered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from assess.domain.permissions import Actor, PermissionDenied
from assess.services import applications, decisions, jury, settings
from assess.services.errors import Conflict, InvalidInput, NotFound, ServiceError
from assess.storage.models import Application
from tests.jury.helpers import (
    TODAY,
    apply,
    close,
    decide_round,
    make_juror,
    make_round,
    score_all,
    texts,
    yes,
)
from tests.services.helpers import make_project, make_user

SYSTEM = Actor.system()


# --- publication waits for the closing date ---------------------------------------------------


def test_publishing_a_round_before_its_closing_date_is_refused_with_the_date(session, teacher, project):
    made = make_round(session, per_application=1)
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    juror = make_juror(session, "a@example.org")
    jury.auto_assign(session, actor=SYSTEM, round_id=made.id)
    score_all(session, juror=juror, application_id=application.id)
    decisions.stage_decision(session, actor=SYSTEM, application_id=application.id)

    with pytest.raises(ServiceError) as refused:
        decisions.publish_round(session, actor=SYSTEM, round_id=made.id)

    assert refused.value.key == "jury.errors.publish_before_closing"
    closes = made.closes_on
    assert str(closes.year) in refused.value.message("en")
    assert "2026-" not in refused.value.message("fr") and str(closes.day) in refused.value.message("fr")
    assert session.scalar(select(Application.id).where(Application.id == application.id)) is not None
    close(session, made.id)
    decisions.publish_round(session, actor=SYSTEM, round_id=made.id)


# --- a project labelled this school year does not apply again ---------------------------------


def labelled_project(session, teacher, project):
    first = make_round(session, per_application=1, name="Spring")
    application = apply(session, teacher=teacher, round_id=first.id, project_id=project.id)
    juror = make_juror(session, "a@example.org")
    close(session, first.id)
    decide_round(session, round_id=first.id, jurors={juror.id: juror}, levels={application.id: 4})
    return application


def test_a_project_labelled_this_school_year_cannot_apply_again_that_year(session, teacher, project):
    labelled_project(session, teacher, project)
    second = make_round(session, name="Autumn")

    with pytest.raises(Conflict) as refused:
        apply(session, teacher=teacher, round_id=second.id, project_id=project.id)

    assert refused.value.key == "jury.errors.labelled_this_year"
    assert "apply again" in refused.value.message("en")


def test_the_office_may_let_labelled_projects_apply_again(session, teacher, project):
    labelled_project(session, teacher, project)
    settings.put(session, actor=SYSTEM, key="one_label_per_year", value=False)
    second = make_round(session, name="Autumn")

    applied = apply(session, teacher=teacher, round_id=second.id, project_id=project.id)

    assert applied.status == "submitted"


def test_the_teacher_s_page_knows_which_projects_were_labelled_this_year(session, teacher, project):
    """What the page reads to say so before offering the form: the teacher's own projects
    only, none when the office lets labelled projects apply again, nobody else's."""
    assert applications.labelled_this_year(session, actor=teacher).project_ids == frozenset()
    labelled_project(session, teacher, project)
    found = applications.labelled_this_year(session, actor=teacher)
    assert found.project_ids == {project.id} and found.year == applications.school_year(TODAY)
    other = make_user(session, email="other@example.org")
    assert applications.labelled_this_year(session, actor=other).project_ids == frozenset()
    with pytest.raises(PermissionDenied):
        applications.labelled_this_year(session, actor=make_juror(session, "b@example.org"))
    settings.put(session, actor=SYSTEM, key="one_label_per_year", value=False)
    assert applications.labelled_this_year(session, actor=teacher).project_ids == frozenset()


# --- drafts ------------------------------------------------------------------------------------


def test_a_draft_is_kept_unseen_by_the_jury_and_uncounted_then_sent(session, teacher, project):
    made = make_round(session, per_application=1)
    make_juror(session, "a@example.org")

    draft = applications.save_draft(session, actor=teacher, round_id=made.id, project_id=project.id,
                                    eligibility={}, texts={"innovation": "A first idea."})

    assert draft.status == "draft"
    assert jury.applications_to_assign(session, actor=SYSTEM, round_id=made.id) == []
    assert jury.auto_assign(session, actor=SYSTEM, round_id=made.id).created == ()
    assert applications.allowance(session, actor=teacher).used == 0
    [mine] = applications.my_applications(session, actor=teacher)
    assert mine.status == "draft" and mine.texts == {"innovation": "A first idea."}

    again = applications.save_draft(session, actor=teacher, round_id=made.id, project_id=project.id,
                                    eligibility={}, texts={"innovation": "A better idea."})
    assert again.id == draft.id and again.texts == {"innovation": "A better idea."}

    sent = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)

    assert sent.id == draft.id and sent.status == "submitted"
    assert applications.allowance(session, actor=teacher).used == 1
    assert [a.id for a in jury.applications_to_assign(session, actor=SYSTEM, round_id=made.id)] == [draft.id]


def test_a_sent_application_is_edited_until_the_closing_date_then_no_more(session, teacher, project):
    made = make_round(session, per_application=1)
    sent = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)

    edited = applications.edit(session, actor=teacher, application_id=sent.id,
                               texts=texts(innovation="Rewritten."), evidence_links=["https://example.org/new"])

    assert edited.status == "submitted" and edited.texts["innovation"] == "Rewritten."
    assert edited.evidence_links == ["https://example.org/new"]
    close(session, made.id)
    with pytest.raises(ServiceError) as refused:
        applications.edit(session, actor=teacher, application_id=sent.id, texts=texts(innovation="Too late."))
    assert refused.value.key == "jury.errors.round_closed"
    other = make_user(session, email="other@example.org")
    with pytest.raises(NotFound):
        applications.edit(session, actor=other, application_id=sent.id, texts=texts())


def test_editing_checks_the_texts_as_sending_does(session, teacher, project):
    made = make_round(session)
    sent = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    with pytest.raises(InvalidInput):
        applications.edit(session, actor=teacher, application_id=sent.id,
                          texts=texts(innovation="x" * (applications.TEXT_MAX + 1)))


def test_a_draft_is_not_kept_in_a_closed_round(session, teacher, project):
    made = make_round(session, opens_on=TODAY - timedelta(days=20), closes_on=TODAY - timedelta(days=1))
    with pytest.raises(ServiceError) as refused:
        applications.save_draft(session, actor=teacher, round_id=made.id, project_id=project.id,
                                eligibility={}, texts={})
    assert refused.value.key == "jury.errors.round_not_open"


# --- the yearly allowance the form reads ------------------------------------------------------


def test_the_allowance_says_when_the_limit_is_reached(session, teacher):
    settings.put(session, actor=SYSTEM, key="max_applications_per_year", value=1)
    made = make_round(session)
    first = make_project(session, owner=teacher, title="First")
    assert applications.allowance(session, actor=teacher).reached is False

    apply(session, teacher=teacher, round_id=made.id, project_id=first.id, eligibility=yes())

    left = applications.allowance(session, actor=teacher)
    assert (left.used, left.limit, left.reached) == (1, 1, True)
