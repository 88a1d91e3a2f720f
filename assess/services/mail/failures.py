"""Why a mail was not sent, as the outbox keeps it: a failure's code (the catalogue key
``mail.failures.<code>``), its parameters, and the technical detail (the exception, in
Python's English, cut to :data:`DETAIL_MAX` characters) for the operator's log. The
Outbox page and ``assess mail list`` say it in the reader's language (:func:`message`);
nothing a reader sees is Python's text, except the detail of a failure no code names
(``other``), which its general sentence quotes.

Rows stored before failures had codes carry their text only (``last_error``): migration
0019 gave them a code where their text showed one, and :func:`message` shows any row
without a code as ``other`` with its text.
"""

from __future__ import annotations

import errno
import smtplib
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from assess.i18n import t

#: The technical detail kept per mail, and quoted in ``other``: enough for an SMTP reply.
DETAIL_MAX = 500
#: Codes with a sentence of their own (``mail.failures.<code>``).
CODES: tuple[str, ...] = (
    "refused", "unreachable", "unknown_host", "timeout", "disconnected", "authentication", "certificate",
    "no_starttls", "tls", "recipient_refused", "sender_refused", "too_large", "bad_address", "account_inactive",
    "letter_not_published", "no_certificate", "other",
)
#: Codes another try will not mend: the mail fails at once.
PERMANENT: frozenset[str] = frozenset({"recipient_refused", "too_large", "bad_address", "letter_not_published",
                                       "no_certificate"})
_UNREACHABLE = {errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN, errno.ENETDOWN}
#: SMTP replies that mean "too large" (RFC 5321 552, RFC 1870 SIZE; 554 5.3.4 in the wild).
_TOO_LARGE_WORDS = ("size", "too large", "too big", "too much")


@dataclass(frozen=True)
class Failure:
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    detail: str = ""

    @property
    def permanent(self) -> bool:
        return self.code in PERMANENT


def technical(error: BaseException) -> str:
    """The exception as the operator's log shows it: its type and text, cut."""
    return cut(f"{type(error).__name__}: {error}".strip())


def cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= DETAIL_MAX else text[:DETAIL_MAX - 1] + "…"


def _reply(error: smtplib.SMTPResponseException) -> str:
    message = error.smtp_error
    return (message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)).lower()


def _too_large(error: smtplib.SMTPResponseException) -> bool:
    return error.smtp_code == 552 or any(word in _reply(error) for word in _TOO_LARGE_WORDS)


def of(error: BaseException, *, host: str, port: int, user: str = "", sender: str = "", address: str = "") -> Failure:
    """The failure an exception met while connecting, signing in or sending means."""
    detail = technical(error)
    server = f"{host}:{port}"

    def failure(code: str, **params: Any) -> Failure:
        return Failure(code, params, detail)

    if isinstance(error, ssl.SSLCertVerificationError):
        return failure("certificate", reason=cut(str(error.verify_message or error.reason or error)))
    if isinstance(error, smtplib.SMTPNotSupportedError) and "STARTTLS" in str(error).upper():
        return failure("no_starttls")
    if isinstance(error, ssl.SSLError):
        return failure("tls", reason=cut(str(error.reason or error)))
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return failure("authentication", user=user)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return failure("recipient_refused", address=address or ", ".join(error.recipients))
    if isinstance(error, smtplib.SMTPSenderRefused):
        return failure("too_large") if _too_large(error) else failure("sender_refused", sender=sender)
    if isinstance(error, smtplib.SMTPDataError) and _too_large(error):
        return failure("too_large")
    if isinstance(error, smtplib.SMTPServerDisconnected):
        # smtplib says "Connection unexpectedly closed: timed out" for a server that
        # stopped answering: the timeout is its cause.
        waited = isinstance(error.__cause__ or error.__context__, TimeoutError)
        return failure("timeout" if waited else "disconnected", server=server)
    if isinstance(error, socket.gaierror):
        return failure("unknown_host", host=host)
    if isinstance(error, ConnectionRefusedError):
        return failure("refused", server=server)
    if isinstance(error, TimeoutError):
        return failure("timeout", server=server)
    if isinstance(error, OSError) and error.errno in _UNREACHABLE:
        return failure("unreachable", server=server)
    if isinstance(error, ValueError) and str(error) == "mail.errors.bad_address":
        return failure("bad_address")
    return failure("other", detail=detail)


def message(code: str, params: Mapping[str, Any] | None, detail: str, lang: str) -> str:
    """What a reader of ``lang`` reads of a stored failure ("" for none). A row without a
    code (stored before codes), or with a code this version does not know, shows its
    text in the general sentence."""
    if not code:
        return t("mail.failures.other", lang, detail=detail) if detail else ""
    if code not in CODES:
        return t("mail.failures.other", lang, detail=detail or code)
    values = dict(params or {})
    if code == "other":
        values.setdefault("detail", detail)
    return t(f"mail.failures.{code}", lang, **values)
