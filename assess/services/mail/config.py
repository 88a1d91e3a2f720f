"""The SMTP server: host, port, TLS mode, user and sender from the settings; the password
from the environment only (``ASSESS_SMTP_PASSWORD``, or the file that
``ASSESS_SMTP_PASSWORD_FILE`` names, e.g. a container secret), never from the database;
the authorities its certificate is checked against: the system's, or those of the PEM
file ``ASSESS_SMTP_CA_FILE`` names (a relay with a certificate of the organisation's own
authority)."""

from __future__ import annotations

import os
import ssl
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from assess.domain.permissions import Actor
from assess.services import _settings_values
from assess.services.access import authorize

PASSWORD_VARIABLE = "ASSESS_SMTP_PASSWORD"
PASSWORD_FILE_VARIABLE = "ASSESS_SMTP_PASSWORD_FILE"
CA_FILE_VARIABLE = "ASSESS_SMTP_CA_FILE"


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    tls: str  # 'starttls', 'tls' or 'none'
    user: str
    sender: str
    password: str = field(default="", repr=False)

    @property
    def ready(self) -> bool:
        """A host and a sender: without them nothing can be sent (mails wait, queued)."""
        return bool(self.host and self.sender)


def smtp_password() -> str:
    """The SMTP password from the environment or its secret file; empty when neither is set."""
    path = os.environ.get(PASSWORD_FILE_VARIABLE)
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(PASSWORD_VARIABLE, "")


def tls_context() -> ssl.SSLContext:
    """How the SMTP server's certificate is checked (STARTTLS and TLS alike): its name must
    match the host and it must chain to a trusted authority, the system's or, when
    ``ASSESS_SMTP_CA_FILE`` is set, only the ones in that PEM file. An untrusted
    certificate fails the sending (shown on the outbox): never a fallback to plain text."""
    return ssl.create_default_context(cafile=os.environ.get(CA_FILE_VARIABLE) or None)


def _smtp_config(session: Session) -> SmtpConfig:
    return SmtpConfig(
        host=_settings_values.get(session, "mail.host"),
        port=int(_settings_values.get(session, "mail.port")),
        tls=_settings_values.get(session, "mail.tls"),
        user=_settings_values.get(session, "mail.user"),
        sender=_settings_values.get(session, "mail.sender"),
    )


def _sent_automatically(session: Session, kind: str) -> bool:
    """Whether the office lets mails of this kind go without its look (a setting per kind)."""
    return bool(_settings_values.get(session, f"mail.auto.{kind}"))


def smtp_config(session: Session, *, actor: Actor) -> SmtpConfig:
    """The SMTP settings as the office reads them on the Outbox page (no password)."""
    authorize(session, actor, "mail.manage")
    return _smtp_config(session)
