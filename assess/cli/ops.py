"""The operator's commands: ``assess backup``, ``assess restore`` and ``assess ready``."""

from __future__ import annotations

from assess.cli.backup import backup_command, restore_command
from assess.cli.ready import ready_command

OPS_COMMANDS = (backup_command, restore_command, ready_command)
