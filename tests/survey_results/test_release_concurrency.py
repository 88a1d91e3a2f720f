"""Two submissions stored at once (PostgreSQL, where writers do run together) never
release one response alone: the second waits for the first's release, then counts one
new response, not five."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from assess.domain.questionnaire import ItemType
from assess.services import _survey_release, campaigns, questionnaires, responding
from tests.survey_results.helpers import make_campaign, respond_with_codes


def every_item(score: int) -> dict:
    """Every agreement item of the families' questionnaire at ``score``: two such answers
    with different scores touch different counts, so nothing but the release makes the
    second submission wait."""
    return {i.id: score for i in questionnaires.installed_questionnaire("families").items
            if i.type is ItemType.AGREEMENT}


def test_a_submission_stored_during_a_release_is_not_released_alone(engine, session_factory, teacher, project):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's write lock runs one writer at a time")
    with session_factory.begin() as session:
        campaign = make_campaign(session, owner=teacher, project=project)
        respond_with_codes(session, teacher, campaign, [every_item(4)] * 4)
        first, second = campaigns.issue_codes(session, actor=teacher, campaign_id=campaign.id, count=2)
        campaign_id = campaign.id

    releasing = session_factory()
    assert responding.submit_with_code(releasing, code=first, answers=every_item(5), language="fr").stored
    assert _survey_release.waiting(releasing, campaign_id) == 0, "the fifth releases the five (not committed yet)"

    failures: list[BaseException] = []

    def submit_second() -> None:
        try:
            with session_factory.begin() as other:
                assert responding.submit_with_code(other, code=second, answers=every_item(1), language="fr").stored
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)

    worker = threading.Thread(target=submit_second)
    worker.start()
    try:
        # Until the second submission waits for a lock held by the first (polled, never timed).
        deadline = time.monotonic() + 30
        with session_factory() as watcher:
            while not watcher.scalar(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")):
                assert time.monotonic() < deadline and worker.is_alive() and not failures, failures
                watcher.rollback()
                time.sleep(0.02)
        releasing.commit()
    finally:
        releasing.close()
        worker.join(30)
    assert not failures, failures
    with session_factory() as check:
        assert _survey_release.waiting(check, campaign_id) == 1, "the second waits for four more"
        assert _survey_release.released_respondents(check, [campaign_id]) == {campaign_id: 5}
