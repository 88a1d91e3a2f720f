"""Rounds: opened by the office, with a rubric locked once the first score is saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from assess.domain.jury import RoundStatus
from assess.domain.permissions import Actor, PermissionDenied
from assess.services import jury, rounds
from assess.services.errors import Conflict, InvalidInput, NotFound
from assess.storage.models import AuditLog
from tests.jury.helpers import TODAY, apply, make_juror, make_office, make_round
from tests.services.helpers import make_user


def test_the_office_opens_a_round_with_the_default_rubric_and_rules(session):
    office = make_office(session)
    made = make_round(session, office=office, name="  Labels 2026 ")
    assert (made.name, made.kind, made.per_application, made.aggregation, made.disagreement_threshold) == \
        ("Labels 2026", "label", 2, "mean", 2)
    assert made.rubric_version.rubric_id == "etwinning-2006", "the default rubric"
    assert rounds.status(made) is RoundStatus.OPEN
    events = list(session.scalars(select(AuditLog).where(AuditLog.action == "round.create")))
    assert len(events) == 1 and events[0].actor_id == office.id and events[0].details["rubric"] == "etwinning-2006"


def test_a_round_can_use_another_rubric_and_median(session):
    made = make_round(session, rubric_id="etwinning-2021", aggregation="median", per_application=3,
                      disagreement_threshold=3, region_conflicts=True, kind="contest")
    assert (made.rubric_version.rubric_id, made.aggregation, made.per_application, made.region_conflicts) == \
        ("etwinning-2021", "median", 3, True)


def test_wrong_settings_are_refused_field_by_field(session):
    with pytest.raises(InvalidInput) as refused:
        make_round(session, kind="party", name=" ", closes_on=TODAY - timedelta(days=20), per_application=0,
                   aggregation="mode", disagreement_threshold=9)
    assert {e.field for e in refused.value.errors} == {
        "kind", "name", "closes_on", "per_application", "aggregation", "disagreement_threshold"}


def test_only_the_office_opens_or_changes_rounds(session, teacher):
    juror = make_juror(session, "juror@example.org")
    for actor in (teacher, juror):
        with pytest.raises(PermissionDenied):
            make_round(session, office=actor)
    made = make_round(session)
    with pytest.raises(PermissionDenied):
        rounds.update_round(session, actor=teacher, round_id=made.id, name="Mine")
    assert [r.id for r in rounds.list_rounds(session, actor=teacher)] == [made.id], "teachers see the rounds"
    with pytest.raises(NotFound):
        rounds.get_round(session, actor=teacher, round_id=made.id + 100)


@pytest.mark.parametrize(("opens", "closes", "status"), [
    (1, 5, RoundStatus.UPCOMING), (-5, 0, RoundStatus.OPEN), (-10, -1, RoundStatus.SCORING),
])
def test_status_follows_the_dates(session, opens, closes, status):
    made = make_round(session, opens_on=TODAY + timedelta(days=opens), closes_on=TODAY + timedelta(days=closes))
    assert rounds.status(made) is status
    (listed,) = rounds.list_rounds(session, actor=Actor.system())
    assert listed.status is status and listed.to_dict()["status"] == status.value


def test_the_rubric_is_locked_once_the_first_score_is_saved(session, teacher, project):
    made = make_round(session)
    juror = make_juror(session, "juror@example.org")
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    # Before any score: the office may still change it (and back).
    rounds.update_round(session, actor=Actor.system(), round_id=made.id, rubric_id="etwinning-2014")
    assert made.rubric_version.rubric_id == "etwinning-2014"
    rounds.update_round(session, actor=Actor.system(), round_id=made.id, rubric_id="etwinning-2006")
    assignment = jury.assign_juror(session, actor=Actor.system(), application_id=application.id, juror_id=juror.id)
    jury.save_score(session, actor=juror, assignment_id=assignment.id, item_id="innovation", level=3)
    with pytest.raises(Conflict) as refused:
        rounds.update_round(session, actor=Actor.system(), round_id=made.id, rubric_id="etwinning-2021")
    assert refused.value.key == "jury.errors.rubric_locked"
    assert str(refused.value) == "The rubric of a round is locked once the first score is saved."
    assert made.rubric_version.rubric_id == "etwinning-2006"
    # The same rubric again, and other settings, are still fine.
    rounds.update_round(session, actor=Actor.system(), round_id=made.id, rubric_id="etwinning-2006", name="Renamed",
                        disagreement_threshold=3)
    assert (made.name, made.disagreement_threshold) == ("Renamed", 3)
    changes = [e.details for e in session.scalars(select(AuditLog).where(AuditLog.action == "round.update"))]
    assert any("rubric" in c for c in changes) and any(c.get("name") == ["Labels 2026", "Renamed"] for c in changes)


def test_list_counts_applications_not_withdrawn(session, teacher, project):
    made = make_round(session)
    apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    other = make_user(session, email="other@example.org")
    assert rounds.list_rounds(session, actor=other)[0].applications == 1
