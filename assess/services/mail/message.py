"""One mail as an :class:`email.message.EmailMessage`: plain text and its HTML
alternative, attachments, and headers that no value can break.

Header injection is impossible by construction: the subject and the display name are
put on one line (control characters become spaces) before ``EmailMessage`` (policy
``default``, which refuses any header value with a line break) writes them, and the SMTP
envelope names the one recipient explicitly, never read back from the headers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from assess.services.mail.templates import LINK_MARK, html_body, one_line


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    media_type: str = "application/pdf"


@dataclass(frozen=True)
class Envelope:
    """What is sent: the message and the one address it goes to."""

    message: EmailMessage
    recipient: str
    attachments: tuple[str, ...] = field(default=())


def _address(display_name: str, address: str) -> Address:
    local, _, domain = address.rpartition("@")
    if not local or not domain or any(c.isspace() or ord(c) < 32 for c in address):
        raise ValueError("mail.errors.bad_address")
    return Address(display_name=one_line(display_name), username=local, domain=domain)


def with_link(body: str, link: str | None) -> str:
    """The body with its set-password link in place of the mark (added at the end if the
    office's edit removed the mark)."""
    if link is None:
        return body.replace(LINK_MARK, "")
    if LINK_MARK in body:
        return body.replace(LINK_MARK, link)
    return f"{body.rstrip()}\n\n{link}\n"


def build(*, sender: str, sender_name: str, recipient: str, recipient_name: str, subject: str, body: str,
          language: str, attachments: tuple[Attachment, ...] = (), now: datetime) -> Envelope:
    message = EmailMessage()
    message["From"] = _address(sender_name, sender)
    message["To"] = _address(recipient_name, recipient)
    message["Subject"] = one_line(subject)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    # Tells out-of-office replies not to answer (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    message.add_alternative(html_body(subject=subject, body=body, lang=language), subtype="html")
    for attachment in attachments:
        maintype, _, subtype = attachment.media_type.partition("/")
        message.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename)
    # Last: set_content and add_attachment move or clear the message's content-* headers.
    message["Content-Language"] = language
    return Envelope(message=message, recipient=recipient, attachments=tuple(a.filename for a in attachments))
