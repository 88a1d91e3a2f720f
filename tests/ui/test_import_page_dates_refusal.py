"""The import page says why a file would store no answer, and lets the teacher choose the
order of day and month when the file cannot decide it (issue 11, findings 4 and 5)."""

from __future__ import annotations

from tests.ui.test_survey_pages import SAMPLES, project, upload  # noqa: F401 - project is a fixture
from tests.ui.test_teacher_pages import no_exception


def test_a_header_only_file_shows_why_nothing_can_be_imported(app_for, people, ui_database, project):  # noqa: F811
    at = no_exception(app_for(people.teacher, page="survey_import"))
    at.radio(key="import_audience").set_value("families")
    name = "google-families-header-only.csv"
    at = upload(at, "import_file", name, (SAMPLES / name).read_bytes())
    assert any("holds a header row and no answers" in w.value for w in at.warning)
    assert at.button(key="import_run").disabled


def test_undecided_dates_are_reported_and_the_choice_reads_them_again(app_for, people, ui_database, project):  # noqa: F811
    at = no_exception(app_for(people.teacher, page="survey_import"))
    at.radio(key="import_audience").set_value("families")
    lines = (SAMPLES / "google-families-ie-dayfirst.csv").read_bytes().decode().splitlines()
    at = upload(at, "import_file", "ie.csv", "\r\n".join([lines[0], lines[1], lines[3]]).encode())
    assert any("could be read either way" in w.value for w in at.warning)
    at.selectbox(key="import_date_order").set_value("day_first")
    at = no_exception(at.run())
    assert not any("could be read either way" in w.value for w in at.warning)
    assert any("Dates read day first" in c.value for c in at.caption)
