"""Subjects and project languages are stored as codes and shown in the reader's language
(issue 15): a project registered from English pages reads "Géographie, Français" in the
French PDF, the form and the statistics name them in the page's language, and a word kept
from before the lists stays readable, as typed."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import update

from assess.domain.statistics import Filters
from assess.reports.self_assessment import render_self_assessment_pdf
from assess.services import national, projects, self_assessments
from assess.services.errors import InvalidInput
from assess.storage.models import Project
from tests.jury.helpers import apply, make_round
from tests.services.helpers import make_project, make_user
from tests.ui.conftest import app_for, people, ui_database  # noqa: F401 (fixtures)
from tests.ui.test_teacher_pages import assess_all, fill_project_form, no_exception


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def test_the_french_pdf_names_subjects_and_languages_in_french(session, teacher):
    project = make_project(session, owner=teacher, subjects=["Geography", "Biology"], languages=["English", "German"])
    assert (project.subjects, project.languages) == (["geography", "biology"], ["en", "de"])
    report = self_assessments.report(session, actor=teacher, project_id=project.id)

    french, english = (pdf_text(render_self_assessment_pdf(report, lang=lang)) for lang in ("fr", "en"))

    assert "Géographie, Biologie" in french and "anglais, allemand" in french
    assert "Geography" not in french and "English" not in french
    assert "Geography, Biology" in english and "English, German" in english


def test_a_word_kept_from_before_stays_as_typed_and_on_the_project(session, teacher):
    project = make_project(session, owner=teacher)
    session.execute(update(Project).where(Project.id == project.id)
                    .values(subjects=["Robotique", "geography"], languages=["Klingon", "fr"]))
    session.expire_all()
    values = projects.form_values(projects.get_project(session, actor=teacher, project_id=project.id))

    # Saved again as it is: the kept words stay.
    kept = projects.update_project(session, actor=teacher, project_id=project.id, raw=values)
    assert (kept.subjects, kept.languages) == (["Robotique", "geography"], ["Klingon", "fr"])
    report = self_assessments.report(session, actor=teacher, project_id=project.id)
    assert "Robotique, Géographie" in pdf_text(render_self_assessment_pdf(report, lang="fr"))

    # Another project cannot take the word up: the lists are closed.
    other = make_user(session, email="jonas@example.org")
    with pytest.raises(InvalidInput) as refused:
        make_project(session, owner=other, subjects=["Robotique"])
    assert [(e.field, e.key) for e in refused.value.errors] == [("subjects", "errors.unknown_subject")]
    assert "«\u00a0Robotique\u00a0» ne fait pas partie des disciplines proposées" in refused.value.errors[0].message("fr")


def test_the_statistics_count_codes_whatever_language_the_project_was_registered_in(session, teacher):
    office = make_user(session, email="office@example.org", roles={"admin"})
    made = make_round(session)
    english = make_project(session, owner=teacher, subjects=["Geography"])
    french = make_project(session, owner=teacher, title="Rivers of Europe", subjects=["géographie", "Histoire"])
    for project in (english, french):
        apply(session, teacher=teacher, round_id=made.id, project_id=project.id)

    options = national.filter_options(session, actor=office)
    by_subject = {row.key: row.tally.applications
                  for row in national.applications_by_axis(session, actor=office, filters=Filters()).axis("subject")}

    assert set(options.subjects) == {"geography", "history"}
    assert by_subject == {"geography": 2, "history": 1}, "one subject, whatever the language it was picked in"


@pytest.mark.xdist_group("ui")
def test_the_french_form_offers_the_subjects_in_french_and_stores_codes(app_for, people, ui_database):  # noqa: F811
    at = no_exception(app_for(people.teacher, page="projects", lang="fr"))
    at.button[0].click()
    no_exception(at.run())
    subjects = at.multiselect(key="pf_new_subjects")
    assert "Géographie" in subjects.options and "Geography" not in subjects.options
    assert "allemand" in at.multiselect(key="pf_new_languages").options
    fill_project_form(at, subjects=["geography", "biology"], languages=["en", "fr"])
    next(b for b in at.button if b.label == "Enregistrer le projet").click()
    at = no_exception(at.run())
    assert not at.error, [e.value for e in at.error] + [c.value for c in at.caption] + [m.value for m in at.markdown]
    with ui_database.begin() as session:
        [stored] = projects.list_projects(session, actor=people.teacher)
        assert (stored.subjects, stored.languages) == (["geography", "biology"], ["en", "fr"])
    # The same project opened from English pages.
    at = no_exception(app_for(people.teacher, page="projects"))
    next(b for b in at.button if b.label == "Edit").click()
    no_exception(at.run())
    [edited] = [m for m in at.multiselect if m.key and m.key.endswith("subjects")]
    assert edited.value == ["geography", "biology"] and "Geography" in edited.options


@pytest.mark.xdist_group("ui")
def test_the_statistics_page_names_subjects_in_the_readers_language(app_for, people, ui_database):  # noqa: F811
    with ui_database.begin() as session:
        project = make_project(session, owner=people.teacher, subjects=["Geography", "Biology"])
        session.execute(update(Project).where(Project.id == project.id).values(subjects=["geography", "Robotique"]))
    assess_all(ui_database, people.teacher, project.id)
    at = no_exception(app_for(people.admin, page="national_statistics", lang="fr"))
    options = at.selectbox(key="statistics_subject").options
    assert "Géographie" in options and "Robotique" in options and "geography" not in options
    assert not [o for o in options if re.fullmatch(r"[a-z_]+", o)], options
