"""Dates, numbers, percentages, lists and country names in the reader's language: the one
place that writes them, for pages, PDFs, mails, workbooks and the command line.

Babel writes them with the CLDR data of the language's locale (``assess/i18n/languages.toml``,
:func:`assess.i18n.language_registry.babel_locale`): a decimal is "2,5" in French and "2.5" in
English, a count "300 000" (U+202F, the narrow no-break space French typography puts between
groups of digits) or "300,000", a date "12 mars 2025" or "12 March 2025", a list "A, B et C",
a country "Allemagne". Every place that shows one goes through these functions, so a French
page never shows a decimal point.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from babel.dates import format_date as _babel_date
from babel.lists import format_list as _babel_list
from babel.numbers import format_decimal as _babel_decimal
from babel.numbers import format_percent as _babel_percent

from assess.i18n import t
from assess.i18n.language_registry import babel_locale

_DAY_ONE = re.compile(r"(?<!\d)1(?!\d)")


def format_date(value: date | datetime | None, lang: str) -> str:
    """'12 March 2025' / '12 mars 2025' / '12. März 2025': the language's long date, its
    words held together by no-break spaces (a date split over two lines reads badly in a
    narrow table cell). The first of the month is written as the catalogue says
    (``report.date.first_day``: French '1er mars 2025')."""
    if value is None:
        return ""
    day = value.date() if isinstance(value, datetime) else value
    text = _babel_date(day, "long", locale=babel_locale(lang))
    if day.day == 1:
        first = t("report.date.first_day", lang)
        if first != "1":
            text = _DAY_ONE.sub(first, text, count=1)
    return text.replace(" ", "\u00a0")


def _decimal(value: float | int) -> Decimal | int:
    return value if isinstance(value, int) else Decimal(repr(float(value)))


def format_number(value: float | int | None, lang: str, *, digits: int = 1, trailing_zeros: bool = False) -> str:
    """At most ``digits`` decimals, trailing zeros dropped (kept, exactly ``digits``, with
    ``trailing_zeros``: '80.0'), with the language's decimal mark and digit groups."""
    if value is None:
        return ""
    fraction = ("0" if trailing_zeros else "#") * digits
    pattern = f"#,##0.{fraction}" if digits else "#,##0"
    return _babel_decimal(_decimal(value), format=pattern, locale=babel_locale(lang), decimal_quantization=True)


def format_count(value: int, lang: str) -> str:
    """A whole number with the language's thousands separator: '300,000' / '300 000'."""
    return _babel_decimal(value, format="#,##0", locale=babel_locale(lang))


def format_percent(value: float | None, lang: str, *, digits: int = 0) -> str:
    """A share 0..1 as a percentage, in the language's pattern: '25%' / '25 %' (a no-break
    space), at most ``digits`` decimals ('25,5 %')."""
    if value is None:
        return ""
    locale = babel_locale(lang)
    pattern = locale.percent_formats[None].pattern
    if digits:
        pattern = pattern.replace("#,##0", "#,##0." + "#" * digits, 1)
    return _babel_percent(_decimal(value), format=pattern, locale=locale, decimal_quantization=True)


def percent_column_format(lang: str) -> str:
    """The language's percentage as a printf format, for a table column of values 0..100
    that the browser writes (Streamlit's ``column_config``): '%.0f%%' / '%.0f\u00a0%%'."""
    return format_percent(0.5, lang).replace("%", "%%").replace("50", "%.0f", 1)


def format_list(items: Iterable[str], lang: str, *, style: Literal["standard", "or"] = "standard") -> str:
    """'A, B and C' / 'A, B et C' (``style="or"``: 'A, B or C' / 'A, B ou C')."""
    return _babel_list(list(items), style=style, locale=babel_locale(lang))


def format_clauses(items: Iterable[str], lang: str) -> str:
    """Clauses that hold commas of their own, one after the other: 'A; B' / 'A\u202f; B'
    (the separator is the catalogue's ``report.list.clause_separator``)."""
    return t("report.list.clause_separator", lang).join(items)


def country_name(code: str | None, lang: str) -> str:
    """A country's name in the language ('DE' -> 'Germany', 'Allemagne', 'Deutschland'),
    from CLDR; an unknown code is shown as given."""
    if not code:
        return ""
    return babel_locale(lang).territories.get(code.upper(), code)
