"""The outbox: mails queued for an account, held for the office when it keeps a kind for
its own look, then previewed, edited, released or cancelled from the Outbox page.

A mail is always to an account (``account_id`` is required): the suite stores no address
of a pupil or a family, so none can be written to. Every change the office makes is
audited, without the mail's text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assess import clock
from assess.domain.permissions import Actor
from assess.i18n import default_language
from assess.services import audit
from assess.services.access import authorize
from assess.services.errors import Conflict, FieldError, InvalidInput, NotFound
from assess.services.mail import KINDS, failures
from assess.services.mail.config import _sent_automatically
from assess.services.mail.templates import BODY_MAX, SUBJECT_MAX, one_line, render
from assess.storage.models import OutboxMail, User

PERMISSION = "mail.manage"
STATUSES: tuple[str, ...] = ("held", "queued", "failed", "sent", "cancelled")
#: What the office may still change: not what left, nor what it cancelled.
EDITABLE: frozenset[str] = frozenset({"held", "queued", "failed"})


def recipient_language(user: User, fallback: str | None = None) -> str:
    """The account's language, else the language of what the mail is about, else the
    default language."""
    return user.language or fallback or default_language()


def _queue(session: Session, *, kind: str, account: User, context: dict[str, Any], language: str | None = None,
          attachments: Sequence[dict[str, Any]] = (), token_purpose: str | None = None,
          dedupe_key: str | None = None, created_by: int | None = None,
          now: datetime | None = None) -> OutboxMail | None:
    """Queue a mail of ``kind`` to ``account``, rendered in its language. Held for the
    office unless the office sends this kind automatically. None when a mail with the same
    ``dedupe_key`` exists already or the account is deactivated."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of mail {kind!r}")
    if not account.is_active:
        return None
    if dedupe_key is not None and session.scalar(select(OutboxMail.id).where(OutboxMail.dedupe_key == dedupe_key)):
        return None
    lang = language or recipient_language(account)
    subject, body = render(kind, lang, name=account.display_name, **context)
    mail = OutboxMail(
        kind=kind, account_id=account.id, address=account.email, language=lang, subject=subject, body=body,
        attachments=list(attachments), token_purpose=token_purpose,
        status="queued" if _sent_automatically(session, kind) else "held",
        next_attempt_at=now or clock.now(), dedupe_key=dedupe_key, created_by=created_by,
    )
    try:
        # A savepoint: another collector (the worker, the page's button) may queue the same
        # event at the same moment; the unique key keeps one, this one gives way.
        with session.begin_nested():
            session.add(mail)
    except IntegrityError:
        return None
    return mail


@dataclass(frozen=True)
class MailRow:
    id: int
    kind: str
    status: str
    address: str
    recipient: str
    language: str
    subject: str
    attempts: int
    #: Why it was not sent: a code of assess.services.mail.failures and its parameters...
    error_key: str
    error_params: dict[str, Any]
    #: ...and the technical detail, for the operator.
    last_error: str
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
    attachments: int

    def error(self, lang: str) -> str:
        """Why it was not sent, in ``lang`` ('' when nothing failed)."""
        return failures.message(self.error_key, self.error_params, self.last_error, lang)


def list_mails(session: Session, *, actor: Actor, statuses: Iterable[str] | None = None, kind: str | None = None,
               limit: int = 500) -> list[MailRow]:
    """The outbox, newest first (the office's page, ``assess mail list``)."""
    authorize(session, actor, PERMISSION)
    query = select(OutboxMail, User.display_name).join(User, User.id == OutboxMail.account_id)
    if statuses:
        query = query.where(OutboxMail.status.in_(list(statuses)))
    if kind:
        query = query.where(OutboxMail.kind == kind)
    rows = session.execute(query.order_by(OutboxMail.id.desc()).limit(limit)).all()
    return [
        MailRow(id=m.id, kind=m.kind, status=m.status, address=m.address, recipient=name, language=m.language,
                subject=m.subject, attempts=m.attempts, error_key=m.error_key, error_params=dict(m.error_params or {}),
                last_error=m.last_error, created_at=m.created_at,
                next_attempt_at=m.next_attempt_at, sent_at=m.sent_at, attachments=len(m.attachments or []))
        for m, name in rows
    ]


