"""Standing conflicts and teachers' waiting declarations on the pages, through AppTest on a
real SQLite database: the office records one on the Rounds page (asked first when scores
go), reads names and titles, removes it; a juror declares their own on their page; the
office confirms a teacher's waiting declaration."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assess.services import jury
from assess.storage.models import JurorScore, School
from tests.jury.helpers import apply, make_round, score_all
from tests.services.helpers import make_project
from tests.ui.test_jury_work_pages import page_text, run_page
from tests.ui.test_teacher_pages import no_exception

pytestmark = pytest.mark.xdist_group("ui")


def press(at, label: str):
    next(b for b in at.button if b.label == label).click()
    return no_exception(at.run())


@pytest.fixture
def scored(ui_database, people):
    """An open round: Claire's application, scored and submitted by Ana Juror."""
    with ui_database.begin() as session:
        made = make_round(session, office=people.admin)
        application = apply(session, teacher=people.teacher, round_id=made.id,
                            project_id=make_project(session, owner=people.teacher, title="Rivers <b>of</b> Europe").id)
        jury.assign_juror(session, actor=people.admin, application_id=application.id, juror_id=people.juror.id)
        score_all(session, juror=people.juror, application_id=application.id)
        return made.id, application.id


def scores(ui_database) -> int:
    with ui_database.begin() as session:
        return session.scalar(select(func.count()).select_from(JurorScore))


def test_the_office_records_a_standing_conflict_after_confirming_then_removes_it(people, scored, ui_database):
    at = run_page("rounds", people.admin)
    at.selectbox(key="rn_standing_juror").set_value(people.juror.id)
    at.selectbox(key="rn_standing_teacher").set_value(people.teacher.id)
    at.text_area(key="rn_standing_note").set_value("Married to the teacher.")
    at = press(at, "Record the standing conflict")
    [asked] = [e.value for e in at.error]
    assert "Ana Juror has already saved 6 scores on applications this conflict forbids" in asked
    assert scores(ui_database) == 6

    at.checkbox(key="rn_standing_confirm").check()
    at = press(at, "Record the standing conflict")
    assert "The standing conflict is recorded; the juror no longer sees those applications." in \
        [s.value for s in at.success]
    assert scores(ui_database) == 0
    table = next(f.value for f in at.dataframe if "Recorded by" in f.value.columns)
    assert list(table["Juror"]) == ["Ana Juror"] and list(table["With"]) == ["Claire Martin"]
    assert list(table["Reason"]) == ["Personal (family, partner, friend)"]
    # The round's applications tab names the juror and the kind in words.
    listed = next(f.value for f in at.dataframe if "Conflicts" in f.value.columns)
    assert list(listed["Conflicts"]) == ["Ana Juror (Standing conflict with the teacher)"]

    french = run_page("rounds", people.admin, lang="fr")
    assert "Conflits permanents (toutes les sessions)" in [t.label for t in french.tabs]
    with ui_database.begin() as session:
        [standing] = jury.list_standing_conflicts(session, actor=people.admin)
    at.selectbox(key="rn_standing_remove").set_value(standing.id)
    at = press(at, "Remove the standing conflict")
    assert any(s.value.startswith("The standing conflict is removed") for s in at.success)
    assert "No standing conflict recorded." in [c.value for c in at.caption]


def test_the_office_confirms_a_teachers_waiting_declaration(people, scored, ui_database):
    round_id, application_id = scored
    with ui_database.begin() as session:
        jury.declare_conflict(session, actor=people.teacher, application_id=application_id, juror_id=people.juror.id)
    assert scores(ui_database) == 6
    at = run_page("rounds", people.admin)
    table = next(f.value for f in at.dataframe if "Teacher" in f.value.columns and "Note" in f.value.columns)
    assert list(table["Project"]) == ["Rivers <b>of</b> Europe"] and list(table["Juror"]) == ["Ana Juror"]
    at = press(at, "Confirm the conflict")
    assert scores(ui_database) == 6, "not without the box ticked"
    at.checkbox(key="rn_pending_confirm").check()
    at = press(at, "Confirm the conflict")
    assert scores(ui_database) == 0
    with ui_database.begin() as session:
        assert jury.pending_declarations(session, actor=people.admin, round_id=round_id) == []


@pytest.fixture
def drafted(ui_database, people):
    """An open round: Claire's application, scored by Ana Juror but not submitted."""
    with ui_database.begin() as session:
        made = make_round(session, office=people.admin)
        application = apply(session, teacher=people.teacher, round_id=made.id,
                            project_id=make_project(session, owner=people.teacher, title="Rivers <b>of</b> Europe").id)
        jury.assign_juror(session, actor=people.admin, application_id=application.id, juror_id=people.juror.id)
        score_all(session, juror=people.juror, application_id=application.id, submit=False)
        return made.id, application.id


def declare_school(people, ui_database):
    with ui_database.begin() as session:
        school = session.scalar(select(School.id).where(School.name == "Scoil Mhuire"))
    at = run_page("jury_work", people.juror)
    assert "Rivers <b>of</b> Europe" in page_text(at)
    at.radio(key="jw_standing_with").set_value("school")
    at = no_exception(at.run())
    at.selectbox(key="jw_standing_school").set_value(school)
    at.selectbox(key="jw_standing_relation").set_value("former_colleague")
    at.checkbox(key="jw_standing_confirm").check()
    return press(at, "Declare it")


def test_a_juror_declares_a_school_they_never_judge(people, drafted, ui_database):
    at = declare_school(people, ui_database)
    assert "It is recorded: none of their applications will be given to you." in [s.value for s in at.success]
    text = page_text(at)
    assert "Scoil Mhuire (IE): Former colleague" not in text and "Scoil Mhuire (Ireland): Former colleague" in text
    assert "Rivers <b>of</b> Europe" not in text, "its partner school: the application left the list"
    assert scores(ui_database) == 0, "their own drafts went with it"


def test_a_juror_who_submitted_is_sent_to_the_office(people, scored, ui_database):
    """Submitted scores are final: the juror's page says who can record the conflict now."""
    at = declare_school(people, ui_database)
    assert not at.success
    [refused] = [e.value for e in at.error]
    assert "write to the national office" in refused
    assert "Rivers <b>of</b> Europe" in page_text(at) and scores(ui_database) == 6
