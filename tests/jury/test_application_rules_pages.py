"""The application rules through the pages (AppTest, SQLite): a teacher keeps a draft
and finds it again, filled in; the office sets a juror's maximum on the Users page."""

from __future__ import annotations

from sqlalchemy import select

from assess.services import jury
from assess.storage.models import Application, User
from tests.jury.helpers import make_round
from tests.services.helpers import make_project
from tests.ui.conftest import app_for, people, ui_database  # noqa: F401 (fixtures)
from tests.ui.test_jury_work_pages import fill_application
from tests.ui.test_teacher_pages import no_exception


def click(at, label: str):
    [button] = [b for b in at.button if b.label == label]
    button.click()
    return at.run()


def test_a_teacher_keeps_a_draft_then_finds_it_filled_in_and_sends_it(app_for, people, ui_database):  # noqa: F811
    with ui_database.begin() as session:
        made = make_round(session, office=people.admin)
        project = make_project(session, owner=people.teacher, title="Rivers of Europe")
        prefix = f"ap_{made.id}_{project.id}_"
    at = no_exception(app_for(people.teacher, page="applications"))
    at.text_area(key=f"{prefix}text_innovation").set_value("A first idea.")
    at = click(at, "Keep as a draft")

    assert any("draft is kept" in s.value for s in at.success)
    with ui_database() as session:
        [stored] = session.scalars(select(Application)).all()
        assert (stored.status, stored.texts) == ("draft", {"innovation": "A first idea."})

    at = no_exception(app_for(people.teacher, page="applications"))  # another day, another browser session
    assert at.text_area(key=f"{prefix}text_innovation").value == "A first idea."
    assert "Draft" in [b.proto.label for b in at.get("badge")] or any("draft" in c.value for c in at.caption)
    fill_application(at, prefix)
    at = click(at, "Send the application")

    assert not at.exception
    with ui_database() as session:
        [stored] = session.scalars(select(Application)).all()
        assert stored.status == "submitted"


def test_the_office_sets_a_jurors_maximum_on_the_users_page(app_for, people, ui_database):  # noqa: F811
    at = no_exception(app_for(people.admin, page="users"))
    at.selectbox[0].set_value(people.juror.id).run()
    [capacity] = [n for n in at.number_input if n.label.startswith("Most applications per round")]
    capacity.set_value(3)
    at = click(at, "Save the maximum")

    assert not at.exception
    with ui_database() as session:
        assert session.get(User, people.juror.id).max_per_round == 3
    with ui_database() as session:
        assert jury.capacity_of(session, actor=people.admin, juror_id=people.juror.id) == 3
