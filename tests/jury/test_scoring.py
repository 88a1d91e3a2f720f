"""A juror at work: drafts, submission, blind scoring; aggregates, disagreement, reliability."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import func, select

from assess import stats
from assess.domain.permissions import Actor, PermissionDenied
from assess.services import applications, jury, settings
from assess.services.errors import Conflict, InvalidInput, NotFound, ServiceError
from assess.storage.models import AuditLog, JurorScore
from tests.jury.helpers import CRITERIA, apply, make_juror, make_round, other_project, score_all
from tests.services.helpers import make_user
from tests.services.test_surveys import run_together

SYSTEM = Actor.system()


@pytest.fixture
def scored(session, teacher, project):
    """One application with two assigned jurors."""
    made = make_round(session)
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    a, b = make_juror(session, "a@example.org"), make_juror(session, "b@example.org")
    jury.auto_assign(session, actor=SYSTEM, round_id=made.id)
    return made, application, a, b


def test_a_juror_sees_the_application_texts_evidence_and_surveys(session, scored):
    _, application, a, _ = scored
    view = applications.application_for_juror(session, actor=a, application_id=application.id)
    assert view.rubric.id == "etwinning-2006" and view.texts["innovation"] == "What we did for innovation."
    assert view.evidence_links == ("https://twinspace.example.org/p/1",)
    assert view.project.title == "Our European breakfast" and view.surveys.project_id == application.project_id
    assert view.scores == {} and view.submitted_at is None
    (item,) = jury.my_assignments(session, actor=a)
    assert (item.application_id, item.scored, item.to_score, item.submitted_at) == (application.id, 0, 6, None)


def test_only_assigned_jurors_open_an_application(session, scored, teacher):
    _, application, _, _ = scored
    outsider = make_juror(session, "outsider@example.org")
    for actor in (outsider,):
        with pytest.raises(NotFound):
            applications.application_for_juror(session, actor=actor, application_id=application.id)
    for actor in (teacher, make_user(session, email="boss@example.org", roles={"admin"})):
        with pytest.raises(PermissionDenied):
            applications.application_for_juror(session, actor=actor, application_id=application.id)


def test_drafts_are_saved_item_by_item_and_audited(session, scored):
    _, application, a, _ = scored
    assignment = jury.assignment_of(session, actor=a, application_id=application.id)
    jury.save_score(session, actor=a, assignment_id=assignment.id, item_id="innovation", level=4)
    jury.save_score(session, actor=a, assignment_id=assignment.id, item_id="innovation", comment="Original theme.",
                    private_note="Check the pupils' page.")
    row = session.scalar(select(JurorScore))
    assert (row.level, row.comment, row.private_note) == (4, "Original theme.", "Check the pupils' page.")
    assert session.scalar(select(func.count()).select_from(JurorScore)) == 1
    assert session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "jury.score.save")) == 2
    with pytest.raises(InvalidInput):
        jury.save_score(session, actor=a, assignment_id=assignment.id, item_id="innovation", level=6)
    with pytest.raises(InvalidInput):
        jury.save_score(session, actor=a, assignment_id=assignment.id, item_id="astrology", level=3)
    assert jury.my_assignments(session, actor=a)[0].scored == 1


def test_another_juror_cannot_write_on_my_assignment(session, scored):
    _, application, a, b = scored
    mine = jury.assignment_of(session, actor=a, application_id=application.id)
    with pytest.raises(NotFound):
        jury.save_score(session, actor=b, assignment_id=mine.id, item_id="innovation", level=1)
    with pytest.raises(NotFound):
        jury.submit_scores(session, actor=b, assignment_id=mine.id)


def test_submission_needs_every_counted_criterion_and_then_locks(session, scored):
    _, application, a, _ = scored
    assignment = jury.assignment_of(session, actor=a, application_id=application.id)
    score_all(session, juror=a, application_id=application.id, submit=False, items=CRITERIA[:4])
    with pytest.raises(InvalidInput) as refused:
        jury.submit_scores(session, actor=a, assignment_id=assignment.id)
    assert {e.field for e in refused.value.errors} == {"sustainability", "results"}
    score_all(session, juror=a, application_id=application.id)
    assert assignment.submitted_at is not None
    with pytest.raises(Conflict):
        jury.save_score(session, actor=a, assignment_id=assignment.id, item_id="innovation", level=0)


def test_gates_must_be_scored_too(session, teacher, project):
    made = make_round(session, rubric_id="etwinning-2021")
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id,
                        texts={"collaboration": "We worked together."})
    juror = make_juror(session, "j@example.org")
    assignment = jury.assign_juror(session, actor=SYSTEM, application_id=application.id, juror_id=juror.id)
    criteria = ("collaboration", "technology", "pedagogy", "curricular-integration", "results")
    score_all(session, juror=juror, application_id=application.id, submit=False, items=criteria)
    with pytest.raises(InvalidInput) as refused:
        jury.submit_scores(session, actor=juror, assignment_id=assignment.id)
    assert {e.field for e in refused.value.errors} == {"online-collaboration", "digital-tools", "safety"}


def test_scoring_is_blind_until_the_juror_submits(session, scored):
    _, application, a, b = scored
    score_all(session, juror=a, application_id=application.id, level=4, private_note="Strong project.")
    # b has not submitted: a's scores are refused to b, drafts or not.
    score_all(session, juror=b, application_id=application.id, level=2, submit=False)
    with pytest.raises(NotFound) as refused:
        jury.other_scores(session, actor=b, application_id=application.id)
    assert refused.value.key == "jury.errors.submit_first"
    # a submitted, but b's drafts are not shown to a.
    assert jury.other_scores(session, actor=a, application_id=application.id) == []
    jury.submit_scores(session, actor=b, assignment_id=jury.assignment_of(session, actor=b, application_id=application.id).id)
    (seen,) = jury.other_scores(session, actor=b, application_id=application.id)
    assert seen.pseudonym in ("A", "B") and seen.juror_id is None
    assert {k: v.level for k, v in seen.scores.items()} == dict.fromkeys(CRITERIA, 4)
    assert seen.scores["innovation"].private_note == "Strong project.", "the jury reads private notes"


def test_aggregates_spread_and_disagreement_then_an_extra_juror(session, scored):
    made, application, a, b = scored
    score_all(session, juror=a, application_id=application.id, level=3, overrides={"innovation": 5})
    score_all(session, juror=b, application_id=application.id, level=3, overrides={"innovation": 2, "results": 4})
    found = jury.aggregates(session, actor=SYSTEM, application_id=application.id)
    innovation = found.item("innovation")
    assert set(innovation.levels) == {"A", "B"} and sorted(innovation.levels.values()) == [2, 5]
    assert (innovation.aggregate, innovation.spread, innovation.disagreement) == (3.5, 3, True)
    assert found.item("results").disagreement is False and found.disagreeing_items == ("innovation",)
    assert found.score.total == pytest.approx(3.5 + 3 * 4 + 3.5)
    assert found.proposal == "label" and found.score.percentage == pytest.approx(100 * 19 / 30)
    with pytest.raises(PermissionDenied):
        jury.aggregates(session, actor=a, application_id=application.id)

    # Nobody else without a conflict: the office is told.
    with pytest.raises(ServiceError) as refused:
        jury.request_extra_juror(session, actor=SYSTEM, application_id=application.id)
    assert refused.value.key == "jury.errors.no_extra_juror"
    make_juror(session, "same@example.org", school_name="École Jean Jaurès")
    extra_juror = make_juror(session, "c@example.org")
    extra = jury.request_extra_juror(session, actor=SYSTEM, application_id=application.id)
    assert (extra.juror_id, extra.origin) == (extra_juror.id, "extra")
    score_all(session, juror=extra_juror, application_id=application.id, level=3, overrides={"innovation": 4})
    found = jury.aggregates(session, actor=SYSTEM, application_id=application.id)
    assert found.item("innovation").aggregate == pytest.approx(11 / 3) and found.submitted == 3

    # Median rounds read the middle juror.
    from assess.services import rounds
    rounds.update_round(session, actor=SYSTEM, round_id=made.id, aggregation="median")
    assert jury.aggregates(session, actor=SYSTEM, application_id=application.id).item("innovation").aggregate == 4


def test_a_conflicted_juror_loses_access_at_once(session, scored, teacher):
    _, application, a, _ = scored
    jury.declare_conflict(session, actor=teacher, application_id=application.id, juror_id=a.id)
    assert jury.my_assignments(session, actor=a) == []
    with pytest.raises(NotFound):
        jury.assignment_of(session, actor=a, application_id=application.id)


def test_reliability_per_criterion_and_severity_per_juror(session, teacher, project):
    made = make_round(session)
    apps = [apply(session, teacher=teacher, round_id=made.id, project_id=project.id)]
    for i in range(3):
        owner = make_user(session, email=f"t{i}@example.org")
        p = other_project(session, owner, title=f"Project {i}", school_name=f"School {i}")
        apps.append(apply(session, teacher=owner, round_id=made.id, project_id=p.id))
    harsh, fair = make_juror(session, "harsh@example.org", ), make_juror(session, "fair@example.org")
    for application in apps:
        for juror in (harsh, fair):
            jury.assign_juror(session, actor=SYSTEM, application_id=application.id, juror_id=juror.id)
    # Both rank the applications the same on innovation; harsh is 2 levels lower everywhere.
    for index, application in enumerate(apps):
        score_all(session, juror=fair, application_id=application.id, level=3, overrides={"innovation": index + 2})
        score_all(session, juror=harsh, application_id=application.id, level=1, overrides={"innovation": index})
    result = jury.reliability(session, actor=SYSTEM, round_id=made.id)
    by_item = {i.item_id: i for i in result.items}
    assert by_item["innovation"].reading in ("tentative", "unreliable", "reliable")
    assert by_item["results"].reading == "unreliable" and by_item["results"].alpha < 0
    assert by_item["innovation"].units == 4 and by_item["innovation"].pairable == 8
    by_juror = {j.juror_id: j for j in result.jurors}
    assert by_juror[harsh.id].mean_deviation == pytest.approx(-2) and by_juror[harsh.id].flagged
    assert by_juror[fair.id].mean_deviation == pytest.approx(2) and by_juror[fair.id].flagged
    settings.put(session, actor=SYSTEM, key="severity_threshold", value=2.5)
    assert not any(j.flagged for j in jury.reliability(session, actor=SYSTEM, round_id=made.id).jurors)
    document = result.to_dict()
    assert document["criteria"][0]["id"] == "innovation" and document["jurors"][0]["flagged"] is True


def test_reliability_of_a_round_without_scores_is_undefined(session):
    made = make_round(session)
    result = jury.reliability(session, actor=SYSTEM, round_id=made.id)
    assert all(math.isnan(i.alpha) and i.reading == "undefined" for i in result.items) and result.jurors == ()


def test_no_scores_is_a_reason_code_the_office_reads_in_its_language(session):
    """The service said "no submitted scores yet" in English, whatever the reader's language."""
    made = make_round(session)
    result = jury.reliability(session, actor=SYSTEM, round_id=made.id)
    assert {i.reason for i in result.items} == {stats.AlphaUndefined.NO_SCORES}
    assert {c["reason"] for c in result.to_dict(lang="fr")["criteria"]} == {"no_scores"}
    item = result.items[0]
    assert stats.reason_text(item.reason, "fr", pairable_values=item.pairable) == "aucune note envoyée pour l'instant"


