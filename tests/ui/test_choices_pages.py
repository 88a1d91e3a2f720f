"""Issue 10, finding 6, on the pages (AppTest, real SQLite): the teacher chooses the rubric of a
self-assessment (the proposed one preselected, with why) and may change it after seeing what
carries over; eligibility questions take yes, no or not answered; the office's default rubric
is a setting; the questionnaire of a campaign is chosen on the Surveys page."""

from __future__ import annotations

import pytest

from assess.services import _settings_values, rubrics, self_assessments, settings
from assess.storage.models import SurveyCampaign
from tests.services.helpers import make_project
from tests.ui.test_teacher_pages import no_exception, page_text, start_on_the_page

pytestmark = pytest.mark.xdist_group("ui")


@pytest.fixture
def project(ui_database, people):
    with ui_database.begin() as session:  # 2025-26: generation C's rubric is proposed
        return make_project(session, owner=people.teacher).id


def current(ui_database, people, project_id):
    with ui_database.begin() as session:
        return self_assessments.current(session, actor=people.teacher, project_id=project_id)


# -- the rubric of a self-assessment ------------------------------------------------------------

def test_the_teacher_chooses_the_rubric_the_one_of_the_school_year_preselected(app_for, people, ui_database, project):
    at = no_exception(app_for(people.teacher, page="self_assessment"))
    assert current(ui_database, people, project) is None, "opening the page starts nothing"
    choice = at.selectbox(key=f"sa_start_rubric_{project}")
    assert choice.value == "etwinning-2021"
    assert {"eTwinning quality criteria, generation A (2006-2013) (version 1.0)",
            "eTwinning quality criteria, generation C (since 2021-22) (version 1.0)"} <= set(choice.options)
    assert ("Proposed: the rubric for the school year 2025-2026, when the project ends (it covers 2021-)."
            in [c.value for c in at.caption])

    at = start_on_the_page(at, project, "etwinning-2014")
    assert current(ui_database, people, project).rubric.id == "etwinning-2014"
    assert "Communication and exchange between partner schools" in " ".join(e.label for e in at.expander)


def test_the_offices_default_is_proposed_and_said_so_in_french(app_for, people, ui_database, project):
    with ui_database.begin() as session:
        settings.put(session, actor=people.admin, key="default_rubric", value="etwinning-2006")
    at = no_exception(app_for(people.teacher, page="self_assessment", lang="fr"))
    assert at.selectbox(key=f"sa_start_rubric_{project}").value == "etwinning-2006"
    assert "Proposée\u00a0: la grille par défaut du bureau national." in [c.value for c in at.caption]


def test_changing_the_rubric_warns_what_stays_behind_before_doing_it(app_for, people, ui_database, project):
    at = start_on_the_page(no_exception(app_for(people.teacher, page="self_assessment")), project, "etwinning-2006")
    first = current(ui_database, people, project)
    for item, level in (("innovation", 3), ("collaboration", 4)):
        at.segmented_control(key=f"sa{first.id}_{item}_level").set_value(level)
        no_exception(at.run())

    at.selectbox(key=f"sa{first.id}_rubric").set_value("etwinning-2021")
    at.button(key=f"sa{first.id}_rubric_check").click()
    at = no_exception(at.run())
    text = page_text(at)
    assert "Carried over (same criterion in both rubrics): Collaboration between partner schools." in text
    [warning] = [w.value for w in at.warning if "Not carried over" in w.value]
    assert "Pedagogical innovation and creativity (Level 3: Good)" in warning
    assert current(ui_database, people, project).rubric.id == "etwinning-2006", "nothing changed before the confirmation"

    at.button(key=f"sa{first.id}_rubric_yes").click()
    at = no_exception(at.run())
    moved = current(ui_database, people, project)
    assert moved.rubric.id == "etwinning-2021"
    assert {k: v.level for k, v in moved.entries.items()} == {"collaboration": 4}
    assert at.segmented_control(key=f"sa{moved.id}_collaboration_level").value == 4


# -- eligibility: yes, no, not answered --------------------------------------------------------

