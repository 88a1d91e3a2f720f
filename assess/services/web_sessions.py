"""Signed-in browsers: the session cookie that keeps a person signed in across reloads.

The cookie holds ``<token>.<expiry>.<signature>``:

- ``token``: 32 random bytes; the database keeps only its SHA-256 (``web_sessions``), so a
  copy of the database or of the audit log signs no one in;
- ``expiry``: when the session ends (Unix seconds), also stored on the server;
- ``signature``: an HMAC of the two with the installation's secret key
  (:func:`assess.services.settings.secret_key`), so an altered cookie is refused before
  any look-up.

A session ends when it expires (:data:`LIFETIME` after sign-in), after :data:`IDLE_TIMEOUT`
without use, at sign-out, when the person's password is changed (by them or by the
office) and when the account is deactivated: the server forgets its row, and the cookie,
whatever the browser still holds, signs no one in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast

from sqlalchemy import CursorResult, delete, or_, select
from sqlalchemy.orm import Session

from assess.services import _settings_values
from assess.services.access import public_entry_point
from assess.storage.models import User, WebSession, utcnow

COOKIE_NAME = "assess_session"
#: A session ends this long after sign-in, whatever happens (Django's default is 2 weeks).
LIFETIME = timedelta(days=7)
#: ... or this long after its last use (a school computer left signed in overnight).
IDLE_TIMEOUT = timedelta(hours=24)
#: Use is written down at most this often: reading a page should not write every time.
SEEN_EVERY = timedelta(minutes=5)

# token_urlsafe(32): 43 characters of the URL-safe base64 alphabet; the signature: 43 too.
_COOKIE = re.compile(r"^([A-Za-z0-9_-]{43})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class Started:
    """A new session: the cookie to give the browser, and how long it keeps it."""

    cookie: str
    expires_at: datetime

    def max_age(self, now: datetime | None = None) -> int:
        return max(0, int((self.expires_at - (now or utcnow())).total_seconds()))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _signature(session: Session, payload: str) -> str:
    key = _settings_values.secret_key(session)
    digest = hmac.new(key, f"web-session:{payload}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


@public_entry_point(reason='sign-in: opens the session of someone whose identity was just proven')
def start(session: Session, *, user_id: int, now: datetime | None = None) -> Started:
    """Open a session for ``user_id`` (whose credentials the caller has just checked)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    # Whole seconds: the cookie carries the expiry as an integer.
    expires_at = (now + LIFETIME).replace(microsecond=0)
    # Sessions nobody will use again are deleted: the table holds live ones only (rows that
    # another transaction holds are left for the next sign-in rather than waited for).
    expired = (select(WebSession.id)
               .where(or_(WebSession.expires_at <= now, WebSession.last_seen_at <= now - IDLE_TIMEOUT))
               .with_for_update(skip_locked=True))
    session.execute(delete(WebSession).where(WebSession.id.in_(expired.scalar_subquery())))
    session.add(WebSession(token_hash=_token_hash(token), user_id=user_id, created_at=now,
                           expires_at=expires_at, last_seen_at=now))
    session.flush()
    payload = f"{token}.{int(expires_at.timestamp())}"
    return Started(cookie=f"{payload}.{_signature(session, payload)}", expires_at=expires_at)


def _verified_token(session: Session, cookie: str | None, now: datetime) -> str | None:
    """The token of a well-formed, correctly signed, unexpired cookie; else None."""
    match = _COOKIE.match(cookie or "")
    if match is None:
        return None
    token, expiry, signature = match.groups()
    if not hmac.compare_digest(signature, _signature(session, f"{token}.{expiry}")):
        return None
    if datetime.fromtimestamp(int(expiry), UTC) <= now:
        return None
    return token


def _live_row(session: Session, cookie: str | None, now: datetime) -> WebSession | None:
    token = _verified_token(session, cookie, now)
    if token is None:
        return None
    row = session.scalar(select(WebSession).where(WebSession.token_hash == _token_hash(token)))
    if row is None or row.expires_at <= now or row.last_seen_at + IDLE_TIMEOUT <= now:
        return None
    return row


def _live_user(session: Session, cookie: str | None, now: datetime) -> tuple[WebSession, User] | None:
    """The live session row of this cookie and its active account; else None."""
    row = _live_row(session, cookie, now)
    if row is None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    return row, user


def _seen_due(row: WebSession, now: datetime) -> bool:
    return now - row.last_seen_at >= SEEN_EVERY


def _touch(session: Session, row: WebSession, now: datetime) -> None:
    if _seen_due(row, now):
        row.last_seen_at = now
        session.flush()


@public_entry_point(reason="sign-in: who a browser's session cookie signs in")
def user_for(session: Session, *, cookie: str | None, now: datetime | None = None, touch: bool = True) -> User | None:
    """The active account this cookie signs in, or None (see the module's text for when).
    ``touch``: also record that the session is in use, when due (a write)."""
    now = now or utcnow()
    live = _live_user(session, cookie, now)
    if live is None:
        return None
    row, user = live
    if touch:
        _touch(session, row, now)
    return user


@public_entry_point(reason="sign-in: who a browser's session cookie signs in, on every click")
def user_and_seen_due(session: Session, *, cookie: str | None,
                      now: datetime | None = None) -> tuple[User | None, bool]:
    """Read-only, for the check made on every click: the account this cookie signs in (as
    :func:`user_for`) and whether :func:`mark_seen` is due, from one look-up."""
    now = now or utcnow()
    live = _live_user(session, cookie, now)
    if live is None:
        return None, False
    row, user = live
    return user, _seen_due(row, now)


@public_entry_point(reason="sign-in: whether a live session's use is due to be written")
def seen_is_due(session: Session, *, cookie: str | None, now: datetime | None = None) -> bool:
    """Whether the session's "last seen" time is old enough to be written again: read-only,
    so that the check made on every click needs no write lock."""
    now = now or utcnow()
    row = _live_row(session, cookie, now)
    return row is not None and _seen_due(row, now)


@public_entry_point(reason='sign-in: records that a live session is in use')
def mark_seen(session: Session, *, cookie: str | None, now: datetime | None = None) -> None:
    """Record that the session is in use (the idle timeout counts from here)."""
    now = now or utcnow()
    row = _live_row(session, cookie, now)
    if row is not None:
        _touch(session, row, now)


@public_entry_point(reason="sign-out: ends a person's sessions (sign-out by cookie, or after the account changed)")
def end_all(session: Session, *, user_id: int, keep: str | None = None) -> int:
    """End every session of ``user_id`` but the one of the cookie ``keep``; how many ended."""
    query = delete(WebSession).where(WebSession.user_id == user_id)
    kept = _live_row(session, keep, utcnow()) if keep else None
    if kept is not None and kept.user_id == user_id:
        query = query.where(WebSession.id != kept.id)
    # A DELETE's result is a CursorResult; Session.execute is typed for any statement.
    ended = cast(CursorResult, session.execute(query)).rowcount
    session.flush()
    return ended


@public_entry_point(reason="sign-out: whose session a browser's cookie is")
def user_id_of(session: Session, *, cookie: str | None) -> int | None:
    """Whose session this cookie is (a live one), for sign-out."""
    row = _live_row(session, cookie, utcnow())
    return row.user_id if row is not None else None
