"""The scoring deadline from the command line: ``assess round deadline`` sets or removes a
round's deadline, ``assess round progress`` prints each juror's work in a round and
``assess round late`` the late list of every round still at work. Run as the office
(system actor). Registered on the ``round`` group of :mod:`assess.cli.jury`."""

from __future__ import annotations

import json
from datetime import datetime

import click

from assess.cli.common import reading, transaction
from assess.cli.jury import JSON, LANG, ROUND, round_group
from assess.cli.types import ID
from assess.domain.jury import DeadlineState
from assess.domain.permissions import Actor
from assess.i18n import t
from assess.i18n.formats import format_date
from assess.services import jury, rounds

WITHIN = click.option("--within", "within_days", type=click.IntRange(1, 365), default=jury.DUE_SOON_DAYS,
                      show_default=True, help="Also list jurors whose deadline falls within this many days.")


def _against(found: jury.JurorProgress, lang: str) -> str:
    days = found.days_left
    if days is None or found.state is DeadlineState.NONE:
        return t(f"jury_progress.state.{found.state.value}", lang)
    if days < 0:
        return t("jury_progress.days_late", lang, count=-days)
    if days == 0:
        return t("jury_progress.due_today", lang)
    return t("jury_progress.due_tomorrow", lang) if days == 1 else t("jury_progress.due_in", lang, count=days)


def _line(found: jury.JurorProgress, lang: str) -> str:
    return t("jury_progress.cli.line", lang, name=found.name, email=found.email, assigned=found.assigned,
             count=found.submitted, left=found.left, against=_against(found, lang))


@round_group.command("deadline")
@ROUND
@click.argument("day", required=False, type=click.DateTime(formats=["%Y-%m-%d"]), metavar="[YYYY-MM-DD]")
@click.option("--clear", is_flag=True, help="Remove the round's scoring deadline.")
@LANG
def round_deadline(round_id: int, day: datetime | None, clear: bool, lang: str) -> None:
    """Set the round's scoring deadline (the last day jurors are expected to submit, after
    the closing date), or remove it with --clear."""
    if (day is None) == (not clear):
        raise click.UsageError("Give a date (YYYY-MM-DD) or --clear, not both.")
    with transaction() as session:
        stored = rounds.update_round(session, actor=Actor.system(), round_id=round_id,
                                     scoring_deadline=None if clear else day.date() if day else None)
        deadline, name = stored.scoring_deadline, stored.name
    if deadline is None:
        click.echo(t("jury_progress.cli.cleared", lang, round=name))
    else:
        click.echo(t("jury_progress.cli.set", lang, round=name, date=format_date(deadline, lang).replace("\u00a0", " ")))


@round_group.command("progress")
@ROUND
@WITHIN
@JSON
@LANG
def round_progress(round_id: int, within_days: int, as_json: bool, lang: str) -> None:
    """Each juror of the round: applications assigned, submitted, left, against the deadline."""
    with reading() as session:
        found = jury.juror_progress(session, actor=Actor.system(), round_id=round_id, within_days=within_days)
    if as_json:
        click.echo(json.dumps([p.to_dict() for p in found], ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo(t("jury_progress.no_assignment", lang))
    for juror in found:
        click.echo(_line(juror, lang))


@round_group.command("late")
@click.option("--round", "round_id", type=ID, default=None, help="Only this round (default: every round at work).")
@WITHIN
@JSON
@LANG
def round_late(round_id: int | None, within_days: int, as_json: bool, lang: str) -> None:
    """The late list: jurors with applications left after their round's deadline, or due
    within --within days, in the rounds not yet published."""
    with reading() as session:
        found = jury.late_jurors(session, actor=Actor.system(), round_id=round_id, within_days=within_days)
    if as_json:
        click.echo(json.dumps([p.to_dict() for p in found], ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo(t("jury_progress.nobody_late", lang, count=within_days))
    for juror in found:
        click.echo(f"{juror.round_name} (#{juror.round_id})  {_line(juror, lang)}")
