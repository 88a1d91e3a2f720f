"""``assess survey check``: check questionnaire files (``surveys/*.yaml``) before installing them."""

from __future__ import annotations

import click

from assess.domain.content import ContentError
from assess.domain.questionnaire import load_questionnaire_file


@click.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def check(files: tuple[str, ...]) -> None:
    """Check questionnaire FILES; print ok, or FILE:LINE: message per problem (exit 1)."""
    problems = []
    for file in files:
        try:
            load_questionnaire_file(file)
        except ContentError as exc:
            problems.extend(exc.problems)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        raise SystemExit(1)
    click.echo("ok")
