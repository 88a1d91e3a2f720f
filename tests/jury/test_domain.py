"""The jury's arithmetic, without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from assess.domain.jury import (
    Candidate,
    RoundStatus,
    aggregate,
    aggregate_items,
    disagrees,
    eql_eligible,
    juror_letter,
    label_countries,
    nomination_quota,
    propose_nominations,
    round_status,
    school_year,
    severity,
    spread,
)


@pytest.mark.parametrize(("day", "year"), [
    (date(2025, 9, 1), "2025-2026"), (date(2025, 8, 31), "2024-2025"), (date(2026, 1, 15), "2025-2026"),
    (date(2026, 6, 30), "2025-2026"), (date(2026, 9, 1), "2026-2027"),
])
def test_the_school_year_starts_on_the_first_of_september(day, year):
    assert school_year(day) == year


def test_round_status_follows_dates_and_publication():
    opens, closes = date(2026, 3, 1), date(2026, 3, 31)

    def at(day, published=None):
        return round_status(opens_on=opens, closes_on=closes, published_at=published, today=day)

    assert at(date(2026, 2, 28)) is RoundStatus.UPCOMING
    assert at(opens) is RoundStatus.OPEN and at(closes) is RoundStatus.OPEN, "both days included"
    assert at(date(2026, 4, 1)) is RoundStatus.SCORING
    assert at(date(2026, 4, 1), datetime(2026, 5, 1, tzinfo=UTC)) is RoundStatus.PUBLISHED


def test_mean_median_and_spread_leave_missing_levels_out():
    assert aggregate([2, 3, 5], "mean") == pytest.approx(10 / 3)
    assert aggregate([2, 3, 5], "median") == 3.0
    assert aggregate([2, 5], "median") == 3.5
    assert aggregate([None, 4], "mean") == 4.0
    assert aggregate([None], "mean") is None and spread([]) is None
    assert spread([1, 4, None, 2]) == 3
    with pytest.raises(ValueError):
        aggregate([1], "mode")


def test_disagreement_starts_at_the_threshold():
    assert disagrees([2, 4], 2) and not disagrees([2, 3], 2) and not disagrees([None], 0.5)
    items = aggregate_items(item_ids=["a", "b"], levels_by_juror={"A": {"a": 1, "b": 3}, "B": {"a": 4}},
                            rule="median", threshold=2)
    a, b = items
    assert (a.aggregate, a.spread, a.disagreement) == (2.5, 3, True)
    assert (b.levels, b.aggregate, b.spread, b.disagreement) == ({"A": 3, "B": None}, 3.0, 0, False)


def test_jurors_are_named_by_letters():
    assert [juror_letter(i) for i in (0, 1, 25, 26, 27)] == ["A", "B", "Z", "AA", "AB"]


def test_severity_is_the_mean_deviation_from_co_jurors():
    rows = [
        # application 1: harsh gives 1 where the others give 3 and 5 (their mean 4)
        ("harsh", 1, "x", 1), ("mid", 1, "x", 3), ("kind", 1, "x", 5),
        # application 2: harsh 2, kind 4
        ("harsh", 2, "x", 2), ("kind", 2, "x", 4),
        # alone on application 3: no comparison
        ("mid", 3, "x", 5), ("mid", 3, "y", None),
    ]
    found = severity(rows, threshold=1.5)
    assert found["harsh"].mean_deviation == pytest.approx(((1 - 4) + (2 - 4)) / 2)
    assert found["harsh"].compared == 2 and found["harsh"].flagged
    assert found["mid"].mean_deviation == pytest.approx(3 - 3) and not found["mid"].flagged
    assert found["kind"].mean_deviation == pytest.approx(((5 - 2) + (4 - 2)) / 2) and found["kind"].flagged
    alone = severity([("solo", 1, "x", 3)], threshold=1)["solo"]
    assert (alone.mean_deviation, alone.compared, alone.flagged) == (None, 0, False)


def test_european_label_needs_national_labels_in_two_countries():
    assert eql_eligible(home_country="FR", partner_countries=["IE"])
    assert eql_eligible(home_country="fr", partner_countries=["FR", "pl"])
    assert not eql_eligible(home_country="FR", partner_countries=["FR"]), "a partner in the same country is one country"
    assert not eql_eligible(home_country="FR", partner_countries=[])
    assert not eql_eligible(home_country=None, partner_countries=["IE", "PL"])
    assert label_countries(home_country="FR", partner_countries=["pl", "IE", "PL"]) == ("FR", "IE", "PL")


def candidate(key, total, *, eligible=True, threshold=20, maximum=30):
    return Candidate(key=key, total=total, maximum=maximum, threshold=threshold, eligible=eligible)


def test_top_share_proposes_the_best_quarter_above_the_threshold():
    pool = [candidate(k, t) for k, t in zip("abcdefgh", (29, 21, 28, 20, 25, 19, 27, 24), strict=True)]
    assert nomination_quota(share=0.25, eligible=8) == 2
    assert propose_nominations(pool, rule="top_share", share=0.25) == ("a", "c")
    assert propose_nominations(pool, rule="top_share", share=1.0) == ("a", "c", "g", "e", "h", "b"), \
        "20 is not above 20"
    assert propose_nominations([*pool, candidate("z", 30, eligible=False)], rule="top_share", share=0.25) == ("a", "c")


def test_automatic_rule_proposes_every_eligible_project():
    pool = [candidate("a", 10), candidate("b", 25), candidate("c", 29, eligible=False)]
    assert propose_nominations(pool, rule="automatic", share=0.25) == ("b", "a")


def test_ties_at_the_cut_stay_together_and_small_pools_get_one():
    assert nomination_quota(share=0.25, eligible=3) == 1 and nomination_quota(share=0.25, eligible=0) == 0
    tied = [candidate("a", 26), candidate("b", 26), candidate("c", 21), candidate("d", 18)]
    assert propose_nominations(tied, rule="top_share", share=0.25) == ()
    assert propose_nominations(tied, rule="top_share", share=0.5) == ("a", "b")
    with pytest.raises(ValueError):
        propose_nominations(tied, rule="lottery", share=0.25)


def test_rubrics_of_different_sizes_are_ranked_by_share_of_their_maximum():
    pool = [candidate("thirty", 24, maximum=30), candidate("twenty-five", 22, maximum=25, threshold=17)]
    assert propose_nominations(pool, rule="automatic", share=1) == ("twenty-five", "thirty")
