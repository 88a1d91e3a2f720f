"""The teacher's survey pages through AppTest, on a real SQLite database: campaigns and
slips, results, the dashboard's triangulation and imports. What the pages did is read back
with the services."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from assess import i18n
from assess.domain.states import CampaignStatus
from assess.services import campaigns, link_guard, responding
from tests.services.helpers import families_answers, make_campaign, make_project, public_link_token
from tests.ui.conftest import ROOT, html_blocks, run_page, sign_in_state
from tests.ui.test_teacher_pages import assess_all, no_exception, page_text

pytestmark = pytest.mark.xdist_group("ui")
SURVEY_PAGES = ["surveys", "survey_results", "survey_import"]


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def summaries(ui_database, actor, project_id):
    with ui_database.begin() as session:
        return campaigns.list_campaigns(session, actor=actor, project_id=project_id)


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click()
    return no_exception(at.run())


@pytest.fixture
def project(ui_database, people):
    with ui_database.begin() as session:
        return make_project(session, owner=people.teacher).id


def answer_families(ui_database, people, project_id: int, count: int, **overrides) -> int:
    """``count`` families answer a codes campaign of the project; returns the campaign id."""
    with ui_database.begin() as session:
        made = projects_get(session, people, project_id)
        campaign = make_campaign(session, owner=people.teacher, project=made)
        codes = campaigns.issue_codes(session, actor=people.teacher, campaign_id=campaign.id, count=count + 2)
        for index, code in enumerate(codes[:count]):
            answers = families_answers(comment=f"Comment {index} <script>alert(1)</script> *bold*", **overrides)
            assert responding.submit_with_code(session, code=code, answers=answers, language="fr").stored
        return campaign.id


def projects_get(session, people, project_id):
    from assess.services import projects

    return projects.get_project(session, actor=people.teacher, project_id=project_id)


# -- Surveys: campaigns, links and slips -------------------------------------------------

def test_a_teacher_creates_a_link_campaign_and_gets_its_address(app_for, people, ui_database, project):
    at = no_exception(app_for(people.teacher, page="surveys"))
    assert at.title[0].value == "Surveys"
    assert "No survey campaign yet for this project." in page_text(at)
    at.radio(key="sv_new_audience").set_value("teachers")
    no_exception(at.run())
    assert "what the partner teachers think" in page_text(at)  # the questionnaire, shown before creating
    at.radio(key="sv_new_mode").set_value("link")
    no_exception(at.run())
    assert not at.number_input  # no codes with a link
    at = click(at, "sv_new_create")

    [made] = summaries(ui_database, people.teacher, project)
    assert (made.audience, made.mode, made.languages, made.status) == ("teachers", "link", tuple(i18n.languages()), CampaignStatus.OPEN)
    assert at.success[0].value == "The campaign is created."
    [code_block] = at.code
    with ui_database.begin() as session:
        assert code_block.value == campaigns.public_link(session, actor=people.teacher, campaign_id=made.id)
    assert "?survey=" in code_block.value
    assert at.get("image"), "a QR code of the link"


def test_a_teacher_creates_a_codes_campaign_and_downloads_the_slips_once(app_for, people, ui_database, project):
    at = no_exception(app_for(people.teacher, page="surveys", lang="fr"))
    at.radio(key="sv_new_audience").set_value("families")
    at.number_input(key="sv_new_count").set_value(4)
    at = click(at, "sv_new_create")

    [made] = summaries(ui_database, people.teacher, project)
    assert (made.audience, made.mode, made.codes_issued, made.codes_used) == ("families", "codes", 4, 0)
    assert any("ne pourront plus être affichés" in w.value for w in at.warning)
    [download] = at.download_button
    assert download.label == "Télécharger les 4 coupons (PDF)"
    pdf, count = at.session_state["surveys_slips"][made.id]
    assert count == 4 and pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "Our European breakfast" in text
    # The codes of the slips open the questionnaire.
    printed = [word for word in text.split() if len(word) == 11 and word[5] == "-"]
    assert len(printed) == 4
    with ui_database.begin() as session:
        assert all(responding.visit_by_code(session, code=c).status is responding.VisitStatus.OPEN for c in printed)

    # Print more: a new PDF with the new codes only.
    at.number_input(key=f"more_{made.id}").set_value(2)
    no_exception(at.run())
    at = click(at, f"print_{made.id}")
    assert at.download_button[0].label == "Télécharger les 2 coupons (PDF)"
    assert summaries(ui_database, people.teacher, project)[0].codes_issued == 6

    # Once saved, the PDF is forgotten: the codes cannot be shown again.
    at = click(at, f"forget_{made.id}")
    assert not at.download_button
    assert made.id not in at.session_state["surveys_slips"]


def test_closing_a_campaign_asks_first(app_for, people, ui_database, project):
    with ui_database.begin() as session:
        campaign_id = make_campaign(session, owner=people.teacher, project=projects_get(session, people, project)).id
    at = no_exception(app_for(people.teacher, page="surveys"))
    at = click(at, f"close_{campaign_id}")
    assert "This cannot be undone." in at.warning[0].value
    at = click(at, f"close_no_{campaign_id}")
    assert summaries(ui_database, people.teacher, project)[0].status is CampaignStatus.OPEN

    at = click(at, f"close_{campaign_id}")
    at = click(at, f"close_yes_{campaign_id}")
    assert summaries(ui_database, people.teacher, project)[0].status is CampaignStatus.CLOSED
    assert at.success[0].value == "The campaign is closed."
    assert not [b for b in at.button if b.key and b.key.startswith(("close_", "print_"))]


def test_refused_dates_are_explained_and_nothing_is_created(app_for, people, ui_database, project):
    from datetime import date

    at = no_exception(app_for(people.teacher, page="surveys"))
    at.date_input(key="sv_new_opens").set_value(date(2026, 6, 1))
    at.date_input(key="sv_new_closes").set_value(date(2026, 5, 1))
    at = click(at, "sv_new_create")
    assert summaries(ui_database, people.teacher, project) == []
    assert "Closes on (last day): The end date must be on or after the start date." in [c.value for c in at.caption]


# -- Access ------------------------------------------------------------------------------

@pytest.mark.parametrize("page", SURVEY_PAGES)
def test_another_teacher_never_sees_the_campaigns(ui_database, people, project, page):
    answer_families(ui_database, people, project, 5)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["lang"] = "en"
    sign_in_state(at.session_state, people.other_teacher)
    at.session_state["project_id"] = project  # Claire's project, e.g. from a shared link
    at.run()
    at.switch_page(f"assess/ui/pages/{page}.py")
    no_exception(at.run())
    text = page_text(at)
    assert "Our European breakfast" not in text and "Comment 1" not in text
    assert "No project yet." in text


@pytest.mark.parametrize("page", SURVEY_PAGES)
def test_a_juror_is_refused_the_survey_pages(ui_database, people, project, page):
    at = no_exception(run_page(page, people.juror, state={"project_id": project}))
    assert [e.value for e in at.error] == ["You are not allowed to do this."]
    assert "Our European breakfast" not in page_text(at)


def test_the_navigation_offers_the_survey_pages_to_teachers_and_results_to_the_office(app_for, people):
    from tests.ui.test_access import page_files

    assert set(SURVEY_PAGES) <= page_files(app_for(people.teacher))
    office = page_files(app_for(people.admin))
    assert "survey_results" in office and not {"surveys", "survey_import"} & office


# -- Survey results and the dashboard's triangulation -------------------------------------

def answer_pupils(ui_database, people, project_id: int, count: int, *, close: bool = True) -> None:
    """``count`` pupils answer; ``close``: the campaign is closed then, so fewer than five
    count in the figures (assess.services.survey_release)."""
    with ui_database.begin() as session:
        campaign = make_campaign(session, owner=people.teacher, project=projects_get(session, people, project_id),
                                 audience="pupils")
        for code in campaigns.issue_codes(session, actor=people.teacher, campaign_id=campaign.id, count=count):
            answers = {"learned-new-things": 2, "international-team": 1, "talked-with-partners": 2,
                       "comment": "Secret pupil comment"}
            assert responding.submit_with_code(session, code=code, answers=answers, language="en").stored
        if close:
            campaigns.close_campaign(session, actor=people.teacher, campaign_id=campaign.id)


@pytest.fixture
def answered(ui_database, people, project):
    """Five families answered (of seven codes); four pupils did (a group too small to show)."""
    answer_families(ui_database, people, project, 5)
    answer_pupils(ui_database, people, project, 4)
    return project


def test_results_show_participation_and_hide_a_group_of_four(app_for, people, answered):
    at = no_exception(app_for(people.teacher, page="survey_results"))
    assert at.title[0].value == "Survey results"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Pupils": "4", "Families": "5"}
    assert {m.proto.help for m in at.metric} == {
        "Responses in the figures: one per person. New responses join them 5 or more at a time."}
    captions = [c.value for c in at.caption]
    assert "Participation: 71% (5 of 7 codes used)" in captions
    assert any("Pupils: 4 respondents, fewer than 5" in i.value and "count in no total" in i.value for i in at.info)
    text = page_text(at)
    assert "Secret pupil comment" not in text  # a hidden group's comments are never shown
    # Comments are the respondents' text, escaped: no HTML, no Markdown of theirs.
    assert r"Comment 1 \<script\>alert\(1\)\</script\> \*bold\*" in text
    assert not html_blocks(at)
    assert len(at.get("plotly_chart")) == 2  # the levels of the criteria, the families' answers
    assert at.download_button(key="survey_results_pdf").label == "Download the survey results (PDF)"


def test_one_new_response_shows_nowhere_on_the_page_until_five_have_come(app_for, people, ui_database, answered):
    before = page_text(no_exception(app_for(people.teacher, page="survey_results")))
    assert before.count("Comment 0 ") == 1
    answer_families(ui_database, people, answered, 1)  # its comment: "Comment 0 ..." again
    at = no_exception(app_for(people.teacher, page="survey_results"))
    assert {m.label: m.value for m in at.metric} == {"Pupils": "4", "Families": "5"}
    text = page_text(at)
    assert "1 response received and not in the figures yet" in text
    assert text.count("Comment 0 ") == 1, "the new family's comment is not shown"


def test_one_young_pupil_among_older_ones_shows_nowhere_on_the_page(app_for, people, ui_database, project):
    from assess.domain.questionnaire import ItemType
    from assess.services import questionnaires

    young_items = questionnaires.installed_questionnaire("pupils-young").items
    with ui_database.begin() as session:
        made = projects_get(session, people, project)
        young = make_campaign(session, owner=people.teacher, project=made, audience="pupils", mode="link",
                              questionnaire_id="pupils-young")
        older = make_campaign(session, owner=people.teacher, project=made, audience="pupils", mode="link",
                              questionnaire_id="pupils")
        answers = {i.id: 1 for i in young_items if i.type is ItemType.AGREEMENT}
        submitted = responding.submit_with_link(session, token=public_link_token(session, owner=people.teacher, campaign_id=young.id), nonce="y1",
                                                answers={**answers, "liked-most": "Only the little one wrote this"},
                                                language="en", browser_id=link_guard.new_browser_id(session))
        assert submitted.stored
        older_items = questionnaires.installed_questionnaire("pupils").items
        for n in range(8):
            assert responding.submit_with_link(
                session, token=public_link_token(session, owner=people.teacher, campaign_id=older.id), nonce=f"o{n}", language="en",
                browser_id=link_guard.new_browser_id(session), answers={i.id: 5 for i in older_items if i.type is ItemType.AGREEMENT}).stored
        for campaign in (young, older):
            campaigns.close_campaign(session, actor=people.teacher, campaign_id=campaign.id)
    at = no_exception(app_for(people.teacher, page="survey_results"))
    text = page_text(at)
    assert {m.label: m.value for m in at.metric} == {"Pupils": "9"}
    shared = {i.id for i in questionnaires.installed_questionnaire("pupils").items}
    assert not [i.text.get("en") for i in young_items if i.id not in shared and i.text.get("en") in text]
    assert "Only the little one wrote this" not in text
    assert "6 questions answered by fewer than 5 people: not shown" in text


def test_the_results_pdf_is_the_one_the_page_offers(people, ui_database, answered):
    from assess.reports.survey import render_survey_results_pdf
    from assess.services import survey_results

    with ui_database.begin() as session:
        results = survey_results.project_results(session, actor=people.teacher, project_id=answered)
    text = pdf_text(render_survey_results_pdf(results, lang="fr"))
    assert "Our European breakfast" in text


def test_the_office_reads_the_results_in_french(app_for, people, answered):
    at = no_exception(app_for(people.admin, page="survey_results", lang="fr"))
    assert at.title[0].value == "Résultats des enquêtes"
    assert {m.label for m in at.metric} == {"Élèves", "Familles"}
    assert "survey_results_page." not in page_text(at)
    # A choice question's shares: the bar's figure as French writes a percentage ("25 %").
    formats = [column.get("type_config", {}).get("format") for frame in at.dataframe
               for column in json.loads(frame.proto.columns).values()]
    assert "%.0f\u00a0%%" in formats and "percent" not in formats
    assert not [b for b in at.button if b.key and b.key.startswith(("close_", "print_", "sv_new_"))]


def test_results_without_any_campaign_say_so(app_for, people, project):
    at = no_exception(app_for(people.teacher, page="survey_results"))
    assert at.info[0].value == "No survey campaign yet."
    assert [link.label for link in at.main.get("page_link")] == ["Start a survey"]


def test_the_dashboard_sets_the_surveys_beside_the_self_assessment(app_for, people, ui_database, answered):
    assess_all(ui_database, people.teacher, answered, level=1)
    at = no_exception(app_for(people.teacher, page="dashboard"))
    text = page_text(at)
    assert "Self-assessment and surveys" in text
    [table] = [d for d in at.dataframe if "Self-assessed" in d.value.columns]
    assert list(table.value.columns[:2]) == ["Criterion", "Self-assessed"]
    assert set(table.value["Pupils"]) == {"hidden"}  # 4 pupils: never shown apart
    # The families agreed (4 and 5) where the teacher chose level 1: flagged, with the questions behind.
    assert any(cell.startswith("⚑") for cell in table.value["Families"])
    flagged = [e for e in at.expander if e.label.startswith("Questions behind")]
    assert flagged and any("My child talked about the project at home." in m.value
                           for e in flagged for m in e.markdown)
    assert "Secret pupil comment" not in text


def test_the_dashboard_without_survey_answers_has_no_triangulation(app_for, people, ui_database, project):
    assess_all(ui_database, people.teacher, project)
    at = no_exception(app_for(people.teacher, page="dashboard"))
    assert "Self-assessment and surveys" not in page_text(at)


# -- Import answers ----------------------------------------------------------------------

SAMPLES = ROOT / "tests" / "imports" / "samples"


def upload(at: AppTest, key: str, name: str, data: bytes, mime: str = "text/csv") -> AppTest:
    next(w for w in at.get("file_uploader") if w.key == key).set_value((name, data, mime))
    return no_exception(at.run())


def web_and_imported(ui_database, people, project_id):
    return {s.mode: s.responses for s in summaries(ui_database, people.teacher, project_id)}


def test_import_previews_then_imports_with_a_report(app_for, people, ui_database, project):
    at = no_exception(app_for(people.teacher, page="survey_import"))
    assert at.title[0].value == "Import answers"
    assert "Choose a file to see what would be imported." in [i.value for i in at.info]
    at.radio(key="import_audience").set_value("families")
    at = upload(at, "import_file", "google-families-en.csv", (SAMPLES / "google-families-en.csv").read_bytes())

    preview = at.info[0].value
    assert preview.startswith("Google Forms:") and "Nothing has been saved yet." in preview
    text = page_text(at)
    assert "Columns that identify respondents (never stored)" in text and "Email Address" in text
    assert "Which class is your child in?" in text  # not recognised: offered in the mapping screen
    assert at.selectbox(key=next(s.key for s in at.selectbox if s.key.startswith("import_map_"))).value == ""
    skipped = [d for d in at.dataframe if "Reason" in d.value.columns]
    assert skipped and any("Maybe" in reason for reason in skipped[0].value["Reason"])
    assert web_and_imported(ui_database, people, project) == {}  # a preview stores nothing

    button = at.button(key="import_run")
    expected = int(button.label.split()[1])
    at = click(at, "import_run")
    assert at.success[0].value.startswith("Google Forms:") and f"{expected} imported" in at.success[0].value
    assert web_and_imported(ui_database, people, project) == {"import": expected}

    # The same file again: everything is recognised as already imported.
    assert "0 would be imported" in at.info[0].value
    assert at.button(key="import_run").disabled


def test_a_column_not_recognised_is_mapped_on_the_page(app_for, people, ui_database, project):
    data = (
        b"Timestamp,Did your child talk about the project at home?,"
        b"My child learned about other countries and the way people live there.,"
        b"\"The school let families see the project (an exhibition, a show, a website or the TwinSpace).\"\n"
        b"2025/10/03 9:41:12 AM GMT+2,Strongly agree,Agree,Agree\n"
        b"2025/10/04 9:41:12 AM GMT+2,Agree,Agree,Strongly agree\n"
    )
    at = no_exception(app_for(people.teacher, page="survey_import", lang="fr"))
    at.radio(key="import_audience").set_value("families")
    at = upload(at, "import_file", "reworded.csv", data)
    [box] = [s for s in at.selectbox if s.key.startswith("import_map_")]
    assert "Did your child talk about the project at home" in box.label
    box.set_value("child-talked")
    at.button[[b.label for b in at.button].index("Appliquer et refaire l'aperçu")].click()
    no_exception(at.run())
    assert not [s for s in at.selectbox if s.key.startswith("import_map_")]  # matched now
    [matched] = [d for d in at.dataframe if "Question" in d.value.columns]
    assert "Mon enfant a parlé du projet à la maison." in list(matched.value["Question"])

    at = click(at, "import_run")
    assert at.success[0].value == "Google Forms\u00a0: 2 lignes lues, 2 importées, 0 déjà importées auparavant, 0 ignorées."
    from assess.services import survey_results

    with ui_database.begin() as session:
        results = survey_results.project_results(session, actor=people.teacher, project_id=project)
    # Two rows: stored, and waiting for three more before they count (survey_release).
    assert (results.audience("families").respondents, results.audience("families").waiting) == (0, 2)


def test_an_unreadable_file_is_explained(app_for, people, project):
    at = no_exception(app_for(people.teacher, page="survey_import"))
    at = upload(at, "import_file", "class list.csv", b"Pupil,Age\nJeanne,9\n")
    assert "is not an export the suite recognises" in at.error[0].value
    assert not [b for b in at.button if b.key == "import_run"]


def test_cells_read_with_a_note_are_listed_on_the_import_page(app_for, people, ui_database, project):
    at = no_exception(app_for(people.teacher, page="survey_import"))
    at.radio(key="import_audience").set_value("families")
    name = "google-families-other-long.csv"
    at = upload(at, "import_file", name, (SAMPLES / name).read_bytes())
    assert "Cells read with a note (3): the rest of each response is imported" in page_text(at)
    noted = [d for d in at.dataframe if "Reason" in d.value.columns]
    assert list(noted[0].value["Row"]) == [2, 3, 4]
    assert noted[0].value["Reason"][1] == "a text of 2419 characters, cut to the 2000 the question takes"
    assert "3 would be imported" in at.info[0].value


def test_the_german_surveys_page_says_umfrage_as_its_navigation_does(app_for, people, ui_database, project):
    """One German word for a survey (and a survey campaign): the German translators found
    "Umfrage" in the navigation and "Befragung" on the pages."""
    with ui_database.begin() as session:
        make_campaign(session, owner=people.teacher, project=projects_get(session, people, project))
    at = no_exception(app_for(people.teacher, page="surveys", lang="de"))
    assert at.title[0].value == "Umfragen"
    text = page_text(at)
    assert "Umfragen dieses Projekts" in text and "Neue Umfrage" in text
    assert "Befragung" not in text


def test_german_calls_a_survey_umfrage_in_every_message():
    from assess.i18n import Plural, translated

    saying_befragung = sorted(key for key, message in translated("de").items()
                              if any("Befragung" in text for text in (message if isinstance(message, Plural) else (message,))))
    assert not saying_befragung
