"""STARTTLS with a real certificate: aiosmtpd requires STARTTLS with a certificate made
in the test (a private authority and a server certificate for 127.0.0.1, with the
``cryptography`` package); the suite sends through it with ``mail.tls = starttls`` when
the authority is trusted (``ASSESS_SMTP_CA_FILE``), and when it is not, or when the
server offers no STARTTLS, nothing is sent, in clear or otherwise: the failure is on the
outbox, where the office reads it."""

from __future__ import annotations

import ipaddress
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from assess.services.mail import config, outbox, passwords, sending
from assess.storage.db import reading, writing
from tests.mail.conftest import SmtpServer, configure, free_port
from tests.mail.helpers import collect_and_send, mails, round_with_application
from tests.ui.conftest import app_for, people, ui_database  # noqa: F401 - fixtures


@dataclass
class Certificates:
    authority: Path  # the private authority's certificate (PEM): what a client may trust
    chain: Path  # the server's certificate (PEM)
    key: Path  # the server's private key (PEM)


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory) -> Certificates:
    """A self-signed authority and the server certificate it signs, for 127.0.0.1."""
    folder = tmp_path_factory.mktemp("tls")
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    authority = (
        x509.CertificateBuilder().subject_name(_name("Test mail authority")).issuer_name(_name("Test mail authority"))
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False, key_agreement=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder().subject_name(_name("127.0.0.1")).issuer_name(authority.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                    x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    made = Certificates(folder / "authority.pem", folder / "server.pem", folder / "server.key")
    made.authority.write_bytes(_pem(authority))
    made.chain.write_bytes(_pem(server))
    made.key.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return made


@pytest.fixture
def starttls_server(certificates) -> Iterator[SmtpServer]:
    """A real SMTP server that refuses any mail before STARTTLS, with the test's certificate."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificates.chain, certificates.key)
    server = SmtpServer(port=free_port())
    controller = Controller(server, hostname="127.0.0.1", port=server.port, tls_context=context, require_starttls=True)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


def send_one(sessions, office_port: int, office) -> None:
    with writing(sessions) as session:
        configure(session, office, port=office_port, **{"mail.tls": "starttls"})
        round_with_application(session, assign=False)


def test_the_suite_sends_through_starttls_to_a_server_whose_authority_it_trusts(session_factory, office,
                                                                                starttls_server, certificates,
                                                                                monkeypatch):
    monkeypatch.setenv(config.CA_FILE_VARIABLE, str(certificates.authority))
    send_one(session_factory, starttls_server.port, office)

    report = collect_and_send(session_factory)

    [received] = starttls_server.received
    assert report.sent and received.recipients == ["claire@example.org"]
    assert received.tls, "the mail came before the conversation switched to TLS"
    assert mails(session_factory)[0].status == "sent"


def test_an_untrusted_certificate_sends_nothing_and_the_outbox_says_why(session_factory, office, starttls_server,
                                                                        monkeypatch):
    monkeypatch.delenv(config.CA_FILE_VARIABLE, raising=False)  # the system's authorities only
    send_one(session_factory, starttls_server.port, office)

    report = collect_and_send(session_factory)

    assert not starttls_server.received
    [mail] = mails(session_factory)
    assert report.retrying == [mail.id] and mail.status == "queued" and mail.attempts == 1
    assert mail.error_key == "certificate" and "CERTIFICATE_VERIFY_FAILED" in mail.last_error
    with reading(session_factory) as session:
        [row] = outbox.list_mails(session, actor=office, statuses=["queued"])
    said = row.error("en")
    assert said.startswith("The mail server's certificate is not trusted (unable to get local issuer certificate)")
    assert "nothing was sent" in said and "ASSESS_SMTP_CA_FILE" in said
    assert row.error("fr").startswith("Le certificat du serveur de courriel n'est pas reconnu (")


def test_a_server_without_starttls_gets_nothing_in_clear(session_factory, office, smtp_server):
    send_one(session_factory, smtp_server.port, office)  # a server that offers no STARTTLS

    collect_and_send(session_factory)

    assert not smtp_server.received
    [mail] = mails(session_factory)
    assert mail.status == "queued" and mail.error_key == "no_starttls"
    from assess.services.mail import failures

    assert "does not offer STARTTLS" in failures.message(mail.error_key, mail.error_params, mail.last_error, "en")


def test_the_outbox_page_shows_the_certificate_failure(
        app_for, people, ui_database, starttls_server, monkeypatch):  # noqa: F811
    monkeypatch.delenv(config.CA_FILE_VARIABLE, raising=False)
    with writing(ui_database) as session:
        configure(session, people.admin, port=starttls_server.port, **{"mail.tls": "starttls"})
        passwords.invite(session, actor=people.admin, account_id=people.teacher.id)
    sending.send_due(ui_database)

    at = app_for(people.admin, page="outbox")
    at.segmented_control(key="outbox_status").set_value("queued")
    at = at.run()

    assert not at.exception
    errors = [e.value for e in at.error]
    assert any(e.startswith("Last error: The mail server's certificate is not trusted") for e in errors), errors
    table = at.dataframe[0].value
    assert table["Last error"].str.contains("certificate is not trusted").all()