def test_eligibility_takes_yes_no_and_not_answered(app_for, people, ui_database, project):
    at = start_on_the_page(no_exception(app_for(people.teacher, page="self_assessment")), project)
    assessment = current(ui_database, people, project)
    key = f"sa{assessment.id}_elig_data_protection"
    radio = at.radio(key=key)
    assert radio.value == "unanswered"
    assert radio.options == ["Yes", "No", "Not answered"]

    at.radio(key=key).set_value("no")
    at = no_exception(at.run())
    assert current(ui_database, people, project).eligibility["data_protection"] is False
    assert any("You answered no to: Data protection and copyright were taken care of." in w.value for w in at.warning)

    reloaded = no_exception(app_for(people.teacher, page="self_assessment"))
    assert reloaded.radio(key=key).value == "no", "a no stays a no after a reload"
    reloaded.radio(key=key).set_value("unanswered")
    reloaded = no_exception(reloaded.run())
    assert current(ui_database, people, project).eligibility["data_protection"] is None
    assert not [w for w in reloaded.warning if "You answered no" in w.value]


def test_the_dashboard_says_no_in_words(app_for, people, ui_database, project):
    with ui_database.begin() as session:
        assessment = self_assessments.start(session, actor=people.teacher, project_id=project)
        self_assessments.save_eligibility(session, actor=people.teacher, assessment_id=assessment.id,
                                          answers={"finished": False, "shared_plan": True})
    text = page_text(no_exception(app_for(people.teacher, page="dashboard")))
    assert "Answered no: no label with this answer" in text
    assert "Answered yes" in text and "Not answered yet" in text


# -- the office's default rubric on the Settings page ------------------------------------------

def test_the_settings_page_offers_the_installed_rubrics(app_for, people, ui_database):
    at = no_exception(app_for(people.admin, page="settings"))
    box = at.selectbox(key="setting:default_rubric")
    assert box.value == "" and box.options[0] == "The rubric of the project's school year"
    assert box.options[1:] == [f"{r.title.get('en')} ({r.id})" for r in rubrics.installed()]
    box.set_value("etwinning-2014")
    [save] = [b for b in at.button if b.form_id == "settings_jury" and b.label == "Save"]
    at = no_exception(save.click().run())
    with ui_database.begin() as session:
        assert _settings_values.get(session, "default_rubric") == "etwinning-2014"


# -- the questionnaire of a campaign ------------------------------------------------------------

def test_the_questionnaire_is_chosen_per_campaign_the_one_for_the_ages_preselected(app_for, people, ui_database, project):
    at = no_exception(app_for(people.teacher, page="surveys"))
    at.radio(key="sv_new_audience").set_value("pupils")
    at = no_exception(at.run())
    choice = at.radio(key="sv_new_questionnaire_pupils")
    assert choice.value == "pupils"  # the project's pupils are 8 to 10
    assert set(choice.options) == {"Our eTwinning project - what pupils think (18 questions)",
                                   "Our eTwinning project (young pupils) (9 questions)"}
    assert any(c.value.startswith("Proposed because the oldest pupils of this project are 10: this version is for ages 8 to 19.")
               for c in at.caption)

    at.radio(key="sv_new_questionnaire_pupils").set_value("pupils-young")  # the young pupils' version, ages unchanged
    at = no_exception(at.run())
    assert "one sentence per screen" in page_text(at)
    at.radio(key="sv_new_mode").set_value("link")
    at.button(key="sv_new_create").click()
    at = no_exception(at.run())
    with ui_database.begin() as session:
        [stored] = session.query(SurveyCampaign).filter_by(project_id=project).all()
        assert (stored.audience, stored.questionnaire_version.questionnaire_id) == ("pupils", "pupils-young")


def test_young_pupils_get_the_faces_version_proposed_in_french(app_for, people, ui_database):
    with ui_database.begin() as session:
        make_project(session, owner=people.teacher, title="Petits", age_min=4, age_max=6)
    at = no_exception(app_for(people.teacher, page="surveys", lang="fr"))
    at.radio(key="sv_new_audience").set_value("pupils")
    at = no_exception(at.run())
    assert at.radio(key="sv_new_questionnaire_pupils").value == "pupils-young"
    assert any(c.value.startswith("Proposé parce que les élèves les plus âgés de ce projet ont 6 ans") for c in at.caption)


def test_an_audience_with_one_questionnaire_offers_no_choice(app_for, people, project):
    at = no_exception(app_for(people.teacher, page="surveys"))
    at.radio(key="sv_new_audience").set_value("families")
    at = no_exception(at.run())
    assert not [r for r in at.radio if (r.key or "").startswith("sv_new_questionnaire")]
