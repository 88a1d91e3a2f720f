"""Dates, numbers, percentages, lists and country names, written by Babel for the reader's
language in one place (assess/i18n/formats.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from assess.domain.countries import COUNTRIES
from assess.i18n.formats import (
    country_name,
    format_count,
    format_date,
    format_list,
    format_number,
    format_percent,
    percent_column_format,
)

NNBSP, NBSP = "\u202f", "\u00a0"


def test_french_writes_a_decimal_comma_and_narrow_no_break_spaces_between_digit_groups():
    assert format_number(2.5, "fr") == "2,5" and format_number(2.5, "en") == "2.5"
    assert format_number(1234.56, "fr", digits=2) == f"1{NNBSP}234,56"
    assert format_number(80, "fr", trailing_zeros=True) == "80,0" and format_number(3.0, "fr") == "3"
    assert format_count(300000, "fr") == f"300{NNBSP}000" and format_count(300000, "en") == "300,000"
    assert format_number(None, "fr") == ""


def test_percentages_follow_the_languages_pattern():
    assert format_percent(0.256, "en") == "26%"
    assert format_percent(0.256, "fr") == f"26{NBSP}%"
    assert format_percent(0.2555, "fr", digits=1) == f"25,6{NBSP}%"
    assert format_percent(None, "fr") == ""


def test_dates_are_long_held_together_and_the_first_of_the_month_is_an_ordinal_in_french():
    assert format_date(date(2025, 3, 12), "en") == f"12{NBSP}March{NBSP}2025"
    assert format_date(date(2025, 3, 12), "fr") == f"12{NBSP}mars{NBSP}2025"
    assert format_date(date(2025, 3, 1), "fr") == f"1er{NBSP}mars{NBSP}2025"
    assert format_date(date(2021, 1, 1), "fr") == f"1er{NBSP}janvier{NBSP}2021"
    assert format_date(datetime(2025, 3, 1, 23, 59, tzinfo=UTC), "en") == f"1{NBSP}March{NBSP}2025"
    assert format_date(None, "fr") == ""


def test_lists_join_with_the_languages_words():
    assert format_list(["Biology", "Geography", "History"], "en") == "Biology, Geography and History"
    assert format_list(["Biologie", "Géographie"], "fr") == "Biologie et Géographie"
    assert format_list(["A", "B"], "fr", style="or") == "A ou B"


@pytest.mark.parametrize(("code", "en", "fr"), [("DE", "Germany", "Allemagne"), ("MK", "North Macedonia", "Macédoine du Nord"),
                                                 ("tr", "Türkiye", "Turquie")])
def test_country_names_come_from_cldr(code, en, fr):
    assert country_name(code, "en") == en and country_name(code, "fr") == fr


def test_every_country_taking_part_has_a_name_in_every_language_and_an_unknown_code_shows_as_given():
    for code in COUNTRIES:
        assert country_name(code, "fr") != code and country_name(code, "en") != code
    assert country_name("QQ", "fr") == "QQ" and country_name(None, "fr") == ""


def test_a_language_not_registered_is_written_the_default_languages_way():
    assert format_number(2.5, "xx") == "2.5" and format_date(date(2025, 3, 12), "xx") == f"12{NBSP}March{NBSP}2025"


def test_survey_answer_shares_are_written_as_the_language_writes_a_percentage():
    for lang in ("en", "fr", "de"):
        # The table's browser fills the format with the share x 100, as printf does.
        assert percent_column_format(lang) % 25 == format_percent(0.25, lang)
