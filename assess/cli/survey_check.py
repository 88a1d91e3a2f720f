"""``assess survey check``: check questionnaire files (``surveys/*.yaml``) before installing them."""

from __future__ import annotations

from assess.cli.common import check_command
from assess.domain.questionnaire import load_questionnaire_file

check = check_command(kind="questionnaire", loader=load_questionnaire_file)
