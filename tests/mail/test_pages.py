"""The pages with AppTest on a real SQLite file and a real SMTP server: "forgot my
password" on the sign-in page, the set-password link's page, and the office's Outbox."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from assess.i18n import t
from assess.services.mail import passwords, sending
from assess.storage.db import writing
from tests.mail.conftest import configure
from tests.mail.helpers import LINK, mails
from tests.ui.conftest import PASSWORD, ROOT, app_for, people, run_page, ui_database  # noqa: F401 - fixtures
from tests.ui.test_shell_pages import click, widget

DENIED = "You are not allowed to do this."
ANSWER = "If an account has this address, a mail with a link is on its way. The link works for an hour."


def wait_for(server, count: int) -> None:
    deadline = time.monotonic() + 20
    while len(server.received) < count:
        assert time.monotonic() < deadline, "no mail arrived"
        time.sleep(0.05)


@pytest.fixture
def mail_on(ui_database, people, smtp_server):  # noqa: F811
    with writing(ui_database) as session:
        configure(session, people.admin, port=smtp_server.port)
    return smtp_server


def forgot(at, email: str) -> AppTest:
    at.text_input(key="forgot_email").input(email)
    return click(at, "Send me a link")


def test_forgot_my_password_answers_alike_and_mails_only_an_account(app_for, people, mail_on):  # noqa: F811
    at = forgot(app_for(None), "nobody@example.org")
    assert [i.value for i in at.info] == [ANSWER]

    at = forgot(app_for(None), "claire@example.org")
    assert [i.value for i in at.info] == [ANSWER]

    wait_for(mail_on, 1)
    time.sleep(0.3)  # a mail to the unknown address would have come by now
    assert [r.recipients for r in mail_on.received] == [["claire@example.org"]]


def test_the_link_opens_the_set_password_page_and_signs_in(ui_database, people, mail_on):  # noqa: F811
    mail_id = passwords.request_password_reset(ui_database, email="claire@example.org", language="en")
    sending.send_due(ui_database, only=[mail_id])
    token = LINK.search(mail_on.received[0].text)[1]

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["lang"] = "en"
    at.query_params["password_token"] = token
    at.run()
    assert [t.value for t in at.title] == ["Choose your password"]
    widget(at.text_input, "Password").input("a brand new passphrase")
    widget(at.text_input, "Password again").input("a brand new passphrase")
    at = click(at, "Save my password")

    assert not at.exception
    assert at.session_state["actor_id"] == people.teacher.id
    at.query_params["password_token"] = token  # the same link again
    at.run()
    assert [e.value for e in at.error] == [
        "This link does not work any more: it was used, it expired, or it is not complete. "
        "Ask for a new one from the sign-in page."]


@pytest.mark.parametrize("who", ["teacher", "juror", None])
def test_the_outbox_refuses_everyone_but_the_office(ui_database, people, who):  # noqa: F811
    at = run_page("outbox", getattr(people, who) if who else None)
    assert [e.value for e in at.error] == [DENIED]
    assert not at.dataframe


def test_the_office_edits_a_held_mail_and_sends_it(ui_database, people, smtp_server):  # noqa: F811
    with writing(ui_database) as session:
        configure(session, people.admin, port=smtp_server.port, auto=False)
        passwords.invite(session, actor=people.admin, account_id=people.juror.id)

    at = run_page("outbox", people.admin)
    assert not at.exception
    assert at.dataframe
    widget(at.text_input, "Subject").input("Welcome to the jury")
    at = click(at, "Save the changes")
    assert [s.value for s in at.success] == ["The mail was saved."]
    at = click(at, "Send")

    wait_for(smtp_server, 1)
    [received] = smtp_server.received
    assert received.recipients == ["juror@example.org"]
    assert received.message["Subject"] == "Welcome to the jury"
    assert LINK.search(received.text)
    assert [m.status for m in mails(ui_database)] == ["sent"]


def test_the_outbox_says_when_no_server_is_set_and_what_to_fill_in(ui_database, people):  # noqa: F811
    at = run_page("outbox", people.admin)

    assert not at.exception
    assert at.warning[0].value == ('Mails cannot be sent yet: fill in "SMTP server" and "Sender\'s address" on the '
                                   "Settings page, under E-mail (your IT service or mail provider gives them). "
                                   "Until then, mails wait here.")


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_the_outbox_names_the_settings_to_fill_in_as_the_settings_page_does(ui_database, people, lang):  # noqa: F811
    warning = run_page("outbox", people.admin, lang=lang).warning[0].value
    for key in ("settings.mail.host.label", "settings.mail.sender.label", "nav.settings", "settings.groups.mail.title"):
        assert t(key, lang) in warning
    assert "Mails cannot be sent yet" not in warning


# --- the Users page invites ------------------------------------------------------------------------

INVITE = "Send an invitation mail (a link to choose a password)"


def create_account(at, email: str, *, password: str = "", invite: bool = True, sso_only: bool = False) -> AppTest:
    form = at.get("form")[0]
    widget(form.text_input, "E-mail address").input(email)
    widget(form.text_input, "Name shown").input("Léa Petit")
    if password:
        widget(form.text_input, "Initial password").input(password)
    if not invite:
        widget(form.checkbox, INVITE).uncheck()
    if sso_only:
        widget(form.checkbox, "Single sign-on only (no password)").check()
    return click(at, "Create the account")


def test_creating_an_account_sends_its_invitation_with_a_link_to_choose_a_password(
        app_for, people, ui_database, mail_on):  # noqa: F811
    at = create_account(app_for(people.admin, page="users"), "Lea.Petit@example.org")

    assert [s.value for s in at.success] == [
        "The account lea\\.petit@example\\.org was created; its invitation mail is in the outbox."]
    wait_for(mail_on, 1)
    [received] = mail_on.received
    assert received.recipients == ["lea.petit@example.org"]
    assert received.message["Subject"] == "Your account for the eTwinning quality label"
    assert "for the address lea.petit@example.org" in received.text and LINK.search(received.text)
    [invitation] = mails(ui_database, kind="invitation")
    assert invitation.address == "lea.petit@example.org"
    with ui_database() as session:
        from assess.storage.models import User

        user = session.query(User).filter_by(email="lea.petit@example.org").one()
        assert user.password_hash is None and invitation.account_id == user.id
    # Until the link is used, the list says the account waits for its password.
    at = app_for(people.admin, page="users")
    table = at.dataframe[0].value
    assert table.set_index("E-mail address").loc["lea.petit@example.org", "Signs in with"] == \
        "Invitation (no password yet)"


def test_a_held_invitation_waits_in_the_outbox_and_no_tick_no_mail(
        app_for, people, ui_database, smtp_server):  # noqa: F811
    with writing(ui_database) as session:
        configure(session, people.admin, port=smtp_server.port, auto=False)
    at = create_account(app_for(people.admin, page="users"), "lea.petit@example.org")
    assert [s.value for s in at.success] == [
        "The account lea\\.petit@example\\.org was created; its invitation mail is in the outbox."]
    at = create_account(at, "no.mail@example.org", password=PASSWORD, invite=False)
    at = create_account(at, "sso@example.org", sso_only=True)
    assert not at.exception

    time.sleep(0.5)  # a mail sent by mistake would have come by now
    assert not smtp_server.received
    [held] = mails(ui_database, kind="invitation")
    assert (held.address, held.status) == ("lea.petit@example.org", "held")
    with ui_database() as session:
        from assess.storage.models import User

        made = {u.email: u.password_hash is not None for u in session.query(User).filter(
            User.email.in_(["no.mail@example.org", "sso@example.org"]))}
    assert made == {"no.mail@example.org": True, "sso@example.org": False}
