"""``assess export``: the statistics workbook and CSV files, as the office (system actor)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from assess.cli.common import database, progress_bar
from assess.cli.types import ID, LANGUAGE, OUTPUT_FILE
from assess.domain.permissions import Actor
from assess.domain.statistics import AGE_GROUP_IDS, Filters
from assess.files import atomic_output
from assess.i18n import t
from assess.services import exports

OUT = click.option("--out", "out", type=OUTPUT_FILE, required=True,
                   help="File to write.")
ROUND = click.option("--round", "round_id", type=ID, default=None, help="Only this round (see `assess round list`).")
YEAR = click.option("--year", "school_year", default=None, metavar="2025-2026", help="Only this school year.")
COUNTRY = click.option("--country", default=None, metavar="IE",
                       help="Only projects with a partner school in this country (ISO code).")
REGION = click.option("--region", default=None, help="Only projects whose applicant school is in this region.")
AGE_GROUP = click.option("--age-group", "age_group", type=click.Choice(list(AGE_GROUP_IDS)), default=None,
                         help="Only projects whose pupils' ages fall in this group.")
SUBJECT = click.option("--subject", default=None, help="Only projects listing this subject.")


def scope_options(command: Callable[..., None]) -> Callable[..., None]:
    """The dashboard's filters, as options (the export keeps what the dashboard shows)."""
    for option in reversed((ROUND, YEAR, COUNTRY, REGION, AGE_GROUP, SUBJECT)):
        command = option(command)
    return command


def filters_of(options: dict[str, Any]) -> Filters:
    return Filters(**{name: options.pop(name) for name in FILTER_NAMES})


FILTER_NAMES = ("round_id", "school_year", "country", "region", "age_group", "subject")
NAMES = click.option("--juror-names", is_flag=True, help="Jurors' names instead of their pseudonyms.")
LANG = click.option("--lang", type=LANGUAGE, default="en", show_default=True,
                    help="Language of sheet names, headers and labels.")


@click.group("export")
def export() -> None:
    """Statistics for the ministry: the Excel workbook, CSV files."""


@export.command("xlsx")
@OUT
@scope_options
@NAMES
@LANG
@click.option("--with-responses", "with_responses", is_flag=True,
              help="Keep every survey answer in the workbook, however many; by default, past "
                   "200,000 answers they go to OUT-responses.csv beside it.")
def export_xlsx(out: Path, juror_names: bool, lang: str, with_responses: bool, **scope: Any) -> None:
    """Write the statistics workbook (Summary, Applications, Scores, Criteria, Jurors,
    Surveys, Responses, Regions, Age groups) for everything, or what the dashboard's
    filters keep. At national scale the survey answers go to a CSV file of their own."""
    actor = Actor.system()
    filters = filters_of(scope)
    with atomic_output(out) as part, database() as sessions, progress_bar(t("exports.cli.progress", lang)) as progress:
        summary = exports.run_export(sessions, lambda session: exports.write_workbook(
            session, actor=actor, out=str(part), filters=filters, juror_names=juror_names, progress=progress,
            lang=lang, with_responses=True if with_responses else None), actor=actor)
    click.echo(t("exports.cli.written", lang, file=out, sheets=len(summary.sheets), rows=summary.rows))
    if summary.responses_apart:
        apart = out.with_name(f"{out.stem}-responses.csv")
        with (atomic_output(apart) as part, database() as sessions,
              progress_bar(t("exports.cli.progress", lang)) as progress,
              open(part, "w", encoding="utf-8", newline="") as handle):
            written = exports.run_export(sessions, lambda session: exports.write_csv(
                session, actor=actor, what="responses", out=handle, filters=filters, progress=progress,
                lang=lang), actor=actor)
        click.echo(t("exports.cli.responses_apart", lang, file=apart, rows=written.rows))


@export.command("csv")
@click.option("--what", type=click.Choice(list(exports.CSV_TABLES)), required=True, help="The table to write.")
@OUT
@scope_options
@NAMES
@LANG
def export_csv(what: str, out: Path, juror_names: bool, lang: str, **scope: Any) -> None:
    """Write one table as CSV (UTF-8): applications, scores or responses."""
    actor = Actor.system()
    filters = filters_of(scope)
    with (atomic_output(out) as part, database() as sessions,
          progress_bar(t("exports.cli.progress", lang)) as progress,
          open(part, "w", encoding="utf-8", newline="") as handle):
        summary = exports.run_export(sessions, lambda session: exports.write_csv(
            session, actor=actor, what=what, out=handle, filters=filters, juror_names=juror_names,
            progress=progress, lang=lang), actor=actor)
    click.echo(t("exports.cli.csv_written", lang, file=out, rows=summary.rows))
