"""Reliability statistics for juries: Krippendorff's alpha and the words that read it.

National juries score each application 0-5 per criterion; the office needs to know how far
the jurors agree (inter-rater reliability). This module is pure numpy: no pandas, no scipy,
no Streamlit, so every part of the suite can call it. See docs/statistics.md for how to
read the coefficient.

(The ICC and Cronbach's alpha lived here too; nothing in the suite called them, and their
reference tests pulled pingouin, about 330 MB of test dependencies. Git history has them.)

Orientation of the data: :func:`krippendorff_alpha` takes **raters x units**: one row per
juror, one column per application (or per application and criterion); ``None`` or ``NaN``
where a juror gave no score.

Every function accepts a list of lists, a numpy array, or anything ``numpy.asarray`` turns
into a 2-D numeric array (a pandas DataFrame, for instance). Bad shapes and non-numeric
values raise :class:`ValueError` with a message that says what was expected. When a
coefficient is mathematically undefined (no variation at all in the data, say), the
functions return ``NaN`` rather than raising; :func:`krippendorff_alpha_explained` also says
why.

References:

- Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
  Communication, University of Pennsylvania.
- Krippendorff, K. (2004). Content Analysis: An Introduction to Its Methodology (2nd ed.),
  chapter 11. Sage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np

__all__ = [
    "ALPHA_LEVELS",
    "AlphaResult",
    "krippendorff_alpha",
    "krippendorff_alpha_explained",
    "reading",
]

#: Levels of measurement accepted by :func:`krippendorff_alpha`.
ALPHA_LEVELS = ("nominal", "ordinal", "interval", "ratio")

#: Krippendorff (2004): rely on data with alpha >= 0.800; draw tentative conclusions only
#: from 0.667 up.
ALPHA_RELIABLE = 0.800
ALPHA_TENTATIVE = 0.667


# --------------------------------------------------------------------------- input checks


def _as_matrix(data: Any, *, what: str) -> np.ndarray:
    """``data`` as a 2-D float array, ``NaN`` for missing values; ValueError otherwise.

    Missing values may be ``None``, ``NaN`` or pandas' ``NA`` (nullable columns). ``what``
    names the expected orientation in error messages, e.g. "raters x units".
    """
    try:
        matrix = _to_float_array(data)
    except (TypeError, ValueError) as error:
        if "inhomogeneous" in str(error) or "sequence" in str(error):
            raise ValueError(
                f"data must be a rectangular {what} matrix: every row needs the same number of "
                f"columns (use None or NaN for a missing value)"
            ) from error
        raise ValueError(f"data must hold numbers, with None or NaN for a missing value ({what}); {error}") from error
    if matrix.ndim != 2:
        raise ValueError(
            f"data must be a 2-D {what} matrix (a list of rows or a 2-D array); "
            f"got {matrix.ndim}-D data of shape {matrix.shape}"
        )
    if np.isinf(matrix).any():
        raise ValueError(f"data must not contain infinite values ({what})")
    return matrix


def _to_float_array(data: Any) -> np.ndarray:
    if hasattr(data, "to_numpy") and not isinstance(data, np.ndarray):  # a pandas DataFrame
        return np.asarray(data.to_numpy(dtype=float, na_value=np.nan), dtype=float)
    try:
        return np.array(data, dtype=float)
    except TypeError:
        # pandas' NA inside lists: numpy turns None into NaN, but not NA.
        cells = np.array(data, dtype=object)
        missing = np.vectorize(_is_missing_marker, otypes=[bool])(cells) if cells.size else cells.astype(bool)
        cells[missing] = np.nan
        return cells.astype(float)


def _is_missing_marker(value: Any) -> bool:
    return value is None or type(value).__name__ == "NAType"


# ----------------------------------------------------------------------- Krippendorff's alpha


class AlphaUndefined(StrEnum):
    """Why an alpha is undefined: a code, put in words by :func:`reason_text` in the
    reader's language where it is shown."""

    #: No unit has values from two raters: no pairable values.
    NO_PAIRS = "no_pairs"
    #: Every pairable value is the same: the expected disagreement is 0.
    ALL_EQUAL = "all_equal"
    #: Nothing to compute from yet (no submitted scores): for callers that never ran alpha.
    NO_SCORES = "no_scores"


