"""A real SMTP server per test (aiosmtpd on a free local port) that keeps what it
receives, and the suite's mail settings pointed at it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from assess.services import settings
from assess.storage.db import writing
from tests.jury.helpers import make_office


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage
    tls: bool = False  # the conversation had switched to TLS (STARTTLS) when the mail came

    @property
    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")

    @property
    def html(self) -> str:
        return self.message.get_body(preferencelist=("html",)).get_content()

    def attachments(self) -> list[tuple[str, str, bytes]]:
        return [(part.get_filename(), part.get_content_type(), part.get_content())
                for part in self.message.iter_attachments()]


@dataclass
class SmtpServer:
    """What the server received, and the addresses it refuses (550)."""

    port: int
    received: list[Received] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message,
                                      tls=session.ssl is not None))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.recipients]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(port=free_port())
    controller = Controller(server, hostname="127.0.0.1", port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


def configure(session, office, *, port: int, auto: bool = True, **extra) -> None:
    values = {"mail.host": "127.0.0.1", "mail.port": port, "mail.tls": "none", "mail.sender": "label@example.org",
              "office.name": "Bureau national eTwinning", "public_url": "https://label.example.org"}
    values.update({f"mail.auto.{kind}": auto for kind in
                   ("invitation", "password_reset", "assignments", "reminder", "application_received", "verdict")})
    values.update(extra)
    settings.put_many(session, actor=office, values=values)


@pytest.fixture
def office(session_factory):
    with writing(session_factory) as session:
        return make_office(session)


@pytest.fixture
def mail_ready(session_factory, office, smtp_server) -> SmtpServer:
    """The office's mail settings pointed at the test server, every kind sent automatically."""
    with writing(session_factory) as session:
        configure(session, office, port=smtp_server.port)
    return smtp_server
