"""The coefficients against established implementations on random data.

Krippendorff's alpha against the ``krippendorff`` package (PyPI), all four levels, with
missing values, on hypothesis-generated jury matrices and on seeded numpy matrices of real
numbers.
"""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from assess.stats import ALPHA_LEVELS, krippendorff_alpha_explained

SEEDS = range(12)


def reference_alpha(data: np.ndarray, level: str) -> float:
    return krippendorff.alpha(reliability_data=data, level_of_measurement=level)


# Jury-like data: 1-7 raters x 1-25 units, levels 0-5, about a quarter missing.
jury_matrices = st.tuples(st.integers(1, 7), st.integers(1, 25)).flatmap(
    lambda shape: arrays(
        np.float64,
        shape,
        elements=st.one_of(st.integers(0, 5).map(float), st.just(math.nan)),
    )
)


@pytest.mark.parametrize("level", ALPHA_LEVELS)
@settings(max_examples=150, deadline=None)
@given(data=jury_matrices)
def test_alpha_matches_the_krippendorff_package_on_jury_scores(level, data):
    result = krippendorff_alpha_explained(data, level=level)
    if result.defined:
        assert result.alpha == pytest.approx(reference_alpha(data, level), rel=1e-9, abs=1e-9)
    else:
        # The package refuses the same matrices (no unit with two values, or a single value in
        # its domain), or gets 0/0 when the only other values are alone in their unit.
        assert math.isnan(result.alpha) and result.reason
        try:
            with np.errstate(invalid="ignore"):
                reference = reference_alpha(data, level)
        except ValueError:
            return
        assert math.isnan(reference)


@pytest.mark.parametrize("level", ALPHA_LEVELS)
@pytest.mark.parametrize("seed", SEEDS)
def test_alpha_matches_the_krippendorff_package_on_real_numbers(level, seed):
    rng = np.random.default_rng(seed)
    raters, units = rng.integers(2, 8), rng.integers(5, 60)
    # A latent score per unit, rater noise, rounded to one decimal so that ties occur.
    data = np.round(rng.gamma(2.0, 2.0, size=units) + rng.normal(0, 1.0, size=(raters, units)), 1)
    data = np.abs(data)  # ratio data cannot be negative
    data[rng.random(data.shape) < 0.3] = np.nan
    result = krippendorff_alpha_explained(data, level=level)
    assert result.defined
    assert result.alpha == pytest.approx(reference_alpha(data, level), rel=1e-9, abs=1e-9)
