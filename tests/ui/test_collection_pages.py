"""How answers were collected, on the teacher's survey results and the juror's page, and the
teacher's choice of one response per device on a public link (issue 10, finding 4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from assess.services import link_guard, projects, responding, survey_imports
from assess.storage.models import Application, SurveyCampaign, utcnow
from tests.imports.helpers import sample
from tests.services.helpers import families_answers, make_campaign, make_project, public_link_token
from tests.survey_results.helpers import FAMILIES, respond_with_codes
from tests.ui.test_jury_work_pages import OPEN, jury_round, run_page  # noqa: F401 (jury_round: a fixture)
from tests.ui.test_survey_pages import click
from tests.ui.test_teacher_pages import no_exception, page_text

pytestmark = pytest.mark.xdist_group("ui")


def collect(ui_database, teacher, project_id: int) -> None:
    """Families: 5 by codes, 23 by a public link (21 in one minute), 3 from Google Forms."""
    with ui_database.begin() as session:
        project = projects.get_project(session, actor=teacher, project_id=project_id)
        codes = make_campaign(session, owner=teacher, project=project)
        respond_with_codes(session, teacher, codes, FAMILIES)
        link = make_campaign(session, owner=teacher, project=project, mode="link")
        token = public_link_token(session, owner=teacher, campaign_id=link.id)
        minute = utcnow().replace(second=1)
        for index in range(23):
            now = minute + timedelta(minutes=5) if index >= 2 else minute
            assert responding.submit_with_link(session, token=token, nonce=f"n{index}", answers=families_answers(),
                                               language="fr", browser_id=link_guard.new_browser_id(session),
                                               now=now).stored
    upload = survey_imports.read_upload(file_name="google-families-en.csv", data=sample("google-families-en.csv"))
    survey_imports.import_upload(ui_database, actor=teacher, project_id=project_id, audience="families", upload=upload)


@pytest.mark.parametrize("lang, lines", [
    ("en", ["How the answers were collected",
            "Families: With single-use codes: 5 · Through a public link: 23 · Imported from Google Forms: 3",
            "21 of the responses through a link arrived in bursts (more than 20 in one minute)"]),
    ("fr", ["Comment les réponses ont été recueillies",
            "Familles\u00a0: Avec des codes à usage unique\u00a0: 5 · Par un lien public\u00a0: 23 · Importées de Google Forms\u00a0: 3",
            "21 des réponses reçues par un lien sont arrivées en rafale (plus de 20 en une minute)"]),
])
def test_the_teachers_results_say_how_answers_were_collected(app_for, people, ui_database, lang, lines):
    with ui_database.begin() as session:
        project_id = make_project(session, owner=people.teacher).id
    collect(ui_database, people.teacher, project_id)
    at = no_exception(app_for(people.teacher, page="survey_results", lang=lang))
    text = page_text(at)
    for line in lines:
        assert line in text


def test_the_juror_reads_how_answers_were_collected(people, ui_database, jury_round):  # noqa: F811
    with ui_database.begin() as session:
        project_id = session.get(Application, jury_round.application_id).project_id
    collect(ui_database, people.teacher, project_id)
    at = run_page("jury_work", people.juror, state={OPEN: jury_round.application_id})
    text = page_text(at)
    assert "How the answers were collected" in text
    assert "Through a public link: 23" in text and "21 of the responses through a link arrived in bursts" in text


def created_rule(ui_database) -> bool:
    with ui_database.begin() as session:
        return session.scalar(select(SurveyCampaign.one_response_per_device))


@pytest.mark.parametrize("one_per_device", [True, False])
def test_the_teacher_chooses_one_response_per_device_when_making_a_link(app_for, people, ui_database,
                                                                       one_per_device):
    with ui_database.begin() as session:
        make_project(session, owner=people.teacher)
    at = no_exception(app_for(people.teacher, page="surveys"))
    assert not [t for t in at.toggle if t.key == "sv_new_one_per_device"]  # codes: nothing to choose
    at.radio(key="sv_new_mode").set_value("link")
    no_exception(at.run())
    toggle = at.toggle(key="sv_new_one_per_device")
    assert toggle.value is True and toggle.label == "One response per device"
    if not one_per_device:
        toggle.set_value(False)
        no_exception(at.run())
    click(at, "sv_new_create")
    assert created_rule(ui_database) is one_per_device
