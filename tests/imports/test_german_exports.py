"""German exports (issue 15): Google Forms and Microsoft Forms set to German write their own
headings (``Zeitstempel``, ``E-Mail-Adresse``; ``Startzeit``, ``Fertigstellungszeit``,
``E-Mail``) and dates day first (``03.10.2025``); families answer with the German agreement
words. All of it is recognised from the vocabulary files alone
(assess/domain/imports/vocabularies/); the questions and choices the teacher typed in German
are named by a mapping file, as for any reworded questionnaire."""

from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy import JSON, String, Text, select

from assess.domain import imports
from assess.domain.imports import ImportedRow, MappingFile, SkippedRow
from assess.services.survey_imports import run_import
from assess.storage.models import Base, SurveyCampaign, SurveyResponse
from tests.imports.helpers import FAMILIES_DE, MAPPING_DE, families, msforms_families_de, pupils, sample

GOOGLE_DE = "google-families-de.csv"
#: What identifies a respondent in the German samples: none of it may ever be stored.
IDENTIFYING_DE = [
    "anna.schmidt@example.de", "bernd.mueller@example.de", "claudia.wagner@example.de", "dieter.becker@example.de",
    "eva.fischer@example.de", "jonas.weber@example.de", "Jonas Weber", "lea.hoffmann@example.de", "Lea Hoffmann",
    "max.koch@example.de", "Max Koch", "sophie.richter@example.de", "Sophie Richter",
]


def mapping() -> MappingFile:
    return MappingFile(name=str(MAPPING_DE), text=MAPPING_DE.read_bytes())


def do_import(session, teacher, project, name: str, data: bytes | None = None):
    return run_import(session, actor=teacher, project_id=project.id, audience="families", file_name=name,
                      data=sample(name) if data is None else data, mapping=mapping())


def test_a_german_google_forms_export_is_recognised_and_read_day_first():
    questionnaire = families()
    table = imports.read_table(file_name=GOOGLE_DE, data=sample(GOOGLE_DE))
    given = imports.parse_mapping(MAPPING_DE.read_bytes(), file=str(MAPPING_DE), questionnaire=questionnaire)
    assert imports.format_of(table, file_name=GOOGLE_DE) == "google"  # by its first heading, "Zeitstempel"
    plan = imports.plan_columns(table.headers, questionnaire=questionnaire, file_format="google", mapping=given)
    assert plan.identifying == ("Zeitstempel", "E-Mail-Adresse")
    assert plan.unmatched == ("In welche Klasse geht Ihr Kind?",)
    # Every day is 12 or below (03.10.2025): the German heading says day first.
    assert imports.date_order(table, plan) == imports.DateOrder(True, "heading")
    rows = list(imports.read_rows(table, plan, questionnaire=questionnaire, mapping=given))
    imported = {r.row: ({k: a.to_raw() for k, a in r.answers.items()}, r.submitted_on)
                for r in rows if isinstance(r, ImportedRow)}
    assert imported[2] == ({
        "child-talked": 5, "learned-other-countries": 4, "showed-work": 4, "project-visible": 5, "family-took-part": 3,
        "privacy-respected": "dont_know", "more-curious": 5, "heard-about": ["child"],
        "comment": "Tolles Projekt, vielen Dank!"}, date(2025, 10, 3))
    assert imported[3][0]["child-talked"] == 1 and imported[3][0]["learned-other-countries"] == 2  # überhaupt nicht, eher nicht
    assert imported[3][0]["showed-work"] == "dont_know"  # Keine Angabe
    assert (imported[7][0]["showed-work"], imported[7][0]["privacy-respected"]) == (1, "dont_know")
    assert [(s.row, s.column, s.key) for r in rows if isinstance(r, SkippedRow) for s in r.problems] == [
        (4, "D", "imports.skip.agreement"), (5, "", "imports.skip.empty"), (6, "E", "imports.skip.out_of_scale")]


