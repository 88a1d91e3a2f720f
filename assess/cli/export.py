"""``assess export``: the statistics workbook and CSV files, as the office (system actor)."""

from __future__ import annotations

from pathlib import Path

import click

from assess.cli.common import database, progress_bar
from assess.cli.types import ID, OUTPUT_FILE
from assess.domain.permissions import Actor
from assess.files import atomic_output
from assess.i18n import t
from assess.services import exports

OUT = click.option("--out", "out", type=OUTPUT_FILE, required=True,
                   help="File to write.")
ROUND = click.option("--round", "round_id", type=ID, default=None, help="Only this round (see `assess round list`).")
YEAR = click.option("--year", "school_year", default=None, metavar="2025-2026", help="Only this school year.")
NAMES = click.option("--juror-names", is_flag=True, help="Jurors' names instead of their pseudonyms.")
LANG = click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True,
                    help="Language of sheet names, headers and labels.")


@click.group("export")
def export() -> None:
    """Statistics for the ministry: the Excel workbook, CSV files."""


@export.command("xlsx")
@OUT
@ROUND
@YEAR
@NAMES
@LANG
def export_xlsx(out: Path, round_id: int | None, school_year: str | None, juror_names: bool, lang: str) -> None:
    """Write the statistics workbook (Summary, Applications, Scores, Criteria, Jurors,
    Surveys, Responses) for a round, a school year or everything."""
    actor = Actor.system()
    with atomic_output(out) as part, database() as sessions, progress_bar(t("exports.cli.progress", lang)) as progress:
        summary = exports.run_export(sessions, lambda session: exports.write_workbook(
            session, actor=actor, out=str(part), round_id=round_id, school_year=school_year,
            juror_names=juror_names, progress=progress, lang=lang), actor=actor)
    click.echo(t("exports.cli.written", lang, file=out, sheets=len(summary.sheets), rows=summary.rows))


@export.command("csv")
@click.option("--what", type=click.Choice(list(exports.CSV_TABLES)), required=True, help="The table to write.")
@OUT
@ROUND
@YEAR
@NAMES
@LANG
def export_csv(what: str, out: Path, round_id: int | None, school_year: str | None, juror_names: bool,
               lang: str) -> None:
    """Write one table as CSV (UTF-8): applications, scores or responses."""
    actor = Actor.system()
    with atomic_output(out) as part, database() as sessions, progress_bar(t("exports.cli.progress", lang)) as progress:
        with open(part, "w", encoding="utf-8", newline="") as handle:
            summary = exports.run_export(sessions, lambda session: exports.write_csv(
                session, actor=actor, what=what, out=handle, round_id=round_id, school_year=school_year,
                juror_names=juror_names, progress=progress, lang=lang), actor=actor)
    click.echo(t("exports.cli.csv_written", lang, file=out, rows=summary.rows))
