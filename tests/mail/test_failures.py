"""Why a mail was not sent, in the reader's words: the outbox stores a failure as a
catalogue key and its parameters (and the technical detail, for the operator's log), and
the Outbox page and ``assess mail list`` say it in the reader's language. Each failure is
made for real: a closed port, a name that does not resolve, a server that never answers,
aiosmtpd refusing the sign-in, the address, a mail too large, or answering 451."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from click.testing import CliRunner

from assess.cli import cli
from assess.i18n import languages, t
from assess.services.mail import config, failures, outbox, sending
from assess.storage.db import reading, writing
from tests.mail.conftest import SmtpServer, configure, free_port
from tests.mail.helpers import collect_and_send, mails, round_with_application
from tests.ui.conftest import app_for, people, ui_database  # noqa: F401 - fixtures

#: Python's words: none of them is what a French or German office should read.
PYTHON_WORDS = ("Error", "Errno", "Refused", "gaierror", "timed out", "Traceback")


def one_mail(sessions, office, **settings) -> None:
    with writing(sessions) as session:
        configure(session, office, port=1, **settings)
        round_with_application(session, assign=False)


def the_row(sessions, office) -> outbox.MailRow:
    with reading(sessions) as session:
        [row] = outbox.list_mails(session, actor=office)
    return row


def said(row: outbox.MailRow) -> dict[str, str]:
    return {lang: row.error(lang) for lang in languages()}


def assert_in_words(row: outbox.MailRow, key: str, **params) -> dict[str, str]:
    """The failure is stored as ``key``, and each language says it in its own words."""
    assert row.error_key == key
    texts = said(row)
    assert {lang: text for lang, text in texts.items()} == {
        lang: t(f"mail.failures.{key}", lang, **params) for lang in languages()}
    assert len(set(texts.values())) == len(texts), "a language shows another's text"
    for text in (texts["fr"], texts["de"]):
        assert not [w for w in PYTHON_WORDS if w in text], text
    return texts


@pytest.fixture
def closed_port() -> int:
    return free_port()  # bound then closed: nothing listens there


def test_a_refused_connection_is_said_in_the_readers_language(session_factory, office, closed_port):
    one_mail(session_factory, office, **{"mail.port": closed_port})

    report = collect_and_send(session_factory)

    row = the_row(session_factory, office)
    assert report.retrying == [row.id]
    texts = assert_in_words(row, "refused", server=f"127.0.0.1:{closed_port}")
    assert "refusé la connexion" in texts["fr"] and "Verbindung abgelehnt" in texts["de"]
    assert f"127.0.0.1:{closed_port}" in texts["fr"]
    # The technical detail is kept for the operator.
    assert row.last_error.startswith("ConnectionRefusedError: [Errno 111]")


def test_a_server_name_that_does_not_resolve(session_factory, office):
    one_mail(session_factory, office, **{"mail.host": "smtp.example.invalid"})

    collect_and_send(session_factory)

    row = the_row(session_factory, office)
    texts = assert_in_words(row, "unknown_host", host="smtp.example.invalid")
    assert "smtp.example.invalid" in texts["fr"] and "DNS" in texts["fr"]
    assert "gaierror" in row.last_error


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts the connection and never says a word (no SMTP greeting)."""
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen(5)
        yield listening.getsockname()[1]


def test_a_server_that_never_answers_times_out(session_factory, office, silent_server, monkeypatch):
    monkeypatch.setattr(sending, "SMTP_TIMEOUT", 0.5)
    one_mail(session_factory, office, **{"mail.port": silent_server})

    report = collect_and_send(session_factory)

    row = the_row(session_factory, office)
    assert report.retrying == [row.id]
    texts = assert_in_words(row, "timeout", server=f"127.0.0.1:{silent_server}")
    assert "n'a pas répondu à temps" in texts["fr"]


@pytest.fixture
def server_refusing_sign_in() -> Iterator[SmtpServer]:
    server = SmtpServer(port=free_port())
    controller = Controller(server, hostname="127.0.0.1", port=server.port, auth_require_tls=False,
                            authenticator=lambda *args: AuthResult(success=False, handled=False))  # 535
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


def test_a_refused_sign_in_names_the_user_and_the_password_variable(session_factory, office, server_refusing_sign_in,
                                                                    monkeypatch):
    monkeypatch.setenv(config.PASSWORD_VARIABLE, "wrong")
    one_mail(session_factory, office, **{"mail.port": server_refusing_sign_in.port, "mail.user": "label-office"})

    collect_and_send(session_factory)

    row = the_row(session_factory, office)
    texts = assert_in_words(row, "authentication", user="label-office")
    assert "label-office" in texts["de"] and "ASSESS_SMTP_PASSWORD" in texts["de"]
    assert not server_refusing_sign_in.received
    assert "SMTPAuthenticationError" in row.last_error and "535" in row.last_error


def test_a_refused_address_fails_at_once_and_names_it(session_factory, office, mail_ready):
    mail_ready.refused.add("claire@example.org")
    with writing(session_factory) as session:
        round_with_application(session, assign=False)

    collect_and_send(session_factory)

    [mail] = mails(session_factory)
    assert mail.status == "failed" and mail.attempts == 1
    row = the_row(session_factory, office)
    assert_in_words(row, "recipient_refused", address="claire@example.org")
    assert "550" in row.last_error