def counts(session: Session, *, actor: Actor) -> dict[str, int]:
    """Mails per status (every status present, 0 when none)."""
    authorize(session, actor, PERMISSION)
    found = {status: count for status, count in
             session.execute(select(OutboxMail.status, func.count()).group_by(OutboxMail.status))}
    return {status: int(found.get(status, 0)) for status in STATUSES}


def get_mail(session: Session, *, actor: Actor, mail_id: int) -> OutboxMail:
    authorize(session, actor, PERMISSION)
    mail = session.get(OutboxMail, mail_id)
    if mail is None:
        raise NotFound("mail.errors.unknown_mail", value=mail_id)
    return mail


def _editable(session: Session, actor: Actor, mail_id: int) -> OutboxMail:
    return _still_editable(get_mail(session, actor=actor, mail_id=mail_id))


def _still_editable(mail: OutboxMail) -> OutboxMail:
    if mail.status not in EDITABLE:
        raise Conflict("mail.errors.not_editable", status=mail.status)
    return mail


def edit(session: Session, *, actor: Actor, mail_id: int, subject: str, body: str) -> OutboxMail:
    """The office rewrites a mail before it goes. The subject stays on one line."""
    mail = _editable(session, actor, mail_id)
    clean_subject = one_line(subject or "")
    clean_body = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    errors = []
    if not clean_subject:
        errors.append(FieldError("subject", "errors.required", {}))
    elif len((subject or "").strip()) > SUBJECT_MAX:
        errors.append(FieldError("subject", "errors.too_long", {"max": SUBJECT_MAX}))
    if not clean_body:
        errors.append(FieldError("body", "errors.required", {}))
    elif len(clean_body) > BODY_MAX:
        errors.append(FieldError("body", "errors.too_long", {"max": BODY_MAX}))
    if errors:
        raise InvalidInput(errors)
    mail.subject, mail.body, mail.edited_by = clean_subject, clean_body + "\n", actor.id
    audit.record(session, actor=actor, action="mail.edit", entity_type="mail", entity_id=mail.id,
                 details={"kind": mail.kind})
    session.flush()
    return mail


def release(session: Session, *, actor: Actor, mail_ids: Iterable[int], now: datetime | None = None) -> list[int]:
    """Send these held (or failed) mails: queued, due now. Returns the ids released."""
    authorize(session, actor, PERMISSION)
    now = now or clock.now()
    wanted = list(mail_ids)
    # One read for the lot (the page releases up to 500 held mails at once), not one each.
    found = {mail.id: mail for mail in session.scalars(select(OutboxMail).where(OutboxMail.id.in_(wanted)))}
    released = []
    for mail_id in wanted:
        mail = found.get(mail_id)
        if mail is None:
            raise NotFound("mail.errors.unknown_mail", value=mail_id)
        _still_editable(mail)
        if mail.status == "failed":
            mail.attempts = 0  # the office asks again: a fresh series of tries
        mail.status, mail.next_attempt_at = "queued", now
        released.append(mail.id)
    if released:
        audit.record(session, actor=actor, action="mail.release", entity_type="mail", entity_id=released[0],
                     details={"mails": released})
    session.flush()
    return released


def cancel(session: Session, *, actor: Actor, mail_id: int) -> None:
    """The office decides a mail will not go."""
    mail = _editable(session, actor, mail_id)
    mail.status = "cancelled"
    audit.record(session, actor=actor, action="mail.cancel", entity_type="mail", entity_id=mail.id,
                 details={"kind": mail.kind})
    session.flush()