def reason_text(code: AlphaUndefined | str, lang: str, *, pairable_values: int = 0,
                equal_value: float | None = None) -> str:
    """The sentence that explains an undefined alpha, in ``lang``, its numbers written as
    the reader writes them (``AlphaResult.pairable_values`` and ``.equal_value``)."""
    # Imported here: the statistics need no catalogue unless a person reads their reasons.
    from assess.i18n import t
    from assess.i18n.formats import format_count, format_number

    code = AlphaUndefined(code)
    value = "" if equal_value is None else format_number(equal_value, lang, digits=3)
    return t(f"stats.alpha_undefined.{code.value}", lang, count=format_count(pairable_values, lang), value=value)


@dataclass(frozen=True)
class AlphaResult:
    """Krippendorff's alpha with what went into it, returned by :func:`krippendorff_alpha_explained`.

    Attributes:
        alpha: the coefficient, ``1 - observed_disagreement / expected_disagreement``; ``NaN``
            when it is undefined.
        reason: ``None`` when ``alpha`` is defined; otherwise an :class:`AlphaUndefined` code
            saying why it is not (:func:`reason_text` puts it in words, in a language).
        level: the level of measurement used ("nominal", "ordinal", "interval" or "ratio").
        pairable_values: ``n``, the number of values in units scored by at least two raters
            (the total of the coincidence matrix). Values alone in their unit are not
            pairable and do not count.
        observed_disagreement: ``D_o``, the mean difference between values paired within
            units; ``NaN`` when there are no pairable values.
        expected_disagreement: ``D_e``, the mean difference between any two pairable values,
            whatever their unit; ``NaN`` when there are no pairable values.
        equal_value: the value all pairable values share when that is the reason
            (``AlphaUndefined.ALL_EQUAL``), else ``None``.
    """

    alpha: float
    reason: AlphaUndefined | None
    level: str
    pairable_values: int
    observed_disagreement: float
    expected_disagreement: float
    #: The one value every pairable value has, when that is why alpha is undefined.
    equal_value: float | None = None

    @property
    def defined(self) -> bool:
        """True when ``alpha`` is a number (``reason`` is then ``None``)."""
        return self.reason is None


def krippendorff_alpha(data: Any, *, level: str = "ordinal") -> float:
    """Krippendorff's alpha reliability of ``data`` (raters x units), or ``NaN`` when undefined.

    Args:
        data: one row per rater (juror, coder) and one column per unit (an application, or
            an application's criterion); ``None`` or ``NaN`` where the rater gave no value.
            Raters need not score every unit, and units scored by a single rater are simply
            not pairable. Values are numbers; for the nominal level they are only labels.
        level: the level of measurement, which chooses the difference function:
            ``"nominal"`` (categories: equal or not), ``"ordinal"`` (ranked values, the
            default, right for 0-5 jury levels), ``"interval"`` (squared differences) or
            ``"ratio"`` (squared differences relative to the sum; needs values >= 0).

    Returns:
        alpha: 1 is perfect agreement, 0 agreement no better than chance, below 0
        systematic disagreement. ``NaN`` when alpha is undefined: no unit has two values,
        or all pairable values are equal (so the expected disagreement is 0). Call
        :func:`krippendorff_alpha_explained` for the reason, or :func:`reading` to put the
        number in words.

    Raises:
        ValueError: ``data`` is not a 2-D numeric matrix, ``level`` is unknown, or the ratio
            level gets a negative value.

    Computed as in Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": the
    coincidence matrix of values paired within units, ``alpha = 1 - D_o / D_e``.

    >>> round(krippendorff_alpha([[1, 2, 3, 3], [1, 2, 3, 4]], level="nominal"), 3)
    0.696
    """
    return krippendorff_alpha_explained(data, level=level).alpha


