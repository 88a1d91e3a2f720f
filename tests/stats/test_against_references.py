"""The coefficients against established implementations on random data.

- Krippendorff's alpha: the ``krippendorff`` package (PyPI), all four levels, with missing
  values, on hypothesis-generated jury matrices and on seeded numpy matrices of real numbers.
- ICC and Cronbach's alpha: ``pingouin`` (``intraclass_corr``, ``cronbach_alpha``) on seeded
  numpy matrices.
"""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pandas as pd
import pingouin
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from assess.stats import ALPHA_LEVELS, ICC_FORMS, cronbach_alpha, icc, krippendorff_alpha_explained

SEEDS = range(12)

# pingouin 0.7 still passes inplace= to DataFrame.dropna, which pandas 3.1 deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.dropna is deprecated")


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


def long_format(matrix: np.ndarray) -> pd.DataFrame:
    targets, raters = np.indices(matrix.shape)
    return pd.DataFrame({"target": targets.ravel(), "rater": raters.ravel(), "score": matrix.ravel()})


# pingouin names the two-way forms after McGraw & Wong: A = absolute agreement (model 2),
# C = consistency (model 3).
PINGOUIN_NAMES = {
    "ICC(1,1)": "ICC(1,1)",
    "ICC(2,1)": "ICC(A,1)",
    "ICC(3,1)": "ICC(C,1)",
    "ICC(1,k)": "ICC(1,k)",
    "ICC(2,k)": "ICC(A,k)",
    "ICC(3,k)": "ICC(C,k)",
}


@pytest.mark.parametrize("seed", SEEDS)
def test_icc_matches_pingouin(seed):
    rng = np.random.default_rng(seed)
    targets, raters = rng.integers(2, 30), rng.integers(2, 8)
    # Jury levels 0-5: a quality per application plus a severity per juror and noise.
    quality = rng.normal(2.5, 1.2, size=(targets, 1))
    severity = rng.normal(0, 0.6, size=(1, raters))
    scores = np.clip(np.round(quality + severity + rng.normal(0, 0.8, size=(targets, raters))), 0, 5)
    if np.ptp(scores) == 0:
        scores[0, 0] = 5 - scores[0, 0]
    table = pingouin.intraclass_corr(data=long_format(scores), targets="target", raters="rater", ratings="score")
    expected = dict(zip(table["Type"], table["ICC"]))
    assert set(expected) == set(PINGOUIN_NAMES.values())
    for form in ICC_FORMS:
        assert icc(scores, form=form) == pytest.approx(expected[PINGOUIN_NAMES[form]], rel=1e-9, abs=1e-9), form


@pytest.mark.parametrize("seed", SEEDS)
def test_cronbach_alpha_matches_pingouin_with_listwise_deletion(seed):
    rng = np.random.default_rng(seed)
    respondents, items = rng.integers(5, 80), rng.integers(2, 12)
    # Agreement items 1-5 sharing one latent attitude; a few answers missing.
    attitude = rng.normal(0, 1, size=(respondents, 1))
    answers = np.clip(np.round(3 + attitude + rng.normal(0, 1, size=(respondents, items))), 1, 5)
    answers[rng.random(answers.shape) < 0.03] = np.nan
    if (~np.isnan(answers).any(axis=1)).sum() < 2:
        pytest.skip("too few complete rows for this seed")
    expected, _ci = pingouin.cronbach_alpha(data=pd.DataFrame(answers), nan_policy="listwise")
    assert cronbach_alpha(answers) == pytest.approx(expected, rel=1e-9, abs=1e-9)
