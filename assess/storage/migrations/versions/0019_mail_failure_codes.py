"""A mail's failure as a code and its parameters (issue 13: failures were stored as
Python's English text, "ConnectionRefusedError: [Errno 111] Connection refused", and shown
so on a French office's Outbox page and in ``assess mail list``).

``outbox_mails`` gains ``error_key`` (a code of :mod:`assess.services.mail.failures`, the
catalogue key ``mail.failures.<code>``) and ``error_params``; ``last_error`` keeps the
technical detail. Every row with an error is given the code its text shows, read here by
patterns of the texts the earlier code wrote (its own English sentences for the
certificate, STARTTLS and a deactivated account; ``Type: text`` for the rest), frozen in
this file: what those rows say will not change. A text no pattern knows (or whose sentence would
name what the text did not keep, such as the refused server's address) becomes ``other``,
whose general sentence quotes it, so every stored failure still shows. Downgrading drops
the two columns; ``last_error`` still holds a text the earlier code shows.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
DETAIL_MAX = 500

#: (pattern, code) in the order they are tried; a pattern's named groups are the parameters.
#: Only the failures whose sentence needs nothing the old text did not keep: a refused
#: connection's text named no server, so it shows as ``other``, quoting its text.
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p, re.S), code) for p, code in (
    (r"^The mail server's certificate is not trusted \((?P<reason>.*?)\): nothing was sent", "certificate"),
    (r"^The mail server does not offer STARTTLS", "no_starttls"),
    (r"^The account is deactivated", "account_inactive"),
    (r"^SMTPRecipientsRefused: \{'(?P<address>[^']*)'", "recipient_refused"),
    (r"^SMTP(SenderRefused|DataError): \(552\b", "too_large"),
    (r"^(ValueError: )?mail\.errors\.bad_address", "bad_address"),
    (r"^the verdict letter is not published", "letter_not_published"),
    (r"^the application received no label", "no_certificate"),
))


def cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= DETAIL_MAX else text[:DETAIL_MAX - 1] + "…"


def classify(text: str) -> tuple[str, dict[str, Any]]:
    """The code and parameters of a failure stored as text by the earlier code."""
    for pattern, code in PATTERNS:
        found = pattern.search(text)
        if found is not None:
            return code, {name: cut(value) for name, value in found.groupdict().items() if value is not None}
    return "other", {"detail": cut(text)}


def upgrade() -> None:
    op.add_column("outbox_mails", sa.Column("error_key", sa.String(40), server_default="", nullable=False))
    op.add_column("outbox_mails", sa.Column("error_params", JSON, server_default="{}", nullable=False))
    mails = sa.table("outbox_mails", sa.column("id", sa.Integer()), sa.column("last_error", sa.Text()),
                     sa.column("error_key", sa.String(40)), sa.column("error_params", JSON))
    connection = op.get_bind()
    rows = connection.execute(sa.select(mails.c.id, mails.c.last_error).where(mails.c.last_error != "")).all()
    for mail_id, text in rows:
        code, params = classify(text)
        connection.execute(sa.update(mails).where(mails.c.id == mail_id)
                           .values(error_key=code, error_params=params, last_error=cut(text)))


def downgrade() -> None:
    with op.batch_alter_table("outbox_mails") as batch:
        batch.drop_column("error_params")
        batch.drop_column("error_key")
