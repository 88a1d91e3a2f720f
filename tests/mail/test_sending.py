"""Mails sent through a real SMTP server and read back: recipients, subject, language,
the HTML part, the verdict letter (and a label's certificate) attached as PDFs; held mails waiting for the office;
failures retried, then shown."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from io import BytesIO

from pypdf import PdfReader

from assess import clock
from assess.domain.permissions import Actor
from assess.services import decisions
from assess.services.mail import collect, outbox, sending
from assess.storage.db import writing
from tests.jury.helpers import close, score_all
from tests.letters.conftest import pdf_text
from tests.mail.conftest import configure
from tests.mail.helpers import collect_and_send, mails, round_with_application


def test_an_application_received_reaches_the_teacher_in_the_application_language(session_factory, mail_ready):
    with writing(session_factory) as session:
        scene = round_with_application(session, assign=False)

    report = collect_and_send(session_factory)

    assert len(report.sent) == 1
    [received] = mail_ready.received
    assert received.recipients == ["claire@example.org"]
    assert received.sender == "label@example.org"
    assert received.message["Subject"] == "Candidature reçue : Stars over Europe"
    assert received.message["Content-Language"] == "fr"
    assert str(received.message["To"]) == "Claire Martin <claire@example.org>"
    assert "Bureau national eTwinning" in str(received.message["From"])
    assert f"(candidature {scene.application_id})" in received.text
    assert "Bonjour Claire Martin" in received.text and "Bonjour Claire Martin" in received.html
    # Collected once: a second look sends nothing new.
    assert collect_and_send(session_factory).tried == 0


def test_the_account_language_wins_over_the_application_language(session_factory, mail_ready):
    with writing(session_factory) as session:
        round_with_application(session, assign=False, teacher_language="en")

    collect_and_send(session_factory)

    [received] = mail_ready.received
    assert received.message["Subject"] == "Application received: Stars over Europe"
    assert received.message["Content-Language"] == "en"


def test_jurors_get_their_assignments(session_factory, mail_ready):
    with writing(session_factory) as session:
        scene = round_with_application(session)

    collect_and_send(session_factory)

    for juror in scene.jurors.values():
        [received] = [r for r in mail_ready.to(juror.email) if "score" in r.message["Subject"]]
        assert received.message["Subject"] == "Labels 2026: 1 application to score"
        assert "https://label.example.org" in received.text


def publish(session_factory, *, level: int, title: str = "Stars over Europe", **scene_options):
    with writing(session_factory) as session:
        scene = round_with_application(session, title=title, **scene_options)
        for juror in scene.jurors.values():
            score_all(session, juror=juror, application_id=scene.application_id, level=level)
        decisions.stage_decision(session, actor=Actor.system(), application_id=scene.application_id)
        close(session, scene.round_id)  # a round is published once closed
        decisions.publish_round(session, actor=Actor.system(), round_id=scene.round_id)
    return scene


def test_the_verdict_mail_of_a_label_carries_the_letter_and_the_certificate_as_pdfs(session_factory, mail_ready):
    publish(session_factory, level=4, title="Stars over Europe: the night sky")

    collect_and_send(session_factory)

    [verdict] = [r for r in mail_ready.to("claire@example.org") if r.attachments()]
    assert verdict.message["Subject"] == "Label de qualité attribué : Stars over Europe: the night sky"
    assert "le projet reçoit le label de qualité eTwinning" in verdict.text
    letter, certificate = verdict.attachments()
    assert letter[0].startswith("quality-label-letter-stars-over-europe-the-night-sky-") and letter[0].endswith("-fr.pdf")
    assert certificate[0].startswith("quality-label-certificate-stars-over-europe-the-night-sky-")
    assert letter[1] == certificate[1] == "application/pdf"
    # Read back as PDFs: the letter tells the verdict, the certificate names the project.
    assert "Stars over Europe: the night sky" in pdf_text(letter[2])
    certificate_text = pdf_text(certificate[2])
    assert "Stars over Europe: the night sky" in certificate_text
    assert "Collège Victor Hugo" in certificate_text
    assert len(PdfReader(BytesIO(certificate[2])).pages) == 1


def test_the_verdict_mail_is_in_the_language_of_the_letter_it_carries(session_factory, mail_ready):
    """The account reads English, the application was written in French: the letter is
    French, and so is the mail that carries it (not an English mail about a French letter)."""
    publish(session_factory, level=4, teacher_language="en")

    collect_and_send(session_factory)

    [verdict] = [r for r in mail_ready.to("claire@example.org") if r.attachments()]
    assert verdict.message["Content-Language"] == "fr"
    assert verdict.message["Subject"] == "Label de qualité attribué : Stars over Europe"
    letter, _certificate = verdict.attachments()
    assert letter[0].endswith("-fr.pdf") and "label de qualité" in pdf_text(letter[2]).lower()


def test_a_refused_project_gets_its_letter_and_no_certificate(session_factory, mail_ready):
    publish(session_factory, level=1)

    collect_and_send(session_factory)

    [verdict] = [r for r in mail_ready.to("claire@example.org") if r.attachments()]
    [(filename, content_type, data)] = verdict.attachments()
    assert filename.startswith("quality-label-letter-stars-over-europe-") and content_type == "application/pdf"
    assert "Stars over Europe" in pdf_text(data)
    [mail] = mails(session_factory, kind="verdict")
    assert [a["kind"] for a in mail.attachments] == ["verdict_letter"] and mail.status == "sent"


def test_held_mails_wait_for_the_office_who_edits_and_sends_them(session_factory, office, smtp_server):
    with writing(session_factory) as session:
        configure(session, office, port=smtp_server.port, auto=False)
        round_with_application(session, assign=False)

    assert collect_and_send(session_factory).tried == 0
    [held] = mails(session_factory)
    assert held.status == "held" and not smtp_server.received

    with writing(session_factory) as session:
        outbox.edit(session, actor=office, mail_id=held.id, subject="Merci !\r\nBcc: someone@example.org",
                    body="Bonjour,\n\nMerci pour votre candidature.")
        outbox.release(session, actor=office, mail_ids=[held.id])
    sending.send_due(session_factory)

    [received] = smtp_server.received
    assert received.message["Subject"] == "Merci ! Bcc: someone@example.org"
    assert received.message["Bcc"] is None and received.recipients == ["claire@example.org"]
    assert received.text.startswith("Bonjour,\n\nMerci pour votre candidature.")
    assert mails(session_factory)[0].status == "sent"


def test_a_cancelled_mail_never_goes(session_factory, office, smtp_server):
    with writing(session_factory) as session:
        configure(session, office, port=smtp_server.port, auto=False)
        round_with_application(session, assign=False)
    collect_and_send(session_factory)
    [held] = mails(session_factory)

    with writing(session_factory) as session:
        outbox.cancel(session, actor=office, mail_id=held.id)
    sending.send_due(session_factory)

    assert not smtp_server.received
    assert mails(session_factory)[0].status == "cancelled"


def test_a_server_that_does_not_answer_is_retried_later_then_the_failure_is_shown(session_factory, office,
                                                                                   smtp_server):
    with writing(session_factory) as session:
        configure(session, office, port=smtp_server.port)
        round_with_application(session, assign=False)
        configure(session, office, port=1)  # nothing listens there

    report = collect_and_send(session_factory)

    [mail] = mails(session_factory)
    assert report.retrying == [mail.id]
    assert mail.status == "queued" and mail.attempts == 1
    assert "ConnectionRefusedError" in mail.last_error
    assert mail.next_attempt_at > clock.now() + timedelta(seconds=50)  # not before a minute
    assert sending.send_due(session_factory).tried == 0  # not due yet

    later = clock.now()
    for _ in range(sending.MAX_ATTEMPTS - 1):
        later += timedelta(hours=3)
        sending.send_due(session_factory, now=later)
    [mail] = mails(session_factory)
    assert mail.status == "failed" and mail.attempts == sending.MAX_ATTEMPTS
    with writing(session_factory) as session:
        [row] = outbox.list_mails(session, actor=office, statuses=["failed"])
        assert "ConnectionRefusedError" in row.last_error

    # The office sends it again once the server is back.
    with writing(session_factory) as session:
        configure(session, office, port=smtp_server.port)
        outbox.release(session, actor=office, mail_ids=[mail.id])
    assert len(sending.send_due(session_factory).sent) == 1
    assert smtp_server.to("claire@example.org")


def test_a_batch_tries_a_server_that_does_not_answer_once(session_factory, office, smtp_server, monkeypatch):
    """Every mail of the batch is retried later with the error, without waiting for the
    server again per mail (a page sending 200 mails would wait 200 timeouts)."""
    with writing(session_factory) as session:
        configure(session, office, port=smtp_server.port)
        round_with_application(session)
        configure(session, office, port=1)  # nothing listens there
    connections = []

    class Counted(smtplib.SMTP):
        def __init__(self, *args, **kwargs):
            connections.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(smtplib, "SMTP", Counted)
    report = collect_and_send(session_factory)

    assert len(report.retrying) == len(mails(session_factory)) == 3
    assert len(connections) == 1
    assert all("ConnectionRefusedError" in mail.last_error for mail in mails(session_factory))


def test_an_address_the_server_refuses_fails_at_once(session_factory, mail_ready):
    mail_ready.refused.add("claire@example.org")
    with writing(session_factory) as session:
        round_with_application(session, assign=False)

    report = collect_and_send(session_factory)

    [mail] = mails(session_factory)
    assert report.failed == [mail.id] and mail.status == "failed"
    assert "550" in mail.last_error


def test_without_a_server_mails_wait_queued(session_factory, office):
    with writing(session_factory) as session:
        configure(session, office, port=25, **{"mail.host": ""})
        round_with_application(session, assign=False)

    report = collect_and_send(session_factory)

    assert report.not_configured and report.tried == 0
    assert [m.status for m in mails(session_factory)] == ["queued"]


def test_a_mail_claimed_by_one_sender_is_not_sent_by_another(session_factory, mail_ready):
    with writing(session_factory) as session:
        round_with_application(session, assign=False)
        collect.collect(session, actor=Actor.system())
    [mail] = mails(session_factory)
    now = clock.now()

    assert sending._claim(session_factory, mail.id, now) is not None
    assert sending._claim(session_factory, mail.id, now) is None  # the other sender
    assert sending.send_due(session_factory).tried == 0
    # A sender that died frees it after the claim's time.
    assert len(sending.send_due(session_factory, now=now + sending.CLAIM + timedelta(seconds=1)).sent) == 1
    assert len(mail_ready.received) == 1


def test_collecting_again_queues_no_event_twice(session_factory, office, smtp_server):
    with writing(session_factory) as session:
        configure(session, office, port=smtp_server.port, auto=False)
        round_with_application(session, closes_in=2)  # jurors get a reminder too
    with writing(session_factory) as session:
        first = collect.collect(session, actor=Actor.system())
    with writing(session_factory) as session:
        again = collect.collect(session, actor=Actor.system())

    assert first == {"application_received": 1, "assignments": 2, "reminder": 2, "verdict": 0}
    assert sum(again.values()) == 0
    assert len(mails(session_factory)) == 5
