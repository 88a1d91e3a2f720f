"""Set-password links: the invitation and "forgot my password". The token is random,
only its hash is stored, it expires and works once; "forgot my password" answers the same
for any address and writes only to accounts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from assess import clock
from assess.services import accounts, sign_in
from assess.services.errors import ServiceError
from assess.services.mail import passwords, sending, tokens
from assess.storage.db import reading, writing
from assess.storage.models import OutboxMail, PasswordToken, User
from tests.mail.helpers import LINK, mails
from tests.services.helpers import make_user

NEW_PASSWORD = "a brand new passphrase"


def _invite(session_factory, office, email="nadia@example.org") -> int:
    with writing(session_factory) as session:
        user = accounts.create_user(session, actor=office, email=email, display_name="Nadia Haddad",
                                    roles={"juror"}, password=None)
        passwords.invite(session, actor=office, account_id=user.id)
        return user.id


def _token_in(received) -> str:
    match = LINK.search(received.text)
    assert match, received.text
    return match[1]


def test_an_invitation_carries_a_link_that_sets_the_password_once(session_factory, office, mail_ready):
    _invite(session_factory, office)
    sending.send_due(session_factory)

    [received] = mail_ready.to("nadia@example.org")
    assert received.message["Subject"] == "Your account for the eTwinning quality label"
    token = _token_in(received)
    assert LINK.search(received.html)  # the HTML part has it too
    with reading(session_factory) as session:
        assert tokens.check(session, token=token) == "invitation"
        # Only its hash is kept: neither the outbox nor the tokens table holds the token.
        assert token not in session.scalar(select(OutboxMail.body))
        assert session.scalar(select(PasswordToken.token_hash)) == tokens.token_hash(token)

    with writing(session_factory) as session:
        tokens.set_password_with(session, token=token, password=accounts.new_password(NEW_PASSWORD))
    assert sign_in.sign_in(session_factory, email="nadia@example.org", password=NEW_PASSWORD).actor is not None

    with writing(session_factory) as session, pytest.raises(ServiceError) as refused:
        tokens.set_password_with(session, token=token, password=accounts.new_password("yet another passphrase"))
    assert refused.value.key == "mail.errors.link_invalid"


def test_an_invitation_expires_after_seven_days(session_factory, office, mail_ready):
    _invite(session_factory, office)
    sending.send_due(session_factory)
    token = _token_in(mail_ready.received[0])

    with reading(session_factory) as session:
        assert tokens.check(session, token=token, now=clock.now() + timedelta(days=6)) == "invitation"
        assert tokens.check(session, token=token, now=clock.now() + timedelta(days=7, minutes=1)) is None
        assert tokens.check(session, token=token[:-1]) is None


def test_forgot_my_password_mails_a_link_valid_for_an_hour(session_factory, mail_ready):
    with writing(session_factory) as session:
        make_user(session, email="claire@example.org", name="Claire Martin")

    mail_id = passwords.request_password_reset(session_factory, email=" Claire@Example.org ", language="fr")
    sending.send_due(session_factory, only=[mail_id])

    [received] = mail_ready.received
    assert received.recipients == ["claire@example.org"]
    assert received.message["Subject"] == "Choisissez un nouveau mot de passe"
    token = _token_in(received)
    with reading(session_factory) as session:
        assert tokens.check(session, token=token) == "password_reset"
        assert tokens.check(session, token=token, now=clock.now() + timedelta(minutes=61)) is None
    with writing(session_factory) as session:
        tokens.set_password_with(session, token=token, password=accounts.new_password(NEW_PASSWORD))
    assert sign_in.sign_in(session_factory, email="claire@example.org", password=NEW_PASSWORD).actor is not None


def test_forgot_my_password_writes_to_no_one_for_an_unknown_or_deactivated_address(session_factory, office,
                                                                                    mail_ready):
    with writing(session_factory) as session:
        gone = make_user(session, email="gone@example.org")
        accounts.set_active(session, actor=office, user_id=gone.id, active=False)

    for email in ("nobody@example.org", "gone@example.org", "", "x" * 400):
        assert passwords.request_password_reset(session_factory, email=email, language="en") is None
    sending.send_due(session_factory)

    assert mail_ready.received == [] and mails(session_factory) == []


def test_forgot_my_password_sends_one_mail_per_ten_minutes(session_factory, mail_ready):
    with writing(session_factory) as session:
        make_user(session, email="claire@example.org")

    first = passwords.request_password_reset(session_factory, email="claire@example.org", language="en")
    again = passwords.request_password_reset(session_factory, email="claire@example.org", language="en")

    assert first is not None and again is None
    assert len(mails(session_factory)) == 1


def test_a_link_stops_working_when_the_account_is_deactivated(session_factory, office, mail_ready):
    account_id = _invite(session_factory, office)
    sending.send_due(session_factory)
    token = _token_in(mail_ready.received[0])

    with writing(session_factory) as session:
        accounts.set_active(session, actor=office, user_id=account_id, active=False)
    with reading(session_factory) as session:
        assert tokens.check(session, token=token) is None
        assert session.get(User, account_id).password_hash is None


def test_forgot_my_password_takes_no_write_lock_for_an_address_without_an_account(session_factory, monkeypatch):
    def no_write(_sessions):
        raise AssertionError("a write transaction for an unknown address")

    monkeypatch.setattr(passwords, "writing", no_write)
    assert passwords.request_password_reset(session_factory, email="nobody@example.org", language="en") is None
