"""E-mail with a real SMTP server (docs/mail.md).

Every mail goes to an account (pupils and families have none, so they are never written
to) through the outbox table: events become mails (:mod:`.collect`, :mod:`.passwords`),
each rendered from its per-language template (:mod:`.templates`); a kind the office
allows is sent at once, the others wait for the office on the Outbox page
(:mod:`.outbox`). :mod:`.sending` sends what is due outside any write transaction:
read the queue, claim a mail in a short write, send, record the outcome in another.

Modules in the order a mail goes through them: config (the SMTP server), templates,
outbox (queue, edit, release, cancel), collect (events to mails), tokens and passwords
(set-password links), message (EmailMessage, attachments), sending (SMTP, retries).
"""

from __future__ import annotations

KINDS: tuple[str, ...] = (
    "invitation", "password_reset", "assignments", "reminder", "application_received", "verdict",
)
