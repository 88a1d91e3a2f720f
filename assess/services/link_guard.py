"""Public links: one response per browser, a bound on the pace, and a count of bursts.

A public link can be opened by anyone who has it, any number of times; before this
module one client sent it 200 responses in 0.3 s. Three rules, all cheap, none storing
anything that identifies a person:

- **One response per browser** (unless the teacher allows several, for a class sharing a
  tablet: ``survey_campaigns.one_response_per_device``). The answering page gives the
  browser a cookie (:data:`COOKIE_NAME`) holding a random id that this installation signs
  (:func:`new_browser_id`), so an id a script makes up is refused. When a response is
  stored, the same transaction stores HMAC(installation secret, campaign id + browser id)
  in ``survey_link_devices``, unique per campaign: the row says that *some* browser
  answered, with no response id and no time, so it never tells which response is whose.
  A submission without a genuine id stores nothing: the page sets the cookie before it
  shows the questions (see assess/ui/pages/respond.py).
- **A rate bound**: at most :data:`RATE_PER_MINUTE` responses per link in one minute (a
  class of 30 pressing "Send" together passes twice over); beyond it the respondent is
  asked to try again in a minute, and nothing is stored.
- **Bursts**: a minute in which more than :data:`BURST_OVER` responses arrive through one
  link is a burst; every response of that minute counts as having arrived in a burst. The
  count is shown with the results (assess.services.collection), so a teacher or a juror
  sees a link that was flooded, even by a client that changes its cookie each time.

Minutes are whole minutes of the clock (UTC). ``survey_link_pace`` keeps, per campaign,
only the latest minute and its count, and the running count of responses in bursts.

What a cookie cannot do: a browser whose cookie is cleared (private window, another
browser) can answer again, and so can a script that goes through the page each time.
The rate bound and the burst count are there for that; codes are the way to be sure.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import datetime

from sqlalchemy import bindparam, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from assess.domain.permissions import Actor
from assess.domain.states import CampaignMode
from assess.services import _settings_values, audit, campaigns
from assess.services.access import public_entry_point
from assess.services.errors import FieldError, InvalidInput
from assess.storage.models import SurveyLinkDevice, SurveyLinkPace, SurveyLinkSubmission, table_of, utcnow

COOKIE_NAME = "assess_respondent"
#: How long the browser keeps the id: 400 days, the longest browsers allow.
COOKIE_MAX_AGE = 400 * 24 * 3600
#: At most this many responses through one link in one minute.
RATE_PER_MINUTE = 60
#: More than this many responses through one link in one minute make a burst.
BURST_OVER = 20

_DEVICES = table_of(SurveyLinkDevice)
_PACE = table_of(SurveyLinkPace)
_LINKS = table_of(SurveyLinkSubmission)

_SECRET = "link_guard_secret"  # session.info key

# 18 random bytes and 18 bytes of signature, each 24 characters of URL-safe base64.
_BROWSER_ID = re.compile(r"^([A-Za-z0-9_-]{24})\.([A-Za-z0-9_-]{24})$")

# RETURNING tells whether the row was added (a row) or was there already (nothing).
_CLAIM_DEVICE = {
    name: dialect.insert(_DEVICES).on_conflict_do_nothing().returning(_DEVICES.c.device_hash)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
_ADD_PACE = {
    name: dialect.insert(_PACE).on_conflict_do_nothing()
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
# FOR UPDATE: on PostgreSQL two submissions through one link take turns from here to the
# end of their transactions (SQLite's BEGIN IMMEDIATE already makes every writer wait).
_PACE_OF = select(_PACE.c.minute, _PACE.c.in_minute).where(
    _PACE.c.campaign_id == bindparam("campaign_id")).with_for_update()
# One statement, on the row within_rate locked (SET reads the values before the update).
_SAME_MINUTE = _PACE.c.minute == bindparam("this_minute")
_COUNT = update(_PACE).where(_PACE.c.campaign_id == bindparam("link_campaign")).values(
    minute=bindparam("this_minute"),
    in_minute=case((_SAME_MINUTE, _PACE.c.in_minute + 1), else_=1),
    burst_responses=_PACE.c.burst_responses + case(
        (_SAME_MINUTE & (_PACE.c.in_minute + 1 == BURST_OVER + 1), BURST_OVER + 1),
        (_SAME_MINUTE & (_PACE.c.in_minute + 1 > BURST_OVER + 1), 1),
        else_=0),
)
_DEVICE_SEEN = select(_DEVICES.c.device_hash).where(
    _DEVICES.c.campaign_id == bindparam("campaign_id"), _DEVICES.c.device_hash == bindparam("device_hash"))


def _secret(session: Session) -> bytes:
    """The installation's secret, read once per session: a submission needs it three times,
    and reading it was a third of a link submission's time."""
    transaction = session.get_transaction()
    cached = session.info.get(_SECRET)
    if cached is None or cached[0] is not transaction:  # (a key made in a rolled-back transaction is not kept)
        cached = session.info[_SECRET] = (transaction, _settings_values.secret_key(session))
    return cached[1]


