"""``assess survey import``: bring answers collected with Google Forms, Microsoft Forms or
LimeSurvey into a project's results."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from assess.cli.common import database, progress_bar, reading
from assess.cli.types import ID
from assess.domain.imports import FORMATS, MAX_FILE_BYTES, MappingFile
from assess.domain.permissions import Actor
from assess.domain.questionnaire import Audience
from assess.domain.safe_yaml import MAX_BYTES as MAX_MAPPING_BYTES
from assess.i18n import t
from assess.services import survey_imports
from assess.services.errors import InvalidInput, ServiceError, message_of


def _read(path: str, what: str, *, limit: int) -> bytes:
    """The file's bytes; one that is too large is refused before it is read into memory."""
    try:
        with open(path, "rb") as file:
            data = file.read(limit + 1)
    except OSError as exc:
        raise click.ClickException(f"cannot read the {what} {path}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise click.ClickException(f"the {what} {path} is larger than {limit // (1024 * 1024)} MB"
                                   if limit >= 1024 * 1024 else f"the {what} {path} is larger than {limit // 1024} KB")
    return data


@contextmanager
def _refusals() -> Iterator[None]:
    """Refusals raised outside a transaction (reading the file, the preview) become plain
    messages, as :func:`assess.cli.common.transaction` makes them inside one."""
    try:
        yield
    except InvalidInput as error:
        lines = [message_of(error, "en")] + [f"  {e.field}: {e.message('en')}" for e in error.errors]
        raise click.ClickException("\n".join(lines)) from None
    except ServiceError as error:
        raise click.ClickException(message_of(error, "en")) from None


#: --delimiter's words for the separators read (assess.domain.imports.DELIMITERS).
_DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|"}


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--project", "project_id", type=ID, required=True, help="Id of the project the answers belong to.")
@click.option("--audience", type=click.Choice([a.value for a in Audience]), required=True, help="Who answered.")
@click.option("--format", "file_format", type=click.Choice(["auto", *FORMATS]), default="auto", show_default=True,
              help="The tool the file comes from; auto recognises it by its header row.")
@click.option("--mapping", "mapping_path", type=click.Path(dir_okay=False),
              help="YAML file naming the item of columns (and the meaning of answers) not recognised by their text.")
@click.option("--delimiter", type=click.Choice(["auto", *_DELIMITERS]), default="auto", show_default=True,
              help="A CSV file's column separator; auto decides it from the file's first records.")
@click.option("--encoding", default="auto", show_default=True,
              help="A CSV file's encoding (utf-8, cp1252, cp1250, iso-8859-2...); auto: UTF-8 or UTF-16, "
                   "else guessed, and refused when the guess is unsure.")
@click.option("--dry-run", is_flag=True, help="Read and check everything, report the figures, store nothing.")
@click.option("--day-first/--month-first", "day_first", default=None,
              help="How to read dates such as 02/06/2025 (default: decided from the file's dates and headings).")
def import_(file: str, project_id: int, audience: str, file_format: str, mapping_path: str | None, dry_run: bool,
            day_first: bool | None, delimiter: str = "auto", encoding: str = "auto") -> None:
    """Import answers from FILE (Google Forms CSV, Microsoft Forms XLSX, LimeSurvey CSV/XLSX).

    Columns that identify respondents (e-mail, name, times, ids, IP address...) are never
    stored. Rows imported before (the same file again, or a later export) are counted as
    repeated and not added twice.
    """
    data = _read(file, "file", limit=MAX_FILE_BYTES)
    mapping = (MappingFile(name=mapping_path, text=_read(mapping_path, "mapping file", limit=MAX_MAPPING_BYTES))
               if mapping_path else None)
    # The file is read before the transaction begins, and a dry run reads its rows after
    # the transaction ends: the database is not held while a large file is parsed.
    with _refusals():
        upload = survey_imports.read_upload(file_name=file, data=data, file_format=file_format,
                                            delimiter=_DELIMITERS.get(delimiter),
                                            encoding=None if encoding == "auto" else encoding)
    if dry_run:
        with reading() as session:
            context = survey_imports.import_context(session, actor=Actor.system(), project_id=project_id,
                                                    audience=audience)
        with _refusals():
            report = survey_imports.preview(context, upload, mapping=mapping, day_first=day_first)
        if report.refusal is not None:  # the import would store no answer: say so, exit non-zero
            _print(report, dry_run=dry_run)
            raise click.ClickException(t(report.refusal[0], "en", **report.refusal[1]))
    else:
        # Rows are checked with no transaction open; one short transaction inserts them.
        with _refusals(), progress_bar("Reading rows") as progress, database() as sessions:
            report = survey_imports.import_upload(
                sessions, actor=Actor.system(), project_id=project_id, audience=audience, upload=upload,
                mapping=mapping, progress=progress, day_first=day_first,
            )
    _print(report, dry_run=dry_run)


def _print(report: survey_imports.ImportReport, *, dry_run: bool) -> None:
    lang = "en"
    click.echo(f"format: {report.file_format} ({t(f'imports.format.{report.file_format}', lang)})")
    if report.delimiter or report.encoding:
        click.echo(f"reading: {report.reading_message(lang)}")
    click.echo(f"questionnaire: {report.questionnaire_id}")
    click.echo(f"rows read: {report.rows_read}")
    click.echo(f"rows {'to import' if dry_run else 'imported'}: {report.rows_imported}")
    click.echo(f"rows repeated (imported before): {report.rows_repeated}")
    click.echo(f"rows skipped: {report.rows_skipped}")
    if report.date_message(lang):
        click.echo(f"dates: {report.date_message(lang)}")
    for line in report.skipped_messages(lang):
        click.echo(f"  {line}")
    if report.notes:
        click.echo(f"cells read with a note: {len(report.notes)}")
        for line in report.note_messages(lang):
            click.echo(f"  {line}")
    click.echo(f"questions found: {len(report.matched_columns)} column(s)")
    if report.unmatched_columns:
        click.echo("unmatched columns (not imported): " + "; ".join(report.unmatched_columns))
    if report.ignored_columns:
        click.echo("columns ignored by the mapping: " + "; ".join(report.ignored_columns))
    if report.dropped_columns:
        click.echo("identifying columns dropped (never stored): " + "; ".join(report.dropped_columns))
    if dry_run:
        click.echo("dry run: nothing was stored")
