"""``assess letters`` (also ``assess report verdicts``): the verdict letters of a round as
PDF files, and with ``--certificates`` the certificates of its labels."""

from __future__ import annotations

import os
from pathlib import Path

import click

from assess.cli.common import operator_language, progress_bar, reading
from assess.cli.types import ID, OUTPUT_FOLDER
from assess.domain.permissions import Actor
from assess.i18n import t
from assess.services import letters


@click.command("verdicts")
@click.option("--round", "round_id", type=ID, required=True, help="Round id (see `assess round list`).")
@click.option("--out", "out_dir", type=OUTPUT_FOLDER, required=True,
              help="Folder to write the letters to (created if needed).")
@click.option("--certificates", is_flag=True,
              help="Also write a label certificate for each published label.")
@click.option("--workers", type=click.IntRange(min=1), default=min(2, os.cpu_count() or 1), show_default=True,
              help="Documents rendered at once, one process each.")
def verdicts(round_id: int, out_dir: Path, certificates: bool, workers: int) -> None:
    """Write one PDF verdict letter per published decision of a round, each in its teacher's
    language: quality-label-letter-<project>-<school year>-<lang>.pdf; with --certificates,
    also quality-label-certificate-<project>-<school year>-<lang>.pdf per label."""
    from assess.reports.documents import write_round_documents  # WeasyPrint loads only when needed

    lang = operator_language()
    with reading() as session:
        views = letters.verdict_letters(session, actor=Actor.system(), round_id=round_id)
        awarded = letters.certificates(session, actor=Actor.system(), round_id=round_id) if certificates else []
    if not views:
        raise click.ClickException(t("letters.cli.none_published", lang, round=round_id))
    # One batch for both kinds (the Decisions page's ZIP is made by the same function).
    label = t("certificates.cli.progress_both", lang) if awarded else t("letters.cli.progress", lang)
    with progress_bar(label) as progress:
        written, certified = write_round_documents(views, awarded, out_dir=out_dir, workers=workers, progress=progress)
    click.echo(t("letters.cli.written", lang, count=len(written), folder=out_dir))
    if not certificates:
        return
    if not awarded:
        click.echo(t("certificates.cli.none", lang, round=round_id))
        return
    click.echo(t("certificates.cli.written", lang, count=len(certified), folder=out_dir))
