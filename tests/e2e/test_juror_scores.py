"""A juror's journey in a real browser: sign in, open the application assigned to them,
choose a level for every criterion and gated sub-criterion, submit; the services then
find the assignment submitted with those levels."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from assess import clock
from assess.domain.permissions import Actor
from assess.domain.readiness import ELIGIBILITY_QUESTIONS
from assess.services import accounts, applications, jury, rounds
from tests.e2e.conftest import PASSWORD, PROJECT_TITLE, sign_in, wait_idle
from tests.e2e.test_self_assessment_journey import choose

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

JUROR_EMAIL = "juror@example.org"
RUBRIC = "etwinning-2021"  # five criteria and three gated sub-criteria
LEVELS = {"collaboration": 4, "technology": 3, "pedagogy": 5, "curricular-integration": 4, "results": 3,
          "online-collaboration": 4, "digital-tools": 3, "safety": 4}


@pytest.fixture
def assigned(live_app):
    """A closed round of the 2021 rubric, the teacher's application in it, a juror assigned."""
    today = clock.today()
    with live_app.sessions.begin() as session:
        office = Actor.system()
        juror = accounts.actor_of(accounts.create_user(
            session, actor=office, email=JUROR_EMAIL, display_name="Ana Juror", roles={"juror"}, password=PASSWORD))
        made = rounds.create_round(session, actor=office, kind="label", name="Labels 2026", rubric_id=RUBRIC,
                                   opens_on=today - timedelta(days=10), closes_on=today + timedelta(days=10))
        rubric = rounds.rubric_of(made)
        application = applications.apply(
            session, actor=live_app.teacher, round_id=made.id, project_id=live_app.project_id,
            eligibility=dict.fromkeys(ELIGIBILITY_QUESTIONS, True),
            texts={c.id: f"What we did for {c.name.get('en')}." for c in rubric.criteria},
            evidence_links=["https://twinspace.example.org/breakfast"], language="en",
        )
        rounds.update_round(session, actor=office, round_id=made.id, opens_on=today - timedelta(days=30),
                            closes_on=today - timedelta(days=1))
        assignment = jury.assign_juror(session, actor=office, application_id=application.id, juror_id=juror.id)
        return juror, application.id, assignment.id, rubric


def test_a_juror_scores_an_application_and_submits(live_app, assigned, browser, tmp_path):
    juror, application_id, assignment_id, rubric = assigned
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)
    sign_in(page, live_app.url, JUROR_EMAIL, landing="My applications to score")

    page.locator(f".st-key-jury_item_{application_id}").get_by_role("button", name="Score").click()
    page.get_by_role("heading", name=PROJECT_TITLE).wait_for()
    wait_idle(page)
    page.get_by_text("What we did for Use of ICT.").wait_for(state="attached")

    for item in [*rubric.criteria, *rubric.gates]:
        level = LEVELS[item.id]
        expander = page.locator(f".st-key-jw_exp_{application_id}_{item.id}")
        expander.locator("summary").click()
        choose(expander, level)
        # The label says the level once the callback has saved it and the page has rerun.
        expander.locator("summary").filter(has_text=f"Level {level}: {item.level(level).label.get('en')}").wait_for()
        wait_idle(page)
    expect(page.get_by_text(f"{len(LEVELS)} of {len(LEVELS)} scored")).to_be_visible()

    page.get_by_role("button", name="Submit my scores").click()
    wait_idle(page)
    page.get_by_role("button", name="Yes, submit").click()
    page.get_by_text("You submitted your scores on").wait_for()
    page.screenshot(path=str(tmp_path / "juror-submitted.png"), full_page=True)

    with live_app.sessions.begin() as session:
        view = applications.application_for_juror(session, actor=juror, application_id=application_id)
        assert view.assignment_id == assignment_id
        assert view.submitted_at is not None
        assert {item_id: score.level for item_id, score in view.scores.items()} == LEVELS
    page.close()