def _signature(session: Session, token: str) -> str:
    digest = hmac.new(_secret(session), f"respondent:{token}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


@public_entry_point(reason='respondent by link: the signed id of an anonymous browser')
def new_browser_id(session: Session) -> str:
    """A random id for a browser's cookie, signed by this installation."""
    token = secrets.token_urlsafe(18)
    return f"{token}.{_signature(session, token)}"


@public_entry_point(reason='respondent by link: whether a browser id is one this installation signed')
def genuine(session: Session, browser_id: str | None) -> bool:
    """Whether ``browser_id`` is one this installation made (a made-up id is not)."""
    match = _BROWSER_ID.match(browser_id or "")
    return match is not None and hmac.compare_digest(match.group(2), _signature(session, match.group(1)))


def _device_hash(session: Session, campaign_id: int, browser_id: str) -> str:
    return hmac.new(_secret(session), f"link-device:{campaign_id}:{browser_id}".encode(), hashlib.sha256).hexdigest()


@public_entry_point(reason='respondent by link: whether this browser already answered')
def answered(session: Session, *, campaign_id: int, browser_id: str | None) -> bool:
    """Whether this browser already sent a response through this campaign's link (read-only)."""
    if browser_id is None or not genuine(session, browser_id):
        return False
    found = session.execute(_DEVICE_SEEN, {"campaign_id": campaign_id,
                                           "device_hash": _device_hash(session, campaign_id, browser_id)})
    return found.first() is not None


@public_entry_point(reason='respondent by link: records that this browser answered')
def claim_device(session: Session, *, campaign_id: int, browser_id: str) -> bool:
    """Record that this browser answered; False if it had already (then nothing changes).
    Call it in the transaction that stores the response."""
    claim = _CLAIM_DEVICE[session.get_bind().dialect.name]
    added = session.execute(claim, {"campaign_id": campaign_id,
                                    "device_hash": _device_hash(session, campaign_id, browser_id)})
    return added.first() is not None


@public_entry_point(reason="respondent by link: undoes a refused submission's nonce")
def forget_nonce(session: Session, *, nonce_hash: str) -> None:
    """Undo the page's nonce of a submission refused after it was recorded, so that the same
    page sending again is not taken for a resent form that was stored."""
    session.execute(delete(_LINKS).where(_LINKS.c.nonce_hash == nonce_hash))


def _minute(now: datetime) -> int:
    return int(now.timestamp() // 60)


def _pace(session: Session, campaign_id: int):
    """The link's pace row, locked; made on the link's first submission."""
    found = session.execute(_PACE_OF, {"campaign_id": campaign_id}).first()
    if found is None:
        session.execute(_ADD_PACE[session.get_bind().dialect.name], {"campaign_id": campaign_id})
        found = session.execute(_PACE_OF, {"campaign_id": campaign_id}).one()
    return found


@public_entry_point(reason='respondent by link: the pace bound of a public link')
def within_rate(session: Session, *, campaign_id: int, now: datetime | None = None) -> bool:
    """Whether one more response may come through this link in the current minute."""
    pace = _pace(session, campaign_id)
    return not (pace.minute == _minute(now or utcnow()) and pace.in_minute >= RATE_PER_MINUTE)


@public_entry_point(reason="respondent by link: counts a response towards the link's bursts")
def count_response(session: Session, *, campaign_id: int, now: datetime | None = None) -> None:
    """Count a response stored through this link in the current minute; when the minute's
    count passes :data:`BURST_OVER`, the minute's responses so far, then each further one,
    are added to the campaign's responses in bursts. Call it after :func:`within_rate`, in
    the same transaction (which made and locked the link's row)."""
    session.execute(_COUNT, {"link_campaign": campaign_id, "this_minute": _minute(now or utcnow())})


def set_one_response_per_device(session: Session, *, actor: Actor, campaign_id: int, one_per_device: bool) -> None:
    """The teacher's choice for a link campaign: one response per browser (the default), or
    several (a class sharing one tablet)."""
    campaign = campaigns.get_campaign(session, actor=actor, campaign_id=campaign_id)
    if campaign.mode != CampaignMode.LINK:
        raise InvalidInput([FieldError("mode", "errors.survey.link_mode", {})])
    if campaign.one_response_per_device != bool(one_per_device):
        campaign.one_response_per_device = bool(one_per_device)
        session.flush()
        audit.record(session, actor=actor, action="survey.campaign_devices", entity_type="survey_campaign",
                     entity_id=campaign.id, details={"one_response_per_device": bool(one_per_device)})
