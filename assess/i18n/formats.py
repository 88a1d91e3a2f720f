"""Numbers and dates in the reader's language: one place for pages, PDFs, exports and the CLI.

A decimal is written "2,5" in French and "2.5" in English; a date "12 mars 2025" or
"12 March 2025". Every place that shows a number or a date to a person goes through
these functions, so a French page never shows a decimal point.
"""

from __future__ import annotations

from datetime import date, datetime

from assess.i18n import t


def format_date(value: date | datetime | None, lang: str) -> str:
    """'12 March 2025' / '12 mars 2025', words and order from the report catalogue."""
    if value is None:
        return ""
    day = t("report.date.first_day", lang) if value.day == 1 else str(value.day)
    month = t(f"report.month.m{value.month}", lang)
    # Non-breaking spaces: a date split over two lines reads badly in narrow table cells.
    return t("report.date.format", lang, day=day, month=month, year=value.year).replace(" ", "\u00a0")


def format_number(value: float | int | None, lang: str, *, digits: int = 1, trailing_zeros: bool = False) -> str:
    """At most ``digits`` decimals, trailing zeros dropped (kept, exactly ``digits``, with
    ``trailing_zeros``: '80.0'), with the language's decimal mark."""
    if value is None:
        return ""
    text = f"{value:.{digits}f}"
    if digits and not trailing_zeros:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", t("report.number.decimal", lang))


def format_count(value: int, lang: str) -> str:
    """A whole number with the language's thousands separator: '300,000' / '300 000'."""
    return f"{value:,}".replace(",", t("report.number.thousands", lang))
