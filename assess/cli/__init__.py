"""The ``assess`` command: one group per area (rubric, user, project, report, demo).

Exit codes follow the usual convention: 0 success, 1 the checked input has problems,
2 the command was used wrongly (unknown id, bad option), as click does.
"""

from __future__ import annotations

import click

from assess.cli.rubric import rubric


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="etwinning-assess")
def cli() -> None:
    """Quality-label assessment suite for eTwinning projects."""


cli.add_command(rubric)


def main() -> None:
    cli()
