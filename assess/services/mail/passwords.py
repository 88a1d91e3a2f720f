"""Mails with a link to set one's password: the office's invitation, and "forgot my
password" from the sign-in page. The link is made when the mail is sent (assess.services.
mail.sending), so the outbox never holds a usable one."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from assess import clock
from assess.domain.permissions import Actor
from assess.services import _settings_values, audit
from assess.services.access import authorize
from assess.services.accounts import normalise_email
from assess.services.errors import NotFound, ServiceError
from assess.services.mail.outbox import PERMISSION, _queue
from assess.services.mail.templates import LINK_MARK
from assess.storage.db import reading, writing
from assess.storage.models import OutboxMail, User

#: At most one reset mail per account in this time: the form cannot flood someone's inbox.
RESET_INTERVAL = timedelta(minutes=10)


def invite(session: Session, *, actor: Actor, account_id: int, now: datetime | None = None) -> OutboxMail:
    """Queue an invitation to an account: a link to set its password (valid 7 days)."""
    authorize(session, actor, PERMISSION)
    user = session.get(User, account_id)
    if user is None:
        raise NotFound("mail.errors.unknown_account", value=account_id)
    mail = _queue(session, kind="invitation", account=user, token_purpose="invitation", created_by=actor.id, now=now,
                 context={"office": _settings_values.office(session)["name"], "link": LINK_MARK, "email": user.email})
    if mail is None:
        raise ServiceError("mail.errors.account_inactive")
    audit.record(session, actor=actor, action="mail.invite", entity_type="user", entity_id=user.id,
                 details={"mail": mail.id})
    return mail


def invited_accounts(session: Session, *, actor: Actor) -> set[int]:
    """The accounts with an invitation in the outbox (held, queued, sent or failed; not
    cancelled): the office's list tells them from single sign-on accounts while they have
    no password yet."""
    authorize(session, actor, PERMISSION)
    return set(session.scalars(select(OutboxMail.account_id).where(
        OutboxMail.kind == "invitation", OutboxMail.status != "cancelled").distinct()))


def request_password_reset(sessions: sessionmaker, *, email: str, language: str,
                           now: datetime | None = None) -> int | None:
    """"Forgot my password": queue a reset mail to the active account with this address.
    The page answers the same whatever this returns (the mail id, or None for an unknown
    address, a deactivated account or a mail sent in the last ten minutes)."""
    now = now or clock.now()
    email = normalise_email(email)
    if not email or len(email) > 320:
        return None
    # Whoever is on the sign-in page may type anything: an address with no active account
    # is answered from a read, without taking the database's write lock.
    with reading(sessions) as session:
        if session.scalar(select(User.id).where(User.email == email, User.is_active.is_(True))) is None:
            return None
    with writing(sessions) as session:
        user = session.scalar(select(User).where(User.email == email))
        if user is None or not user.is_active:
            return None
        recent = session.scalar(select(OutboxMail.id).where(
            OutboxMail.account_id == user.id, OutboxMail.kind == "password_reset",
            OutboxMail.created_at >= now - RESET_INTERVAL))
        if recent is not None:
            return None
        mail = _queue(session, kind="password_reset", account=user, language=user.language or language,
                     token_purpose="password_reset", now=now,
                     context={"office": _settings_values.office(session)["name"], "link": LINK_MARK})
        if mail is None:
            return None
        audit.record(session, actor=None, action="mail.password_reset_requested", entity_type="user",
                     entity_id=user.id, details={"mail": mail.id})
        return mail.id if mail.status == "queued" else None
