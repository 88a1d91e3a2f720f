"""CSV downloads a spreadsheet opens: text that starts like a formula is never run."""

from __future__ import annotations

import csv
import io
import math

import pytest

from assess.domain.statistics import csv_bytes, csv_safe


@pytest.mark.parametrize("text", ["=SUM(A1)", "+33 1 23", "-2+3", "@cmd", "\tindented", "\rreturn",
                                  '=HYPERLINK("http://x.example","click")'])
def test_text_starting_like_a_formula_gets_a_quote(text):
    assert csv_safe(text) == "'" + text


@pytest.mark.parametrize("value", ["Geography", "", " =not first", "Île-de-France", "a=b", 3, -0.25, 0.0, None, True])
def test_everything_else_is_left_as_it_is(value):
    assert csv_safe(value) is value or csv_safe(value) == value


def test_a_csv_file_of_a_view():
    data = csv_bytes(["Subject", "Applications", "Award rate (%)"],
                     [("=SUM(A1)", 1, None), ("Géographie", 2, 66.7), ("-x", -1, math.nan)])

    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["Subject", "Applications", "Award rate (%)"], ["'=SUM(A1)", "1", ""], ["Géographie", "2", "66.7"],
                    ["'-x", "-1", ""]]
