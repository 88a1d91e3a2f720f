"""``assess backup --out FILE`` and ``assess restore FILE``: the database of
``ASSESS_DATABASE_URL`` copied while the app runs, and put back (docs/backups.md).

What is done is said on standard error as it goes, the outcome on standard output. A file
that is not a backup of ours, a damaged one or a missing PostgreSQL client is one line and
exit 1, and nothing changed."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy.engine import make_url

from assess.cli.common import operator_language
from assess.cli.types import OUTPUT_FILE
from assess.i18n import t
from assess.i18n.formats import format_number
from assess.storage import backup as backups
from assess.storage.db import database_url


def _size(size: int) -> str:
    return t("ops.backup.megabytes", operator_language(), size=format_number(size / 1_000_000, operator_language(), digits=1))


def _database_name(url: str) -> str:
    """The database as the operator knows it, never with its password."""
    return make_url(url).render_as_string(hide_password=True)


@click.command("backup")
@click.option("--out", "out", type=OUTPUT_FILE, required=True,
              help="The backup file to write (private: it holds personal data).")
def backup_command(out: Path) -> None:
    """Back up the database while the app runs: a SQLite copy, or pg_dump's custom format."""
    url = database_url()
    click.echo(t("ops.backup.starting", operator_language(), database=_database_name(url), file=out), err=True)
    try:
        result = backups.backup(url, out)
    except backups.BackupRefused as error:
        raise click.ClickException(error.message(operator_language())) from None
    click.echo(t("ops.backup.written", operator_language(), file=result.path, size=_size(result.size),
                 kind=t(f"ops.backup.kinds.{result.kind}", operator_language()), revision=result.revision or "-"))


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--even-if-connected", is_flag=True,
              help="PostgreSQL: restore although other sessions (app servers?) are connected to the database.")
def restore_command(source: Path, even_if_connected: bool) -> None:
    """Replace the database with the backup SOURCE (stop the app servers first)."""
    url = database_url()
    click.echo(t("ops.backup.restoring", operator_language(), database=_database_name(url), file=source), err=True)
    try:
        result = backups.restore(url, source, even_if_connected=even_if_connected)
    except backups.BackupRefused as error:
        raise click.ClickException(error.message(operator_language())) from None
    click.echo(t("ops.backup.restored", operator_language(), file=source, kind=t(f"ops.backup.kinds.{result.kind}", operator_language()),
                 revision=result.revision or "-"))
