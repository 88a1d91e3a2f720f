"""``assess survey import``: bring answers collected with Google Forms, Microsoft Forms or
LimeSurvey into a project's results."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from assess.cli.common import database, operator_language, progress_bar, reading
from assess.cli.types import ID
from assess.domain.imports import FORMATS, MAX_FILE_BYTES, MappingFile
from assess.domain.permissions import Actor
from assess.domain.questionnaire import Audience
from assess.domain.safe_yaml import MAX_BYTES as MAX_MAPPING_BYTES
from assess.i18n import t
from assess.i18n.formats import format_count
from assess.services import survey_imports
from assess.services.errors import InvalidInput, ServiceError, message_of


def _read(path: str, what: str, *, limit: int) -> bytes:
    """The file's bytes; one that is too large is refused before it is read into memory.
    ``what``: "file" or "mapping", the words of the refusal."""
    lang = operator_language()
    try:
        with open(path, "rb") as file:
            data = file.read(limit + 1)
    except OSError as exc:
        raise click.ClickException(t(f"cli.survey_import.cannot_read_{what}", lang, path=path,
                                     reason=exc.strerror or exc)) from None
    if len(data) > limit:
        size = (t("cli.survey_import.megabytes", lang, count=format_count(limit // (1024 * 1024), lang))
                if limit >= 1024 * 1024 else t("cli.survey_import.kilobytes", lang, count=format_count(limit // 1024, lang)))
        raise click.ClickException(t(f"cli.survey_import.{what}_too_large", lang, path=path, size=size))
    return data


@contextmanager
def _refusals() -> Iterator[None]:
    """Refusals raised outside a transaction (reading the file, the preview) become plain
    messages, as :func:`assess.cli.common.transaction` makes them inside one."""
    try:
        yield
    except InvalidInput as error:
        lang = operator_language()
        lines = [message_of(error, lang)] + [f"  {e.field}: {e.message(lang)}" for e in error.errors]
        raise click.ClickException("\n".join(lines)) from None
    except ServiceError as error:
        raise click.ClickException(message_of(error, operator_language())) from None


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
    mapping = (MappingFile(name=mapping_path, text=_read(mapping_path, "mapping", limit=MAX_MAPPING_BYTES))
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
            raise click.ClickException(t(report.refusal[0], operator_language(), **report.refusal[1]))
    else:
        # Rows are checked with no transaction open; one short transaction inserts them.
        with _refusals(), progress_bar(t("cli.survey_import.reading_rows", operator_language())) as progress, database() as sessions:
            report = survey_imports.import_upload(
                sessions, actor=Actor.system(), project_id=project_id, audience=audience, upload=upload,
                mapping=mapping, progress=progress, day_first=day_first,
            )
    _print(report, dry_run=dry_run)


def _print(report: survey_imports.ImportReport, *, dry_run: bool) -> None:
    lang = operator_language()

    def line(key: str, **params: object) -> None:
        click.echo(t(f"cli.survey_import.{key}", lang, **params))

    def count(value: int) -> str:
        return format_count(value, lang)

    line("format", format=report.file_format, tool=t(f"imports.format.{report.file_format}", lang))
    if report.delimiter or report.encoding:
        line("reading", message=report.reading_message(lang))
    line("questionnaire", id=report.questionnaire_id)
    line("rows_read", count=count(report.rows_read))
    line("rows_to_import" if dry_run else "rows_imported", count=count(report.rows_imported))
    line("rows_repeated", count=count(report.rows_repeated))
    line("rows_skipped", count=count(report.rows_skipped))
    if report.date_message(lang):
        line("dates", message=report.date_message(lang))
    for skipped in report.skipped_messages(lang):
        click.echo(f"  {skipped}")
    if report.notes:
        line("notes", count=count(len(report.notes)))
        for note in report.note_messages(lang):
            click.echo(f"  {note}")
    line("questions_found", count=len(report.matched_columns))
    if report.unmatched_columns:
        line("unmatched", columns="; ".join(report.unmatched_columns))
    if report.ignored_columns:
        line("ignored", columns="; ".join(report.ignored_columns))
    if report.dropped_columns:
        line("dropped", columns="; ".join(report.dropped_columns))
    if dry_run:
        line("dry_run")
