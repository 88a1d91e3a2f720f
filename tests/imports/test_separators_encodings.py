"""Issue 11, findings 1 and 6: a CSV file's separator and encoding decided from its content
(shown in the preview and overridable), and one long cell read, not the whole file refused.

The samples are written as the tools write them: French Excel's "CSV (séparateur: point-virgule)"
(`;`, CRLF, Windows-1252, commas inside the questions), a Google-like export in Polish saved
as Windows-1250 (every field quoted), and a Google export with one 200,000-character comment.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from assess.cli import cli
from assess.domain import imports as reading
from assess.services.errors import InvalidInput, ServiceError
from assess.services.survey_imports import preview_import, read_upload, run_import
from tests.imports.helpers import SAMPLES, sample
from tests.imports.test_cli import database, project_id, stored  # noqa: F401 - fixtures of the CLI tests

FRENCH_EXCEL = "excel-fr-semicolon-cp1252.csv"
POLISH = "google-pl-cp1250.csv"
LONG_CELL = "google-long-cell.csv"
INTRO = ("Avant de commencer, merci : vos réponses, anonymes, servent à l'école, aux enseignants, aux partenaires, "
         "au jury, et à personne d'autre, jamais")


def read(name: str, data: bytes | None = None, **options) -> reading.Table:
    return reading.read_table(file_name=name, data=sample(name) if data is None else data, **options)


# --- read_table ----------------------------------------------------------------------------


def test_a_french_excel_file_with_commas_in_its_questions_is_split_on_semicolons():
    data = sample(FRENCH_EXCEL)
    assert data.count(b",") > data.split(b"\r\n")[0].count(b";")  # more commas than separators
    table = read(FRENCH_EXCEL)
    assert (table.delimiter, table.encoding) == (";", "cp1252")
    assert table.headers[:3] == ("Horodateur", "Adresse e-mail", INTRO)
    assert len(table.headers) == 12 and all(len(cells) == 12 for _, cells in table.rows)
    assert table.rows[0][1][2:4] == ("Oui", "Tout à fait d'accord")
    assert table.rows[0][1][-1] == "Très beau projet, merci, bravo, à refaire, vraiment !"


def test_the_same_file_saved_as_utf8_with_a_bom_reads_alike():
    utf8 = sample(FRENCH_EXCEL).decode("cp1252").encode("utf-8-sig")
    table = read("fr-utf8.csv", utf8)
    assert (table.delimiter, table.encoding) == (";", "utf-8")
    assert table.headers[2] == INTRO and table.rows == read(FRENCH_EXCEL).rows


def test_a_polish_windows_1250_export_is_read_right():
    table = read(POLISH)
    assert (table.delimiter, table.encoding) == (",", "cp1250")
    assert table.headers == ("Sygnatura czasowa", "Adres e-mail", "Czy projekt był ciekawy?",
                             "Co ci się najbardziej podobało?", "Z której jesteś klasy?")
    assert table.rows[1][1][3] == "Żółć, gęślą jaźń – nauka słówek"


@pytest.mark.parametrize("encoding", ["cp1250", "iso-8859-2"])
def test_czech_and_polish_in_both_central_european_code_pages(encoding):
    text = ("Časová značka;Byl projekt zajímavý?;Poznámka\r\n"
            "28.5.2025;Rozhodně souhlasím;příliš žluťoučký kůň úpěl ďábelské ódy\r\n"
            "29.5.2025;Souhlasím;Współpraca z uczniami ze Śląska\r\n")
    table = read("cz.csv", text.encode(encoding))
    assert table.headers == ("Časová značka", "Byl projekt zajímavý?", "Poznámka")
    assert table.rows[0][1][2] == "příliš žluťoučký kůň úpěl ďábelské ódy"
    assert table.rows[1][1][2] == "Współpraca z uczniami ze Śląska"


def test_an_encoding_that_cannot_be_told_is_refused_not_garbled():
    noise = bytes(range(0x80, 0x100)) * 2
    with pytest.raises(reading.ImportFileError) as caught:
        read("noise.csv", b"Timestamp;Question\r\n2025/05/28;" + noise + b"\r\n")
    assert caught.value.key == "imports.reading.encoding_unsure"
    assert caught.value.params == {"name": "noise.csv"}


def test_separator_and_encoding_can_be_given():
    table = read(POLISH, encoding="iso-8859-2")  # wrong, but asked for: read as asked
    assert table.encoding == "iso8859-2" and table.headers[4] != "Z której jesteś klasy?"
    with pytest.raises(reading.ImportFileError) as caught:
        read(FRENCH_EXCEL, encoding="utf-8")
    assert caught.value.key == "imports.reading.wrong_encoding"
    assert len(read(FRENCH_EXCEL, delimiter=",").headers) > 12  # split where asked


def test_tab_and_pipe_files_and_a_one_column_file():
    assert read("tabs.csv", b"Timestamp\tQ1, with a comma\r\n2025/05/28\tYes, really\r\n").headers == (
        "Timestamp", "Q1, with a comma")
    assert read("pipes.csv", b"Timestamp|Q1; Q2, Q3\n2025/05/28|a; b, c\n").rows[0][1] == ("2025/05/28", "a; b, c")
    table = read("one.csv", b"Timestamp\n2025/05/28\n")
    assert (table.headers, table.delimiter) == (("Timestamp",), ",")


def test_a_200000_character_cell_is_read():
    table = read(LONG_CELL)
    assert len(table.rows) == 2 and len(table.rows[0][1][-2]) == 200_000


# --- the service, on both databases ---------------------------------------------------------


def preview(session, teacher, project, name: str, **options):
    return preview_import(session, actor=teacher, project_id=project.id, audience="families", file_name=name,
                          data=sample(name), **options)


def test_a_french_excel_file_imports_its_answers(session, teacher, project):
    for file_format in ("auto", "google"):
        report = preview(session, teacher, project, FRENCH_EXCEL, file_format=file_format)
        assert (report.file_format, report.rows_read, report.delimiter, report.encoding) == (
            "google", 3, ";", "cp1252")
        assert report.rows_imported == 3 and len(report.matched_columns) >= 7
        assert report.reading_message("en") == "Read as Windows-1252 (Western European), columns separated by semicolons (;)."
        assert report.reading_message("fr") == (
            "Lu en Windows-1252 (Europe occidentale), colonnes séparées par des points-virgules (;).")
    stored_report = run_import(session, actor=teacher, project_id=project.id, audience="families",
                               file_name=FRENCH_EXCEL, data=sample(FRENCH_EXCEL))
    assert stored_report.stored and stored_report.rows_imported == 3 and stored_report.encoding == "cp1252"


def test_the_long_cell_file_is_read_by_the_service(session, teacher, project):
    report = preview(session, teacher, project, LONG_CELL)
    assert (report.rows_read, report.delimiter, report.encoding) == (2, ",", "utf-8")


def test_the_upload_carries_the_choice_and_bad_choices_are_refused():
    upload = read_upload(file_name=POLISH, data=sample(POLISH), file_format="google")
    assert (upload.delimiter, upload.encoding) == (",", "cp1250")
    assert read_upload(file_name=POLISH, data=sample(POLISH), file_format="google", encoding="cp1250").encoding == "cp1250"
    with pytest.raises(InvalidInput) as caught:
        read_upload(file_name=POLISH, data=sample(POLISH), delimiter=":", encoding="klingon")
    assert [e.field for e in caught.value.errors] == ["delimiter", "encoding"]
    with pytest.raises(ServiceError) as refused:
        read_upload(file_name="noise.csv", data=b"Timestamp;Q\r\n1;" + bytes(range(0x80, 0x100)) * 2 + b"\r\n")
    assert refused.value.key == "imports.reading.encoding_unsure"


# --- the CLI -----------------------------------------------------------------------------------


def test_the_cli_imports_a_french_excel_file_and_says_how_it_read_it(database, project_id):  # noqa: F811
    path = str(SAMPLES / FRENCH_EXCEL)
    result = CliRunner().invoke(cli, ["survey", "import", path, "--project", str(project_id),
                                      "--audience", "families", "--format", "google"])
    assert result.exit_code == 0, result.output
    assert "reading: Read as Windows-1252 (Western European), columns separated by semicolons (;)." in result.stdout
    assert "rows imported: 3" in result.stdout
    assert stored(database)[1] == 3


def test_the_cli_takes_a_separator_and_an_encoding(database, project_id):  # noqa: F811
    path = str(SAMPLES / FRENCH_EXCEL)
    result = CliRunner().invoke(cli, ["survey", "import", path, "--project", str(project_id), "--audience",
                                      "families", "--encoding", "utf-8", "--dry-run"])
    assert result.exit_code == 1 and "cannot be read as utf-8-sig" not in result.output
    assert f"The file {FRENCH_EXCEL} cannot be read as" in result.output
    result = CliRunner().invoke(cli, ["survey", "import", path, "--project", str(project_id), "--audience",
                                      "families", "--delimiter", "semicolon", "--encoding", "cp1252", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "rows to import: 3" in result.stdout and stored(database) == (0, 0, 0)


def test_every_reading_refusal_reads_well_in_both_languages_and_is_documented():
    from pathlib import Path

    from assess.i18n import t

    for key, params in {"encoding_unsure": {}, "wrong_encoding": {"encoding": "cp1250"},
                        "csv_cell_too_long": {"row": 3, "column": "C", "max": reading.MAX_CSV_CELL_CHARS}}.items():
        for lang in ("en", "fr"):
            text = t(f"imports.reading.{key}", lang, name="answers.csv", **params)
            assert "answers.csv" in text and "{" not in text and not text.startswith("imports."), (key, lang, text)
            assert key == "csv_cell_too_long" or "UTF-8" in text  # says what to do
    docs = (Path(__file__).parents[2] / "docs" / "surveys.md").read_text()
    assert "1,000,000 characters" in docs and "--delimiter" in docs and "--encoding" in docs
