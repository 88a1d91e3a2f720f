"""Links to set one's password (an invitation, "forgot my password").

The token is 256 random bits; only its SHA-256 is stored, so a copy of the database
opens no account. It works once and expires: an invitation after 7 days, a reset after
an hour. Using one ends every other unused link of the account and every signed-in
browser of it (whoever knew the old password is signed out).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from assess import clock
from assess.services import audit, web_sessions
from assess.services.access import public_entry_point
from assess.services.accounts import PASSWORD_MIN_LENGTH, NewPassword, actor_of
from assess.services.errors import FieldError, InvalidInput, ServiceError
from assess.storage.models import PasswordToken, User

LIFETIMES: dict[str, timedelta] = {"invitation": timedelta(days=7), "password_reset": timedelta(hours=1)}
#: The query parameter of the link (app.py opens the set-password page for it).
QUERY_PARAMETER = "password_token"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: str  # sent in the mail, never stored
    row: PasswordToken


def new_token(*, account_id: int, purpose: str, now: datetime | None = None) -> IssuedToken:
    """A token and its row, not yet added to any session: the sender adds the row in the
    short transaction that records the mail as sent (an unsent link is never stored)."""
    now = now or clock.now()
    token = secrets.token_urlsafe(32)
    row = PasswordToken(token_hash=token_hash(token), account_id=account_id, purpose=purpose, created_at=now,
                        expires_at=now + LIFETIMES[purpose])
    return IssuedToken(token=token, row=row)


def link(public_url: str, token: str) -> str:
    return f"{public_url}/?{QUERY_PARAMETER}={token}"


def _live(session: Session, token: str, now: datetime) -> tuple[PasswordToken, User] | None:
    if not token or len(token) > 200:
        return None
    row = session.scalar(select(PasswordToken).where(PasswordToken.token_hash == token_hash(token)))
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    user = session.get(User, row.account_id)
    if user is None or not user.is_active:
        return None
    return row, user


@public_entry_point(reason="a person following a set-password link is not signed in: the token is the credential")
def check(session: Session, *, token: str, now: datetime | None = None) -> str | None:
    """The purpose of a usable token (the page says "welcome" or "choose a new password"),
    else None: unknown, used, expired and a deactivated account look the same."""
    found = _live(session, token, now or clock.now())
    return found[0].purpose if found else None


@public_entry_point(reason="a person following a set-password link is not signed in: the token is the credential")
def set_password_with(session: Session, *, token: str, password: NewPassword, now: datetime | None = None):
    """Set the account's password from a link (hashed before this transaction) and use the
    link up; returns the account's actor. Refused alike for any link that does not work."""
    now = now or clock.now()
    if password.length < PASSWORD_MIN_LENGTH:
        raise InvalidInput([FieldError("password", "errors.password_too_short", {"min": PASSWORD_MIN_LENGTH})])
    found = _live(session, token, now)
    if found is None:
        raise ServiceError("mail.errors.link_invalid")
    row, user = found
    user.password_hash = password.hash
    session.execute(update(PasswordToken).where(PasswordToken.account_id == user.id, PasswordToken.used_at.is_(None))
                    .values(used_at=now))
    ended = web_sessions.end_all(session, user_id=user.id)
    actor = actor_of(user)
    audit.record(session, actor=actor, action="user.set_password_by_link", entity_type="user", entity_id=user.id,
                 details={"purpose": row.purpose, "sessions_ended": ended})
    session.flush()
    return actor
