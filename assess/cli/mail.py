"""``assess mail``: send the outbox (``send``), keep sending (``worker``), list it,
invite an account (docs/mail.md). As the system actor, in the operator's language."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from assess.cli.common import ENDING_SIGNALS, _detail, database, operator_language, progress_bar, reading, transaction
from assess.domain.permissions import Actor
from assess.i18n import t
from assess.services.accounts import normalise_email
from assess.services.mail import collect, outbox, passwords, sending
from assess.storage.db import writing
from assess.storage.models import User


@click.group("mail")
def mail_group() -> None:
    """E-mail: send the outbox, run the worker, invite an account."""


def _collect(sessions: sessionmaker) -> int:
    with writing(sessions) as session:
        made = collect.collect(session, actor=Actor.system())
    return sum(made.values())


def _report(report: sending.SendReport) -> None:
    if report.not_configured:
        click.echo(t("mail.cli.not_configured", operator_language()), err=True)
    click.echo(t("mail.cli.report", operator_language(), sent=len(report.sent), retrying=len(report.retrying),
                 failed=len(report.failed), cancelled=len(report.cancelled)))


@mail_group.command("send")
@click.option("--limit", type=click.IntRange(min=1), default=500, show_default=True, help="At most this many mails.")
@click.option("--no-collect", is_flag=True, help="Only send what is queued; do not look for new events first.")
def send(limit: int, no_collect: bool) -> None:
    """Queue the mails of recent events, then send every queued mail that is due, with
    progress. Held mails wait for the office (Outbox page)."""
    with database() as sessions:
        if not no_collect:
            click.echo(t("mail.cli.collected", operator_language(), count=_collect(sessions)))
        with progress_bar(t("mail.cli.progress", operator_language())) as progress:
            report = sending.send_due(sessions, limit=limit, progress=progress)
    _report(report)
    if report.not_configured:
        raise SystemExit(1)


@contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """SIGTERM, SIGHUP and Ctrl-C set an event: the mail being sent is finished and
    recorded, then the loop ends (no mail is left claimed half-way)."""
    stop = threading.Event()
    previous = {}

    def ask_to_stop(_signum, _frame) -> None:
        stop.set()

    for number in (*ENDING_SIGNALS, signal.SIGINT):
        previous[number] = signal.signal(number, ask_to_stop)
    try:
        yield stop
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@mail_group.command("worker")
@click.option("--interval", type=click.FloatRange(min=0.1), default=60, show_default=True,
              help="Seconds between two looks at the outbox.")
@click.option("--limit", type=click.IntRange(min=1), default=200, show_default=True, help="Mails per look at most.")
def worker(interval: float, limit: int) -> None:
    """Keep sending: every INTERVAL seconds, queue the mails of new events and send what is
    due. Stops cleanly on SIGTERM or Ctrl-C."""
    with database() as sessions, _stop_on_signals() as stop:
        click.echo(t("mail.cli.worker_started", operator_language(), seconds=f"{interval:g}"), err=True)
        while not stop.is_set():
            try:
                _collect(sessions)
                report = sending.send_due(sessions, limit=limit)
            except Exception as error:  # the database restarting: say so, try again next time
                click.echo(t("mail.cli.worker_error", operator_language(), kind=type(error).__name__, detail=_detail(error),
                             seconds=f"{interval:g}"), err=True)
            else:
                if report.tried:
                    _report(report)
            stop.wait(interval)
    click.echo(t("mail.cli.worker_stopped", operator_language()), err=True)


@mail_group.command("list")
@click.option("--status", type=click.Choice(outbox.STATUSES), multiple=True, help="Only mails in this status.")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True)
def list_mails(status: tuple[str, ...], limit: int) -> None:
    """The outbox, newest first: id, status, kind, attempts, address, subject, why the last
    try failed (in the operator's language)."""
    with reading() as session:
        rows = outbox.list_mails(session, actor=Actor.system(), statuses=status or None, limit=limit)
    lang = operator_language()
    for row in rows:
        said = row.error(lang)
        error = f"  [{said}]" if said else ""
        click.echo(f"{row.id}\t{row.status}\t{row.kind}\t{row.attempts}\t{row.address}\t{row.subject}{error}")


@mail_group.command("invite")
@click.argument("email")
def invite(email: str) -> None:
    """Queue an invitation (a link to set one's password) for the account with EMAIL."""
    with transaction() as session:
        account_id = session.scalar(select(User.id).where(User.email == normalise_email(email)))
        if account_id is None:
            raise click.ClickException(t("mail.cli.unknown_email", operator_language(), email=email))
        mail = passwords.invite(session, actor=Actor.system(), account_id=account_id)
        click.echo(t("mail.cli.invited", operator_language(), mail=mail.id, email=mail.address, status=mail.status))
