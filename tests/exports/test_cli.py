"""``assess export``, run as an operator would, on a SQLite file of the test's own."""

from __future__ import annotations

import csv

import openpyxl
import pytest
from click.testing import CliRunner

from assess.cli import cli
from assess.storage.db import make_engine, make_session_factory
from tests.exports.helpers import FORMULA, build, make_hostile
from tests.spreadsheets import formula_cells


@pytest.fixture
def database(sqlite_database_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ASSESS_DATABASE_URL", sqlite_database_url)
    engine = make_engine(sqlite_database_url)
    try:
        with make_session_factory(engine)() as session:
            return build(session)
    finally:
        engine.dispose()


def run(*args: str):
    return CliRunner().invoke(cli, ["export", *args])


def test_xlsx(database, tmp_path):
    out = tmp_path / "statistics.xlsx"
    result = run("xlsx", "--out", str(out))
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Summary", "Applications", "Scores", "Criteria", "Jurors", "Surveys", "Responses",
                               "Regions", "Age groups"]
    rows = sum(book[name].max_row - 1 for name in book.sheetnames[1:])
    assert result.stdout.strip() == f"Wrote {out}: 9 sheets, {rows} rows."
    assert "Writing the export" in result.stderr
    assert not list(tmp_path.glob("*.part"))


def test_xlsx_of_a_round_in_french_with_names(database, tmp_path):
    out = tmp_path / "session.xlsx"
    result = run("xlsx", "--out", str(out), "--round", str(database.round_a), "--juror-names", "--lang", "fr")
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == "Synthèse" and book["Candidatures"].max_row == 5
    names = {j.display_name for j in database.jurors.values()}
    assert {row[4] for row in book["Notes"].iter_rows(min_row=2, values_only=True)} <= names
    assert "écrit" in result.stdout


def test_refusals_leave_no_file(database, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "none.xlsx"
    result = run("xlsx", "--out", str(out), "--round", "404")
    assert result.exit_code == 1 and "does not exist" in result.stderr and "Traceback" not in result.output
    result = run("xlsx", "--out", str(out), "--year", "2025")
    assert result.exit_code == 1 and "school_year: '2025' is not a school year" in result.stderr
    assert list(folder.iterdir()) == []
    assert run("csv", "--what", "everything", "--out", str(out)).exit_code == 2


def test_csv(database, tmp_path):
    out = tmp_path / "responses.csv"
    result = run("csv", "--what", "responses", "--out", str(out))
    assert result.exit_code == 0, result.output
    with open(out, encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    assert result.stdout.strip() == f"Wrote {out}: {len(table) - 1} rows."
    assert "'" + FORMULA in [row[11] for row in table]


@pytest.mark.parametrize("what", ["applications", "scores", "responses"])
def test_csv_files_run_no_formula_with_either_separator(sqlite_database_url, monkeypatch, tmp_path, what):
    monkeypatch.setenv("ASSESS_DATABASE_URL", sqlite_database_url)
    engine = make_engine(sqlite_database_url)
    try:
        with make_session_factory(engine)() as session:
            make_hostile(session, build(session))
    finally:
        engine.dispose()
    out = tmp_path / f"{what}.csv"

    result = run("csv", "--what", what, "--out", str(out), "--juror-names")

    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert formula_cells(text) == [] and "'" in text