def test_german_google_and_microsoft_exports_become_responses(session, teacher, project):
    google = do_import(session, teacher, project, GOOGLE_DE)
    assert (google.file_format, google.rows_read, google.rows_imported, google.rows_skipped) == ("google", 6, 3, 3)
    assert google.dropped_columns == ("Zeitstempel", "E-Mail-Adresse")
    assert (google.day_first, google.date_basis) == (True, "heading")
    assert google.matched_columns[FAMILIES_DE[0]] == "child-talked"

    ms = do_import(session, teacher, project, "Familien.xlsx", msforms_families_de())
    assert (ms.file_format, ms.rows_read, ms.rows_imported, ms.rows_skipped) == ("msforms", 5, 2, 3)
    assert ms.dropped_columns == ("ID", "Startzeit", "Fertigstellungszeit", "E-Mail", "Name")
    assert [(s.row, s.key) for s in ms.skipped] == [
        (4, "imports.skip.agreement"), (5, "imports.skip.empty"), (6, "imports.skip.out_of_scale")]
    session.commit()

    responses = list(session.scalars(select(SurveyResponse).order_by(SurveyResponse.id)))
    assert [(r.source, r.submitted_month) for r in responses] == [("google", date(2025, 10, 1))] * 3 + [
        ("msforms", date(2025, 11, 1))] * 2
    answers = [{a.item_id: (a.score, a.dont_know, a.choices, a.text) for a in r.answers} for r in responses]
    assert answers[0]["child-talked"] == (5, False, None, None)  # Stimme voll und ganz zu
    assert answers[0]["privacy-respected"] == (None, True, None, None)  # Weiß nicht
    assert answers[0]["heard-about"] == (None, False, ["child"], None)  # Durch mein Kind, by the mapping
    assert answers[3]["showed-work"] == (3, False, None, None)  # Teils/teils
    assert answers[3]["privacy-respected"] == (1, False, None, None)  # Stimme überhaupt nicht zu
    assert answers[3]["family-took-part"] == (None, True, None, None)  # Weiß nicht
    assert answers[4]["privacy-respected"] == (None, True, None, None)  # Keine Angabe
    assert answers[4]["heard-about"] == (None, False, ["website"], None)
    campaigns = list(session.scalars(select(SurveyCampaign)))
    assert [(c.project_id, c.audience, c.mode) for c in campaigns] == [(project.id, "families", "import")]

    found = []
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text, JSON))]
        for row in session.execute(select(*columns)) if columns else ():
            text = " ".join(str(value) for value in row).lower()
            found += [(table.name, value) for value in IDENTIFYING_DE if value.lower() in text]
    assert found == []


def test_german_quiz_marks_and_ticked_boxes_are_known_words():
    questionnaire = families()
    given = imports.parse_mapping(MAPPING_DE.read_bytes(), file=str(MAPPING_DE), questionnaire=questionnaire)
    headers = ("Zeitstempel", "E-Mail-Adresse", "Punkte", "Vollständiger Name", FAMILIES_DE[0])
    plan = imports.plan_columns(headers, questionnaire=questionnaire, file_format="google", mapping=given)
    # A quiz's mark is set aside, not reported as a question the suite did not recognise;
    # a question asking who answered is dropped with the tool's identifying columns.
    assert (plan.ignored, plan.unmatched) == (("Punkte",), ())
    assert plan.identifying == ("Zeitstempel", "E-Mail-Adresse", "Vollständiger Name")
    assert {"ja", "angekreuzt"} <= imports.vocabulary.SHIPPED.checked
    assert {"nein", "nicht angekreuzt"} <= imports.vocabulary.SHIPPED.unchecked


# -- LimeSurvey with German headings ------------------------------------------------------------

#: LimeSurvey's own headings in its German interface ("Response ID", "Date submitted", "Last page",
#: "Start language", "Seed", "Date started", "Date last action", "IP address", "Referrer URL"),
#: as assess/domain/imports/vocabularies/limesurvey.toml cites them.
LIMESURVEY_DE = ["Antwort ID", "Datum Abgeschickt", "Letzte Seite", "Start-Sprache", "Zufallsstartwert",
                 "Datum gestartet", "Datum letzte Aktivität", "IP-Adresse", "Weiterleitungs-URL"]


def limesurvey_pupils_de(metadata: list[str] = LIMESURVEY_DE) -> bytes:
    """A LimeSurvey export of the pupils questionnaire, full German texts as headings (the
    questionnaire's own), its metadata columns headed as LimeSurvey's German interface heads
    them: two rows sent, one never sent (no "Datum Abgeschickt")."""
    questionnaire = pupils()
    items = {item.id: item for item in questionnaire.items}
    activities = items["activities"]
    headers = [*metadata,
               *(f"Was du im Projekt erlebt hast [{items[i].text['de']}]" for i in ("learned-new-things", "do-it-again")),
               items["how-often"].text["de"],
               *(f"{activities.text['de']} [{option.text['de']}]" for option in activities.options[:3]),
               f"{activities.text['de']} [Sonstiges]", items["comment"].text["de"]]
    weekly = items["how-often"].options[3].text["de"]

    def meta(n: int, submitted: str) -> list[str]:
        return [str(n), submitted, "3", "de", str(1000 + n), "2025-05-28 09:00:00", "2025-05-28 09:12:00",
                f"192.0.2.{40 + n}", "https://schule.example.de/umfrage"][: len(metadata)]

    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows([
        headers,
        [*meta(1, "2025-05-28 09:12:00"), "Stimme voll und ganz zu", "Stimme zu", weekly, "Ja", "Nein", "Ja", "",
         "Tolles Projekt!"],
        [*meta(2, ""), "Stimme zu", "Stimme zu", weekly, "Nein", "Ja", "Nein", "", ""],
        [*meta(3, "2025-05-29 10:40:00"), "Stimme nicht zu", "Weiß nicht", weekly, "N", "N", "Y", "Basteln", ""],
    ])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def test_a_limesurvey_export_with_german_headings_is_recognised_and_its_metadata_dropped():
    questionnaire = pupils()
    table = imports.read_table(file_name="Schueler.csv", data=limesurvey_pupils_de())
    assert imports.format_of(table) == "limesurvey"  # by its first four German headings
    plan = imports.plan_columns(table.headers, questionnaire=questionnaire, file_format="limesurvey")
    assert plan.identifying == tuple(LIMESURVEY_DE)
    assert plan.headers[plan.language_index] == "Start-Sprache"
    assert plan.headers[plan.submitted_index] == "Datum Abgeschickt"
    assert plan.headers[plan.timestamp_index] == "Datum Abgeschickt"
    assert [c.target for c in plan.matched] == [
        "learned-new-things", "do-it-again", "how-often", "activities:video-calls", "activities:shared-documents",
        "activities:forum-chat", "comment"]
    assert plan.unmatched == (f"{questionnaire.items[-2].text['de']} [Sonstiges]",)
    rows = list(imports.read_rows(table, plan, questionnaire=questionnaire))
    imported = {r.row: (r.language, r.submitted_on, {k: a.to_raw() for k, a in r.answers.items()})
                for r in rows if isinstance(r, ImportedRow)}
    assert imported[2] == ("de", date(2025, 5, 28), {
        "learned-new-things": 5, "do-it-again": 4, "how-often": ["weekly"], "activities": ["video-calls", "forum-chat"],
        "comment": "Tolles Projekt!"})
    assert imported[4][2]["activities"] == ["forum-chat"] and imported[4][2]["do-it-again"] == "dont_know"
    assert [(r.row, [(p.column, p.key) for p in r.problems]) for r in rows if isinstance(r, SkippedRow)] == [
        (3, [("B", "imports.skip.not_submitted")])]


