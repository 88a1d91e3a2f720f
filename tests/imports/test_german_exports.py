"""German exports (issue 15): Google Forms and Microsoft Forms set to German write their own
headings (``Zeitstempel``, ``E-Mail-Adresse``; ``Startzeit``, ``Fertigstellungszeit``,
``E-Mail``) and dates day first (``03.10.2025``); families answer with the German agreement
words. All of it is recognised from the vocabulary files alone
(assess/domain/imports/vocabularies/); the questions and choices the teacher typed in German
are named by a mapping file, as for any reworded questionnaire."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, String, Text, select

from assess.domain import imports
from assess.domain.imports import ImportedRow, MappingFile, SkippedRow
from assess.services.survey_imports import run_import
from assess.storage.models import Base, SurveyCampaign, SurveyResponse
from tests.imports.helpers import FAMILIES_DE, MAPPING_DE, families, msforms_families_de, sample

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
