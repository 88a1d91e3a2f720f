"""Reliability statistics for juries and questionnaires: Krippendorff's alpha, ICC, Cronbach's alpha.

National juries score each application 0-5 per criterion; the office needs to know how far
the jurors agree (inter-rater reliability) and whether a questionnaire's items hang
together (internal consistency). This module is pure numpy: no pandas, no scipy, no
Streamlit, so every part of the suite can call it. See docs/statistics.md for when to use
which coefficient and how to read it.

Orientation of the data (they differ, following each coefficient's literature):

- :func:`krippendorff_alpha` takes **raters x units**: one row per juror, one column per
  application (or per application and criterion); ``None`` or ``NaN`` where a juror gave no
  score.
- :func:`icc` takes **targets x raters**: one row per application, one column per juror;
  complete (every juror scored every application).
- :func:`cronbach_alpha` takes **respondents x items**: one row per person who answered, one
  column per questionnaire item; rows with a missing answer are left out (listwise deletion).

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
- Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing rater
  reliability. Psychological Bulletin, 86(2), 420-428.
- Koo, T. K., & Li, M. Y. (2016). A guideline of selecting and reporting intraclass
  correlation coefficients for reliability research. Journal of Chiropractic Medicine,
  15(2), 155-163.
- Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
  Psychometrika, 16(3), 297-334.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "ALPHA_LEVELS",
    "ICC_FORMS",
    "AlphaResult",
    "cronbach_alpha",
    "icc",
    "icc_reading",
    "krippendorff_alpha",
    "krippendorff_alpha_explained",
    "reading",
]

#: Levels of measurement accepted by :func:`krippendorff_alpha`.
ALPHA_LEVELS = ("nominal", "ordinal", "interval", "ratio")

#: The six Shrout & Fleiss (1979) forms accepted by :func:`icc`, in their order.
ICC_FORMS = ("ICC(1,1)", "ICC(2,1)", "ICC(3,1)", "ICC(1,k)", "ICC(2,k)", "ICC(3,k)")

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


@dataclass(frozen=True)
class AlphaResult:
    """Krippendorff's alpha with what went into it, returned by :func:`krippendorff_alpha_explained`.

    Attributes:
        alpha: the coefficient, ``1 - observed_disagreement / expected_disagreement``; ``NaN``
            when it is undefined.
        reason: ``None`` when ``alpha`` is defined; otherwise one English sentence saying why
            it is not (for a log, a tooltip or a report footnote).
        level: the level of measurement used ("nominal", "ordinal", "interval" or "ratio").
        pairable_values: ``n``, the number of values in units scored by at least two raters
            (the total of the coincidence matrix). Values alone in their unit are not
            pairable and do not count.
        observed_disagreement: ``D_o``, the mean difference between values paired within
            units; ``NaN`` when there are no pairable values.
        expected_disagreement: ``D_e``, the mean difference between any two pairable values,
            whatever their unit; ``NaN`` when there are no pairable values.
    """

    alpha: float
    reason: str | None
    level: str
    pairable_values: int
    observed_disagreement: float
    expected_disagreement: float

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
    undefined), ``result.reason`` is ``None`` or the sentence that explains the ``NaN``,
    alongside the number of pairable values and the two disagreements.

    >>> result = krippendorff_alpha_explained([[3, 3, 3], [3, 3, None]])
    >>> result.alpha, result.reason
    (nan, 'all 4 pairable values are equal (3), so the expected disagreement is 0 and alpha is undefined')
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
            reason=(
                "no unit has values from at least two raters, so there are no pairable values and alpha is undefined"
            ),
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
            reason=(
                f"all {n} pairable values are equal ({_format_value(values[0])}), so the expected "
                "disagreement is 0 and alpha is undefined"
            ),
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
        return 1.0 - np.eye(values.size)
    if level == "ordinal":
        # delta_ck = (sum of n_g for g from c to k) - (n_c + n_k) / 2, over ranks c <= k.
        cumulative = np.concatenate(([0.0], np.cumsum(n_c)))
        low = np.minimum.outer(np.arange(values.size), np.arange(values.size))
        high = np.maximum.outer(np.arange(values.size), np.arange(values.size))
        between = cumulative[high + 1] - cumulative[low]
        return (between - (n_c[:, None] + n_c[None, :]) / 2.0) ** 2
    difference = np.subtract.outer(values, values)
    if level == "interval":
        return difference**2
    # ratio: ((c - k) / (c + k))^2, and 0 for the pair (0, 0).
    total = np.add.outer(values, values)
    ratio = np.divide(difference, total, out=np.zeros_like(difference), where=total != 0)
    return ratio**2


def _format_value(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


# ---------------------------------------------------------------------------------------- ICC

_ICC_FORM = re.compile(r"^ICC\(([123]),(K|\d+)\)$")


def icc(data: Any, *, form: str = "ICC(2,1)") -> float:
    """Intraclass correlation of a complete targets x raters matrix (Shrout & Fleiss 1979).

    Args:
        data: one row per target (an application) and one column per rater (a juror); every
            cell filled. At least 2 targets and 2 raters.
        form: one of the six Shrout & Fleiss forms, ``"ICC(model,unit)"``:

            - model 1: each target is rated by a different, random set of raters (one-way
              random effects);
            - model 2: the raters are a random sample of possible raters, all of whom rate
              every target (two-way random effects, absolute agreement);
            - model 3: these raters are the only raters of interest (two-way mixed effects,
              consistency: a rater who is always one point stricter still agrees);
            - unit ``1``: the reliability of a single rater's score; unit ``k``: the
              reliability of the mean of the ``k`` raters.

            The default ``"ICC(2,1)"`` suits a jury drawn from a pool. ``"ICC(2,4)"`` is
            accepted for ``"ICC(2,k)"`` when the matrix has 4 raters, as in the paper's
            tables; spaces and case do not matter.

    Returns:
        The ICC, at most 1 (it can be negative). ``NaN`` when it is undefined because its
        denominator is 0, e.g. when all scores are equal. :func:`icc_reading` puts it in
        words.

    Raises:
        ValueError: ``data`` is not a 2-D numeric matrix, has a missing value (the matrix
            must be complete), has fewer than 2 targets or 2 raters, or ``form`` is unknown.

    With ``n`` targets, ``k`` raters and the two-way ANOVA mean squares BMS (between
    targets), WMS (within targets), JMS (between raters) and EMS (residual)::

        ICC(1,1) = (BMS - WMS) / (BMS + (k-1) WMS)
        ICC(2,1) = (BMS - EMS) / (BMS + (k-1) EMS + k (JMS - EMS) / n)
        ICC(3,1) = (BMS - EMS) / (BMS + (k-1) EMS)
        ICC(1,k) = (BMS - WMS) / BMS
        ICC(2,k) = (BMS - EMS) / (BMS + (JMS - EMS) / n)
        ICC(3,k) = (BMS - EMS) / BMS

    >>> round(icc([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]],
    ...           form="ICC(3,1)"), 2)
    0.71
    """
    matrix = _as_matrix(data, what="targets x raters")
    n, k = matrix.shape
    model, average = _parse_icc_form(form, raters=k)
    if np.isnan(matrix).any():
        missing = int(np.isnan(matrix).sum())
        raise ValueError(
            f"the ICC needs a complete targets x raters matrix: every rater must score every "
            f"target, and {missing} value(s) are missing (leave out incomplete targets or raters, "
            f"or use krippendorff_alpha, which allows missing values)"
        )
    if n < 2 or k < 2:
        raise ValueError(f"the ICC needs at least 2 targets (rows) and 2 raters (columns); got {n} x {k}")

    grand = matrix.mean()
    target_means = matrix.mean(axis=1)
    rater_means = matrix.mean(axis=0)
    ss_total = float(((matrix - grand) ** 2).sum())
    ss_targets = float(k * ((target_means - grand) ** 2).sum())
    ss_raters = float(n * ((rater_means - grand) ** 2).sum())
    ss_error = ss_total - ss_targets - ss_raters
    bms = ss_targets / (n - 1)
    wms = (ss_total - ss_targets) / (n * (k - 1))
    jms = ss_raters / (k - 1)
    ems = ss_error / ((n - 1) * (k - 1))

    if model == 1:
        numerator = bms - wms
        denominator = bms if average else bms + (k - 1) * wms
    elif model == 2:
        numerator = bms - ems
        denominator = bms + (jms - ems) / n if average else bms + (k - 1) * ems + k * (jms - ems) / n
    else:
        numerator = bms - ems
        denominator = bms if average else bms + (k - 1) * ems
    if _is_zero(denominator, magnitude=bms + wms + jms + ems, data=matrix):
        return math.nan
    return float(numerator / denominator)


def _parse_icc_form(form: str, *, raters: int) -> tuple[int, bool]:
    """``(model, average)`` for a form like "ICC(2,1)", "ICC(2,k)" or "ICC(2,4)"; ValueError otherwise."""
    match = _ICC_FORM.match(re.sub(r"\s+", "", form).upper()) if isinstance(form, str) else None
    if match is None:
        raise ValueError(f"form must be one of {', '.join(ICC_FORMS)}; got {form!r}")
    model, unit = int(match.group(1)), match.group(2)
    if unit == "1":
        return model, False
    if unit == "K" or unit == str(raters):
        return model, True
    raise ValueError(
        f"form {form!r} averages {unit} raters but the matrix has {raters} rater column(s); "
        f"use 'ICC({model},k)' for the mean of all raters or 'ICC({model},1)' for a single rater"
    )


def _is_zero(value: float, *, magnitude: float, data: np.ndarray) -> bool:
    """True when ``value`` is 0 up to rounding errors.

    ``magnitude`` is a sum of non-negative terms of the same kind as ``value`` (variances
    or mean squares); the second term allows for the rounding of the data's own values.
    """
    largest = float(np.abs(data).max()) if data.size else 0.0
    return abs(value) <= 1e-10 * magnitude + (1e-10 * largest) ** 2


# ------------------------------------------------------------------------------ Cronbach's alpha


def cronbach_alpha(data: Any) -> float:
    """Cronbach's alpha (internal consistency) of a respondents x items matrix.

    Args:
        data: one row per respondent and one column per item (e.g. the agreement items of a
            questionnaire, coded as numbers), at least 2 items. A row with a missing value
            (``None`` or ``NaN``) is left out entirely (listwise deletion); at least 2
            complete rows must remain.

    Returns:
        ``k / (k - 1) * (1 - sum of the item variances / variance of the total score)``
        for ``k`` items, with sample variances; at most 1, and negative when items
        contradict each other. ``NaN`` when the total score does not vary, which leaves
        alpha undefined. :func:`reading` gives the usual words (0.80 and 0.667).

    Raises:
        ValueError: ``data`` is not a 2-D numeric matrix, has fewer than 2 items, or fewer
            than 2 complete rows.

    >>> round(cronbach_alpha([[1, 2, 2], [2, 3, 3], [4, 4, 5], [3, 5, 4]]), 3)
    0.951
    """
    matrix = _as_matrix(data, what="respondents x items")
    n_items = matrix.shape[1]
    if n_items < 2:
        raise ValueError(f"Cronbach's alpha needs at least 2 items (columns); got {n_items}")
    complete = matrix[~np.isnan(matrix).any(axis=1)]
    if complete.shape[0] < 2:
        raise ValueError(
            f"Cronbach's alpha needs at least 2 respondents (rows) with no missing value; "
            f"got {complete.shape[0]} of {matrix.shape[0]} (rows with a missing value are left out)"
        )
    item_variances = complete.var(axis=0, ddof=1)
    total_variance = float(complete.sum(axis=1).var(ddof=1))
    if _is_zero(total_variance, magnitude=float(item_variances.sum()), data=complete):
        return math.nan
    return float(n_items / (n_items - 1) * (1.0 - item_variances.sum() / total_variance))


# ------------------------------------------------------------------------------------ readings


def reading(alpha: float) -> str:
    """Krippendorff's (2004) reading of an alpha: "reliable", "tentative", "unreliable" or "undefined".

    - ``alpha >= 0.800``: "reliable", the data can be relied on;
    - ``0.667 <= alpha < 0.800``: "tentative", good enough for tentative conclusions only;
    - ``alpha < 0.667``: "unreliable";
    - ``NaN`` (or ``None``): "undefined", see :func:`krippendorff_alpha_explained`.

    The same thresholds are commonly applied to Cronbach's alpha.
    """
    if alpha is None or math.isnan(alpha):
        return "undefined"
    if alpha >= ALPHA_RELIABLE:
        return "reliable"
    if alpha >= ALPHA_TENTATIVE:
        return "tentative"
    return "unreliable"


def icc_reading(value: float) -> str:
    """Koo & Li's (2016) reading of an ICC: "poor", "moderate", "good", "excellent" or "undefined".

    - ``value < 0.5``: "poor";
    - ``0.5 <= value < 0.75``: "moderate";
    - ``0.75 <= value <= 0.9``: "good";
    - ``value > 0.9``: "excellent";
    - ``NaN`` (or ``None``): "undefined".

    Koo & Li advise reading the 95% confidence interval rather than the point estimate when
    one is available; this function reads the number it is given.
    """
    if value is None or math.isnan(value):
        return "undefined"
    if value < 0.5:
        return "poor"
    if value < 0.75:
        return "moderate"
    if value <= 0.9:
        return "good"
    return "excellent"
