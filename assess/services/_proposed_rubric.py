"""Which rubric a new self-assessment starts with: a building block of the services
(self-assessments, survey results), called inside their permission-checked use cases."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from assess.domain.jury import school_year
from assess.domain.rubric import Rubric
from assess.services import _settings_values
from assess.services._installed_rubrics import installed
from assess.services.rubrics import Proposal, for_school_year


def proposed(session: Session, *, project_end: date) -> tuple[Rubric, Proposal]:
    """The rubric proposed for a project's self-assessment: the office's ``default_rubric``
    when it is installed, else the one of the school year the project ends in (a label is
    asked for at the end of a project, against that year's criteria)."""
    candidates = list(installed())
    chosen = _settings_values.get(session, "default_rubric")
    if chosen:
        found = next((r for r in candidates if r.id == chosen), None)
        if found is not None:
            return found, Proposal.SETTING
    return for_school_year(candidates, int(school_year(project_end)[:4]))
