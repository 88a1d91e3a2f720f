"""Public links: one response per browser, a rate bound and the count of bursts (issue 10,
finding 4: one client sent a link 200 responses in 0.3 s and moved the pupils' levels to 5.0)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, inspect, select

from assess.services import link_guard, responding
from assess.services.errors import InvalidInput, NotFound
from assess.services.responding import VisitStatus
from assess.storage.models import AuditLog, SurveyLinkDevice, SurveyLinkPace, SurveyResponse
from tests.services.helpers import families_answers, make_campaign, make_user, public_link_token
from tests.services.test_surveys import run_together

NOON = datetime(2026, 3, 10, 12, 0, 5, tzinfo=UTC)


def responses(session) -> int:
    return session.scalar(select(func.count()).select_from(SurveyResponse))


def send(session, token: str, browser_id: str | None, *, now: datetime = NOON, nonce: str | None = None):
    return responding.submit_with_link(session, token=token, nonce=nonce or uuid.uuid4().hex,
                                       answers=families_answers(), language="fr", browser_id=browser_id, now=now)


@pytest.fixture
def link(session, teacher, project):
    campaign = make_campaign(session, owner=teacher, project=project, mode="link")
    return campaign, public_link_token(session, owner=teacher, campaign_id=campaign.id)


def test_the_attack_of_the_finding_stores_one_response(session, link):
    """200 submissions from one client (one cookie), as fast as it can: one response."""
    _campaign, token = link
    browser = link_guard.new_browser_id(session)
    results = [send(session, token, browser) for _ in range(200)]
    assert [r.stored for r in results].count(True) == 1
    assert {r.status for r in results if not r.stored} == {VisitStatus.DEVICE_USED}
    assert responses(session) == 1


def test_a_second_response_from_the_same_browser_is_refused_and_others_are_welcome(session, link):
    _campaign, token = link
    first, second = link_guard.new_browser_id(session), link_guard.new_browser_id(session)
    assert send(session, token, first).stored
    refused = send(session, token, first)
    assert (refused.stored, refused.status) == (False, VisitStatus.DEVICE_USED)
    assert send(session, token, second).stored
    assert responses(session) == 2
    # Opening the link again in the first browser says so before any question is answered.
    assert responding.visit_by_link(session, token=token, browser_id=first).status is VisitStatus.DEVICE_USED
    assert responding.visit_by_link(session, token=token, browser_id=link_guard.new_browser_id(session)).status \
        is VisitStatus.OPEN


def test_a_double_click_still_thanks_and_a_refusal_does_not_look_like_one(session, link):
    """The page's nonce (a resent form) and the browser rule work together: the resent form
    is "already stored", a new page from a browser that answered is "this device answered"."""
    _campaign, token = link
    browser = link_guard.new_browser_id(session)
    assert send(session, token, browser, nonce="page-1").stored
    assert send(session, token, browser, nonce="page-1").status is VisitStatus.USED
    assert send(session, token, browser, nonce="page-2").status is VisitStatus.DEVICE_USED
    assert send(session, token, browser, nonce="page-2").status is VisitStatus.DEVICE_USED


@pytest.mark.parametrize("browser_id", [None, "", "made-up", "A" * 24 + "." + "B" * 24])
def test_a_request_without_a_genuine_browser_id_stores_nothing(session, link, browser_id):
    """A script that sends no cookie, or one it made up, does not get around the rule."""
    _campaign, token = link
    result = send(session, token, browser_id)
    assert (result.stored, result.status) == (False, VisitStatus.NO_BROWSER_ID)
    assert responses(session) == 0
    assert link_guard.genuine(session, link_guard.new_browser_id(session))


def test_the_teacher_can_allow_several_responses_per_device(session, teacher, link):
    campaign, token = link
    assert campaign.one_response_per_device  # the default
    link_guard.set_one_response_per_device(session, actor=teacher, campaign_id=campaign.id, one_per_device=False)
    tablet = link_guard.new_browser_id(session)
    assert all(send(session, token, tablet).stored for _ in range(3))
    assert send(session, token, None).stored  # no cookie needed then
    assert responses(session) == 4
    assert session.scalar(select(func.count()).select_from(SurveyLinkDevice)) == 0
    assert session.scalar(select(AuditLog.action).where(AuditLog.action == "survey.campaign_devices"))


def test_only_the_campaigns_teacher_changes_the_rule_and_only_for_links(session, teacher, project, link):
    campaign, _token = link
    other = make_user(session, email="jonas@example.org")
    with pytest.raises(NotFound):
        link_guard.set_one_response_per_device(session, actor=other, campaign_id=campaign.id, one_per_device=False)
    codes = make_campaign(session, owner=teacher, project=project, mode="codes")
    with pytest.raises(InvalidInput):
        link_guard.set_one_response_per_device(session, actor=teacher, campaign_id=codes.id, one_per_device=False)


def test_what_is_stored_cannot_be_linked_to_a_response_or_a_browser(session, link):
    """The table holds a keyed hash per (campaign, browser): no response id, no time, not the
    cookie's id; the same browser on another campaign gives another hash."""
    campaign, token = link
    browser = link_guard.new_browser_id(session)
    assert send(session, token, browser).stored
    session.commit()
    assert {c.name for c in inspect(SurveyLinkDevice).columns} == {"campaign_id", "device_hash"}
    (stored,) = session.scalars(select(SurveyLinkDevice.device_hash))
    assert len(stored) == 64 and browser not in stored
    token_part = browser.split(".")[0]
    assert token_part not in stored
    assert stored != link_guard._device_hash(session, campaign.id + 1, browser)


