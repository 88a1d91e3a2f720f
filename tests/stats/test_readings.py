"""The words put on the coefficients, at and around each threshold; and the module's docstring examples."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest

import assess.stats
from assess.stats import reading


@pytest.mark.parametrize(
    ("alpha", "words"),
    [
        (1.0, "reliable"),
        (0.80, "reliable"),
        (0.7999, "tentative"),
        (0.667, "tentative"),
        (0.6669, "unreliable"),
        (2 / 3, "unreliable"),  # Krippendorff's threshold is .667, above 2/3
        (0.0, "unreliable"),
        (-0.4, "unreliable"),
        (math.nan, "undefined"),
        (np.float64("nan"), "undefined"),
        (None, "undefined"),
    ],
)
def test_reading(alpha, words):
    assert reading(alpha) == words


def test_docstring_examples():
    failures, tried = doctest.testmod(assess.stats, raise_on_error=False, report=True)
    assert tried >= 3
    assert failures == 0
