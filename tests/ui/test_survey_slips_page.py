"""Working addresses on the Surveys page (AppTest, real SQLite): the address printed on
slips and in links is shown before any is made, a guessed or loopback one is a warning in
words naming who fixes it, and lost or wrong slips are replaced by a new sheet, after a
confirmation. The old slips' page says they were replaced."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from assess.domain.permissions import Actor
from assess.services import campaigns, responding, settings
from assess.services.responding import VisitStatus
from tests.services.helpers import families_answers, make_campaign, make_project
from tests.ui.test_respond_page import respondent
from tests.ui.test_teacher_pages import no_exception, page_text

pytestmark = pytest.mark.xdist_group("ui")
FORMATTED_CODE = re.compile(r"\b[A-Z0-9]{5}-[A-Z0-9]{5}\b")
LOOPBACK_WARNING = "an address that only the server's own computer can open"


@pytest.fixture(autouse=True)
def no_address_in_the_environment(monkeypatch):
    monkeypatch.delenv(settings.PUBLIC_URL_VARIABLE, raising=False)
    monkeypatch.delenv(settings.SERVED_URL_VARIABLE, raising=False)


@pytest.fixture
def project(ui_database, people):
    with ui_database.begin() as session:
        return make_project(session, owner=people.teacher)


def click(at, key):
    at.button(key=key).click()
    return no_exception(at.run())


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_address_is_shown_and_a_loopback_one_warned_before_slips_are_made(app_for, people, ui_database, project):
    at = no_exception(app_for(people.teacher, page="surveys"))
    assert "Address printed on the slips and in the links: ` http://127.0.0.1:8501 `" in [m.value for m in at.markdown]
    [error] = at.error
    assert LOOPBACK_WARNING in error.value and "The national office must set" in error.value

    # Making slips all the same: the warning stays beside the download.
    at.number_input(key="sv_new_count").set_value(2)
    at = click(at, "sv_new_create")
    assert len([e for e in at.error if LOOPBACK_WARNING in e.value]) == 2
    assert at.download_button


def test_a_link_made_with_a_guessed_address_is_warned_in_french(app_for, people, ui_database, project, monkeypatch):
    monkeypatch.setenv(settings.SERVED_URL_VARIABLE, "http://192.168.1.20:8611")
    with ui_database.begin() as session:
        make_campaign(session, owner=people.teacher, project=project, mode="link")
    at = no_exception(app_for(people.teacher, page="surveys", lang="fr"))
    warnings = [w.value for w in at.warning if "Aucune adresse publique" in w.value]
    assert len(warnings) == 2, "at the top and beside the link"
    assert "page Paramètres" in warnings[0] and "http://192.168.1.20:8611" in warnings[0]
    assert at.code[0].value.startswith("http://192.168.1.20:8611/?survey=")


def test_the_address_the_office_set_carries_no_warning(app_for, people, ui_database, project):
    with ui_database.begin() as session:
        settings.put(session, actor=people.admin, key="public_url", value="https://label.example.org")
    at = no_exception(app_for(people.teacher, page="surveys"))
    assert "Address printed on the slips and in the links: ` https://label.example.org `" in [
        m.value for m in at.markdown]
    assert not at.error and not [w for w in at.warning if "address" in w.value]


def test_unused_codes_are_replaced_by_a_new_sheet_after_a_confirmation(app_for, people, ui_database, project):
    with ui_database.begin() as session:
        campaign_id = make_campaign(session, owner=people.teacher, project=project).id
        old = campaigns.issue_codes(session, actor=people.teacher, campaign_id=campaign_id, count=4)
        assert responding.submit_with_code(session, code=old[0], answers=families_answers(), language="fr").stored
        # The first sheet carried the loopback address; the office then sets the real one.
        settings.put(session, actor=Actor.system(), key="public_url", value="https://label.example.org")

    at = no_exception(app_for(people.teacher, page="surveys"))
    assert "the 3 unused codes stop working" in at.button(key=f"reissue_{campaign_id}").help
    at = click(at, f"reissue_{campaign_id}")
    assert any("Void the 3 unused codes" in w.value for w in at.warning)
    at = click(at, f"reissue_no_{campaign_id}")
    with ui_database.begin() as session:
        assert responding.visit_by_code(session, code=old[1]).status is VisitStatus.OPEN, "cancelled: nothing voided"

    at = click(at, f"reissue_{campaign_id}")
    at = click(at, f"reissue_yes_{campaign_id}")
    assert at.success[0].value.startswith("The unused codes are void and a new sheet of slips is ready")
    [download] = at.download_button
    assert download.label == "Download the 3 slips (PDF)"
    pdf, count = at.session_state["surveys_slips"][campaign_id]
    text = pdf_text(pdf)
    new = FORMATTED_CODE.findall(text)
    assert count == len(new) == 3 and text.count("https://label.example.org") == 3
    with ui_database.begin() as session:
        assert [responding.visit_by_code(session, code=c).status for c in old] == [VisitStatus.USED] + [
            VisitStatus.VOIDED] * 3
        assert all(responding.visit_by_code(session, code=c).status is VisitStatus.OPEN for c in new)
        (summary,) = campaigns.list_campaigns(session, actor=people.teacher, project_id=project.id)
    assert (summary.codes_issued, summary.codes_used) == (4, 1)


def test_every_code_used_offers_no_replacement(app_for, people, ui_database, project):
    with ui_database.begin() as session:
        campaign_id = make_campaign(session, owner=people.teacher, project=project).id
        (code,) = campaigns.issue_codes(session, actor=people.teacher, campaign_id=campaign_id, count=1)
        assert responding.submit_with_code(session, code=code, answers=families_answers(), language="fr").stored
    at = no_exception(app_for(people.teacher, page="surveys"))
    assert not [b for b in at.button if b.key == f"reissue_{campaign_id}"]


@pytest.mark.parametrize(("lang", "title"), [("en", "This code has been replaced"), ("fr", "Ce code a été remplacé")])
def test_an_old_slip_says_it_was_replaced(ui_database, people, project, lang, title):
    with ui_database.begin() as session:
        campaign_id = make_campaign(session, owner=people.teacher, project=project).id
        (old,) = campaigns.issue_codes(session, actor=people.teacher, campaign_id=campaign_id, count=1)
        campaigns.reissue_codes(session, actor=people.teacher, campaign_id=campaign_id)
    at = respondent(code=old, lang=lang)
    assert at.title[0].value == title
    assert at.text_input, "the form to type the new code"
    assert "Our European breakfast" not in page_text(at) and not at.radio, "no questionnaire"