def test_two_jurors_saving_at_the_same_instant_lose_nothing(session, session_factory, scored):
    _, application, a, b = scored
    ids = {j.id: jury.assignment_of(session, actor=j, application_id=application.id).id for j in (a, b)}
    session.commit()

    def save_everything(juror, level):
        def job(own):
            for item in CRITERIA:
                jury.save_score(own, actor=juror, assignment_id=ids[juror.id], item_id=item, level=level,
                                comment=f"{juror.email} on {item}")
            return True
        return job

    assert run_together(session_factory, [save_everything(a, 2), save_everything(b, 4)]) == [True, True]
    session.expire_all()
    rows = session.execute(select(JurorScore.assignment_id, JurorScore.item_id, JurorScore.level)).all()
    assert sorted(rows) == sorted([(ids[a.id], i, 2) for i in CRITERIA] + [(ids[b.id], i, 4) for i in CRITERIA])


def test_the_same_juror_saving_one_item_twice_at_once_keeps_one_row(session, session_factory, scored):
    _, application, a, _ = scored
    assignment_id = jury.assignment_of(session, actor=a, application_id=application.id).id
    session.commit()
    results = run_together(session_factory, [
        (lambda own, level=level: jury.save_score(own, actor=a, assignment_id=assignment_id, item_id="results",
                                                  level=level).level)
        for level in (1, 5)
    ])
    assert sorted(results) == [1, 5]
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(JurorScore)) == 1
