"""A fourth language added from files alone: a folder named by ``ASSESS_LANGUAGE_DIRS`` with
its ``languages.toml`` and its ``messages.po``, nothing else changed. The pages, the PDFs,
the workbook and the command line then speak it, English showing where it has no
translation, and content (rubrics) falls back to the default language."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import click
import openpyxl
import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from assess import i18n
from assess.cli.types import LANGUAGE
from assess.domain.permissions import Actor
from assess.domain.rubric import parse_rubric
from assess.i18n import default_language, language_names, languages, source, t
from assess.i18n.formats import format_count, format_date, format_number
from assess.reports.self_assessment import render_self_assessment_pdf
from assess.services import accounts, exports
from assess.storage.db import make_engine, make_session_factory
from tests.reports.conftest import make_report, rubric_yaml

ROOT = Path(__file__).resolve().parents[2]
CODE = "nl"  # Dutch: a language the suite does not ship, whose locale Babel knows

DUTCH = {
    "sign_in.intro": "Meld je aan om je eTwinning-projecten te beoordelen voor het kwaliteitslabel.",
    "app.language": "Taal",
    "report.self_assessment.title": "Zelfevaluatieverslag",
    "exports.sheets.summary": "Samenvatting",
    "exports.columns.project": "Project (nl)",
}
PLURAL = ("letters.cli.written", ("{count} beoordelingsbrief geschreven in {folder}",
                                  "{count} beoordelingsbrieven geschreven in {folder}"))


def po_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def write_language_folder(folder: Path) -> None:
    (folder / CODE / "LC_MESSAGES").mkdir(parents=True)
    (folder / "languages.toml").write_text(f'[[languages]]\ncode = "{CODE}"\nname = "Nederlands"\n', encoding="utf-8")
    english = source()
    entries = [f"msgctxt {po_string(key)}\nmsgid {po_string(english[key])}\nmsgstr {po_string(text)}\n"
               for key, text in DUTCH.items()]
    key, (one, other) = PLURAL
    entries.append(f"msgctxt {po_string(key)}\nmsgid {po_string(english[key][0])}\n"
                   f"msgid_plural {po_string(english[key][1])}\nmsgstr[0] {po_string(one)}\nmsgstr[1] {po_string(other)}\n")
    header = ('msgid ""\nmsgstr ""\n"Language: nl\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n'
              '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n')
    (folder / CODE / "LC_MESSAGES" / "messages.po").write_text(header + "\n" + "\n".join(entries), encoding="utf-8")


def test_the_folder_registers_the_language_after_the_shipped_ones(dutch):
    assert languages()[-1] == "nl" and {"en", "fr"} < set(languages())
    assert language_names()["nl"] == "Nederlands" and default_language() == "en"
    assert i18n.normalise_language("nl-BE,nl;q=0.9,en;q=0.8") == "nl"


def test_messages_numbers_and_dates_in_the_new_language_english_where_untranslated(dutch):
    assert t("report.self_assessment.title", "nl") == "Zelfevaluatieverslag"
    assert t("letters.cli.written", "nl", count=1, folder="out") == "1 beoordelingsbrief geschreven in out"
    assert t("letters.cli.written", "nl", count=1200, folder="out") == "1.200 beoordelingsbrieven geschreven in out"
    assert t("report.self_assessment.intro", "nl") == source()["report.self_assessment.intro"]
    assert format_number(2.5, "nl") == "2,5" and format_count(1200, "nl") == "1.200"
    assert format_date(date(2025, 3, 12), "nl") == "12\u00a0maart\u00a02025"


def test_a_page_speaks_it(dutch, sqlite_database_url, monkeypatch):
    monkeypatch.setenv("ASSESS_DATABASE_URL", sqlite_database_url)
    engine = make_engine(sqlite_database_url)
    with make_session_factory(engine).begin() as session:  # past the first run: the sign-in page
        accounts.create_first_admin(session, email="office@example.org", display_name="Office",
                                    password="correct horse battery")
    engine.dispose()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["lang"] = "nl"
    at.run()
    assert not at.exception
    shown = [element.value for element in [*at.markdown, *at.caption]]
    assert any(DUTCH["sign_in.intro"] in text for text in shown), shown
    assert any(button.label == source()["sign_in.submit"] for button in at.button)  # not translated: English
    switch = at.sidebar.get("button_group")[0]
    assert switch.label == "Taal"
    assert "Nederlands" in str(switch.proto)


def test_a_pdf_speaks_it_and_its_content_falls_back_to_the_default_language(dutch):
    rubric = parse_rubric(rubric_yaml())
    report = make_report(rubric)
    data = render_self_assessment_pdf(report, lang="nl")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())
    assert "Zelfevaluatieverslag" in text
    assert " ".join(format_date(report.project.start_date, "nl").split()) in text  # "1 september 2024"
    # The rubric has no Dutch: its texts show in the default language.
    assert rubric.criteria[0].name.get(default_language()) in text
    assert rubric.criteria[0].name.get("fr") not in text


def test_a_workbook_speaks_it(dutch, sqlite_database_url):
    engine = make_engine(sqlite_database_url)
    try:
        out = io.BytesIO()
        with make_session_factory(engine)() as session:
            exports.write_workbook(session, actor=Actor.system(), out=out, lang="nl")
    finally:
        engine.dispose()
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    assert book.sheetnames[0] == "Samenvatting"
    assert book.sheetnames[1] == t("exports.sheets.applications", "en")
    applications = [cell.value for cell in next(book[book.sheetnames[1]].iter_rows(max_row=1))]
    assert "Project (nl)" in applications


def test_every_lang_option_takes_it(dutch):
    assert LANGUAGE.convert("nl", None, None) == "nl"
    assert LANGUAGE.convert("NL", None, None) == "nl"
    with pytest.raises(click.BadParameter) as refused:
        LANGUAGE.convert("xx", None, None)
    assert "nl" in refused.value.message and "'xx'" in refused.value.message
