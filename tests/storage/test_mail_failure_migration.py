"""Migration 0019 gives the outbox's stored failures a code: a failure stored as text by
the earlier code (its English sentences, or Python's ``Type: text``) shows, after the
upgrade, in the reader's language where its text names the failure, and as the general
sentence quoting its text otherwise; on both databases. The downgrade keeps the text."""

from __future__ import annotations

from alembic import command
from sqlalchemy import insert, select, text

from assess.services.mail import failures
from assess.storage import db
from assess.storage.models import OutboxMail
from tests.services.helpers import make_user

OLD_TEXTS = {
    "certificate": "The mail server's certificate is not trusted (unable to get local issuer certificate): nothing "
                   "was sent. Give the server a certificate from a trusted authority, or name its authority's "
                   "certificate in ASSESS_SMTP_CA_FILE.",
    "refused": "ConnectionRefusedError: [Errno 111] Connection refused",
    "recipient": "SMTPRecipientsRefused: {'claire@example.org': (550, b'5.1.1 No such user here')}",
    "inactive": "The account is deactivated: no mail is sent to it.",
    "none": "",
}


def test_old_failures_get_codes_and_show_in_the_readers_language(empty_database_url):
    engine = db.make_engine(empty_database_url)
    try:
        db.upgrade_database(engine)
        with db.make_session_factory(engine).begin() as session:
            account = make_user(session, email="claire@example.org")
        with engine.begin() as connection:
            command.downgrade(db.alembic_config(connection), "0018")
        with engine.begin() as connection:  # as the earlier code stored them
            for name, stored in OLD_TEXTS.items():
                connection.execute(text(
                    "INSERT INTO outbox_mails (kind, account_id, address, language, subject, body, attachments, "
                    "status, attempts, last_error, next_attempt_at, dedupe_key, created_at) VALUES ('invitation', "
                    ":account, 'claire@example.org', 'fr', 'Bienvenue', 'Bonjour', '[]', 'failed', 5, :error, "
                    "CURRENT_TIMESTAMP, :key, CURRENT_TIMESTAMP)"), {"account": account.id, "error": stored, "key": name})
        db.upgrade_database(engine)

        with db.make_session_factory(engine)() as session:
            found = {mail.dedupe_key: mail for mail in session.scalars(select(OutboxMail))}
            shown = {key: failures.message(m.error_key, m.error_params, m.last_error, "fr") for key, m in found.items()}
            assert found["certificate"].error_key == "certificate"
            assert shown["certificate"].startswith(
                "Le certificat du serveur de courriel n'est pas reconnu (unable to get local issuer certificate)")
            assert found["recipient"].error_key == "recipient_refused"
            assert shown["recipient"].startswith("Le serveur de courriel a refusé l'adresse claire@example.org")
            assert shown["inactive"].startswith("Le compte est désactivé")
            # Its text named no server: the general sentence, quoting it.
            assert found["refused"].error_key == "other"
            assert shown["refused"] == ("Le courriel n'a pas pu être envoyé "
                                        "(ConnectionRefusedError: [Errno 111] Connection refused).")
            assert found["none"].error_key == "" and shown["none"] == ""
            # A new row takes the columns' defaults.
            session.execute(insert(OutboxMail).values(kind="invitation", account_id=account.id, address="a@b.org",
                                                      language="en", subject="s", body="b", attachments=[],
                                                      status="held", attempts=0, last_error=""))

        with engine.begin() as connection:
            command.downgrade(db.alembic_config(connection), "0018")
            kept = dict(connection.execute(text("SELECT dedupe_key, last_error FROM outbox_mails")).all())
        assert kept["certificate"] == OLD_TEXTS["certificate"] and kept["refused"] == OLD_TEXTS["refused"]
        db.upgrade_database(engine)
    finally:
        engine.dispose()
