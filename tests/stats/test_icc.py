"""The six intraclass correlations against Shrout & Fleiss (1979), and their input checks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from assess.stats import ICC_FORMS, icc

# Shrout & Fleiss (1979), Table 2: 6 targets (rows) x 4 judges (columns).
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]
# Their Table 4, to the paper's two decimals; k = 4 judges.
PUBLISHED = {
    "ICC(1,1)": 0.17,
    "ICC(2,1)": 0.29,
    "ICC(3,1)": 0.71,
    "ICC(1,k)": 0.44,
    "ICC(2,k)": 0.62,
    "ICC(3,k)": 0.91,
}


@pytest.mark.parametrize("form", ICC_FORMS)
def test_shrout_fleiss_table(form):
    assert round(icc(SHROUT_FLEISS, form=form), 2) == PUBLISHED[form]


@pytest.mark.parametrize(
    ("alias", "form"), [("ICC(1,4)", "ICC(1,k)"), ("ICC(2,4)", "ICC(2,k)"), ("icc(3, 4)", "ICC(3,k)")]
)
def test_the_papers_names_with_the_number_of_judges(alias, form):
    assert icc(SHROUT_FLEISS, form=alias) == icc(SHROUT_FLEISS, form=form)


def test_default_form_is_two_way_random_single_rater():
    assert icc(SHROUT_FLEISS) == icc(SHROUT_FLEISS, form="ICC(2,1)")


def test_mean_squares_by_hand():
    # The paper's ANOVA: BMS = 11.24, WMS = 6.26, JMS = 32.49, EMS = 1.02 (n = 6, k = 4);
    # rebuild two forms from them, with the mean squares recomputed here from their definitions.
    x = np.array(SHROUT_FLEISS, dtype=float)
    n, k = x.shape
    grand = x.mean()
    bms = k * ((x.mean(axis=1) - grand) ** 2).sum() / (n - 1)
    wms = ((x - x.mean(axis=1, keepdims=True)) ** 2).sum() / (n * (k - 1))
    jms = n * ((x.mean(axis=0) - grand) ** 2).sum() / (k - 1)
    residual = x - x.mean(axis=1, keepdims=True) - x.mean(axis=0, keepdims=True) + grand
    ems = (residual**2).sum() / ((n - 1) * (k - 1))
    assert [round(v, 2) for v in (bms, wms, jms, ems)] == [11.24, 6.26, 32.49, 1.02]
    assert icc(x, form="ICC(1,1)") == pytest.approx((bms - wms) / (bms + (k - 1) * wms))
    assert icc(x, form="ICC(2,1)") == pytest.approx((bms - ems) / (bms + (k - 1) * ems + k * (jms - ems) / n))


def test_perfect_agreement_is_one_for_every_form():
    data = [[1, 1, 1], [3, 3, 3], [5, 5, 5], [0, 0, 0]]
    for form in ICC_FORMS:
        assert icc(data, form=form) == pytest.approx(1.0)


def test_a_constant_offset_between_raters_is_consistency_not_agreement():
    data = [[1, 2], [3, 4], [5, 6], [0, 1]]
    assert icc(data, form="ICC(3,1)") == pytest.approx(1.0)
    assert icc(data, form="ICC(2,1)") < 1.0


def test_no_variation_at_all_is_undefined():
    for form in ICC_FORMS:
        assert math.isnan(icc([[2, 2], [2, 2], [2, 2]], form=form))
        assert math.isnan(icc([[0.1, 0.1], [0.1, 0.1]], form=form))


def test_a_pandas_dataframe_is_accepted():
    pd = pytest.importorskip("pandas")
    assert icc(pd.DataFrame(SHROUT_FLEISS), form="ICC(3,1)") == icc(SHROUT_FLEISS, form="ICC(3,1)")


# -------------------------------------------------------------------------------- input checks


@pytest.mark.parametrize("missing", [None, math.nan])
def test_missing_values_raise_saying_the_matrix_must_be_complete(missing):
    data = [row[:] for row in SHROUT_FLEISS]
    data[2][1] = missing
    with pytest.raises(ValueError, match="complete targets x raters matrix"):
        icc(data)


@pytest.mark.parametrize("data", [[[1, 2, 3]], [[1], [2], [3]], np.empty((0, 3))])
def test_fewer_than_two_targets_or_raters_raise(data):
    with pytest.raises(ValueError, match="at least 2 targets .* and 2 raters"):
        icc(data)


@pytest.mark.parametrize("form", ["ICC(4,1)", "ICC2", "ICC(A,1)", "", None])
def test_unknown_form_raises(form):
    with pytest.raises(ValueError, match=r"form must be one of ICC\(1,1\), ICC\(2,1\)"):
        icc(SHROUT_FLEISS, form=form)


def test_averaging_another_number_of_raters_than_the_matrix_has_raises():
    with pytest.raises(ValueError, match="averages 5 raters but the matrix has 4"):
        icc(SHROUT_FLEISS, form="ICC(2,5)")


@pytest.mark.parametrize(("data", "message"), [([1, 2, 3], "2-D targets x raters"), ([[1, 2], [3]], "rectangular")])
def test_bad_shapes_raise(data, message):
    with pytest.raises(ValueError, match=message):
        icc(data)
