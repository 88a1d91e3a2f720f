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
    # WeasyPrint loads only when needed.
    from assess.reports.certificate import write_certificates
    from assess.reports.verdict import write_verdict_letters

    with reading() as session:
        views = letters.verdict_letters(session, actor=Actor.system(), round_id=round_id)
        awarded = letters.certificates(session, actor=Actor.system(), round_id=round_id) if certificates else []
    if not views:
        raise click.ClickException(t("letters.cli.none_published", operator_language(), round=round_id))
    with progress_bar(t("letters.cli.progress", operator_language())) as progress:
        paths = write_verdict_letters(views, out_dir=out_dir, workers=workers, progress=progress)
    click.echo(t("letters.cli.written", operator_language(), count=len(paths), folder=out_dir))
    if not certificates:
        return
    if not awarded:
        click.echo(t("certificates.cli.none", operator_language(), round=round_id))
        return
    with progress_bar(t("certificates.cli.progress", operator_language())) as progress:
        paths = write_certificates(awarded, out_dir=out_dir, workers=workers, progress=progress)
    click.echo(t("certificates.cli.written", operator_language(), count=len(paths), folder=out_dir))
