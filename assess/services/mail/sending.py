"""Sending what is due, outside any write transaction (docs/mail.md):

1. a read-only transaction lists the queued mails whose time has come;
2. per mail, a short write claims it (moves its next attempt forward, so two senders never
   send it twice) and reads what it needs;
3. with no transaction open: its attachments are rendered, its set-password link made,
   and it is sent over SMTP;
4. a short write records the outcome: sent (and the link's hash), or the failure (a code
   and its parameters, said in the reader's language, see :mod:`.failures`), the attempt
   counted and the next try set (1 min, 5 min, 30 min, 2 h), failed after five, or at
   once when another try would not mend it.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session, sessionmaker

from assess import clock
from assess.domain.states import Verdict
from assess.i18n import t
from assess.reports.views import VerdictLetterView
from assess.services import _settings_values, letters
from assess.services.mail import failures, tokens
from assess.services.mail.config import SmtpConfig, _smtp_config, smtp_password, tls_context
from assess.services.mail.message import Attachment, Envelope, build, with_link
from assess.storage.db import reading, writing
from assess.storage.models import OutboxMail, User

log = logging.getLogger(__name__)

RETRY_AFTER: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
                                      timedelta(hours=2))
MAX_ATTEMPTS = len(RETRY_AFTER) + 1
#: A claimed mail is not due again before this (a sender that died frees it then).
CLAIM = timedelta(minutes=10)
SMTP_TIMEOUT = 30

Progress = Callable[[int, int], None]


@dataclass
class SendReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)
    not_configured: bool = False

    @property
    def tried(self) -> int:
        return len(self.sent) + len(self.retrying) + len(self.failed) + len(self.cancelled)


@dataclass(frozen=True)
class _Claimed:
    id: int
    kind: str
    account_id: int
    address: str
    display_name: str
    language: str
    subject: str
    body: str
    attachments: tuple[dict[str, Any], ...]
    token_purpose: str | None
    attempts: int


class _Permanent(Exception):
    """A failure found before sending that another try will not mend (its letter was
    withdrawn...): its code in :mod:`.failures`."""

    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.failure = failures.Failure(code, {}, failures.cut(detail))


def _due_ids(session: Session, *, now: datetime, limit: int, only: Iterable[int] | None = None) -> list[int]:
    query = select(OutboxMail.id).where(OutboxMail.status == "queued", OutboxMail.next_attempt_at <= now)
    if only is not None:
        query = query.where(OutboxMail.id.in_(list(only)))
    return list(session.scalars(query.order_by(OutboxMail.next_attempt_at, OutboxMail.id).limit(limit)))


def _claim(sessions: sessionmaker, mail_id: int, now: datetime) -> _Claimed | str | None:
    """Claim a due mail; None when another sender has it; 'gone' for an account that can
    no longer receive mail (the mail is cancelled)."""
    with writing(sessions) as session:
        result = session.execute(
            update(OutboxMail)
            .where(OutboxMail.id == mail_id, OutboxMail.status == "queued", OutboxMail.next_attempt_at <= now)
            .values(next_attempt_at=now + CLAIM)
            .execution_options(synchronize_session=False)
        )
        if cast(CursorResult, result).rowcount != 1:
            return None
        mail = session.get(OutboxMail, mail_id)
        user = session.get(User, mail.account_id) if mail is not None else None
        if mail is None or user is None or not user.is_active:
            if mail is not None:
                mail.status, mail.error_key, mail.error_params = "cancelled", "account_inactive", {}
                mail.last_error = "account deactivated or deleted"
            return "gone"
        mail.address = user.email  # an address changed since the mail was queued: the current one
        return _Claimed(id=mail.id, kind=mail.kind, account_id=user.id, address=user.email,
                        display_name=user.display_name, language=mail.language, subject=mail.subject, body=mail.body,
                        attachments=tuple(mail.attachments or ()), token_purpose=mail.token_purpose,
                        attempts=mail.attempts)


#: What an outbox row may attach, rendered when the mail is sent.
ATTACHMENT_KINDS = ("verdict_letter", "label_certificate")


def _attachments(sessions: sessionmaker, refs: tuple[dict[str, Any], ...]) -> tuple[Attachment, ...]:
    """The attached files, rendered now (outside any transaction): a published decision's
    verdict letter, and a published label's certificate (made from what its letter says)."""
    found = []
    published: dict[tuple[int, int], VerdictLetterView] = {}
    for ref in refs:
        kind = ref.get("kind")
        if kind not in ATTACHMENT_KINDS:
            raise _Permanent("other", f"unknown attachment {kind!r}")
        key = (int(ref["round_id"]), int(ref["application_id"]))
        if key not in published:
            with reading(sessions) as session:
                views = letters._published_letters(session, round_id=key[0], application_ids={key[1]})
            if not views:
                raise _Permanent("letter_not_published", "the verdict letter is not published")
            published[key] = views[0]
        letter = published[key]
        if kind == "verdict_letter":
            from assess.reports.verdict import letter_filename, render_verdict_letter_pdf  # WeasyPrint when needed

            found.append(Attachment(filename=letter_filename(letter), data=render_verdict_letter_pdf(letter)))
            continue
        if letter.outcome != Verdict.LABEL:
            raise _Permanent("no_certificate", "the application received no label: it has no certificate")
        from assess.reports.certificate import certificate_filename, render_certificate_pdf

        certificate = letters.certificate_of(letter)
        found.append(Attachment(filename=certificate_filename(certificate), data=render_certificate_pdf(certificate)))
    return tuple(found)


