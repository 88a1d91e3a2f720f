"""The scoring engine, as a jury would check it by hand, and its invariants (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.domain.scoring import Outcome, ReasonCode, ScoringInputError, describe_reason, score
from tests.factories import criterion, gate, make_rubric

SIX = ["innovation", "curriculum", "collaboration", "ict", "sustainability", "results"]


def six_criteria(**overrides):
    return [criterion(cid, **overrides.get(cid, {})) for cid in SIX]


def test_six_criteria_at_four_make_24_of_30_and_pass():
    rubric = make_rubric(criteria=six_criteria(), pass_mark=15, eql=20)
    result = score(rubric, levels={cid: 4 for cid in SIX})
    assert (result.total, result.maximum) == (24, 30)
    assert result.percentage == pytest.approx(80.0)
    assert result.verdict.outcome is Outcome.PASS
    assert result.verdict.reasons == ()
    assert result.above_eql_threshold


def test_eql_threshold_is_strictly_above():
    rubric = make_rubric(criteria=six_criteria(), pass_mark=15, eql=20)
    exactly_twenty = {"innovation": 5, "curriculum": 5, "collaboration": 5, "ict": 5, "sustainability": 0, "results": 0}
    assert not score(rubric, levels=exactly_twenty).above_eql_threshold


def test_weights_multiply_points():
    rubric = make_rubric(criteria=[criterion("a", weight=2), criterion("b", weight=0.5)])
    result = score(rubric, levels={"a": 3, "b": 4})
    assert [c.points for c in result.criteria] == [6, 2]
    assert (result.total, result.maximum) == (8, 12.5)


def test_below_pass_mark_fails_and_says_so():
    rubric = make_rubric(criteria=six_criteria(), pass_mark=15)
    result = score(rubric, levels={cid: 2 for cid in SIX})
    assert result.verdict.outcome is Outcome.FAIL
    (reason,) = result.verdict.reasons
    assert reason.code is ReasonCode.BELOW_PASS_MARK
    assert describe_reason(reason, rubric=rubric, lang="en") == "Total 12 is below the pass mark of 15."


def test_a_criterion_below_its_minimum_fails_whatever_the_total_and_is_named():
    rubric = make_rubric(criteria=six_criteria(collaboration={"minimum": 2}), pass_mark=15)
    result = score(rubric, levels={**{cid: 5 for cid in SIX}, "collaboration": 1})
    assert result.total == 26
    assert result.verdict.outcome is Outcome.FAIL
    (reason,) = result.verdict.reasons
    assert (reason.code, reason.subject) == (ReasonCode.BELOW_MINIMUM, "collaboration")
    assert "Collaboration" in describe_reason(reason, rubric=rubric, lang="en")
    assert describe_reason(reason, rubric=rubric, lang="fr").startswith("Collaboration (fr)\u00a0: le niveau 1")


def test_a_failed_gate_blocks_the_label_and_the_setting_overrides_the_file():
    rubric = make_rubric(
        criteria=[criterion("collaboration"), criterion("technology")],
        gates=[gate("safety", criterion_id="technology", minimum=3)],
        pass_mark=5,
    )
    levels = {"collaboration": 5, "technology": 5}
    failed = score(rubric, levels=levels, gates={"safety": 2})
    assert failed.verdict.outcome is Outcome.FAIL
    assert failed.verdict.reasons[0].code is ReasonCode.GATE_BELOW_MINIMUM
    assert failed.verdict.reasons[0].subject == "safety"
    assert failed.total == 10, "gates never add points"
    relaxed = score(rubric, levels=levels, gates={"safety": 2}, gate_minimums={"safety": 2})
    assert relaxed.verdict.outcome is Outcome.PASS


def test_missing_levels_make_the_verdict_incomplete_naming_them():
    rubric = make_rubric(
        criteria=[criterion("a"), criterion("b")], gates=[gate("g", criterion_id="a", minimum=1)], pass_mark=1
    )
    result = score(rubric, levels={"a": 3})
    assert result.verdict.outcome is Outcome.INCOMPLETE
    assert [(r.code, r.subject) for r in result.verdict.reasons] == [
        (ReasonCode.NOT_SCORED, "b"),
        (ReasonCode.GATE_NOT_SCORED, "g"),
    ]


def test_independent_criterion_is_recorded_not_counted():
    rubric = make_rubric(criteria=[criterion("a"), criterion("extra", independent=True)])
    result = score(rubric, levels={"a": 2, "extra": 5})
    assert (result.total, result.maximum) == (2, 5)
    extra = result.criteria[1]
    assert (extra.level, extra.counted, extra.points) == (5, False, None)


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ({"nope": 3}, "unknown criterion 'nope'"),
        ({"a": 6}, "must be a whole number from 0 to 5"),
        ({"a": -1}, "must be a whole number from 0 to 5"),
        ({"a": 2.5}, "must be a whole number from 0 to 5"),
        ({"a": True}, "must be a whole number from 0 to 5"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(levels, message):
    rubric = make_rubric(criteria=[criterion("a")])
    with pytest.raises(ScoringInputError, match=message):
        score(rubric, levels=levels)


# --- invariants -------------------------------------------------------------------------

level = st.integers(min_value=0, max_value=5)


@st.composite
def rubrics_and_levels(draw):
    count = draw(st.integers(min_value=1, max_value=8))
    specs = []
    for index in range(count):
        specs.append(
            criterion(
                f"c{index}",
                weight=draw(st.sampled_from([0.5, 1, 1.5, 2, 3])),
                minimum=draw(st.one_of(st.none(), level)),
                independent=draw(st.booleans()) if index else False,
            )
        )
    gate_specs = [
        gate(f"g{index}", criterion_id="c0", minimum=draw(level)) for index in range(draw(st.integers(0, 3)))
    ]
    maximum = sum(5 * s["weight"] for s in specs if not s["independent"])
    pass_mark = draw(st.floats(min_value=0, max_value=maximum))
    rubric = make_rubric(criteria=specs, gates=gate_specs, pass_mark=pass_mark, eql=pass_mark)
    levels = {s["id"]: draw(level) for s in specs}
    gates = {g["id"]: draw(level) for g in gate_specs}
    return rubric, levels, gates


@settings(max_examples=300, deadline=None)
@given(rubrics_and_levels(), st.data())
def test_raising_one_level_never_lowers_the_total_nor_turns_a_pass_into_a_fail(case, data):
    rubric, levels, gates = case
    before = score(rubric, levels=levels, gates=gates)
    items = [("level", k) for k, v in levels.items() if v < 5] + [("gate", k) for k, v in gates.items() if v < 5]
    if not items:
        return
    kind, item = data.draw(st.sampled_from(items))
    if kind == "level":
        levels = {**levels, item: data.draw(st.integers(levels[item] + 1, 5))}
    else:
        gates = {**gates, item: data.draw(st.integers(gates[item] + 1, 5))}
    after = score(rubric, levels=levels, gates=gates)
    assert after.total >= before.total
    if before.verdict.outcome is Outcome.PASS:
        assert after.verdict.outcome is Outcome.PASS


@settings(max_examples=300, deadline=None)
@given(rubrics_and_levels())
def test_totals_stay_within_bounds(case):
    rubric, levels, gates = case
    result = score(rubric, levels=levels, gates=gates)
    assert 0 <= result.total <= result.maximum
    assert 0 <= result.percentage <= 100
    assert all(c.points is None or 0 <= c.points <= c.max_points for c in result.criteria)


@settings(max_examples=300, deadline=None)
@given(rubrics_and_levels(), st.data())
def test_independent_criteria_never_change_the_total(case, data):
    rubric, levels, gates = case
    independent = [c.id for c in rubric.criteria if c.independent]
    changed = {**levels, **{cid: data.draw(level) for cid in independent}}
    assert score(rubric, levels=changed, gates=gates).total == score(rubric, levels=levels, gates=gates).total


@settings(max_examples=200, deadline=None)
@given(rubrics_and_levels(), st.sampled_from([0.5, 2, 3]))
def test_scaling_every_weight_scales_total_and_maximum_alike(case, factor):
    rubric, levels, gates = case
    scaled = rubric.model_copy(
        update={"criteria": [c.model_copy(update={"weight": c.weight * factor}) for c in rubric.criteria]}
    )
    base, bigger = score(rubric, levels=levels, gates=gates), score(scaled, levels=levels, gates=gates)
    assert bigger.total == pytest.approx(base.total * factor)
    assert bigger.maximum == pytest.approx(base.maximum * factor)
    assert bigger.percentage == pytest.approx(base.percentage)


def test_a_jury_aggregate_may_fall_between_levels():
    rubric = make_rubric(criteria=[criterion("a", minimum=2), criterion("b")], pass_mark=5)
    result = score(rubric, levels={"a": 2.5, "b": 3.5}, fractional=True)
    assert (result.total, result.verdict.outcome) == (6.0, Outcome.PASS)
    below = score(rubric, levels={"a": 1.5, "b": 5}, fractional=True)
    assert below.verdict.reasons[0].code is ReasonCode.BELOW_MINIMUM
    with pytest.raises(ScoringInputError, match="must be a number from 0 to 5"):
        score(rubric, levels={"a": 5.5}, fractional=True)
    with pytest.raises(ScoringInputError, match="whole number"):
        score(rubric, levels={"a": 2.5})
