"""The teacher's pages through Streamlit's AppTest, on a real SQLite database.

Forms are filled through their widgets; results are read back with the services, as a
reload of the page would read them.
"""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from assess.services import projects, self_assessments
from tests.services.helpers import make_project
from tests.ui.conftest import ROOT, html_blocks, run_page, sign_in_state

pytestmark = pytest.mark.xdist_group("ui")
TEACHER_PAGES = ["projects", "self_assessment", "dashboard", "report"]


# -- helpers ---------------------------------------------------------------------------

def page_text(at: AppTest) -> str:
    """Every text of the page, widget labels and select options included: all the string
    fields of every element's protobuf message."""
    def strings(message):
        for _field, value in message.ListFields():
            repeated = not isinstance(value, (str, bytes)) and not hasattr(value, "ListFields") and hasattr(value, "__iter__")
            values = value if repeated else [value]
            for item in values:
                if isinstance(item, str):
                    yield item
                elif hasattr(item, "ListFields"):
                    yield from strings(item)

    def walk(node):
        if getattr(node, "proto", None) is not None:
            yield from strings(node.proto)
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    return "\n".join(text for block in (at.main, at.sidebar) for text in walk(block))


def no_exception(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def fill_project_form(at: AppTest, prefix: str = "pf_new_", **values) -> None:
    fields = {
        "title": "Stories from our rivers",
        "start": date(2025, 9, 1),
        "end": date(2026, 6, 15),
        "ages": (9, 11),
        "subjects": ["geography", "science"],  # codes of the closed list, named on the page
        "languages": ["en"],
        "school_name": "Collège Victor Hugo",
        "school_country": "FR",
        "school_region": "Bretagne",
        "partners": [{"name": "Scuola Dante", "country": "IT", "region": "Lazio"}],
    }
    fields.update(values)
    at.text_input(key=f"{prefix}title").set_value(fields["title"])
    at.date_input(key=f"{prefix}start").set_value(fields["start"])
    at.date_input(key=f"{prefix}end").set_value(fields["end"])
    at.slider(key=f"{prefix}ages").set_value(fields["ages"])
    at.multiselect(key=f"{prefix}subjects").set_value(fields["subjects"])
    at.multiselect(key=f"{prefix}languages").set_value(fields["languages"])
    at.text_input(key=f"{prefix}school_name").set_value(fields["school_name"])
    at.selectbox(key=f"{prefix}school_country").set_value(fields["school_country"])
    at.text_input(key=f"{prefix}school_region").set_value(fields["school_region"])
    # AppTest cannot type into a data editor: its edit state is set as the browser would send it.
    at.session_state[f"{prefix}partners"] = {"edited_rows": {}, "added_rows": fields["partners"], "deleted_rows": []}


def submit(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == "Save the project").click()
    return no_exception(at.run())


def own_projects(ui_database, actor):
    with ui_database.begin() as session:
        return [
            (p.title, [(x.school.name, x.school.country) for x in p.partners])
            for p in projects.list_projects(session, actor=actor)
        ]


def assess_all(ui_database, actor, project_id: int, level: int = 4) -> int:
    with ui_database.begin() as session:
        assessment = self_assessments.start(session, actor=actor, project_id=project_id, rubric_id="etwinning-2006")
        for criterion in assessment.rubric.criteria + assessment.rubric.gates:
            self_assessments.save_entry(session, actor=actor, assessment_id=assessment.id, item_id=criterion.id, level=level)
        self_assessments.save_eligibility(session, actor=actor, assessment_id=assessment.id,
                                          answers={"shared_plan": True, "finished": True})
        return assessment.id


@pytest.fixture
def project(ui_database, people):
    with ui_database.begin() as session:
        return make_project(session, owner=people.teacher).id


# -- My projects -----------------------------------------------------------------------

def test_a_teacher_registers_a_project_through_the_form(app_for, people, ui_database):
    at = no_exception(app_for(people.teacher, page="projects"))
    assert "No project yet." in page_text(at)
    at.button[0].click()  # New project
    no_exception(at.run())
    fill_project_form(at)
    submit(at)

    assert own_projects(ui_database, people.teacher) == [("Stories from our rivers", [("Scuola Dante", "IT")])]
    with ui_database.begin() as session:
        stored = projects.form_values(projects.list_projects(session, actor=people.teacher)[0])
    assert stored["subjects"] == ["geography", "science"] and (stored["age_min"], stored["age_max"]) == (9, 11)
    assert stored["school"] == {"name": "Collège Victor Hugo", "country": "FR", "region": "Bretagne"}
    assert at.success[0].value == "The project is registered."
    text = page_text(at)
    assert "Stories from our rivers" in text and "Partners: Italy" in text
    # The new project is the chosen one, with links to the other pages.
    assert {link.label for link in at.main.get("page_link")} >= {"Self-assessment", "Dashboard", "PDF report"}


def test_invalid_input_shows_which_fields_and_stores_nothing(app_for, people, ui_database):
    at = app_for(people.teacher, page="projects")
    at.button[0].click()
    at.run()
    fill_project_form(at, start=date(2026, 6, 1), end=date(2025, 9, 1), partners=[])
    submit(at)

    assert own_projects(ui_database, people.teacher) == []
    assert at.error[0].value == "Please correct the 2 fields marked below."
    messages = [c.value for c in at.caption]
    assert "End date: The end date must be on or after the start date." in messages
    assert "Partner schools: Give at least one." in messages
    # What was typed is still there to be corrected.
    assert at.text_input(key="pf_new_title").value == "Stories from our rivers"


def test_a_teacher_edits_a_project_keeping_its_partners(app_for, people, ui_database, project):
    at = app_for(people.teacher, page="projects")
    at.button(key=f"edit_{project}").click()
    no_exception(at.run())
    prefix = f"pf_{project}_"
    assert at.text_input(key=f"{prefix}title").value == "Our European breakfast"
    assert at.selectbox(key=f"{prefix}school_country").value == "FR"
    at.text_input(key=f"{prefix}title").set_value("Our European breakfasts")
    submit(at)

    assert own_projects(ui_database, people.teacher) == [
        ("Our European breakfasts", [("Scoil Mhuire", "IE"), ("Szkoła Podstawowa nr 3", "PL")])
    ]
    assert at.success[0].value == "The project is saved."


def test_deleting_asks_for_a_confirmation_first(app_for, people, ui_database, project):
    at = app_for(people.teacher, page="projects")
    at.button(key=f"delete_{project}").click()
    no_exception(at.run())
    assert len(own_projects(ui_database, people.teacher)) == 1
    assert "Delete the project Our European breakfast" in at.warning[0].value

    at.button(key=f"delete_no_{project}").click()  # cancel: nothing happens
    at.run()
    assert len(own_projects(ui_database, people.teacher)) == 1 and not at.warning

    at.button(key=f"delete_{project}").click()
    at.run()
    at.button(key=f"delete_yes_{project}").click()
    no_exception(at.run())
    assert own_projects(ui_database, people.teacher) == []
    assert at.success[0].value == "The project is deleted."


def test_the_office_sees_every_project_read_only(app_for, people, project):
    at = no_exception(app_for(people.admin, page="projects"))
    assert at.title[0].value == "All projects"
    text = page_text(at)
    assert "Our European breakfast" in text and "Teacher: Claire Martin" in text
    assert not [b for b in at.button if b.key and b.key.startswith(("edit_", "delete_"))]
    at.button(key=f"select_{project}").click()
    no_exception(at.run())
    # Only the pages of the office's navigation: it reads results, it never fills them in.
    assert [link.label for link in at.main.get("page_link")] == ["Dashboard", "PDF report"]


def test_titles_typed_by_teachers_are_shown_as_text(app_for, people, ui_database):
    with ui_database.begin() as session:
        make_project(session, owner=people.teacher, title="<b>Breakfast</b> *club* [x](javascript:alert(1))")
    at = no_exception(app_for(people.teacher, page="projects"))
    bodies = [m.value for m in at.markdown]
    assert r"**\<b\>Breakfast\</b\> \*club\* \[x\]\(javascript:alert\(1\)\)**" in bodies
    assert not html_blocks(at)


# -- Self-assessment -------------------------------------------------------------------

def start_on_the_page(at: AppTest, project_id: int, rubric_id: str = "etwinning-2006") -> AppTest:
    """The teacher chooses the rubric and starts the self-assessment."""
    at.selectbox(key=f"sa_start_rubric_{project_id}").set_value(rubric_id)
    at.button(key=f"sa_start_{project_id}").click()
    return no_exception(at.run())


def test_levels_and_notes_are_saved_as_the_teacher_goes(app_for, people, ui_database, project):
    at = start_on_the_page(no_exception(app_for(people.teacher, page="self_assessment")), project)
    with ui_database.begin() as session:
        assessment = self_assessments.current(session, actor=people.teacher, project_id=project)
    assert assessment is not None and assessment.rubric.id == "etwinning-2006"
    prefix = f"sa{assessment.id}_innovation"
    assert at.segmented_control(key=f"{prefix}_level").value is None  # none by default

    at.segmented_control(key=f"{prefix}_level").set_value(3)
    no_exception(at.run())
    at.text_area(key=f"{prefix}_note").set_value("Pupils designed the survey themselves.")
    no_exception(at.run())
    at.radio(key=f"sa{assessment.id}_elig_finished").set_value("yes")
    no_exception(at.run())

    with ui_database.begin() as session:
        saved = self_assessments.current(session, actor=people.teacher, project_id=project)
    assert saved.entries["innovation"].level == 3
    assert saved.entries["innovation"].evidence_note == "Pupils designed the survey themselves."
    assert saved.eligibility["finished"] is True
    assert "1 of 6 criteria assessed" in page_text(at)

    reloaded = no_exception(app_for(people.teacher, page="self_assessment"))  # a new browser session
    assert reloaded.segmented_control(key=f"{prefix}_level").value == 3
    assert reloaded.text_area(key=f"{prefix}_note").value == "Pupils designed the survey themselves."
    assert reloaded.radio(key=f"sa{assessment.id}_elig_finished").value == "yes"
    assert any("Level 3: Good" in e.label for e in reloaded.expander)


def test_a_refused_link_is_explained_and_kept_for_correction(app_for, people, ui_database, project):
    at = start_on_the_page(app_for(people.teacher, page="self_assessment"), project)
    with ui_database.begin() as session:
        assessment_id = self_assessments.current(session, actor=people.teacher, project_id=project).id
    key = f"sa{assessment_id}_results_links"
    at.text_area(key=key).set_value("https://example.org/blog\nmy twinspace")
    no_exception(at.run())

    assert "Links to the evidence: 'my twinspace' is not a web address" in page_text(at)
    assert at.text_area(key=key).value == "https://example.org/blog\nmy twinspace"
    with ui_database.begin() as session:
        assert "results" not in self_assessments.current(session, actor=people.teacher, project_id=project).entries


def test_the_self_assessment_page_speaks_french(app_for, people, project):
    at = start_on_the_page(no_exception(app_for(people.teacher, page="self_assessment", lang="fr")), project)
    labels = " ".join(e.label for e in at.expander)
    assert "Innovation pédagogique et créativité" in labels
    assert "Intégration au programme scolaire" in labels
    assert at.title[0].value == "Auto-évaluation"


# -- Dashboard and report --------------------------------------------------------------

def test_the_dashboard_shows_total_verdict_and_readiness(app_for, people, ui_database, project):
    assess_all(ui_database, people.teacher, project, level=4)
    at = no_exception(app_for(people.teacher, page="dashboard"))

    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Total": "24", "Maximum": "30", "Percentage": "80%"}  # English: no space (Babel)
    assert "Meets the label requirements" in at.success[0].value
    assert "Above the European Quality Label nomination threshold (20 points)." in [s.value for s in at.success]
    text = page_text(at)
    assert "Eligibility: The project is finished or about to finish." in text
    assert "Eligibility: You and your pupils took part in all the activities of the project." in text
    assert "Minimum: Collaboration between partner schools at level 2 or more" in text
    assert "To improve first" in text
    assert len(at.get("plotly_chart")) == 2


def test_the_dashboard_of_a_project_not_assessed_yet_says_so(app_for, people, project):
    at = no_exception(app_for(people.teacher, page="dashboard"))
    assert at.info[0].value == "The self-assessment of this project has not been started yet."


def test_the_report_page_offers_the_pdf(app_for, people, ui_database, project):
    at = no_exception(app_for(people.teacher, page="report"))
    assert "no self-assessment yet" in at.info[0].value  # still downloadable, all "not assessed"
    assert at.download_button[0].label == "Download the PDF"

    assess_all(ui_database, people.teacher, project)
    at = no_exception(app_for(people.teacher, page="report", lang="fr"))
    assert not at.info
    assert at.download_button[0].label == "Télécharger le PDF"
    assert at.segmented_control(key="report_lang").value == "fr"


def test_a_visit_to_the_report_page_makes_no_pdf(app_for, people, project, monkeypatch):
    # The PDF is made when the button is clicked (the browser test downloads it): a visit,
    # a change of project or of language only offers the button.
    from assess.reports import self_assessment

    made = []
    monkeypatch.setattr(self_assessment, "render_self_assessment_pdf", lambda *a, **k: made.append(a) or b"%PDF")
    at = no_exception(app_for(people.teacher, page="report"))
    at.segmented_control(key="report_lang").set_value("fr")
    no_exception(at.run())

    assert at.download_button[0].label == "Download the PDF"
    assert made == []


def test_the_office_picks_any_teachers_project_on_its_result_pages(app_for, people, ui_database, project):
    with ui_database.begin() as session:
        other = make_project(session, owner=people.other_teacher, title="Rivers of Europe").id
    for page in ("dashboard", "report", "survey_results"):
        at = no_exception(app_for(people.admin, page=page))
        picker = at.selectbox(key="project_picker")
        assert picker.options == ["Rivers of Europe", "Our European breakfast"], page  # newest change first
        picker.set_value(other)
        no_exception(at.run())
        assert at.session_state["project_id"] == other
    # A teacher's own only, even where the office sees all.
    at = no_exception(app_for(people.other_teacher, page="report"))
    assert at.selectbox(key="project_picker").options == ["Rivers of Europe"]


# -- Access ----------------------------------------------------------------------------

@pytest.mark.parametrize("page", TEACHER_PAGES)
def test_a_teacher_never_sees_another_teachers_project(app_for, people, project, page):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["lang"] = "en"
    sign_in_state(at.session_state, people.other_teacher)
    at.session_state["project_id"] = project  # Claire's project, e.g. from a shared link
    at.run()
    at.switch_page(f"assess/ui/pages/{page}.py")
    no_exception(at.run())
    assert "Our European breakfast" not in page_text(at)
    assert "No project yet." in page_text(at)


@pytest.mark.parametrize("page", TEACHER_PAGES)
def test_a_juror_is_refused_every_teacher_page(ui_database, people, project, page):
    # Not in a juror's navigation, so run the page file itself, as reached by its address.
    at = no_exception(run_page(page, people.juror, state={"project_id": project}))
    assert [e.value for e in at.error] == ["You are not allowed to do this."]
    assert "Our European breakfast" not in page_text(at)


@pytest.mark.parametrize(("page", "title"), [("projects", "Mes projets"), ("dashboard", "Tableau de bord"), ("report", "Rapport PDF")])
def test_the_other_pages_speak_french_too(app_for, people, ui_database, project, page, title):
    assess_all(ui_database, people.teacher, project, level=2)
    at = no_exception(app_for(people.teacher, page=page, lang="fr"))
    assert at.title[0].value == title
    assert "projects_page." not in page_text(at) and "dashboard_page." not in page_text(at)  # no missing key