def _record(sessions: sessionmaker, claimed: _Claimed, *, now: datetime, failure: failures.Failure | None,
            token: tokens.IssuedToken | None, report: SendReport) -> None:
    with writing(sessions) as session:
        mail = session.get(OutboxMail, claimed.id)
        if mail is None:
            return
        mail.attempts = claimed.attempts + 1
        if failure is None:
            mail.status, mail.sent_at, mail.last_error, mail.error_key, mail.error_params = "sent", now, "", "", {}
            if token is not None:
                session.add(token.row)
            report.sent.append(mail.id)
            return
        mail.error_key, mail.error_params, mail.last_error = failure.code, failure.params, failure.detail
        if failure.permanent or mail.attempts >= MAX_ATTEMPTS:
            mail.status = "failed"
            report.failed.append(mail.id)
        else:
            mail.next_attempt_at = now + RETRY_AFTER[mail.attempts - 1]
            report.retrying.append(mail.id)


class _Connection:
    """One SMTP connection for a batch, opened at the first mail that needs it."""

    def __init__(self, config: SmtpConfig, stack: ExitStack):
        self.config, self.stack = config, stack
        self.smtp: smtplib.SMTP | None = None
        #: Why connecting failed: the batch's other mails get the same error at once,
        #: not another SMTP_TIMEOUT each (nor another login refused, per mail).
        self.refused: OSError | None = None

    def open(self) -> smtplib.SMTP:
        if self.refused is not None:
            raise self.refused
        if self.smtp is None:
            try:
                self.smtp = self._connect()
            except OSError as error:  # smtplib's errors are OSErrors too
                self.refused = error
                raise
        return self.smtp

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        context = tls_context()
        if config.tls == "tls":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(config.host, config.port, timeout=SMTP_TIMEOUT, context=context)
        else:
            smtp = smtplib.SMTP(config.host, config.port, timeout=SMTP_TIMEOUT)
        with ExitStack() as opening:
            opening.enter_context(smtp)  # closed if STARTTLS or the login fails
            if config.tls == "starttls":
                smtp.starttls(context=context)
            if config.user:
                smtp.login(config.user, config.password)
            opening.pop_all()
        return self.stack.enter_context(smtp)

    def send(self, envelope: Envelope, sender: str) -> None:
        try:
            self.open().send_message(envelope.message, from_addr=sender, to_addrs=[envelope.recipient])
        except smtplib.SMTPRecipientsRefused:  # an OSError too, but the connection is still good
            raise
        except (smtplib.SMTPServerDisconnected, OSError):
            self.smtp = None  # a dropped connection: the next mail opens a new one
            raise

    def failure(self, error: BaseException, recipient: str) -> failures.Failure:
        config = self.config
        return failures.of(error, host=config.host, port=config.port, user=config.user, sender=config.sender,
                           address=recipient)


