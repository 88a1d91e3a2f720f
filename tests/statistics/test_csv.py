"""CSV downloads a spreadsheet opens: text that starts like a formula is never run."""

from __future__ import annotations

import csv
import io
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.domain.statistics import csv_bytes, csv_safe
from tests.spreadsheets import formula_cells


@pytest.mark.parametrize("text", ["=SUM(A1)", "+33 1 23", "-2+3", "@cmd", "\tindented", "\rreturn",
                                  '=HYPERLINK("http://x.example","click")'])
def test_text_starting_like_a_formula_gets_a_quote(text):
    assert csv_safe(text) == "'" + text


@pytest.mark.parametrize(("text", "safe"), [
    (" =1+1", " '=1+1"), ("＝1+1", "'＝1+1"), ("\u3000＋1", "\u3000'＋1"), ("\u200b@cmd", "\u200b'@cmd"),
    ("Merci;=cmd|' /C calc'!A0", "Merci;'=cmd|' /C calc'!A0"), ("Bien, -2+3", "Bien, '-2+3"),
    ('non;"=1+1', 'non;"\'=1+1'), ("Oui\r\n－1", "Oui\r\n'－1"), ("\t=1", "'\t'=1")])
def test_a_formula_behind_a_separator_spaces_or_in_full_width_gets_a_quote_before_its_sign(text, safe):
    assert csv_safe(text) == safe


@pytest.mark.parametrize("value", ["Geography", "", "Île-de-France", "a=b", "Oui, merci; à bientôt", "x-1, y+1",
                                   3, -0.25, 0.0, None, True])
def test_everything_else_is_left_as_it_is(value):
    assert csv_safe(value) is value or csv_safe(value) == value


def test_text_is_quoted_numbers_are_not():
    data = csv_bytes(["Subject", "Applications"], [("Merci;=cmd", -1), ("Géographie", 2.5)]).decode("utf-8-sig")

    assert data.splitlines() == ['"Subject","Applications"', '"Merci;\'=cmd",-1', '"Géographie",2.5']
    assert formula_cells(data) == []


def test_a_csv_file_of_a_view():
    data = csv_bytes(["Subject", "Applications", "Award rate (%)"],
                     [("=SUM(A1)", 1, None), ("Géographie", 2, 66.7), ("-x", -1, math.nan)])

    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["Subject", "Applications", "Award rate (%)"], ["'=SUM(A1)", "1", ""], ["Géographie", "2", "66.7"],
                    ["'-x", "-1", ""]]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from([*list("ab1_ ,;\t\r\n\"'=+-@é"), "＝", "＋", "－", "＠", "﹦", "⁺", "−", "\u200b", "\ufeff", "\u3000", "\xa0", "\x00"]), max_size=12),
    min_size=1, max_size=3))
def test_no_text_whatever_it_holds_opens_as_a_formula_either_way(texts):
    data = csv_bytes(["Text", "Number", *(f"T{n}" for n in range(1, len(texts)))],
                     [(texts[0], -1, *texts[1:]), (*texts, 2.5)]).decode("utf-8-sig")

    assert formula_cells(data) == []
