"""The application rules through the pages (AppTest, SQLite): a teacher keeps a draft
and finds it again, filled in; a teacher changes what they sent until the round closes;
the office sets a juror's maximum on the Users page."""

from __future__ import annotations

from sqlalchemy import select

from assess.services import jury
from assess.storage.models import Application, User
from tests.jury.helpers import apply, close, make_round
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


def test_a_teacher_changes_what_they_sent_until_the_round_closes(app_for, people, ui_database):  # noqa: F811
    with ui_database.begin() as session:
        made = make_round(session, office=people.admin)
        project = make_project(session, owner=people.teacher, title="Rivers of Europe")
        sent = apply(session, teacher=people.teacher, round_id=made.id, project_id=project.id)
        prefix = f"ap_edit_{sent.id}_"
    at = no_exception(app_for(people.teacher, page="applications"))
    # The form holds what was sent; the teacher rewrites one text and a link.
    assert at.text_area(key=f"{prefix}text_innovation").value == "What we did for innovation."
    at.text_area(key=f"{prefix}text_innovation").set_value("We rewrote our approach.")
    at.text_area(key=f"{prefix}links").set_value("https://example.org/new-evidence")
    at = click(at, "Save the changes")

    assert not at.exception and any("changes are saved" in s.value for s in at.success)
    with ui_database() as session:
        stored = session.get(Application, sent.id)
        assert stored.status == "submitted" and stored.texts["innovation"] == "We rewrote our approach."
        assert stored.texts["results"] == "What we did for results."
        assert stored.evidence_links == ["https://example.org/new-evidence"]

    at.text_area(key=f"{prefix}text_results").set_value("Changed with a bad link.")
    at.text_area(key=f"{prefix}links").set_value("javascript:alert(1)")  # refused, named after its field
    at = click(at, "Save the changes")
    assert at.error and any(c.value.startswith("Links to the evidence:") for c in at.caption)
    assert at.text_area(key=f"{prefix}text_results").value == "Changed with a bad link.", "what was typed stays"
    with ui_database() as session:
        stored = session.get(Application, sent.id)
        assert stored.texts["results"] == "What we did for results.", "nothing half-stored"
        assert stored.evidence_links == ["https://example.org/new-evidence"]

    french = no_exception(app_for(people.teacher, page="applications", lang="fr"))
    assert [b for b in french.button if b.label == "Enregistrer les modifications"]
    assert any("Jusqu'à la clôture de la session" in c.value for c in french.caption)

    with ui_database.begin() as session:
        close(session, made.id)
    at = no_exception(app_for(people.teacher, page="applications"))
    assert f"{prefix}text_innovation" not in [t.key for t in at.text_area]
    assert not [b for b in at.button if b.label == "Save the changes"]


def test_a_project_labelled_this_year_is_told_so_instead_of_being_offered_the_form(app_for, people, ui_database):  # noqa: F811
    from assess.services import settings
    from tests.jury.helpers import decide_round

    with ui_database.begin() as session:
        labelled = make_project(session, owner=people.teacher, title="Rivers of Europe")
        spring = make_round(session, office=people.admin, per_application=1, name="Spring")
        application = apply(session, teacher=people.teacher, round_id=spring.id, project_id=labelled.id)
        close(session, spring.id)
        decide_round(session, round_id=spring.id, jurors={people.juror.id: people.juror}, levels={application.id: 4})
        make_round(session, office=people.admin, name="Autumn")
        other = make_project(session, owner=people.teacher, title="Stars over Europe")
    at = no_exception(app_for(people.teacher, page="applications"))
    at.selectbox(key="applications_project").set_value(labelled.id).run()

    assert any("received the label" in i.value and "next school year" in i.value for i in at.info)
    assert not [b for b in at.button if b.label == "Send the application"]
    at.selectbox(key="applications_project").set_value(other.id).run()
    assert [b for b in at.button if b.label == "Send the application"], "another project applies as before"

    with ui_database.begin() as session:
        settings.put(session, actor=people.admin, key="one_label_per_year", value=False)
    at = no_exception(app_for(people.teacher, page="applications"))
    at.selectbox(key="applications_project").set_value(labelled.id).run()
    assert [b for b in at.button if b.label == "Send the application"], "the office lets labelled projects apply"


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