def krippendorff_alpha_explained(data: Any, *, level: str = "ordinal") -> AlphaResult:
    """Krippendorff's alpha like :func:`krippendorff_alpha`, with the reason when it is undefined.

    Takes the same arguments and raises the same errors as :func:`krippendorff_alpha`, and
    returns an :class:`AlphaResult`: ``result.alpha`` is the coefficient (``NaN`` when
    undefined), ``result.reason`` is ``None`` or the code that explains the ``NaN``,
    alongside the number of pairable values and the two disagreements.

    >>> result = krippendorff_alpha_explained([[3, 3, 3], [3, 3, None]])
    >>> result.alpha, result.reason, result.equal_value
    (nan, <AlphaUndefined.ALL_EQUAL: 'all_equal'>, 3.0)
    >>> reason_text(result.reason, "en", pairable_values=result.pairable_values, equal_value=result.equal_value)
    'all 4 pairable values are equal (3), so the expected disagreement is 0 and alpha is undefined'
    """
    level_name = _check_level(level)
    matrix = _as_matrix(data, what="raters x units")
    if level_name == "ratio" and (matrix < 0).any():
        raise ValueError("the ratio level needs values >= 0 (a ratio scale has an absolute zero)")

    present = ~np.isnan(matrix)
    values, codes = np.unique(matrix[present], return_inverse=True)
    n_units = matrix.shape[1]
    # counts[u, c]: how many raters gave value c to unit u.
    counts = np.zeros((n_units, values.size))
    unit_of_value = np.nonzero(present)[1]  # column index of each present value, same order as matrix[present]
    np.add.at(counts, (unit_of_value, codes.reshape(-1)), 1.0)

    m_u = counts.sum(axis=1)  # values per unit
    pairable = m_u >= 2
    n = int(m_u[pairable].sum())
    if n == 0:
        return AlphaResult(
            alpha=math.nan,
            reason=AlphaUndefined.NO_PAIRS,
            level=level_name,
            pairable_values=0,
            observed_disagreement=math.nan,
            expected_disagreement=math.nan,
        )

    # Coincidence matrix: o_ck = sum over pairable units of n_uc * (n_uk - [c == k]) / (m_u - 1).
    counts = counts[pairable]
    weights = 1.0 / (m_u[pairable] - 1.0)
    coincidences = (counts * weights[:, None]).T @ counts - np.diag(weights @ counts)
    n_c = coincidences.sum(axis=1)

    used = n_c > 0  # values that occur only in unpairable units play no part
    values, coincidences, n_c = values[used], coincidences[np.ix_(used, used)], n_c[used]
    if values.size < 2:
        return AlphaResult(
            alpha=math.nan,
            reason=AlphaUndefined.ALL_EQUAL,
            equal_value=float(values[0]),
            level=level_name,
            pairable_values=n,
            observed_disagreement=0.0,
            expected_disagreement=0.0,
        )

    delta = _difference_matrix(values, n_c, level_name)
    observed = float((coincidences * delta).sum() / n)
    expected = float((np.outer(n_c, n_c) * delta).sum() / (n * (n - 1)))
    return AlphaResult(
        alpha=1.0 - observed / expected,
        reason=None,
        level=level_name,
        pairable_values=n,
        observed_disagreement=observed,
        expected_disagreement=expected,
    )


def _check_level(level: str) -> str:
    if not isinstance(level, str) or level.strip().lower() not in ALPHA_LEVELS:
        raise ValueError(f"level must be one of {', '.join(map(repr, ALPHA_LEVELS))}; got {level!r}")
    return level.strip().lower()


def _difference_matrix(values: np.ndarray, n_c: np.ndarray, level: str) -> np.ndarray:
    """The squared difference ``delta^2_ck`` between every two (sorted, distinct) values."""
    if level == "nominal":
        different: np.ndarray = 1.0 - np.eye(values.size)
        return different
    if level == "ordinal":
        # delta_ck = (sum of n_g for g from c to k) - (n_c + n_k) / 2, over ranks c <= k.
        cumulative = np.concatenate(([0.0], np.cumsum(n_c)))
        low = np.minimum.outer(np.arange(values.size), np.arange(values.size))
        high = np.maximum.outer(np.arange(values.size), np.arange(values.size))
        between = cumulative[high + 1] - cumulative[low]
        ranked: np.ndarray = (between - (n_c[:, None] + n_c[None, :]) / 2.0) ** 2
        return ranked
    difference = np.subtract.outer(values, values)
    if level == "interval":
        squared: np.ndarray = difference**2
        return squared
    # ratio: ((c - k) / (c + k))^2, and 0 for the pair (0, 0).
    total = np.add.outer(values, values)
    ratio = np.divide(difference, total, out=np.zeros_like(difference), where=total != 0)
    relative: np.ndarray = ratio**2
    return relative


# ------------------------------------------------------------------------------------ readings


def reading(alpha: float) -> str:
    """Krippendorff's (2004) reading of an alpha: "reliable", "tentative", "unreliable" or "undefined".

    - ``alpha >= 0.800``: "reliable", the data can be relied on;
    - ``0.667 <= alpha < 0.800``: "tentative", good enough for tentative conclusions only;
    - ``alpha < 0.667``: "unreliable";
    - ``NaN`` (or ``None``): "undefined", see :func:`krippendorff_alpha_explained`.
    """
    if alpha is None or math.isnan(alpha):
        return "undefined"
    if alpha >= ALPHA_RELIABLE:
        return "reliable"
    if alpha >= ALPHA_TENTATIVE:
        return "tentative"
    return "unreliable"
