"""An export whose headings and choices are the questionnaire's own texts is matched in every
language the questionnaire is written in: German (shipped), and a language added from files
alone (``ASSESS_LANGUAGE_DIRS``), with no mapping file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml
from sqlalchemy import select

from assess.domain import imports
from assess.domain.imports import ImportedRow, SkippedRow
from assess.domain.questionnaire import Questionnaire, load_questionnaire_file
from assess.services.survey_imports import run_import
from assess.storage.models import SurveyResponse
from tests.i18n.test_fourth_language import CODE
from tests.imports.helpers import families

ROOT = Path(__file__).resolve().parents[2]


def google_csv(headers: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([headers, *rows])
    return out.getvalue().encode("utf-8")


def german_export(questionnaire: Questionnaire) -> bytes:
    """A German Google Forms export whose questions and choices are the questionnaire's German
    texts, as a teacher who copied the German questionnaire into Google Forms gets."""
    items = {item.id: item for item in questionnaire.items}
    headers = ["Zeitstempel", "E-Mail-Adresse", *(item.text["de"] for item in questionnaire.items)]
    website = next(o for o in items["heard-about"].options if o.id == "website").text["de"]
    child = next(o for o in items["heard-about"].options if o.id == "child").text["de"]
    return google_csv(headers, [
        ["03.10.2025 09:41:12", "anna.schmidt@example.de", "Stimme voll und ganz zu", "Stimme zu", "Stimme eher zu",
         "Stimme voll und ganz zu", "Teils, teils", "Weiß nicht", "Stimme voll und ganz zu", website, "Danke!"],
        ["04.10.2025 18:02:55", "bernd.mueller@example.de", "Stimme überhaupt nicht zu", "Stimme eher nicht zu",
         "Keine Angabe", "Stimme zu", "Stimme nicht zu", "Stimme zu", "Stimme eher zu", child, ""],
    ])


def test_a_german_export_with_the_questionnaires_german_texts_needs_no_mapping():
    questionnaire = families()
    data = german_export(questionnaire)
    table = imports.read_table(file_name="Familien.csv", data=data)
    plan = imports.plan_columns(table.headers, questionnaire=questionnaire, file_format="google")
    assert plan.unmatched == ()
    assert [c.item_id for c in plan.matched] == [item.id for item in questionnaire.items]
    rows = list(imports.read_rows(table, plan, questionnaire=questionnaire))
    assert [r for r in rows if isinstance(r, SkippedRow)] == []
    answers = [{k: a.to_raw() for k, a in r.answers.items()} for r in rows if isinstance(r, ImportedRow)]
    assert [a["heard-about"] for a in answers] == [["website"], ["child"]]
    assert (answers[0]["child-talked"], answers[0]["privacy-respected"], answers[1]["showed-work"]) == (
        5, "dont_know", "dont_know")


def test_a_german_export_becomes_responses_without_a_mapping(session, teacher, project):
    report = run_import(session, actor=teacher, project_id=project.id, audience="families",
                        file_name="Familien.csv", data=german_export(families()))
    assert (report.rows_read, report.rows_imported, report.rows_skipped) == (2, 2, 0)
    assert report.dropped_columns == ("Zeitstempel", "E-Mail-Adresse")
    session.commit()
    responses = list(session.scalars(select(SurveyResponse).order_by(SurveyResponse.id)))
    chosen = [{a.item_id: a.choices for a in r.answers}["heard-about"] for r in responses]
    assert chosen == [["website"], ["child"]]


# -- A language added from files alone ---------------------------------------------------------

#: The families questionnaire's questions and choices in Dutch (the fourth language of
#: tests/i18n/test_fourth_language.py).
DUTCH_ITEMS = {
    "child-talked": "Mijn kind heeft thuis over het project verteld.",
    "learned-other-countries": "Mijn kind heeft andere landen leren kennen en hoe de mensen daar leven.",
    "showed-work": "Mijn kind heeft me dingen laten zien die het in het project heeft gemaakt.",
    "project-visible": "De school liet de gezinnen het project zien (een tentoonstelling, een voorstelling, "
                       "een website of de TwinSpace).",
    "family-took-part": "Ons gezin kon aan het project meedoen (helpen, naar een activiteit komen, vragen beantwoorden).",
    "privacy-respected": "De school respecteerde de privacy en het portretrecht, bijvoorbeeld door ons te vragen "
                         "voordat foto's of video's van ons kind werden gepubliceerd.",
    "more-curious": "Door het project is mijn kind nieuwsgieriger geworden naar de wereld.",
    "heard-about": "Hoe hebt u voor het eerst van het project gehoord?",
    "comment": "Wilt u de leerkrachten nog iets vertellen? (niet verplicht)",
}
DUTCH_OPTIONS = {
    "child": "Via mijn kind", "school-message": "Een brief of bericht van de school",
    "website": "De website van de school, de TwinSpace of sociale media",
    "event": "Een tentoonstelling of activiteit op school", "press": "De lokale pers of radio",
    "other": "Op een andere manier",
}


def dutch_families(folder: Path) -> Questionnaire:
    """The shipped families questionnaire with Dutch texts added to its questions and choices,
    read from a file as an installation's own questionnaire would be."""
    document = yaml.safe_load((ROOT / "surveys" / "families.yaml").read_text(encoding="utf-8"))
    for item in document["items"]:
        item["text"][CODE] = DUTCH_ITEMS[item["id"]]
        for option in item.get("options", ()):
            option["text"][CODE] = DUTCH_OPTIONS[option["id"]]
    path = folder / "families-nl.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return load_questionnaire_file(path)


def test_an_export_in_a_language_added_from_files_is_matched(dutch, tmp_path):
    questionnaire = dutch_families(tmp_path)
    headers = ["Timestamp", *DUTCH_ITEMS.values()]
    data = google_csv(headers, [
        ["2025/10/03 9:41:12 AM GMT+2", "5", "4", "4", "5", "3", "2", "5", DUTCH_OPTIONS["press"], "Bedankt!"],
    ])
    table = imports.read_table(file_name="Gezinnen.csv", data=data)
    plan = imports.plan_columns(table.headers, questionnaire=questionnaire, file_format="google")
    assert plan.unmatched == ()
    assert [c.item_id for c in plan.matched] == list(DUTCH_ITEMS)
    [row] = imports.read_rows(table, plan, questionnaire=questionnaire)
    assert isinstance(row, ImportedRow), row
    assert row.answers["heard-about"].to_raw() == ["press"]
    assert row.answers["comment"].to_raw() == "Bedankt!"
