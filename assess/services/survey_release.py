"""Released figures, as the readers of figures ask for them before reading.

The rules (a campaign's responses count five or more at a time) and the steps every
writer of answers takes are in :mod:`assess.services._survey_release`, a building block
of the services; this is the one call the pages, the exports and the CLI make.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import sessionmaker

from assess import clock
from assess.services import _survey_release
from assess.storage.db import reading, writing


def release_ended_when_due(sessions: sessionmaker, *, today: date | None = None, project_id: int | None = None) -> int:
    """:func:`assess.services._survey_release.release_ended` as readers of figures call it before reading: a look in a
    read-only transaction, and a short write only when a campaign ended with responses
    waiting (once per campaign, so almost never)."""
    today = today or clock.today()
    with reading(sessions) as session:
        if not _survey_release.ended_waiting(session, today=today, project_id=project_id):
            return 0
    with writing(sessions) as session:
        return _survey_release.release_ended(session, today=today, project_id=project_id)