def test_the_rate_bound_refuses_past_the_bound_and_accepts_the_next_minute(session, teacher, link):
    campaign, token = link
    link_guard.set_one_response_per_device(session, actor=teacher, campaign_id=campaign.id, one_per_device=False)
    # A class of 30 pressing "Send" in the same minute all get through.
    assert all(send(session, token, None).stored for _ in range(30))
    assert all(send(session, token, None).stored for _ in range(link_guard.RATE_PER_MINUTE - 30))
    busy = send(session, token, None)
    assert (busy.stored, busy.status) == (False, VisitStatus.BUSY)
    assert responses(session) == link_guard.RATE_PER_MINUTE
    assert send(session, token, None, now=NOON + timedelta(minutes=1)).stored


def test_the_rate_bound_is_per_link(session, teacher, project, link):
    campaign, token = link
    other = make_campaign(session, owner=teacher, project=project, mode="link")
    other_token = public_link_token(session, owner=teacher, campaign_id=other.id)
    for each in (campaign, other):
        link_guard.set_one_response_per_device(session, actor=teacher, campaign_id=each.id, one_per_device=False)
    for _ in range(link_guard.RATE_PER_MINUTE):
        send(session, token, None)
    assert send(session, token, None).status is VisitStatus.BUSY
    assert send(session, other_token, None).stored


def burst_count(session, campaign_id: int) -> int:
    return session.scalar(select(SurveyLinkPace.burst_responses).where(SurveyLinkPace.campaign_id == campaign_id))


def test_responses_that_arrive_in_bursts_are_counted(session, link):
    campaign, token = link
    browsers = iter(lambda: link_guard.new_browser_id(session), None)
    # Families answering over an evening: a few a minute, no burst.
    for minute in range(10):
        for _ in range(3):
            assert send(session, token, next(browsers), now=NOON + timedelta(minutes=minute)).stored
    assert burst_count(session, campaign.id) == 0
    # Exactly the threshold in one minute: still no burst.
    later = NOON + timedelta(hours=1)
    for _ in range(link_guard.BURST_OVER):
        assert send(session, token, next(browsers), now=later).stored
    assert burst_count(session, campaign.id) == 0
    # One more in the same minute: every response of that minute arrived in a burst, and so
    # does each further one.
    assert send(session, token, next(browsers), now=later + timedelta(seconds=30)).stored
    assert burst_count(session, campaign.id) == link_guard.BURST_OVER + 1
    for _ in range(4):
        assert send(session, token, next(browsers), now=later + timedelta(seconds=50)).stored
    assert burst_count(session, campaign.id) == link_guard.BURST_OVER + 5
    # The next minute starts afresh.
    assert send(session, token, next(browsers), now=later + timedelta(minutes=1)).stored
    assert burst_count(session, campaign.id) == link_guard.BURST_OVER + 5
    # Refused submissions are not responses: they count for nothing.
    assert send(session, token, None, now=later + timedelta(minutes=1)).status is VisitStatus.NO_BROWSER_ID
    assert burst_count(session, campaign.id) == link_guard.BURST_OVER + 5


def test_one_browser_sending_from_eight_tabs_at_once_stores_one_response(session, session_factory, link):
    """The database decides (the unique keyed hash), whatever the timing."""
    _campaign, token = link
    browser = link_guard.new_browser_id(session)
    session.commit()
    results = run_together(session_factory, [lambda own: send(own, token, browser) for _ in range(8)])
    assert sorted(r.stored for r in results) == [False] * 7 + [True]
    assert {r.status for r in results if not r.stored} == {VisitStatus.DEVICE_USED}
    session.expire_all()
    assert responses(session) == 1


def test_the_rate_bound_holds_when_everyone_sends_at_once(session, session_factory, link):
    """More browsers than the bound, at the same instant: exactly the bound is stored."""
    campaign, token = link
    browsers = [link_guard.new_browser_id(session) for _ in range(link_guard.RATE_PER_MINUTE + 5)]
    session.commit()
    results = run_together(session_factory, [lambda own, b=b: send(own, token, b) for b in browsers])
    assert [r.stored for r in results].count(True) == link_guard.RATE_PER_MINUTE
    assert {r.status for r in results if not r.stored} == {VisitStatus.BUSY}
    session.expire_all()
    assert responses(session) == link_guard.RATE_PER_MINUTE
    assert burst_count(session, campaign.id) == link_guard.RATE_PER_MINUTE
