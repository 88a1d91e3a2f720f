"""One national read model (issue 12, finding 1): a figure is the same on the dashboard,
in the CSV file and in the Excel workbook, whatever filter the office chooses.

For no filter and for each filter the page offers (a value that keeps data), the same
figures are read three ways: from the dashboard's reader, from the applications and
scores CSV files, and from the workbook read back with openpyxl."""

from __future__ import annotations

import csv
import io
from collections import Counter

import openpyxl
import pytest

from assess.domain.statistics import Filters
from assess.services import exports, national
from tests.statistics.helpers import LAST_YEAR, THIS_YEAR, build

#: Each filter kind the page offers, with a value of the data set that keeps data.
FILTERS = {
    "none": {},
    "round": {"round_id": "round1"},
    "school_year": {"school_year": LAST_YEAR},
    "this_school_year": {"school_year": THIS_YEAR},
    "country": {"country": "IE"},
    "region": {"region": "Occitanie"},
    "age_group": {"age_group": "primary"},
    "subject": {"subject": "geography"},
}


@pytest.fixture
def data(session):
    return build(session)


def filters_of(data, kind: str) -> Filters:
    chosen = dict(FILTERS[kind])
    if chosen.get("round_id") == "round1":
        chosen["round_id"] = data.round1
    return Filters(**chosen)


def csv_rows(session, data, filters: Filters, what: str) -> list[dict]:
    out = io.StringIO(newline="")
    exports.write_csv(session, actor=data.office, what=what, out=out, filters=filters)
    return list(csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"))))


def workbook(session, data, filters: Filters) -> openpyxl.Workbook:
    out = io.BytesIO()
    exports.write_workbook(session, actor=data.office, out=out, filters=filters)
    return openpyxl.load_workbook(io.BytesIO(out.getvalue()))


def sheet_rows(book: openpyxl.Workbook, name: str) -> list[dict]:
    rows = book[name].iter_rows(values_only=True)
    header = next(rows)
    return [dict(zip(header, row, strict=True)) for row in rows]


def summary_fact(book: openpyxl.Workbook, label: str):
    return next(row[1] for row in book["Summary"].iter_rows(values_only=True) if row and row[0] == label)


@pytest.mark.parametrize("kind", list(FILTERS))
def test_a_figure_is_the_same_on_screen_in_the_csv_and_in_the_workbook(session, data, kind):
    filters = filters_of(data, kind)
    screen = national.national_figures(session, actor=data.office, filters=filters)
    assert screen.applications.total.applications, "the filter keeps data"
    applications_csv = [r for r in csv_rows(session, data, filters, "applications") if r["Status"] != "Withdrawn"]
    scores_csv = csv_rows(session, data, filters, "scores")
    book = workbook(session, data, filters)
    applications_sheet = [r for r in sheet_rows(book, "Applications") if r["Status"] != "Withdrawn"]

    # Applications (not withdrawn) and labels awarded.
    assert (screen.applications.total.applications == len(applications_csv) == len(applications_sheet)
            == summary_fact(book, "Applications (not withdrawn)"))
    assert (screen.applications.total.labels == sum(r["Verdict"] == "Label" for r in applications_csv)
            == sum(r["Verdict"] == "Label" for r in applications_sheet) == summary_fact(book, "Labels awarded"))

    # The jurors' levels per rubric and criterion: how many times each level was given (the
    # scores CSV names the criterion, not the rubric: there, per criterion id).
    on_screen = {(f"{c.rubric_id} {c.rubric_version}", c.item_id, level): n
                 for c in screen.criteria for level, n in enumerate(c.distribution) if n}
    in_sheet = {(r["Rubric"], r["Criterion id"], level): r[f"Level {level}"] for r in sheet_rows(book, "Criteria")
                for level in range(6) if r[f"Level {level}"]}
    assert on_screen == in_sheet
    by_criterion: Counter = Counter()
    for (_rubric, item, level), n in on_screen.items():
        by_criterion[(item, level)] += n
    assert by_criterion == Counter((r["Criterion id"], int(r["Level"])) for r in scores_csv if r["Level"] != "")
    assert sum(c.count for c in screen.criteria) == summary_fact(book, "Levels given by jurors")

    # Survey respondents, and the criteria survey answers are read against.
    assert sum(p.responses for p in screen.participation) == summary_fact(book, "Survey responses")
    survey_criteria = {r["Criterion id"] for r in sheet_rows(book, "Surveys")}
    assert not survey_criteria or survey_criteria == {c.id for c in screen.surveys.rubric.criteria}
