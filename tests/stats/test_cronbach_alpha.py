"""Cronbach's alpha against the variance formula worked by hand, listwise deletion and input checks."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from assess.stats import cronbach_alpha

# 6 respondents x 4 agreement items (1-5).
ANSWERS = [
    [4, 5, 4, 3],
    [2, 3, 3, 2],
    [5, 5, 4, 5],
    [3, 4, 2, 3],
    [1, 2, 2, 1],
    [4, 4, 5, 4],
]


def sample_variance(values):
    """sum((x - mean)^2) / (n - 1), exactly."""
    values = [Fraction(v) for v in values]
    mean = sum(values) / len(values)
    return sum((v - mean) ** 2 for v in values) / (len(values) - 1)


def test_matches_the_variance_formula_by_hand():
    k = len(ANSWERS[0])
    item_variances = [sample_variance([row[i] for row in ANSWERS]) for i in range(k)]
    total_variance = sample_variance([sum(row) for row in ANSWERS])
    # By hand: the items' variances are 13/6, 41/30, 22/15 and 2, which add up to 7; the
    # totals 16, 10, 19, 12, 6, 17 (mean 40/3) have variance 358/15; so
    # alpha = 4/3 * (1 - 7 / (358/15)) = 4/3 * 253/358 = 506/537 = 0.94227...
    assert item_variances == [Fraction(13, 6), Fraction(41, 30), Fraction(22, 15), Fraction(2)]
    assert total_variance == Fraction(358, 15)
    expected = Fraction(k, k - 1) * (1 - sum(item_variances) / total_variance)
    assert expected == Fraction(506, 537)
    assert cronbach_alpha(ANSWERS) == pytest.approx(float(expected), abs=1e-12)
    assert round(cronbach_alpha(ANSWERS), 4) == 0.9423


def test_rows_with_a_missing_answer_are_left_out():
    with_gaps = ANSWERS + [[5, None, 1, 2], [math.nan, 1, 1, 1]]
    assert cronbach_alpha(with_gaps) == pytest.approx(cronbach_alpha(ANSWERS))


def test_identical_items_give_one():
    assert cronbach_alpha([[1, 1], [3, 3], [2, 2]]) == pytest.approx(1.0)


def test_opposed_items_give_a_negative_alpha():
    assert cronbach_alpha([[1, 3], [2, 1], [3, 2], [1, 1]]) < 0


def test_a_total_score_that_does_not_vary_is_undefined():
    assert math.isnan(cronbach_alpha([[1, 2], [2, 1], [3, 0]]))
    assert math.isnan(cronbach_alpha([[3, 3, 3], [3, 3, 3]]))


def test_fewer_than_two_items_raises():
    with pytest.raises(ValueError, match="at least 2 items"):
        cronbach_alpha([[1], [2], [3]])


def test_fewer_than_two_complete_rows_raises():
    with pytest.raises(ValueError, match=r"at least 2 respondents .* got 1 of 3"):
        cronbach_alpha([[1, 2], [None, 3], [2, math.nan]])


def test_bad_shape_raises():
    with pytest.raises(ValueError, match="2-D respondents x items"):
        cronbach_alpha([1, 2, 3])
