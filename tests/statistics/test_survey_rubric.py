"""The dashboard and the workbook read survey answers against the same rubric for the same
filters (issue 12, finding 1: with no filter or a year filter, the screen used the 2006
rubric and the Excel file the newest round's)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from assess.domain.statistics import Filters
from assess.services import exports, national
from tests.statistics.helpers import CRITERIA_2014, LAST_YEAR, THIS_YEAR, build


@pytest.fixture
def data(session):
    return build(session)


def workbook_criteria(session, data, **scope) -> set[str]:
    """The criterion ids of the workbook's survey sheet, read back from the XLSX."""
    out = io.BytesIO()
    exports.write_workbook(session, actor=data.office, out=out, filters=Filters(**scope))
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue()))["Surveys"]
    names = [c.value for c in next(sheet.iter_rows(max_row=1))]
    column = names.index("Criterion id")
    return {row[column] for row in sheet.iter_rows(min_row=2, values_only=True)}


@pytest.mark.parametrize("scope", [{}, {"school_year": THIS_YEAR}, {"school_year": LAST_YEAR}, {"round": 1},
                                   {"round": 2}], ids=["all", "this_year", "last_year", "round1", "round2"])
def test_screen_and_workbook_read_surveys_against_the_same_rubric(session, data, scope):
    round_id = {1: data.round1, 2: data.round2}.get(scope.get("round"))
    filters = Filters(round_id=round_id, school_year=scope.get("school_year"))
    on_screen = national.survey_levels(session, actor=data.office, filters=filters)

    in_workbook = workbook_criteria(session, data, round_id=round_id, school_year=filters.school_year)
    screen_criteria = {r.criterion_id for r in on_screen.rows}
    # An empty sheet (no campaign of a project applying in scope) shows no criterion;
    # otherwise the same ones.
    assert not in_workbook or in_workbook == screen_criteria


def test_the_rubric_survey_figures_use(session, data):
    def rubric(**filters) -> str:
        return national.survey_rubric(session, actor=data.office, filters=Filters(**filters)).id

    # A round: that round's rubric. Otherwise the newest round's among the applications in
    # scope: round 2 (etwinning-2014) for all and this year; Occitanie's projects (P1, P3)
    # applied in round 1 alone.
    assert rubric(round_id=data.round1) == "etwinning-2006"
    assert rubric() == rubric(school_year=THIS_YEAR) == "etwinning-2014"
    assert rubric(region="Occitanie") == "etwinning-2006"
    assert {r.criterion_id for r in national.survey_levels(session, actor=data.office).rows} == set(CRITERIA_2014)
    # Last year's applications are round 1's.
    assert rubric(school_year=LAST_YEAR) == "etwinning-2006"
    # No application in scope: the rubric whose period holds the school year.
    assert rubric(school_year="2010-2011") == "etwinning-2006"
    assert rubric(school_year="2016-2017") == "etwinning-2014"