def send_due(sessions: sessionmaker, *, now: datetime | None = None, limit: int = 200,
             only: Iterable[int] | None = None, progress: Progress | None = None) -> SendReport:
    """Send the queued mails that are due (``only``: these ids among them)."""
    now = now or clock.now()
    report = SendReport()
    with reading(sessions) as session:
        config = _smtp_config(session)
        public_url = _settings_values.public_url(session)
        office_name = _settings_values.office(session)["name"]
        ids = _due_ids(session, now=now, limit=limit, only=only)
    if not config.ready:  # said even with nothing due: the office should know before it is
        report.not_configured = True
        return report
    if not ids:
        return report
    config = SmtpConfig(**{**config.__dict__, "password": smtp_password()})
    with ExitStack() as stack:
        connection = _Connection(config, stack)
        for done, mail_id in enumerate(ids, start=1):
            _send_one(sessions, connection, config, mail_id, now=now, public_url=public_url,
                      office_name=office_name, report=report)
            if progress is not None:
                progress(done, len(ids))
    return report


def _send_one(sessions: sessionmaker, connection: _Connection, config: SmtpConfig, mail_id: int, *, now: datetime,
              public_url: str, office_name: str, report: SendReport) -> None:
    claimed = _claim(sessions, mail_id, now)
    if claimed is None:
        return
    if claimed == "gone":
        report.cancelled.append(mail_id)
        return
    assert isinstance(claimed, _Claimed)
    token = (tokens.new_token(account_id=claimed.account_id, purpose=claimed.token_purpose, now=now)
             if claimed.token_purpose else None)
    failure: failures.Failure | None = None
    try:
        envelope = build(
            sender=config.sender, sender_name=office_name or t("letters.default_office", claimed.language),
            recipient=claimed.address, recipient_name=claimed.display_name, subject=claimed.subject,
            body=with_link(claimed.body, tokens.link(public_url, token.token) if token else None),
            language=claimed.language, attachments=_attachments(sessions, claimed.attachments), now=now,
        )
        connection.send(envelope, config.sender)
    except _Permanent as refused:
        failure = refused.failure
    except (smtplib.SMTPException, OSError, ValueError) as error:  # ValueError: an address the message
        failure = connection.failure(error, claimed.address)      # cannot hold, or a certificate (SSLError)
    except Exception as error:  # rendering the letter failed: recorded and retried, the batch goes on
        log.exception("mail %s could not be prepared", mail_id)
        failure = failures.Failure("other", {"detail": failures.technical(error)}, failures.technical(error))
    if failure is not None:
        log.warning("mail %s not sent (%s): %s", mail_id, failure.code, failure.detail)
    _record(sessions, claimed, now=now, failure=failure, token=token, report=report)


def send_soon(sessions: sessionmaker, mail_ids: list[int]) -> threading.Thread:
    """Send these mails from a background thread: a page answers at once, and in the same
    time whether a mail was queued or not ("forgot my password" tells nobody who has an
    account)."""

    def run() -> None:
        try:
            send_due(sessions, only=mail_ids)
        except Exception:  # a background thread has no one to tell but the log
            log.exception("sending mails %s", mail_ids)

    thread = threading.Thread(target=run, name="assess-mail", daemon=True)
    thread.start()
    return thread
