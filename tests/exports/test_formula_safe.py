"""No cell of an exported CSV file runs as a formula, whether a spreadsheet opens it with
"," or ";" as its separator (issue 10, finding 5): texts with a formula behind a ";", a
space or in full-width form, in every field people type, written to real files from the
real database and read back every way tests/spreadsheets.py knows."""

from __future__ import annotations

import pytest

from assess.domain.permissions import Actor
from assess.services import exports
from tests.exports.helpers import make_hostile
from tests.spreadsheets import formula_cells, python_rows


@pytest.fixture
def hostile(session, data):
    return make_hostile(session, data)


def written(session, tmp_path, what: str, **options) -> str:
    path = tmp_path / f"{what}.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        exports.write_csv(session, actor=Actor.system(), what=what, out=out, **options)
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("what", "options"), [("applications", {}), ("scores", {}),
                                                ("scores", {"juror_names": True}), ("responses", {})])
def test_no_cell_opens_as_a_formula_with_either_separator(session, tmp_path, hostile, what, options):
    text = written(session, tmp_path, what, **options)

    assert formula_cells(text) == []
    assert "'" in text, "the hostile texts are in the file, neutralised"


def test_the_comment_of_the_finding_is_one_quoted_cell_shown_as_typed(session, tmp_path, hostile):
    text = written(session, tmp_path, "responses")

    comments = [row[11] for row in python_rows(text, ",")[1:]]
    assert "Merci;'=cmd|' /C calc'!A0" in comments
    assert " '=1+1" in comments and "'＝1+1" in comments and "Oui\n'-2+3" in comments
    line = next(line for line in text.splitlines() if "Merci;" in line)
    assert line.endswith('"Merci;\'=cmd|\' /C calc\'!A0"'), "text is quoted"


def test_numbers_stay_numbers(session, tmp_path, hostile):
    for line in written(session, tmp_path, "scores").splitlines()[1:]:
        application, *_, level = line.split(",")
        assert application.isdigit() and level.isdigit(), line  # written as numbers, without quotes
