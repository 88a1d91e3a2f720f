"""A whole round through the services: apply, assign, score, disagree, extra juror,
decide, publish; the teacher sees nothing before publication and everything after."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assess.domain.permissions import Actor, PermissionDenied
from assess.services import applications, decisions, jury, rounds
from assess.services.errors import Conflict, InvalidInput, NotFound
from assess.storage.models import Assignment, AuditLog, Decision
from tests.jury.helpers import apply, close, make_juror, make_office, make_round, other_project, score_all
from tests.services.helpers import make_user


def test_a_whole_label_round(session, teacher, project):
    office = make_office(session)
    made = make_round(session, office=office)
    second_teacher = make_user(session, email="paul@example.org")
    second_project = other_project(session, second_teacher)
    first = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    second = apply(session, teacher=second_teacher, round_id=made.id, project_id=second_project.id)
    colleague = make_juror(session, "colleague@example.org", school_name="École Jean Jaurès", region="Occitanie")
    j2, j3, j4 = (make_juror(session, f"j{i}@example.org") for i in (2, 3, 4))
    jurors = {j.id: j for j in (colleague, j2, j3, j4)}
    close(session, made.id)

    # Assignment: two each, balanced, the colleague never on the first application.
    report = jury.auto_assign(session, actor=office, round_id=made.id)
    assert report.short == {} and sorted(report.loads.values()) == [1, 1, 1, 1]
    on = {a: sorted(j for j, b in report.created if b == a) for a in (first.id, second.id)}
    assert colleague.id in on[second.id] and colleague.id not in on[first.id]
    with pytest.raises(NotFound):
        applications.application_for_juror(session, actor=colleague, application_id=first.id)

    # Scoring: the first application's jurors disagree on collaboration.
    a, b = (jurors[j] for j in on[first.id])
    score_all(session, juror=a, application_id=first.id, level=4, overrides={"collaboration": 5},
              comment="Strong work", private_note="Best of my list.")
    with pytest.raises(NotFound):
        jury.other_scores(session, actor=b, application_id=first.id)
    score_all(session, juror=b, application_id=first.id, level=4, overrides={"collaboration": 2},
              comment="Good", private_note="Partners barely present?")
    assert len(jury.other_scores(session, actor=b, application_id=first.id)) == 1
    for juror_id in on[second.id]:
        score_all(session, juror=jurors[juror_id], application_id=second.id, level=2, comment="Keep going")

    found = jury.aggregates(session, actor=office, application_id=first.id)
    assert found.disagreeing_items == ("collaboration",) and found.item("collaboration").spread == 3
    extra = jury.request_extra_juror(session, actor=office, application_id=first.id)
    assert extra.juror_id not in (colleague.id, a.id, b.id)
    score_all(session, juror=jurors[extra.juror_id], application_id=first.id, level=4, overrides={"collaboration": 4},
              comment="Convincing", private_note="Third opinion.")
    found = jury.aggregates(session, actor=office, application_id=first.id)
    assert found.item("collaboration").aggregate == pytest.approx(11 / 3) and found.proposal == "label"

    # Nothing shown to the teacher yet.
    def seen():
        return applications.my_applications(session, actor=teacher)[0]

    before = seen()
    assert (before.status, before.verdict, before.total, before.feedback) == ("under_review", None, None, ())
    # The office's list of the round says what each teacher reads.
    assert applications.round_statuses(session, actor=office, round_id=made.id) == {
        first.id: "under_review", second.id: "under_review"}
    with pytest.raises(PermissionDenied):
        applications.round_statuses(session, actor=teacher, round_id=made.id)

    # Decisions: staged, reviewed, then published together.
    decisions.stage_decision(session, actor=office, application_id=first.id,
                             consensus_note="Collaboration agreed at 4 after a third reading.")
    with pytest.raises(Conflict) as refused:
        decisions.publish_round(session, actor=office, round_id=made.id)
    assert refused.value.key == "jury.errors.undecided"
    decisions.stage_decision(session, actor=office, application_id=second.id)
    staged = decisions.list_staged(session, actor=office, round_id=made.id)
    assert {(d.application_id, d.outcome, d.proposal) for d in staged} == {
        (first.id, "label", "label"), (second.id, "no_label", "no_label")}
    assert seen().verdict is None, "staged is not published"
    publication = decisions.publish_round(session, actor=office, round_id=made.id)
    assert (publication.decisions, publication.labels) == (2, 1)
    assert made.published_at == publication.published_at
    assert rounds.status(made).value == "published"
    assert {d.published_at for d in session.scalars(select(Decision))} == {publication.published_at}

    after = seen()
    assert (after.status, after.verdict) == ("decided", "label")
    assert applications.round_statuses(session, actor=office, round_id=made.id) == {
        first.id: "decided", second.id: "decided"}
    assert after.total == pytest.approx(found.score.total) and after.percentage == pytest.approx(found.score.percentage)
    feedback = {f.item_id: f for f in after.feedback}
    assert feedback["collaboration"].level == pytest.approx(11 / 3)
    assert sorted(feedback["collaboration"].comments) == [
        "Convincing (collaboration)", "Good (collaboration)", "Strong work (collaboration)"]
    shown = repr(after)
    for private in ("Best of my list", "Partners barely present", "Third opinion", "Juror A", "j2@example.org"):
        assert private not in shown
    paul = applications.my_applications(session, actor=second_teacher)[0]
    assert paul.verdict == "no_label" and paul.feedback[0].comments == ("Keep going (innovation)",) * 2

    # After publication nothing changes any more.
    with pytest.raises(Conflict):
        decisions.stage_decision(session, actor=office, application_id=first.id, outcome="no_label")
    with pytest.raises(Conflict):
        jury.auto_assign(session, actor=office, round_id=made.id)
    with pytest.raises(Conflict):
        decisions.publish_round(session, actor=office, round_id=made.id)
    actions = set(session.scalars(select(AuditLog.action)))
    assert {"round.create", "application.submit", "jury.assign", "jury.auto_assign", "jury.score.save", "jury.submit",
            "decision.stage", "round.publish", "jury.conflict"} <= actions


def test_the_office_may_decide_against_the_proposal_and_must_choose_when_incomplete(session, teacher, project):
    made = make_round(session)
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    juror = make_juror(session, "j@example.org")
    assignment = jury.assign_juror(session, actor=Actor.system(), application_id=application.id, juror_id=juror.id)
    from assess.services.errors import ServiceError
    with pytest.raises(ServiceError):
        decisions.stage_decision(session, actor=Actor.system(), application_id=application.id)
    score_all(session, juror=juror, application_id=application.id, level=4)
    decision = decisions.stage_decision(session, actor=Actor.system(), application_id=application.id,
                                        outcome="no_label")
    assert decision.outcome == "no_label" and decision.total == 24
    stage = session.scalars(select(AuditLog).where(AuditLog.action == "decision.stage")).one()
    assert (stage.details["outcome"], stage.details["proposal"]) == ("no_label", "label")
    with pytest.raises(InvalidInput):
        decisions.stage_decision(session, actor=Actor.system(), application_id=application.id, outcome="maybe")
    decisions.add_consensus_note(session, actor=Actor.system(), application_id=application.id, note="Agreed.")
    assert decision.consensus_note == "Agreed."
    decisions.unstage_decision(session, actor=Actor.system(), application_id=application.id)
    assert session.scalar(select(Decision)) is None
    assert session.get(Assignment, assignment.id).submitted_at is not None


def test_the_office_stages_every_clear_cut_proposal_at_once(session):
    """Only applications whose jurors have all submitted and agree, and that have no
    decision yet, are staged in bulk; the rest wait for a person's reading."""
    office = make_office(session)
    made = make_round(session, office=office)
    ids = {}
    for n, title in enumerate(["Clear label", "Clear refusal", "Disputed", "Half scored", "Already decided"]):
        owner = make_user(session, email=f"t{n}@example.org")
        ids[title] = apply(session, teacher=owner, round_id=made.id,
                           project_id=other_project(session, owner, title=title).id).id
    a, b = make_juror(session, "a@example.org"), make_juror(session, "b@example.org")
    close(session, made.id)
    for application_id in ids.values():
        for juror in (a, b):
            jury.assign_juror(session, actor=office, application_id=application_id, juror_id=juror.id)
    for juror in (a, b):
        score_all(session, juror=juror, application_id=ids["Clear label"], level=4)
        score_all(session, juror=juror, application_id=ids["Clear refusal"], level=1)
        score_all(session, juror=juror, application_id=ids["Already decided"], level=4)
    score_all(session, juror=a, application_id=ids["Disputed"], level=4, overrides={"collaboration": 1})
    score_all(session, juror=b, application_id=ids["Disputed"], level=4, overrides={"collaboration": 5})
    score_all(session, juror=a, application_id=ids["Half scored"], level=4)
    decisions.stage_decision(session, actor=office, application_id=ids["Already decided"], outcome="no_label")

    assert decisions.stage_proposals(session, actor=office, round_id=made.id) == 2

    staged = {d.application_id: d.outcome for d in decisions.list_staged(session, actor=office, round_id=made.id)}
    assert staged == {ids["Clear label"]: "label", ids["Clear refusal"]: "no_label",
                      ids["Already decided"]: "no_label"}  # the office's own choice is kept
    bulk = session.scalars(select(AuditLog).where(AuditLog.action == "decision.stage")).all()
    assert sorted(e.entity_id for e in bulk if e.details.get("bulk")) == sorted(
        str(ids[title]) for title in ("Clear label", "Clear refusal"))
    # Again: nothing more to stage; a juror may not do it; after publication nobody may.
    assert decisions.stage_proposals(session, actor=office, round_id=made.id) == 0
    with pytest.raises(PermissionDenied):
        decisions.stage_proposals(session, actor=a, round_id=made.id)
    for title in ("Disputed", "Half scored"):
        decisions.stage_decision(session, actor=office, application_id=ids[title], outcome="no_label")
    decisions.publish_round(session, actor=office, round_id=made.id)
    with pytest.raises(Conflict):
        decisions.stage_proposals(session, actor=office, round_id=made.id)
