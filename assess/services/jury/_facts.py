"""An application as the permission rules see it for one juror
(:class:`assess.domain.permissions.ApplicationFacts`), read from the database: the
building block every juror's service hands to the rules."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from assess.domain.permissions import ApplicationFacts
from assess.domain.states import ApplicationStatus
from assess.services.jury._conflicts import kinds_of
from assess.storage.models import Application, Assignment


def facts_of(session: Session, *, juror_id: int | None, application: Application,
             assignment: Assignment | None = None) -> ApplicationFacts:
    """``application`` as the rules see it for the juror ``juror_id`` (their assignment
    read when not given)."""
    if assignment is None and juror_id is not None:
        assignment = session.scalar(select(Assignment).where(Assignment.application_id == application.id,
                                                             Assignment.juror_id == juror_id))
    assigned = assignment is not None and assignment.juror_id == juror_id
    return ApplicationFacts(
        application_id=application.id,
        submitted=application.status == ApplicationStatus.SUBMITTED,
        assigned=assigned,
        in_conflict=juror_id is not None and bool(kinds_of(session, juror_id=juror_id, application=application)),
        own_scores_submitted=assigned and assignment is not None and assignment.submitted_at is not None,
        round_published=application.round.published_at is not None,
    )
