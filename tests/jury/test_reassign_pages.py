"""The Rounds page (AppTest, SQLite): the office narrows one juror's applications, moves
them to another juror, is told which ones cannot move and why (nothing moves then), and
is asked before the old juror's saved scores go."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assess.services import jury
from assess.storage.models import Assignment, JurorScore
from tests.jury.helpers import apply, make_juror, make_round, other_project, score_all
from tests.services.helpers import make_project, make_user
from tests.ui.conftest import app_for, people, ui_database  # noqa: F401 (fixtures)
from tests.ui.test_teacher_pages import no_exception

pytestmark = pytest.mark.xdist_group("ui")


def click(at, key: str):
    at.button(key=key).click()
    return no_exception(at.run())


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def holders(sessions) -> dict[int, int]:
    with sessions() as session:
        return dict(session.execute(select(Assignment.application_id, Assignment.juror_id)).all())


@pytest.fixture
def round_of_ana(ui_database, people):  # noqa: F811
    """Ana (the people's juror) judges four applications and saved scores on one; Carl
    works in the school of one of them; Ben is free."""
    with ui_database.begin() as session:
        made = make_round(session, office=people.admin, per_application=1)
        applied = {}
        for word in ("Rivers", "Stars", "Forests"):
            teacher = make_user(session, email=f"{word.lower()}@example.org", name=f"Teacher {word}")
            applied[word] = apply(session, teacher=teacher, round_id=made.id,
                                  project_id=make_project(session, owner=teacher, title=f"{word} of Europe").id).id
        applied["School trip"] = apply(session, teacher=people.other_teacher, round_id=made.id,
                                       project_id=other_project(session, people.other_teacher, title="School trip",
                                                                school_name="Lycée Nord").id).id
        for application_id in applied.values():
            jury.assign_juror(session, actor=people.admin, application_id=application_id, juror_id=people.juror.id)
        score_all(session, juror=people.juror, application_id=applied["Rivers"])
        carl = make_juror(session, "carl@example.org", school_name="Lycée Nord")
        ben = make_juror(session, "ben@example.org")
    return applied, carl.id, ben.id


def test_the_office_moves_a_narrowed_list_is_told_what_cannot_move_and_confirms_dropping_scores(
        app_for, people, ui_database, round_of_ana):  # noqa: F811
    applied, carl, ben = round_of_ana
    ana = people.juror.id
    at = no_exception(app_for(people.admin, page="rounds"))
    assert at.selectbox(key="rn_reassign_from").value == ana
    assert "Applications 1 to 4 of 4 shown; all 4 move." in texts(at.caption)

    # Not started: three applications, one of them in the school Carl works in.
    at.segmented_control(key="rn_reassign_state").set_value("not_started")
    at.selectbox(key="rn_reassign_to").set_value(carl)
    at = no_exception(at.run())
    table = at.dataframe[-1].value
    assert list(table["Application"]) == [applied["Stars"], applied["Forests"], applied["School trip"]]
    at = click(at, "rn_reassign")

    [refusal] = texts(at.error)
    assert refusal.startswith("Nothing was moved: 1 application cannot go to Carl\\.")
    assert (f"Application {applied['School trip']} \\(School trip\\): This juror may not judge this application\\. "
            "The juror works in the applicant school or in one of its partner schools\\.") in refusal
    assert set(holders(ui_database).values()) == {ana}

    # Narrowed by words to the two that can move: they move at once (no score to lose).
    at.text_input(key="rn_reassign_find").set_value("of europe")
    at = no_exception(at.run())
    assert list(at.dataframe[-1].value["Application"]) == [applied["Stars"], applied["Forests"]]
    at = click(at, "rn_reassign")
    assert "2 applications moved from Ana Juror to Carl." in texts(at.success)
    assert holders(ui_database) == {applied["Rivers"]: ana, applied["Stars"]: carl, applied["Forests"]: carl,
                                    applied["School trip"]: ana}

    # Everything left of Ana's to Ben: Ana's scores on "Rivers" go, so the page asks first.
    at.segmented_control(key="rn_reassign_state").set_value("all")
    at.text_input(key="rn_reassign_find").set_value("")
    at = no_exception(at.run())
    at.selectbox(key="rn_reassign_to").set_value(ben)
    at = no_exception(at.run())
    at = click(at, "rn_reassign")
    assert any("Ana Juror has saved scores on 1 of these applications" in w for w in texts(at.warning))
    assert holders(ui_database)[applied["Rivers"]] == ana  # nothing moved before the answer
    at = click(at, "rn_reassign_no")
    assert not at.warning and holders(ui_database)[applied["Rivers"]] == ana
    at = click(at, "rn_reassign")
    at = click(at, "rn_reassign_yes")

    assert "2 applications moved from Ana Juror to Ben." in texts(at.success)
    assert holders(ui_database) == {applied["Rivers"]: ben, applied["Stars"]: carl, applied["Forests"]: carl,
                                    applied["School trip"]: ben}
    with ui_database() as session:
        assert session.scalar(select(func.count()).select_from(JurorScore)) == 0


def test_the_section_speaks_french(app_for, people, ui_database, round_of_ana):  # noqa: F811
    at = no_exception(app_for(people.admin, page="rounds", lang="fr"))
    assert "Déplacer des candidatures vers un autre juré" in [h.value for h in at.subheader]
    assert at.button(key="rn_reassign").label == "Déplacer les 4 candidatures"
