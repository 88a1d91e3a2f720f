"""Who mail goes to: accounts only, each mail to its one address; a display name or a
title with line breaks cannot add a header or a recipient; reminders only to jurors who
still owe scores."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from assess.domain.permissions import Actor
from assess.services import accounts, decisions
from assess.services.mail import collect, passwords, sending
from assess.storage.db import reading, writing
from assess.storage.models import Application, User
from tests.jury.helpers import TODAY, close, score_all
from tests.mail.helpers import collect_and_send, mails, round_with_application
from tests.services.helpers import make_campaign


def test_every_recipient_is_an_account(session_factory, office, mail_ready):
    """A whole round (with a families' survey of the project: pupils and families have no
    account) and an invitation: every message goes to one account's address."""
    with writing(session_factory) as session:
        scene = round_with_application(session, closes_in=2)
        project = session.get(Application, scene.application_id).project
        make_campaign(session, owner=scene.teacher, project=project, audience="families")
        make_campaign(session, owner=scene.teacher, project=project, audience="pupils")
    collect_and_send(session_factory)
    with writing(session_factory) as session:
        for juror in scene.jurors.values():
            score_all(session, juror=juror, application_id=scene.application_id, level=2)
        decisions.stage_decision(session, actor=Actor.system(), application_id=scene.application_id)
        close(session, scene.round_id)  # a round is published once closed
        decisions.publish_round(session, actor=Actor.system(), round_id=scene.round_id)
        passwords.invite(session, actor=office, account_id=scene.teacher.id)
    passwords.request_password_reset(session_factory, email="juror1@example.org", language="en")
    collect_and_send(session_factory)

    with reading(session_factory) as session:
        accounts = {user.id: user.email for user in session.scalars(select(User))}
    queued = mails(session_factory)
    assert {m.kind for m in queued} == {"application_received", "assignments", "reminder", "verdict", "invitation",
                                         "password_reset"}
    assert all(m.status == "sent" and accounts[m.account_id] == m.address for m in queued)
    assert len(mail_ready.received) == len(queued)
    for received in mail_ready.received:
        assert len(received.recipients) == 1 and received.recipients[0] in accounts.values()
        assert received.message["To"].addresses[0].addr_spec == received.recipients[0]


def test_a_display_name_or_a_title_with_line_breaks_adds_no_header(session_factory, office, mail_ready):
    with writing(session_factory) as session:
        scene = round_with_application(session, assign=False, title="Stars\r\nBcc: everyone@example.org")
        teacher = session.get(User, scene.teacher.id)
        teacher.display_name = "Claire\r\nBcc: victim@example.org\r\nX-Evil: yes"
        passwords.invite(session, actor=office, account_id=teacher.id)

    collect_and_send(session_factory)

    assert len(mail_ready.received) == 2
    for received in mail_ready.received:
        assert received.recipients == ["claire@example.org"]
        assert received.message["Bcc"] is None and received.message["X-Evil"] is None
        assert "\n" not in str(received.message["To"]) and "\n" not in str(received.message["Subject"])
        [to] = received.message["To"].addresses
        assert to.addr_spec == "claire@example.org"
    received = next(r for r in mail_ready.received if "Stars" in r.message["Subject"])
    assert received.message["Subject"] == "Candidature reçue : Stars Bcc: everyone@example.org"


def test_reminders_go_to_jurors_who_still_owe_scores_before_the_deadline(session_factory, mail_ready):
    with writing(session_factory) as session:
        scene = round_with_application(session, closes_in=5)
        done, late = scene.jurors.values()
        score_all(session, juror=done, application_id=scene.application_id)
        score_all(session, juror=late, application_id=scene.application_id, submit=False)

    collect_and_send(session_factory)  # five days before: the default is three
    assert not [m for m in mails(session_factory) if m.kind == "reminder"]

    collect_and_send(session_factory, today=TODAY + timedelta(days=3))
    collect_and_send(session_factory, today=TODAY + timedelta(days=4))  # one reminder per deadline

    reminders = [m for m in mails(session_factory) if m.kind == "reminder"]
    assert [m.address for m in reminders] == [late.email]
    [received] = [r for r in mail_ready.to(late.email) if r.message["Subject"].startswith("Reminder")]
    deadline = TODAY + timedelta(days=5)
    assert "in 2 days" in received.text
    # The applications are the teachers'; the juror has them to score.
    assert "one application assigned to you still waits for your submitted scores" in received.text
    assert "your applications" not in received.text
    assert str(deadline.year) in received.message["Subject"]


def test_a_mail_queued_before_the_account_was_deactivated_is_cancelled(session_factory, office, mail_ready):
    with writing(session_factory) as session:
        scene = round_with_application(session, assign=False)
        collect.collect(session, actor=Actor.system())
    with writing(session_factory) as session:
        accounts.set_active(session, actor=office, user_id=scene.teacher.id, active=False)

    report = sending.send_due(session_factory)

    assert mail_ready.received == []
    [mail] = mails(session_factory)
    assert report.cancelled == [mail.id] and mail.status == "cancelled"
    from assess.services.mail import failures

    assert failures.message(mail.error_key, mail.error_params, mail.last_error, "en") == \
        "The account is deactivated: no mail is sent to it."
    assert failures.message(mail.error_key, mail.error_params, mail.last_error, "fr").startswith("Le compte est désactivé")
