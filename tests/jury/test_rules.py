"""The jury's rules as pure functions: conflicts from plain facts, and who may see and
score an application from the facts of its state."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assess.domain.conflicts import ApplicationPlace, ConflictKind, JurorPlace, automatic_conflicts, waivable
from assess.domain.permissions import Actor, ApplicationFacts, RoundFacts, can

JUROR = Actor(id=7, email="j@example.org", display_name="J", roles=frozenset({"juror"}))
OFFICE = Actor(id=1, email="o@example.org", display_name="O", roles=frozenset({"admin"}))
APPLICATION = ApplicationPlace(applicant_ids=frozenset({3}), school_ids=frozenset({10, 11}), country="FR",
                               region=" Occitanie ")
WORKING = ApplicationFacts(application_id=5, submitted=True, assigned=True, in_conflict=False,
                           own_scores_submitted=False, round_published=False)


def juror(school_id: int | None = 20, country: str | None = "FR", region: str | None = "Bretagne",
          juror_id: int = 7) -> JurorPlace:
    return JurorPlace(juror_id=juror_id, school_id=school_id, country=country, region=region)


@pytest.mark.parametrize(("place", "region_conflicts", "expected"), [
    (juror(), True, ()),
    (juror(school_id=11), False, (ConflictKind.SAME_SCHOOL,)),
    (juror(region="occitanie"), True, (ConflictKind.SAME_REGION,)),
    (juror(region="occitanie"), False, ()),
    (juror(region="occitanie", country="ES"), True, ()),
    (juror(school_id=None, region="occitanie"), True, ()),
    (juror(juror_id=3, school_id=10, region="Occitanie"), True,
     (ConflictKind.OWN_APPLICATION, ConflictKind.SAME_SCHOOL, ConflictKind.SAME_REGION)),
])
def test_conflicts_found_from_the_places(place, region_conflicts, expected):
    assert automatic_conflicts(place, APPLICATION, region_conflicts=region_conflicts) == expected


def test_a_waiver_lifts_only_its_kind_and_never_an_own_application():
    own = juror(juror_id=3, school_id=10, region="Occitanie")
    assert automatic_conflicts(own, APPLICATION, region_conflicts=True, waived=frozenset({"same_school"})) == (
        ConflictKind.OWN_APPLICATION, ConflictKind.SAME_REGION)
    assert waivable("same_school", own, APPLICATION, region_conflicts=True)
    assert not waivable("own_application", own, APPLICATION, region_conflicts=True)
    assert not waivable("same_region", own, APPLICATION, region_conflicts=False), "not a conflict in this round"
    assert not waivable("same_school", juror(), APPLICATION, region_conflicts=True), "no conflict to waive"


def test_a_juror_scores_while_assigned_not_in_conflict_not_submitted_and_not_published():
    assert can(JUROR, "application.judge", WORKING) and can(JUROR, "application.score", WORKING)
    assert not can(JUROR, "application.view_other_scores", WORKING), "blind until their own are submitted"
    for change in ({"assigned": False}, {"in_conflict": True}, {"submitted": False}):
        refused = replace(WORKING, **change)
        assert not any(can(JUROR, p, refused) for p in
                       ("application.judge", "application.score", "application.view_other_scores")), change
    done = replace(WORKING, own_scores_submitted=True)
    assert can(JUROR, "application.view_other_scores", done) and not can(JUROR, "application.score", done)
    published = replace(WORKING, round_published=True)
    assert can(JUROR, "application.judge", published) and not can(JUROR, "application.score", published)


def test_the_office_neither_judges_nor_changes_a_published_round():
    assert not can(OFFICE, "application.judge", WORKING) and not can(Actor.system(), "application.score", WORKING)
    assert can(OFFICE, "round.publish", RoundFacts(1, published=False))
    assert not can(OFFICE, "round.publish", RoundFacts(1, published=True))
    assert not can(OFFICE, "round.change", RoundFacts(1, published=True))
    assert not can(JUROR, "round.change", RoundFacts(1, published=False))
    assert not can(JUROR, "application.score", None), "no facts, no permission"