def test_limesurvey_german_headings_as_newer_versions_write_them():
    """Later translations join or hyphenate the words otherwise ("Antwort-ID", "Startsprache"):
    the same columns."""
    newer = ["Antwort-ID", "Datum Abgeschickt", "Letzte Seite", "Startsprache", "Zufallsstartwert"]
    table = imports.read_table(file_name="Schueler.csv", data=limesurvey_pupils_de(newer))
    assert imports.format_of(table) == "limesurvey"
    plan = imports.plan_columns(table.headers, questionnaire=pupils(), file_format="limesurvey")
    assert plan.identifying == tuple(newer)
    assert plan.headers[plan.language_index] == "Startsprache"


def test_a_german_limesurvey_export_stores_answers_and_no_identity(session, teacher, project):
    report = run_import(session, actor=teacher, project_id=project.id, audience="pupils", file_name="Schueler.csv",
                        data=limesurvey_pupils_de())
    assert (report.file_format, report.rows_read, report.rows_imported, report.rows_skipped) == ("limesurvey", 3, 2, 1)
    assert report.dropped_columns == tuple(LIMESURVEY_DE)
    assert report.languages == {"de": 2}
    session.commit()
    found = []
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text, JSON))]
        for row in session.execute(select(*columns)) if columns else ():
            text = " ".join(str(value) for value in row)
            found += [(table.name, value) for value in ("192.0.2.41", "192.0.2.43", "schule.example.de")
                      if value in text]
    assert found == []


# -- "Other" answers in German ----------------------------------------------------------------------


def _read_one(headers: list[str], cells: list[str], questionnaire):
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([["Zeitstempel", *headers], ["03.10.2025 09:41:12", *cells]])
    table = imports.read_table(file_name="Familien.csv", data=out.getvalue().encode("utf-8"))
    plan = imports.plan_columns(table.headers, questionnaire=questionnaire, file_format="google")
    [row] = imports.read_rows(table, plan, questionnaire=questionnaire)
    return row


def test_a_german_other_answer_goes_to_the_comment():
    questionnaire = families()
    heard, comment = (next(i for i in questionnaire.items if i.id == name) for name in ("heard-about", "comment"))
    for cell in ("Sonstiges: über die Nachbarin", "Sonstige: über die Nachbarin", "sonstiges (bitte angeben) : über die Nachbarin"):
        row = _read_one([heard.text["de"]], [cell], questionnaire)
        assert isinstance(row, ImportedRow), (cell, row)
        assert row.answers[comment.id].to_raw() == "über die Nachbarin"
        assert "heard-about" not in row.answers
        assert [(n.column, n.key) for n in row.notes] == [("B", "imports.note.other_kept")]


def test_german_other_words_in_a_checkbox_answer_keep_the_options_ticked():
    questionnaire = pupils()
    activities = next(i for i in questionnaire.items if i.id == "activities")
    comment = next(i for i in questionnaire.items if i.id == "comment")
    options = [o.text["de"] for o in activities.options]
    row = _read_one([activities.text["de"]], [f"{options[0]}, {options[2]}, Sonstiges: Museumsbesuch, online"],
                    questionnaire)
    assert isinstance(row, ImportedRow), row
    assert row.answers["activities"].to_raw() == ["video-calls", "forum-chat"]
    assert row.answers[comment.id].to_raw() == "Museumsbesuch, online"
