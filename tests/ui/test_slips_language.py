"""Slips follow the audience's language, not the teacher's pages (issue 15): a French-speaking
teacher printing slips for an English-speaking class gets English slips, by default when the
survey is in English alone, by choosing English when it offers both. The PDFs are read back."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from assess.reports.slips import slip_language
from assess.services import campaigns
from tests.services.helpers import make_campaign, make_project
from tests.ui.test_teacher_pages import no_exception

pytestmark = pytest.mark.xdist_group("ui")
ENGLISH = "Scan the QR code, or type the address then the code."
FRENCH = "Scannez le QR code ou tapez l'adresse puis le code."


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def project(ui_database, people):
    with ui_database.begin() as session:
        return make_project(session, owner=people.teacher)


def click(at, key):
    at.button(key=key).click()
    return no_exception(at.run())


def test_the_proposed_language_is_the_audiences_else_the_readers():
    assert slip_language(["en"], "fr") == "en"
    assert slip_language(["fr", "en"], "fr") == "fr"
    assert slip_language(["fr", "en"], "en") == "en"
    assert slip_language([], "fr") == "fr"


def test_a_french_teacher_prints_english_slips_for_an_english_class(app_for, people, ui_database, project):
    at = no_exception(app_for(people.teacher, page="surveys", lang="fr"))
    at.radio(key="sv_new_audience").set_value("families")
    at.button_group(key="sv_new_languages").set_value(["en"])
    at = no_exception(at.run())
    at.number_input(key="sv_new_count").set_value(2)
    # One language offered: nothing to choose, the slips are in it.
    assert not [s for s in at.selectbox if s.key == "sv_new_slip_language"]
    at = click(at, "sv_new_create")

    [(pdf, count)] = at.session_state["surveys_slips"].values()
    text = words(pdf_text(pdf))
    assert count == 2 and text.count(ENGLISH) == 2 and FRENCH not in text
    assert "Families" in text and "Familles" not in text and "ADDRESS" in text


def test_offered_both_languages_the_teacher_chooses_the_slips_language(app_for, people, ui_database, project):
    at = no_exception(app_for(people.teacher, page="surveys", lang="fr"))
    at.radio(key="sv_new_audience").set_value("families")
    at.number_input(key="sv_new_count").set_value(1)
    choice = at.selectbox(key="sv_new_slip_language")
    assert choice.label == "Langue des coupons" and choice.value == "fr", "proposed: the page's, offered by the survey"
    choice.set_value("en")
    at = click(at, "sv_new_create")

    [(pdf, _count)] = at.session_state["surveys_slips"].values()
    text = words(pdf_text(pdf))
    # English first (headings and first line), the French line of instruction after it.
    assert "Families" in text and "Familles" not in text
    assert text.index(ENGLISH) < text.index(FRENCH)


def test_more_slips_for_an_english_survey_are_english_on_french_pages(app_for, people, ui_database, project):
    with ui_database.begin() as session:
        campaign_id = make_campaign(session, owner=people.teacher, project=project, languages=["en"]).id
        both = make_campaign(session, owner=people.teacher, project=project, audience="teachers").id
    at = no_exception(app_for(people.teacher, page="surveys", lang="fr"))
    assert not [s for s in at.selectbox if s.key == f"slip_language_{campaign_id}"]
    at.number_input(key=f"more_{campaign_id}").set_value(1)
    at = click(at, f"print_{campaign_id}")
    pdf, _count = at.session_state["surveys_slips"][campaign_id]
    text = words(pdf_text(pdf))
    assert ENGLISH in text and FRENCH not in text

    at.selectbox(key=f"slip_language_{both}").set_value("en")
    at.number_input(key=f"more_{both}").set_value(1)
    at = click(at, f"print_{both}")
    pdf, _count = at.session_state["surveys_slips"][both]
    assert "Partner teachers" in words(pdf_text(pdf))
    with ui_database.begin() as session:
        assert campaigns.get_campaign(session, actor=people.teacher, campaign_id=both).languages == ["en", "fr"], "the survey unchanged"
