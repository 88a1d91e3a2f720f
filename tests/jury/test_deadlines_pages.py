"""The scoring deadline on the pages: the juror's list (the current round apart from the
published ones, the deadline in words, "Next application") and the office's progress tab
of the rounds page (each juror, the late list), through Streamlit's AppTest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from streamlit.testing.v1 import AppTest

from assess.domain.permissions import Actor
from assess.i18n.formats import format_date
from assess.services import decisions, jury, rounds
from tests.jury.helpers import TODAY, apply, close, make_juror, make_round, score_all
from tests.services.helpers import make_project
from tests.ui import conftest as ui_fixtures
from tests.ui.conftest import run_page
from tests.ui.test_teacher_pages import no_exception
from tests.ui.test_teacher_pages import page_text as raw_page_text

pytestmark = pytest.mark.xdist_group("ui")

# The AppTest fixtures of tests/ui: a migrated SQLite database for the app, its people.
ui_database = ui_fixtures.ui_database
people = ui_fixtures.people

OPEN = "jury_application"
OFFICE = Actor.system()


def page_text(at: AppTest) -> str:
    return raw_page_text(at).replace("\\", "").replace("\u00a0", " ")


def click(at: AppTest, label: str, index: int = 0) -> AppTest:
    [b for b in at.button if b.label == label][index].click()
    return no_exception(at.run())


@dataclass
class TwoRounds:
    current_id: int
    waiting: list[int]  # the current round's applications, in the juror's order
    deadline: object


@pytest.fixture
def two_rounds(people, ui_database) -> TwoRounds:
    """The juror scored and saw published three applications last session; this session
    two wait for them, due in five days."""
    with ui_database.begin() as session:
        past = make_round(session, name="Labels autumn", per_application=1)
        decided = [apply(session, teacher=people.teacher, round_id=past.id,
                         project_id=make_project(session, owner=people.teacher, title=f"Autumn {n}").id).id
                   for n in (1, 2, 3)]
        close(session, past.id)
        for application_id in decided:
            jury.assign_juror(session, actor=OFFICE, application_id=application_id, juror_id=people.juror.id)
            score_all(session, juror=people.juror, application_id=application_id)
            decisions.stage_decision(session, actor=OFFICE, application_id=application_id)
        decisions.publish_round(session, actor=OFFICE, round_id=past.id)

        current = make_round(session, name="Labels spring", per_application=1)
        waiting = [apply(session, teacher=people.other_teacher, round_id=current.id,
                         project_id=make_project(session, owner=people.other_teacher, title=f"Spring {n}").id).id
                   for n in (1, 2)]
        close(session, current.id)
        deadline = TODAY + timedelta(days=5)
        rounds.update_round(session, actor=OFFICE, round_id=current.id, scoring_deadline=deadline)
        for application_id in waiting:
            jury.assign_juror(session, actor=OFFICE, application_id=application_id, juror_id=people.juror.id)
    return TwoRounds(current.id, waiting, deadline)


def test_the_juror_counts_the_current_round_only_and_sees_its_deadline(people, two_rounds):
    at = no_exception(run_page("jury_work", people.juror))
    text = page_text(at)
    assert "0 of 2 applications submitted" in text
    assert "of 5 applications submitted" not in text, "the published round is not counted with the current one"
    assert f"Scoring deadline: {format_date(two_rounds.deadline, 'en').replace(chr(160), ' ')} (5 days left)" in text
    assert "Spring 1" in text and "Spring 2" in text
    # The published round, apart: folded, with its own count.
    assert "Published rounds (1)" in [e.label for e in at.expander]
    assert "3 of 3 applications submitted" in text


def test_next_application_opens_the_next_unsubmitted_one(people, two_rounds, ui_database):
    at = no_exception(run_page("jury_work", people.juror))
    click(at, "Next application")
    assert [t.value for t in at.title] == ["Spring 1"]
    click(at, "Next application")
    assert [t.value for t in at.title] == ["Spring 2"]
    with ui_database.begin() as session:
        score_all(session, juror=people.juror, application_id=two_rounds.waiting[0])
    click(at, "Next application")
    assert [t.value for t in at.title] == ["Spring 2"] and not [b for b in at.button if b.label == "Next application"], \
        "Spring 1 is submitted: nothing else is left, so no button"


def test_the_juror_page_in_french_says_the_deadline_in_words(people, two_rounds):
    text = page_text(no_exception(run_page("jury_work", people.juror, lang="fr")))
    assert f"Date limite de notation : {format_date(two_rounds.deadline, 'fr').replace(chr(160), ' ')} " \
        "(encore 5 jours)" in text
    assert "0 candidature envoyée sur 2" in text and "Candidature suivante" in text


def test_the_office_sees_each_jurors_progress_and_the_late_list(people, two_rounds, ui_database):
    with ui_database.begin() as session:
        late_juror = make_juror(session, "late@example.org")
        rounds.update_round(session, actor=OFFICE, round_id=two_rounds.current_id,
                            scoring_deadline=TODAY - timedelta(days=1), closes_on=TODAY - timedelta(days=2))
        jury.assign_juror(session, actor=OFFICE, application_id=two_rounds.waiting[0], juror_id=late_juror.id)
    at = no_exception(run_page("rounds", people.admin, state={"office_round_id": two_rounds.current_id}))
    assert "Progress" in [t.label for t in at.tabs]
    frames = [f.value for f in at.table]
    jurors = next(f for f in frames if "Assigned" in f.columns)
    assert sorted(zip(jurors["Juror"], jurors["Assigned"], jurors["Submitted"], jurors["Left"], jurors["Deadline"],
                      strict=True)) == [("Ana Juror", 2, 0, 2, "Late"), ("Late", 1, 0, 1, "Late")]
    # The late list names each late juror with the applications left and how late.
    late = next(f for f in frames if "Against the deadline" in f.columns)
    assert sorted(zip(late["Juror"], late["Left"], late["Against the deadline"], strict=True)) == [
        ("Ana Juror", 2, "1 day late"), ("Late", 1, "1 day late")]


def test_the_office_sets_the_deadline_in_the_round_settings(people, two_rounds, ui_database):
    at = no_exception(run_page("rounds", people.admin, state={"office_round_id": two_rounds.current_id}))
    field = next(d for d in at.date_input if d.label == "Scoring deadline" and d.key != "rn_new_deadline")
    assert field.value == two_rounds.deadline
    field.set_value(TODAY - timedelta(days=1))  # the closing day itself: no day left to score
    next(b for b in at.button if b.label == "Save the round").click()
    text = page_text(no_exception(at.run()))
    assert "The scoring deadline must come after the closing date" in text
    later = two_rounds.deadline + timedelta(days=7)
    next(d for d in at.date_input if d.label == "Scoring deadline" and d.key != "rn_new_deadline").set_value(later)
    next(b for b in at.button if b.label == "Save the round").click()
    no_exception(at.run())
    with ui_database.begin() as session:
        assert rounds.get_round(session, actor=OFFICE, round_id=two_rounds.current_id).scoring_deadline == later
