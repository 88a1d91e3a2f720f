"""The jury's pages through Streamlit's AppTest, on a real SQLite database: the juror's
scoring page (blind until submitted, conflicts refused like missing applications, drafts
saved through the widgets) and the teacher's applications page (applying, the yearly
limit, nothing of the jury's work before publication, the verdict and comments after)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from assess.domain.permissions import Actor
from assess.domain.readiness import ELIGIBILITY_QUESTIONS
from assess.services import applications, campaigns, decisions, jury
from assess.storage.models import Application
from tests.jury.helpers import CRITERIA, apply, close, make_juror, make_round, score_all
from tests.services.helpers import make_campaign, make_project
from tests.survey_results.helpers import FAMILIES, all_agree, questionnaire_of, respond_with_codes
from tests.ui.conftest import run_page as run_ui_page
from tests.ui.test_teacher_pages import no_exception
from tests.ui.test_teacher_pages import page_text as raw_page_text

pytestmark = pytest.mark.xdist_group("ui")

DENIED = "You are not allowed to do this."
NOT_FOUND = "This item does not exist or is not yours."
TITLE, CONFLICTED_TITLE = "Rivers of Europe", "Songs of the North Sea"
CO_COMMENT, CO_NOTE = "Co-juror comment about the breakfasts", "Co-juror private doubt"
OPEN = "jury_application"


@dataclass
class JuryRound:
    round_id: int
    application_id: int  # assigned to the juror and the co-juror
    conflicted_id: int  # the juror declared a conflict on it
    unassigned_id: int  # nobody assigned the juror to it
    co_juror: Actor


@pytest.fixture
def jury_round(people, ui_database) -> JuryRound:
    with ui_database.begin() as session:
        office = people.admin
        co_juror = make_juror(session, "bo.cojuror@example.org")
        made = make_round(session, office=office)
        first = apply(session, teacher=people.teacher, round_id=made.id,
                      project_id=make_project(session, owner=people.teacher, title=TITLE).id,
                      texts={c: f"Our work on {c}." for c in CRITERIA})
        second = apply(session, teacher=people.other_teacher, round_id=made.id,
                       project_id=make_project(session, owner=people.other_teacher, title=CONFLICTED_TITLE).id)
        third = apply(session, teacher=people.other_teacher, round_id=made.id,
                      project_id=make_project(session, owner=people.other_teacher, title="Unassigned one").id)
        close(session, made.id)
        for juror in (people.juror, co_juror):
            jury.assign_juror(session, actor=office, application_id=first.id, juror_id=juror.id)
        jury.assign_juror(session, actor=office, application_id=second.id, juror_id=people.juror.id)
        jury.declare_conflict(session, actor=people.juror, application_id=second.id, note="My cousin's school")
        ids = (made.id, first.id, second.id, third.id)
    return JuryRound(*ids, co_juror=co_juror)


def page_text(at: AppTest) -> str:
    """Every text of the page, with the Markdown escapes of user text taken out."""
    return raw_page_text(at).replace("\\", "")


def run_page(name: str, actor, *, lang: str = "en", state: dict | None = None) -> AppTest:
    return no_exception(run_ui_page(name, actor, lang=lang, state=state))


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    return no_exception(at.run())


def choose_levels(at: AppTest, assignment_id: int, levels: dict[str, int]) -> AppTest:
    for item, level in levels.items():
        at.segmented_control(key=f"jw{assignment_id}_{item}_level").set_value(level)
        no_exception(at.run())
    return at


def assignment_id(ui_database, juror: Actor, application_id: int) -> int:
    with ui_database.begin() as session:
        return jury.assignment_of(session, actor=juror, application_id=application_id).id


# --- the juror ------------------------------------------------------------------------------


def test_the_juror_lists_their_applications_with_progress(app_for, people, jury_round):
    at = no_exception(app_for(people.juror))  # the juror's default page

    assert [t.value for t in at.title] == ["My applications to score"]
    text = page_text(at)
    assert TITLE in text and "0 of 6 scored" in text and "not started" in text
    assert CONFLICTED_TITLE not in text and "Unassigned one" not in text

    click(at, "Score")
    assert [t.value for t in at.title] == [TITLE]
    assert "Our work on collaboration." in page_text(at)


def test_a_juror_sees_no_other_score_before_submitting_and_all_of_them_after(people, jury_round, ui_database):
    with ui_database.begin() as session:
        score_all(session, juror=jury_round.co_juror, application_id=jury_round.application_id, level=5,
                  comment=CO_COMMENT, private_note=CO_NOTE)
    mine = assignment_id(ui_database, people.juror, jury_round.application_id)
    at = run_page("jury_work", people.juror, state={OPEN: jury_round.application_id})

    def nothing_of_the_co_juror(at: AppTest) -> None:
        text = page_text(at)
        assert CO_COMMENT not in text and CO_NOTE not in text
        assert "Juror B" not in text and "Level 5: Excellent" not in text
        assert "**The other jurors**" not in text

    nothing_of_the_co_juror(at)
    choose_levels(at, mine, dict.fromkeys(CRITERIA[:-1], 3))
    nothing_of_the_co_juror(at)  # drafts saved, still blind

    # Submitting with a criterion missing: refused, and the message names it.
    click(at, "Submit my scores")
    assert [e.value for e in at.error] == ["Please correct the 1 field marked below."]
    assert [c.value for c in at.caption if "no level yet" in c.value] == ["Results and benefits: no level yet"]
    nothing_of_the_co_juror(at)

    choose_levels(at, mine, {CRITERIA[-1]: 3})
    click(at, "Submit my scores")
    assert any("cannot change afterwards" in w.value for w in at.warning)
    nothing_of_the_co_juror(at)
    click(at, "Yes, submit")

    text = page_text(at)
    assert "Juror B" in text and "Level 5: Excellent" in text
    assert f"{CO_COMMENT} (collaboration)" in text
    assert "Cojuror" not in text and "cojuror" not in text  # pseudonyms, never names
    with ui_database.begin() as session:
        assert jury.assignment_of(session, actor=people.juror, application_id=jury_round.application_id).submitted_at


def test_a_conflicted_unassigned_or_missing_application_gets_the_same_refusal(people, jury_round):
    for application_id in (jury_round.conflicted_id, jury_round.unassigned_id, 987654):
        at = run_page("jury_work", people.juror, state={OPEN: application_id})

        assert [e.value for e in at.error] == [NOT_FOUND]
        text = page_text(at)
        assert CONFLICTED_TITLE not in text and "Unassigned one" not in text
        assert "My cousin" not in text and not at.segmented_control and not at.text_area


def test_declaring_a_conflict_removes_the_application_from_the_list(people, jury_round, ui_database):
    at = run_page("jury_work", people.juror, state={OPEN: jury_round.application_id})
    at.text_area(key=f"jw_conflict_note_{jury_round.application_id}").set_value("I trained this teacher.")
    click(at, "Declare the conflict")

    assert any("conflict is recorded" in s.value for s in at.success)
    assert TITLE not in page_text(at)
    with ui_database.begin() as session:
        assert jury.my_assignments(session, actor=people.juror) == []
        kinds = [c.kind for c in jury.list_conflicts(session, actor=people.admin, round_id=jury_round.round_id)
                 if c.application_id == jury_round.application_id]
    assert kinds == ["declared_by_juror"]


@pytest.mark.parametrize("name", ["users", "rounds", "decisions", "reliability", "eql", "settings"])
def test_a_juror_cannot_reach_the_office_pages(people, name):
    at = run_page(name, people.juror)

    assert [e.value for e in at.error] == [DENIED]
    assert not at.dataframe and not at.get("form")


def test_the_scoring_page_refuses_teachers(people, jury_round):
    at = run_page("jury_work", people.teacher, state={OPEN: jury_round.application_id})

    assert [e.value for e in at.error] == [DENIED]
    assert TITLE not in page_text(at)


def test_drafts_saved_through_the_widgets_are_stored_and_come_back(people, jury_round, ui_database):
    mine = assignment_id(ui_database, people.juror, jury_round.application_id)
    at = run_page("jury_work", people.juror, state={OPEN: jury_round.application_id})
    choose_levels(at, mine, {"innovation": 4, "collaboration": 2})
    at.text_area(key=f"jw{mine}_innovation_comment").set_value("Fresh idea, well carried out.")
    no_exception(at.run())
    at.text_area(key=f"jw{mine}_collaboration_note").set_value("Partners seem absent.")
    no_exception(at.run())

    with ui_database.begin() as session:
        view = applications.application_for_juror(session, actor=people.juror, application_id=jury_round.application_id)
    assert {k: s.level for k, s in view.scores.items() if s.level is not None} == {"innovation": 4, "collaboration": 2}
    assert view.scores["innovation"].comment == "Fresh idea, well carried out."
    assert view.scores["collaboration"].private_note == "Partners seem absent."
    assert view.submitted_at is None

    again = run_page("jury_work", people.juror, state={OPEN: jury_round.application_id})  # a new browser session
    assert again.segmented_control(key=f"jw{mine}_innovation_level").value == 4
    assert again.segmented_control(key=f"jw{mine}_collaboration_level").value == 2
    assert again.segmented_control(key=f"jw{mine}_results_level").value is None
    assert again.text_area(key=f"jw{mine}_innovation_comment").value == "Fresh idea, well carried out."
    assert again.text_area(key=f"jw{mine}_collaboration_note").value == "Partners seem absent."
    assert "2 of 6 scored" in page_text(again)


def test_the_juror_reads_the_survey_results_per_criterion_and_small_groups_stay_hidden(
        people, jury_round, ui_database):
    with ui_database.begin() as session:
        project = session.get(Application, jury_round.application_id).project
        families = make_campaign(session, owner=people.teacher, project=project, audience="families")
        respond_with_codes(session, people.teacher, families, FAMILIES)
        teachers = make_campaign(session, owner=people.teacher, project=project, audience="teachers")
        questionnaire = questionnaire_of(teachers)
        respond_with_codes(session, people.teacher, teachers, [all_agree(questionnaire), all_agree(questionnaire)])
        campaigns.close_campaign(session, actor=people.teacher, campaign_id=teachers.id)  # the two count, hidden
    at = run_page("jury_work", people.juror, state={OPEN: jury_round.application_id})

    text = page_text(at)
    assert "Survey results" in text and "Families (5 respondents): " in text
    assert "Partner teachers: fewer than 5 respondents (2), not shown apart" in text
    assert "Merci" not in text  # comments are not part of the summary


def test_the_scoring_page_speaks_french(people, jury_round):
    at = run_page("jury_work", people.juror, lang="fr", state={OPEN: jury_round.application_id})

    text = page_text(at)
    assert "Envoyer mes notes" in [b.label for b in at.button]
    assert "Le texte de l'enseignant" in text and "Collaboration entre les écoles partenaires" in text


# --- the teacher ------------------------------------------------------------------------------


def fill_application(at: AppTest, prefix: str, *, links: str = "https://twinspace.example.org/rivers") -> None:
    for question in ELIGIBILITY_QUESTIONS:
        at.radio(key=f"{prefix}elig_{question}").set_value(True)
    for criterion in CRITERIA:
        at.text_area(key=f"{prefix}text_{criterion}").set_value(f"Through the page: {criterion}.")
    at.text_area(key=f"{prefix}links").set_value(links)
    at.selectbox(key=f"{prefix}language").set_value("fr")


def test_a_teacher_applies_through_the_page(app_for, people, ui_database):
    with ui_database.begin() as session:
        made = make_round(session, office=people.admin, name="Labels of the spring")
        project = make_project(session, owner=people.teacher, title=TITLE)
        ids = (made.id, project.id)
    at = no_exception(app_for(people.teacher, page="applications"))
    assert "Labels of the spring" in page_text(at)

    prefix = f"ap_{ids[0]}_{ids[1]}_"
    fill_application(at, prefix)
    at.radio(key=f"{prefix}elig_finished").set_value(False)
    click(at, "Send the application")
    assert at.error and "To apply, the project must be finished or about to finish." in page_text(at)

    at.radio(key=f"{prefix}elig_finished").set_value(True)
    click(at, "Send the application")

    assert any("application is sent" in s.value for s in at.success)
    with ui_database.begin() as session:
        [view] = applications.my_applications(session, actor=people.teacher)
        stored = session.scalar(select(Application).where(Application.id == view.id))
        assert (view.round_id, view.project_id, view.status) == (*ids, "submitted")
        assert stored.language == "fr" and stored.evidence_links == ["https://twinspace.example.org/rivers"]
        assert stored.texts["results"] == "Through the page: results."
    text = page_text(at)
    assert "Submitted" in text and "already applied in this round" in text


def test_the_fifth_application_of_the_school_year_is_not_offered(app_for, people, ui_database):
    # The limit is said before the form, not after the teacher filled it in (issue 13).
    with ui_database.begin() as session:
        made = make_round(session, office=people.admin)
        project_ids = [make_project(session, owner=people.teacher, title=f"Project {n}").id for n in range(5)]
        for project_id in project_ids[:4]:
            apply(session, teacher=people.teacher, round_id=made.id, project_id=project_id)
    at = no_exception(app_for(people.teacher, page="applications"))

    assert any(e.value.startswith("You have sent 4 applications in the") for e in at.info)
    assert "Send the application" not in [b.label for b in at.button]
    with ui_database.begin() as session:
        assert len(applications.my_applications(session, actor=people.teacher)) == 4


def test_a_teacher_withdraws_after_confirming(app_for, people, ui_database):
    with ui_database.begin() as session:
        made = make_round(session, office=people.admin)
        application = apply(session, teacher=people.teacher, round_id=made.id,
                            project_id=make_project(session, owner=people.teacher, title=TITLE).id)
        application_id = application.id
    at = app_for(people.teacher, page="applications")
    click(at, "Withdraw")
    assert any("Withdraw the application" in w.value for w in at.warning)
    click(at, "Yes, withdraw it")

    assert any("withdrawn" in s.value for s in at.success)
    with ui_database.begin() as session:
        assert applications.get_application(session, actor=people.teacher, application_id=application_id).status == "withdrawn"


def test_the_teacher_sees_nothing_of_the_jury_before_publication_and_the_feedback_after(
        app_for, people, ui_database):
    with ui_database.begin() as session:
        co_juror = make_juror(session, "bo.cojuror@example.org")
        made = make_round(session, office=people.admin)
        application = apply(session, teacher=people.teacher, round_id=made.id,
                            project_id=make_project(session, owner=people.teacher, title=TITLE).id)
        close(session, made.id)
        for juror, level in ((people.juror, 4), (co_juror, 3)):
            jury.assign_juror(session, actor=people.admin, application_id=application.id, juror_id=juror.id)
            score_all(session, juror=juror, application_id=application.id, level=level,
                      comment=f"Comment of the {level} juror", private_note="PRIVATE jury matter")
        decisions.stage_decision(session, actor=people.admin, application_id=application.id)
        round_id = made.id

    def seen() -> str:
        at = no_exception(app_for(people.teacher, page="applications"))
        return page_text(at)

    before = seen()
    assert TITLE in before and "Under review" in before and "jury is at work" in before
    for hidden in ("Comment of the", "PRIVATE", "Label awarded", "No label this time", "Juror A", "Ana Juror",
                   "Cojuror", "level 3.5", "21 / 30"):
        assert hidden not in before, hidden

    with ui_database.begin() as session:
        decisions.publish_round(session, actor=people.admin, round_id=round_id)

    after = seen()
    assert "Decided" in after and "Label awarded" in after
    assert "21 / 30" in after and "70%" in after and "70 %" not in after  # English writes no space
    assert "Comment of the 4 juror (collaboration)" in after and "Comment of the 3 juror (collaboration)" in after
    assert "level 3.5 of 5" in after
    for hidden in ("PRIVATE", "Juror A", "Juror B", "Ana Juror", "Cojuror"):
        assert hidden not in after, hidden


def test_a_french_juror_reads_the_other_jurors_as_jure_b(people, jury_round, ui_database):
    """Issue 12, "What was seen" 4: the pseudonym was built in English in the domain
    ("Juror B") and shown as is on the French page."""
    with ui_database.begin() as session:
        score_all(session, juror=jury_round.co_juror, application_id=jury_round.application_id, level=5,
                  comment=CO_COMMENT)
        score_all(session, juror=people.juror, application_id=jury_round.application_id, level=3)
    at = run_page("jury_work", people.juror, lang="fr", state={OPEN: jury_round.application_id})
    text = page_text(at)
    assert "Juré B" in text and "Juror B" not in text
