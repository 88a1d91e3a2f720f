"""The ``assess`` command: one group per area (rubric, user, project, report, demo, settings, privacy), and ``serve``.

Exit codes: 0 success; 1 the input was refused (a checked file has problems, a service
said no: unknown project, invalid field); 2 the command itself was used wrongly (bad
option, unknown rubric or criterion in ``rubric score``), as click does; 141 the reader of the
output closed it early (``assess mail list | head``), quietly, as a Unix tool's. Never a
traceback: anything unexpected is a one-line ``Error: ...`` and exit 1 (``ASSESS_DEBUG=1``
shows the traceback); SIGTERM and SIGHUP end a command like Ctrl-C, nothing half-stored.

Language: the operator's, from the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``; see
:func:`assess.cli.common.operator_language`); ``--lang`` chooses the language of a
command's output and defaults to it.
"""

from __future__ import annotations

import click

from assess.cli.admin import demo_command, init, user
from assess.cli.common import AssessGroup
from assess.cli.deadlines import round_deadline  # noqa: F401 (adds deadline, progress, late to `round`)
from assess.cli.export import export
from assess.cli.jury import eql, jury_group, round_group, stats_group
from assess.cli.letters import verdicts
from assess.cli.mail import mail_group
from assess.cli.ops import OPS_COMMANDS
from assess.cli.privacy import privacy_group
from assess.cli.projects import project, report
from assess.cli.rubric import rubric
from assess.cli.serve import serve
from assess.cli.settings import settings_group
from assess.cli.survey import survey


@click.group(cls=AssessGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="etwinning-assess")
def cli() -> None:
    """Quality-label assessment suite for eTwinning projects."""


for command in (init, serve, user, demo_command, project, report, rubric, survey, round_group, jury_group, stats_group,
                eql, export, settings_group, privacy_group, *OPS_COMMANDS, mail_group):
    cli.add_command(command)
cli.add_command(verdicts, name="letters")  # the same command as `assess report verdicts`


def main() -> None:
    cli()
