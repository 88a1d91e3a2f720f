"""The Rounds page (AppTest, SQLite): a conflict the office records on a juror who saved
scores waits for the confirmation box; the conflicts table names the project."""

from __future__ import annotations

from sqlalchemy import func, select

from assess.services import jury
from assess.storage.models import JurorScore
from tests.jury.helpers import apply, close, make_round, score_all
from tests.services.helpers import make_project
from tests.ui.conftest import app_for, people, ui_database  # noqa: F401 (fixtures)
from tests.ui.test_teacher_pages import no_exception


def submit(at, label: str):
    next(b for b in at.button if b.label == label).click()
    return no_exception(at.run())


def test_recording_a_conflict_that_removes_scores_asks_for_the_box_first(app_for, people, ui_database):  # noqa: F811
    with ui_database.begin() as session:
        made = make_round(session, office=people.admin, per_application=1)
        project = make_project(session, owner=people.teacher, title="Rivers of Europe")
        application = apply(session, teacher=people.teacher, round_id=made.id, project_id=project.id)
        jury.auto_assign(session, actor=people.admin, round_id=made.id)
        close(session, made.id)
        score_all(session, juror=people.juror, application_id=application.id)
    at = no_exception(app_for(people.admin, page="rounds"))
    [s for s in at.selectbox if s.label == "Juror" and s.form_id == "rn_conflict"][-1].set_value(people.juror.id)
    at = submit(at, "Record the conflict")

    assert any("has already saved 6 scores" in e.value for e in at.error)
    with ui_database() as session:
        assert session.scalar(select(func.count()).select_from(JurorScore)) == 6

    at.checkbox(key="rn_conflict_confirm").check()
    [s for s in at.selectbox if s.label == "Juror" and s.form_id == "rn_conflict"][-1].set_value(people.juror.id)
    at = submit(at, "Record the conflict")

    assert "The conflict is recorded; the juror no longer sees the application." in [s.value for s in at.success]
    with ui_database() as session:
        assert session.scalar(select(func.count()).select_from(JurorScore)) == 0
    table = at.dataframe[-1].value
    assert "Rivers of Europe" in table.to_string()