@pytest.fixture
def small_server() -> Iterator[SmtpServer]:
    """A server that takes mails of 500 bytes at most (it says so: SIZE 500)."""
    server = SmtpServer(port=free_port())
    controller = Controller(server, hostname="127.0.0.1", port=server.port, data_size_limit=500)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


def test_a_mail_too_large_for_the_server_fails_at_once(session_factory, office, small_server):
    one_mail(session_factory, office, **{"mail.port": small_server.port})

    report = collect_and_send(session_factory)

    row = the_row(session_factory, office)
    assert report.failed == [row.id] and row.status == "failed" and row.attempts == 1  # another try changes nothing
    texts = assert_in_words(row, "too_large")
    assert "trop volumineux" in texts["fr"]
    assert "552" in row.last_error


class Busy(SmtpServer):
    async def handle_DATA(self, server, session, envelope):
        return "451 4.3.0 Mailbox temporarily busy, come back later"


def test_any_other_failure_is_a_general_sentence_with_the_detail(session_factory, office):
    server = Busy(port=free_port())
    controller = Controller(server, hostname="127.0.0.1", port=server.port)
    controller.start()
    try:
        one_mail(session_factory, office, **{"mail.port": server.port})
        report = collect_and_send(session_factory)
    finally:
        controller.stop()

    row = the_row(session_factory, office)
    assert report.retrying == [row.id]
    assert row.error_key == "other"
    detail = row.error_params["detail"]
    assert "451" in detail and "come back later" in detail
    texts = said(row)
    assert texts["fr"] == t("mail.failures.other", "fr", detail=detail)
    assert texts["fr"].startswith("Le courriel n'a pas pu être envoyé") and detail in texts["fr"]


def test_the_detail_is_cut_to_a_sane_length(session_factory, office, monkeypatch):
    class Verbose(SmtpServer):
        async def handle_DATA(self, server, session, envelope):
            return "451 " + "x" * 5000

    server = Verbose(port=free_port())
    controller = Controller(server, hostname="127.0.0.1", port=server.port)
    controller.start()
    try:
        one_mail(session_factory, office, **{"mail.port": server.port})
        collect_and_send(session_factory)
    finally:
        controller.stop()

    row = the_row(session_factory, office)
    assert 0 < len(row.last_error) <= failures.DETAIL_MAX
    assert len(row.error("fr")) < failures.DETAIL_MAX + 200


def test_a_stored_failure_of_before_shows_as_it_was(session_factory, office):
    """A row written before failures had keys (its text only) still shows its text."""
    one_mail(session_factory, office)
    collect_and_send(session_factory)
    with writing(session_factory) as session:
        from assess.storage.models import OutboxMail

        mail = session.query(OutboxMail).one()
        mail.status, mail.last_error, mail.error_key, mail.error_params = "failed", "Something odd", "", {}
    row = the_row(session_factory, office)
    assert row.error("fr") == t("mail.failures.other", "fr", detail="Something odd")


def test_mail_list_says_the_failure_in_the_operators_language(session_factory, office, closed_port, database_url,
                                                              monkeypatch):
    one_mail(session_factory, office, **{"mail.port": closed_port})
    collect_and_send(session_factory)
    monkeypatch.setenv("ASSESS_DATABASE_URL", database_url)

    french = CliRunner().invoke(cli, ["mail", "list"], env={"LANG": "fr_FR.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""})
    german = CliRunner().invoke(cli, ["mail", "list"], env={"LANG": "de_DE.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""})

    assert french.exit_code == 0, french.output
    server = f"127.0.0.1:{closed_port}"
    assert t("mail.failures.refused", "fr", server=server) in french.output
    assert t("mail.failures.refused", "de", server=server) in german.output
    assert "ConnectionRefusedError" not in french.output + german.output


@pytest.mark.parametrize("lang", ["en", "fr", "de"])
def test_the_outbox_page_says_the_failure_in_the_offices_language(app_for, people, ui_database, lang):  # noqa: F811
    port = free_port()
    with writing(ui_database) as session:
        configure(session, people.admin, port=port)
        from assess.services.mail import passwords

        passwords.invite(session, actor=people.admin, account_id=people.teacher.id)
    sending.send_due(ui_database)

    at = app_for(people.admin, page="outbox", lang=lang)
    # The label the office clicks: AppTest formats a raw value outside the page, in English.
    at.segmented_control(key="outbox_status").set_value(f"{t('mail.status.queued', lang)} (1)")
    at = at.run()

    assert not at.exception
    sentence = t("mail.failures.refused", lang, server=f"127.0.0.1:{port}")
    errors = [e.value for e in at.error]
    assert any(sentence in e.replace("\\", "") for e in errors), errors  # escaped for Markdown
    column = t("mail.page.columns.error", lang)
    assert list(at.dataframe[0].value[column]) == [sentence]
    assert not any("ConnectionRefusedError" in e for e in errors)
