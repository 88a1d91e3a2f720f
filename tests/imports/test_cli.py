"""``assess survey import``, run as an operator would, on a real SQLite file."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from assess.cli import cli
from assess.storage.db import make_engine, make_session_factory
from assess.storage.models import SurveyCampaign, SurveyImport, SurveyResponse
from tests.imports.helpers import SAMPLES, msforms_families
from tests.services.helpers import make_project, make_user

GOOGLE = str(SAMPLES / "google-families-en.csv")
LIMESURVEY = str(SAMPLES / "limesurvey-families.csv")
MAPPING = str(SAMPLES / "limesurvey-families-mapping.yaml")


@pytest.fixture
def database(sqlite_database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ASSESS_DATABASE_URL", sqlite_database_url)
    return sqlite_database_url


@pytest.fixture
def project_id(database: str) -> int:
    engine = make_engine(database)
    try:
        with make_session_factory(engine).begin() as session:
            owner = make_user(session, email="claire@example.org")
            return make_project(session, owner=owner).id
    finally:
        engine.dispose()


def stored(database: str) -> tuple[int, int, int]:
    """(campaigns, responses, import logs)."""
    engine = make_engine(database)
    try:
        with make_session_factory(engine)() as session:
            return tuple(session.scalar(select(func.count()).select_from(m))
                         for m in (SurveyCampaign, SurveyResponse, SurveyImport))
    finally:
        engine.dispose()


def run(*args: str):
    return CliRunner().invoke(cli, ["survey", "import", *args])


def test_import_prints_the_report_and_a_second_run_finds_repeats(database, project_id):
    result = run(GOOGLE, "--project", str(project_id), "--audience", "families")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "format: google (Google Forms)" in out
    assert "rows read: 6" in out
    assert "rows imported: 3" in out
    assert "rows repeated (imported before): 0" in out
    assert "rows skipped: 3" in out
    assert "  row 4, column D: 'Maybe' is not an answer of the agreement scale" in out
    assert "  row 5: empty row" in out
    assert "  row 6, column E: '7' is not on the 1 to 5 scale" in out
    assert "unmatched columns (not imported): Which class is your child in?" in out
    assert "identifying columns dropped (never stored): Timestamp; Email Address" in out
    assert "anne.martin@example.org" not in result.output
    assert result.stderr.startswith("Reading rows"), "the progress bar goes to standard error"
    assert stored(database) == (1, 3, 1)

    again = run(GOOGLE, "--project", str(project_id), "--audience", "families")
    assert again.exit_code == 0, again.output
    assert "rows imported: 0" in again.stdout and "rows repeated (imported before): 3" in again.stdout
    assert stored(database) == (1, 3, 2)


def test_dry_run_stores_nothing(database, project_id):
    result = run(GOOGLE, "--project", str(project_id), "--audience", "families", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "rows to import: 3" in result.stdout
    assert "dry run: nothing was stored" in result.stdout
    assert stored(database) == (0, 0, 0)


def test_limesurvey_with_a_mapping_and_an_explicit_format(database, project_id):
    result = run(LIMESURVEY, "--project", str(project_id), "--audience", "families", "--mapping", MAPPING,
                 "--format", "limesurvey")
    assert result.exit_code == 0, result.output
    assert "rows imported: 2" in result.stdout
    assert "columns ignored by the mapping: Q10" in result.stdout
    assert "identifying columns dropped (never stored): id; submitdate; lastpage; startlanguage; seed; token; ipaddr; refurl" in result.stdout
    assert "  row 6, column P: 'A9' is not one of the answers offered by this question" in result.stdout


def test_microsoft_forms_workbook(database, project_id, tmp_path):
    path = tmp_path / "Families survey.xlsx"
    path.write_bytes(msforms_families())
    result = run(str(path), "--project", str(project_id), "--audience", "families")
    assert result.exit_code == 0, result.output
    assert "format: msforms (Microsoft Forms)" in result.stdout and "rows imported: 2" in result.stdout


def test_mapping_problems_are_printed_as_file_line_without_a_traceback(database, project_id, tmp_path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  Q1: child-talked\n  Q2: nothing-like-this\nanswers:\n  \"A6\": 9\n", encoding="utf-8")
    result = run(LIMESURVEY, "--project", str(project_id), "--audience", "families", "--mapping", str(mapping))
    assert result.exit_code == 1
    assert f"{mapping}:3: column 'Q2' is mapped to unknown item 'nothing-like-this'" in result.output
    assert f"{mapping}:5: answer 'A6': 9 is not on the scale 1 to 5" in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert stored(database) == (0, 0, 0)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"Pupil,Age\nJeanne,9\n", "is not an export the suite recognises"),
        (b"PK\x03\x04 broken", "cannot be read"),
        (b"", "is empty"),
    ],
)
def test_an_unreadable_file_is_a_clear_message(database, project_id, tmp_path, content, expected):
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    result = run(str(path), "--project", str(project_id), "--audience", "families")
    assert result.exit_code == 1
    assert expected in result.output and "Traceback" not in result.output
    assert stored(database) == (0, 0, 0)


def test_a_missing_file_an_unknown_project_and_a_bad_audience(database, project_id, tmp_path):
    missing = run(str(tmp_path / "nope.csv"), "--project", str(project_id), "--audience", "families")
    assert missing.exit_code == 1 and "cannot read the file" in missing.output
    unknown = run(GOOGLE, "--project", "9999", "--audience", "families")
    assert unknown.exit_code == 1 and "does not exist" in unknown.output
    assert run(GOOGLE, "--project", str(project_id), "--audience", "parents").exit_code == 2
    assert stored(database) == (0, 0, 0)


@pytest.fixture
def young_project_id(database: str) -> int:
    engine = make_engine(database)
    try:
        with make_session_factory(engine).begin() as session:
            owner = make_user(session, email="lea@example.org")
            return make_project(session, owner=owner, age_min=5, age_max=6).id
    finally:
        engine.dispose()


def test_a_young_pupils_form_answered_with_faces_imports_through_its_mapping(database, young_project_id):
    emoji = str(SAMPLES / "google-pupils-young-emoji.csv")
    faces = str(SAMPLES / "google-pupils-young-emoji-mapping.yaml")
    result = run(emoji, "--project", str(young_project_id), "--audience", "pupils", "--mapping", faces)
    assert result.exit_code == 0, result.output
    assert "rows imported: 3" in result.stdout and "rows skipped: 0" in result.stdout
    assert stored(database) == (1, 3, 1)


def test_cells_read_with_a_note_are_listed_by_row_and_column(database, project_id):
    other = str(SAMPLES / "google-families-other-long.csv")
    result = run(other, "--project", str(project_id), "--audience", "families")
    assert result.exit_code == 0, result.output
    assert "rows imported: 3" in result.stdout and "rows skipped: 0" in result.stdout
    assert "cells read with a note: 3" in result.stdout
    assert "  row 2, column I: the \"Other\" answer 'my neighbour, who teaches there' is kept in the comment" in result.stdout
    assert "  row 3, column J: a text of 2419 characters, cut to the 2000 the question takes" in result.stdout


FRENCH = {"LANG": "fr_BE.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}


def test_an_operator_on_a_french_terminal_reads_the_report_in_french(database, project_id, tmp_path):
    result = CliRunner().invoke(cli, ["survey", "import", GOOGLE, "--project", str(project_id),
                                      "--audience", "families", "--dry-run"], env=FRENCH)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "lignes lues\u00a0: 6" in out
    assert "rien n'a été enregistré" in out
    assert "rows read" not in out and "dry run" not in out
    missing = CliRunner().invoke(cli, ["survey", "import", str(tmp_path / "absent.csv"), "--project", str(project_id),
                                       "--audience", "families"], env=FRENCH)
    assert missing.exit_code == 1
    assert "impossible de lire le fichier" in missing.stderr and "cannot read" not in missing.stderr
