"""``assess survey``: questionnaires, codes, results and imports. One module per command."""

from __future__ import annotations

import click

from assess.cli.survey_check import check
from assess.cli.survey_codes import codes, reissue
from assess.cli.survey_import import import_
from assess.cli.survey_results import results


@click.group()
def survey() -> None:
    """Stakeholder surveys: pupils, families and partner teachers."""


survey.add_command(check)
survey.add_command(codes)
survey.add_command(reissue)
survey.add_command(results)
survey.add_command(import_)
