"""The import page reads an uploaded file once, not on every rerun (issue 9, finding 5).

Streamlit reruns the page on every click; the file stays in the uploader meanwhile. What a
teacher notices: the preview comes back at once on a rerun, and a refused file shows its
clear message, not a traceback. Both the read file and the preview are kept in this
browser session's state (per person: never in a cache shared between users)."""

from __future__ import annotations

from tests.imports import hostile
from tests.ui.test_survey_pages import SAMPLES, project, upload  # noqa: F401 - project is a fixture
from tests.ui.test_teacher_pages import no_exception


def test_a_rerun_reuses_the_file_read_and_the_preview(app_for, people, ui_database, project):  # noqa: F811
    at = no_exception(app_for(people.teacher, page="survey_import"))
    at.radio(key="import_audience").set_value("families")
    at = upload(at, "import_file", "google-families-en.csv", (SAMPLES / "google-families-en.csv").read_bytes())
    read, previewed = at.session_state["import_read"], at.session_state["import_previewed"]
    assert at.info[0].value.startswith("Google Forms:")

    at = no_exception(at.run())  # a rerun, the file still in the uploader
    assert at.session_state["import_read"] is read and at.session_state["import_previewed"] is previewed
    assert at.info[0].value.startswith("Google Forms:")

    at.radio(key="import_audience").set_value("pupils")  # another audience: another preview, the same file
    at = no_exception(at.run())
    assert at.session_state["import_read"] is read and at.session_state["import_previewed"] is not previewed


def test_a_hostile_file_shows_its_message_and_is_not_read_again(app_for, people, ui_database, project):  # noqa: F811
    at = no_exception(app_for(people.teacher, page="survey_import"))
    at.radio(key="import_audience").set_value("families")
    at = upload(at, "import_file", "answers.xlsx", hostile.nested_entities_xlsx(),
                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert [e.value.replace("\\", "") for e in at.error] == [  # shown as escaped Markdown
        "The file answers.xlsx holds XML declarations (in xl/worksheets/sheet1.xml) that Excel workbooks never "
        "contain: it was refused. Save it again from Excel, Google Sheets or LibreOffice."
    ]
    refused = at.session_state["import_read"]
    at = no_exception(at.run())
    assert at.session_state["import_read"] is refused and len(at.error) == 1
