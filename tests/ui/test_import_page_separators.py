"""The import page says how a CSV file was read (separator, encoding) and lets the teacher
choose otherwise (issue 11, findings 1 and 6)."""

from __future__ import annotations

from tests.imports.test_separators_encodings import FRENCH_EXCEL
from tests.ui.test_survey_pages import SAMPLES, project, upload  # noqa: F401 - project is a fixture
from tests.ui.test_teacher_pages import no_exception


def test_the_preview_names_the_separator_and_encoding_and_both_can_be_chosen(app_for, people, ui_database,
                                                                              project):  # noqa: F811
    at = no_exception(app_for(people.teacher, page="survey_import"))
    at.radio(key="import_audience").set_value("families")
    at = upload(at, "import_file", FRENCH_EXCEL, (SAMPLES / FRENCH_EXCEL).read_bytes())
    assert at.info[0].value.startswith("Google Forms: 3 rows read; 3 would be imported")
    assert "Read as Windows-1252 (Western European), columns separated by semicolons (;)." in [
        c.value for c in at.caption]

    at.selectbox(key="import_encoding").set_value("utf-8")  # the teacher's choice, wrong here: said so
    at = no_exception(at.run())
    assert [e.value.replace("\\", "") for e in at.error] == [
        f"The file {FRENCH_EXCEL} cannot be read as utf-8: it holds bytes that are no character of that encoding. "
        "Choose another encoding, or save the file as 'CSV UTF-8' and import it again."]

    at.selectbox(key="import_encoding").set_value("cp1252")
    at.selectbox(key="import_delimiter").set_value(";")
    at = no_exception(at.run())
    assert not at.error and at.info[0].value.startswith("Google Forms: 3 rows read")
