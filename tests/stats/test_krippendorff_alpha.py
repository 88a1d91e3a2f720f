"""Krippendorff's alpha against the paper's worked example, its undefined cases and its input checks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from assess.stats import AlphaResult, AlphaUndefined, krippendorff_alpha, krippendorff_alpha_explained, reason_text

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section E: 4 observers
# (rows A-D) x 12 units, with missing values; unit 12 has a single value and is not pairable.
_ = None
PAPER_DATA = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],  # observer A
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],  # observer B
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],  # observer C
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],  # observer D
]
PAPER_ALPHAS = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}


@pytest.mark.parametrize("level", sorted(PAPER_ALPHAS))
def test_paper_example_to_three_decimals(level):
    assert round(krippendorff_alpha(PAPER_DATA, level=level), 3) == PAPER_ALPHAS[level]


@pytest.mark.parametrize("level", sorted(PAPER_ALPHAS))
def test_paper_example_explained(level):
    result = krippendorff_alpha_explained(PAPER_DATA, level=level)
    assert isinstance(result, AlphaResult)
    assert result.defined and result.reason is None
    assert result.level == level
    assert result.pairable_values == 40  # the paper's n: 41 values less the lone value of unit 12
    assert result.alpha == pytest.approx(1 - result.observed_disagreement / result.expected_disagreement)


def test_paper_example_nominal_disagreements_by_hand():
    # Nominal: D_o = (off-diagonal coincidences) / n = 8 / 40 (the paper's o_ck matrix), and
    # D_e = (n^2 - sum n_c^2) / (n (n - 1)) with the paper's n_c = 9, 13, 10, 5, 3.
    result = krippendorff_alpha_explained(PAPER_DATA, level="nominal")
    assert result.observed_disagreement == pytest.approx(8 / 40)
    n_c = [9, 13, 10, 5, 3]
    assert result.expected_disagreement == pytest.approx((40**2 - sum(x * x for x in n_c)) / (40 * 39))


def test_default_level_is_ordinal():
    assert krippendorff_alpha(PAPER_DATA) == krippendorff_alpha(PAPER_DATA, level="ordinal")


def test_missing_values_as_none_nan_or_array_are_the_same():
    as_nan = np.array(PAPER_DATA, dtype=float)
    as_object = np.array(PAPER_DATA, dtype=object)
    with_nan_in_lists = [[math.nan if v is None else v for v in row] for row in PAPER_DATA]
    expected = krippendorff_alpha(PAPER_DATA, level="interval")
    for data in (as_nan, as_object, with_nan_in_lists):
        assert krippendorff_alpha(data, level="interval") == pytest.approx(expected)


def test_pandas_frames_with_nullable_columns_and_na_are_accepted():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(PAPER_DATA, dtype="Int64")  # None becomes pd.NA
    assert krippendorff_alpha(frame, level="ordinal") == pytest.approx(0.815, abs=5e-4)
    with_na_in_lists = [[pd.NA if v is None else v for v in row] for row in PAPER_DATA]
    assert krippendorff_alpha(with_na_in_lists, level="ordinal") == pytest.approx(0.815, abs=5e-4)


def test_perfect_agreement_is_one():
    assert krippendorff_alpha([[0, 3, 5, 2], [0, 3, 5, 2], [0, None, 5, 2]], level="ordinal") == pytest.approx(1.0)


def test_level_names_ignore_case_and_spaces():
    assert krippendorff_alpha(PAPER_DATA, level=" Nominal ") == krippendorff_alpha(PAPER_DATA, level="nominal")


def test_order_of_raters_and_units_does_not_matter():
    data = np.array(PAPER_DATA, dtype=float)
    rng = np.random.default_rng(7)
    shuffled = data[rng.permutation(4)][:, rng.permutation(12)]
    for level in PAPER_ALPHAS:
        assert krippendorff_alpha(shuffled, level=level) == pytest.approx(krippendorff_alpha(data, level=level))


def test_values_alone_in_their_unit_are_ignored():
    with_lone_value = [[*row, v] for row, v in zip(PAPER_DATA, [None, 9, None, None], strict=True)]
    for level in PAPER_ALPHAS:
        assert krippendorff_alpha(with_lone_value, level=level) == pytest.approx(
            krippendorff_alpha(PAPER_DATA, level=level)
        )


def test_nominal_alpha_ignores_the_labels():
    relabelled = [[None if v is None else {1: 40, 2: -3, 3: 7, 4: 0, 5: 12}[v] for v in row] for row in PAPER_DATA]
    assert krippendorff_alpha(relabelled, level="nominal") == pytest.approx(0.743, abs=5e-4)


# ------------------------------------------------------------------------------ undefined cases


@pytest.mark.parametrize("level", sorted(PAPER_ALPHAS))
def test_all_values_equal_is_undefined_with_the_reason(level):
    result = krippendorff_alpha_explained([[3, 3, 3], [3, 3, None]], level=level)
    assert math.isnan(result.alpha) and not result.defined
    assert result.reason is AlphaUndefined.ALL_EQUAL
    assert "expected disagreement is 0" in reason_text(result.reason, "en", pairable_values=4)
    assert result.pairable_values == 4
    assert math.isnan(krippendorff_alpha([[3, 3, 3], [3, 3, None]], level=level))


def test_equal_pairable_values_with_other_lone_values_is_undefined():
    # The 5 is alone in its unit: only the 2s are pairable.
    result = krippendorff_alpha_explained([[2, 2, 5], [2, 2, None]], level="interval")
    assert math.isnan(result.alpha)
    assert result.reason is AlphaUndefined.ALL_EQUAL and result.equal_value == 2
    assert "equal (2)" in reason_text(result.reason, "en", pairable_values=4, equal_value=result.equal_value)


@pytest.mark.parametrize(
    "data",
    [
        [[1, 2, 3, 4]],  # a single rater
        [[1, None], [None, 2]],  # two raters who never scored the same unit
        [[None, None], [None, None]],  # nothing at all
        np.empty((3, 0)),  # no units
        np.empty((0, 4)),  # no raters
    ],
)
def test_no_pairable_values_is_undefined_with_the_reason(data):
    result = krippendorff_alpha_explained(data, level="nominal")
    assert math.isnan(result.alpha)
    assert result.pairable_values == 0
    assert result.reason is AlphaUndefined.NO_PAIRS
    assert "no pairable values" in reason_text(result.reason, "en")
    assert math.isnan(result.observed_disagreement) and math.isnan(result.expected_disagreement)


def test_systematic_disagreement_is_negative():
    assert krippendorff_alpha([[1, 2, 1, 2], [2, 1, 2, 1]], level="nominal") < 0


# -------------------------------------------------------------------------------- input checks


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1, 2, 3], "2-D raters x units"),
        ([[[1, 2]], [[3, 4]]], "2-D raters x units"),
        ([[1, 2, 3], [1, 2]], "rectangular"),
        ([[1, "high"], [2, 3]], "numbers"),
        ([[1, math.inf], [2, 3]], "infinite"),
    ],
)
def test_bad_data_raises_a_clear_value_error(data, message):
    with pytest.raises(ValueError, match=message):
        krippendorff_alpha(data)


@pytest.mark.parametrize("level", ["categorical", "", None, 3])
def test_unknown_level_raises(level):
    with pytest.raises(ValueError, match="level must be one of 'nominal', 'ordinal', 'interval', 'ratio'"):
        krippendorff_alpha(PAPER_DATA, level=level)


def test_ratio_level_refuses_negative_values():
    with pytest.raises(ValueError, match="ratio level needs values >= 0"):
        krippendorff_alpha([[1, -2], [1, 2]], level="ratio")


def test_ratio_level_takes_zero_and_zero_as_no_difference():
    # Jury levels start at 0: the pair (0, 0) agrees, (0, k) is as far apart as ratios go.
    assert krippendorff_alpha([[0, 0, 5], [0, 0, 5]], level="ratio") == pytest.approx(1.0)
    assert krippendorff_alpha([[0, 1, 3, 0], [0, 1, 3, 5]], level="ratio") < 1.0


def test_level_is_keyword_only():
    with pytest.raises(TypeError):
        krippendorff_alpha(PAPER_DATA, "nominal")  # type: ignore[misc]
