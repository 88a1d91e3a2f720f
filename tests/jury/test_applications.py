"""A teacher applies: eligibility, texts and evidence, the yearly limit, a second
application after a refusal, withdrawing; and what they see before publication."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from assess.domain.permissions import Actor, PermissionDenied
from assess.domain.readiness import ELIGIBILITY_QUESTIONS
from assess.services import applications, settings
from assess.services.errors import Conflict, InvalidInput, NotFound, ServiceError
from assess.storage.models import Application, AuditLog
from tests.jury.helpers import TODAY, apply, close, decide_round, make_juror, make_round, texts, yes
from tests.services.helpers import make_project, make_user


def test_a_teacher_applies_with_texts_evidence_and_language(session, teacher, project):
    made = make_round(session)
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id,
                        evidence_links="https://a.example.org/x\n\nhttps://b.example.org/y")
    assert (application.status, application.teacher_id, application.language) == ("submitted", teacher.id, "fr")
    assert application.school_year == f"{TODAY.year if TODAY.month >= 9 else TODAY.year - 1}-" \
        f"{(TODAY.year if TODAY.month >= 9 else TODAY.year - 1) + 1}"
    assert application.evidence_links == ["https://a.example.org/x", "https://b.example.org/y"]
    assert set(application.texts) == set(texts())
    assert session.scalar(select(AuditLog).where(AuditLog.action == "application.submit")).entity_id == str(application.id)
    (mine,) = applications.my_applications(session, actor=teacher)
    assert (mine.status, mine.verdict, mine.feedback) == ("submitted", None, ())


def test_every_eligibility_question_must_be_answered_yes(session, teacher, project):
    made = make_round(session)
    with pytest.raises(InvalidInput) as refused:
        apply(session, teacher=teacher, round_id=made.id, project_id=project.id,
              eligibility={"shared_plan": True, "finished": False, "full_participation": None})
    fields = {e.field for e in refused.value.errors}
    assert fields == {f"eligibility.{q}" for q in ELIGIBILITY_QUESTIONS if q != "shared_plan"}
    assert refused.value.for_field("eligibility.finished")[0].message("fr").startswith("Pour candidater")
    assert session.scalar(select(Application)) is None


def test_texts_links_and_language_are_checked(session, teacher, project):
    made = make_round(session)
    with pytest.raises(InvalidInput) as refused:
        apply(session, teacher=teacher, round_id=made.id, project_id=project.id,
              texts=texts(innovation="x" * 3001, astrology="Stars."), evidence_links=["javascript:alert(1)"],
              language="es")  # not a language the suite speaks
    assert {(e.field, e.key) for e in refused.value.errors} == {
        ("texts.innovation", "errors.too_long"), ("texts.astrology", "jury.errors.unknown_criterion"),
        ("evidence_links", "errors.not_a_url"), ("language", "jury.errors.language")}
    apply(session, teacher=teacher, round_id=made.id, project_id=project.id, texts=texts(innovation="x" * 3000))


def test_only_the_owner_applies_and_only_while_the_round_is_open(session, teacher, project):
    made = make_round(session)
    other = make_user(session, email="other@example.org")
    with pytest.raises(NotFound):
        apply(session, teacher=other, round_id=made.id, project_id=project.id)
    with pytest.raises(NotFound):
        apply(session, teacher=teacher, round_id=made.id + 99, project_id=project.id)
    later = make_round(session, name="Later", opens_on=TODAY + timedelta(days=3), closes_on=TODAY + timedelta(days=9))
    with pytest.raises(ServiceError) as refused:
        apply(session, teacher=teacher, round_id=later.id, project_id=project.id)
    assert refused.value.key == "jury.errors.round_not_open"
    eql = make_round(session, name="EQL", kind="eql")
    with pytest.raises(ServiceError):
        apply(session, teacher=teacher, round_id=eql.id, project_id=project.id)
    apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    with pytest.raises(Conflict):
        apply(session, teacher=teacher, round_id=made.id, project_id=project.id)


def test_four_applications_a_year_and_the_fifth_is_refused(session, teacher):
    made = make_round(session)
    other_round = make_round(session, name="Contest", kind="contest")
    found = [make_project(session, owner=teacher, title=f"Project number {i}") for i in range(6)]
    for i, p in enumerate(found[:4]):
        apply(session, teacher=teacher, round_id=(made if i % 2 else other_round).id, project_id=p.id)
    with pytest.raises(ServiceError) as refused:
        apply(session, teacher=teacher, round_id=made.id, project_id=found[4].id)
    assert refused.value.key == "jury.errors.limit_reached"
    assert "limit of 4 applications" in str(refused.value)
    assert "limite de 4 candidatures" in refused.value.message("fr")
    # A withdrawn application no longer counts...
    first = session.scalar(select(Application).where(Application.project_id == found[0].id))
    applications.withdraw(session, actor=teacher, application_id=first.id)
    apply(session, teacher=teacher, round_id=made.id, project_id=found[4].id)
    # ...and the limit is a setting.
    settings.put(session, actor=Actor.system(), key="max_applications_per_year", value=6)
    apply(session, teacher=teacher, round_id=made.id, project_id=found[5].id)
    # Other teachers have their own four.
    colleague = make_user(session, email="colleague@example.org")
    theirs = make_project(session, owner=colleague, title="Their project")
    apply(session, teacher=colleague, round_id=made.id, project_id=theirs.id)


def test_withdrawing_while_open_and_applying_again(session, teacher, project):
    made = make_round(session)
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    other = make_user(session, email="other@example.org")
    with pytest.raises(NotFound):
        applications.withdraw(session, actor=other, application_id=application.id)
    applications.withdraw(session, actor=teacher, application_id=application.id)
    assert (application.status, applications.my_applications(session, actor=teacher)[0].status) == \
        ("withdrawn", "withdrawn")
    assert applications.round_statuses(session, actor=Actor.system(), round_id=made.id) == {application.id: "withdrawn"}
    again = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    assert again.id == application.id and again.status == "submitted" and again.withdrawn_at is None
    assert applications.round_statuses(session, actor=Actor.system(), round_id=made.id) == {application.id: "submitted"}
    close(session, made.id)
    with pytest.raises(ServiceError) as refused:
        applications.withdraw(session, actor=teacher, application_id=application.id)
    assert refused.value.key == "jury.errors.round_closed"
    assert applications.my_applications(session, actor=teacher)[0].status == "under_review"
    assert applications.round_statuses(session, actor=Actor.system(), round_id=made.id) == {application.id: "under_review"}


def test_a_second_application_after_a_refusal_names_what_to_check_again(session, teacher, project):
    jurors = {j.id: j for j in (make_juror(session, f"j{i}@example.org") for i in range(2))}
    first_round = make_round(session, name="Spring")
    refused_app = apply(session, teacher=teacher, round_id=first_round.id, project_id=project.id)
    decide_round(session, round_id=first_round.id, jurors=jurors, levels={refused_app.id: 1})
    (seen,) = applications.my_applications(session, actor=teacher)
    assert (seen.status, seen.verdict) == ("decided", "no_label")

    second_round = make_round(session, name="Autumn")
    with pytest.raises(InvalidInput) as refused:
        apply(session, teacher=teacher, round_id=second_round.id, project_id=project.id)
    assert {e.field for e in refused.value.errors} == {"resubmission_of", "recheck_criteria", "recheck_note"}
    with pytest.raises(InvalidInput) as refused:
        apply(session, teacher=teacher, round_id=second_round.id, project_id=project.id,
              resubmission_of=refused_app.id, recheck_criteria=["astrology"], recheck_note="On the TwinSpace.")
    assert [e.field for e in refused.value.errors] == ["recheck_criteria"]
    second = apply(session, teacher=teacher, round_id=second_round.id, project_id=project.id,
                   resubmission_of=refused_app.id, recheck_criteria=["collaboration", "results"],
                   recheck_note="New pages: Collaboration and Results, in the TwinSpace.")
    assert (second.resubmission_of, second.recheck_criteria) == (refused_app.id, ["collaboration", "results"])

    # Refused again: no third application.
    decide_round(session, round_id=second_round.id, jurors=jurors, levels={second.id: 1})
    third_round = make_round(session, name="Winter")
    with pytest.raises(Conflict) as refused:
        apply(session, teacher=teacher, round_id=third_round.id, project_id=project.id, resubmission_of=second.id,
              recheck_criteria=["results"], recheck_note="Again.")
    assert refused.value.key == "jury.errors.second_application_used"


def test_resubmission_fields_without_a_refusal_are_refused(session, teacher, project):
    made = make_round(session)
    with pytest.raises(InvalidInput) as refused:
        apply(session, teacher=teacher, round_id=made.id, project_id=project.id, resubmission_of=123)
    assert [e.key for e in refused.value.errors] == ["jury.errors.not_refused"]


def test_office_reads_an_application_but_a_stranger_does_not(session, teacher, project):
    made = make_round(session)
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id, eligibility=yes())
    office = make_user(session, email="office@example.org", roles={"admin"})
    assert applications.get_application(session, actor=office, application_id=application.id).id == application.id
    juror = make_juror(session, "juror@example.org")
    with pytest.raises(NotFound):
        applications.get_application(session, actor=juror, application_id=application.id)
    with pytest.raises(PermissionDenied):
        applications.my_applications(session, actor=juror)


def test_two_applications_sent_at_once_cannot_both_pass_the_limit(session, session_factory, teacher):
    from tests.services.test_surveys import run_together

    made = make_round(session)
    found = [make_project(session, owner=teacher, title=f"Project number {i}") for i in range(5)]
    for p in found[:3]:
        apply(session, teacher=teacher, round_id=made.id, project_id=p.id)
    session.commit()

    def job(project_id):
        def run(own):
            try:
                return apply(own, teacher=teacher, round_id=made.id, project_id=project_id).id and "stored"
            except ServiceError as refused:
                return refused.key
        return run

    results = run_together(session_factory, [job(found[3].id), job(found[4].id)])
    assert sorted(results) == ["jury.errors.limit_reached", "stored"]
    session.expire_all()
    assert len(list(session.scalars(select(Application)))) == 4
