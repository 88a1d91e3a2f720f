"""The facts the permission rules read (:mod:`assess.domain.permissions`), from the database.

A service builds them and asks the rule (``permitted``/``authorize``); a page asks for
them (:func:`application_facts`) and asks :func:`assess.domain.permissions.can`: the same
rule guards both, so a page never offers what the service would refuse.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from assess.domain.permissions import Actor, ApplicationFacts, RoundFacts
from assess.services.access import authorize
from assess.services.jury._facts import facts_of
from assess.storage.models import Application


class _RoundLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def published_at(self) -> datetime | None: ...


def round_facts(round_: _RoundLike) -> RoundFacts:
    """A round (stored, or a summary of one) as the rules see it."""
    return RoundFacts(round_id=round_.id, published=round_.published_at is not None)


NOTHING = ApplicationFacts(application_id=0, submitted=False, assigned=False, in_conflict=False,
                           own_scores_submitted=False, round_published=True)


def application_facts(session: Session, *, actor: Actor, application_id: int) -> ApplicationFacts:
    """The facts of an application for the acting juror (what their page may offer). An
    application they are not assigned to gives the same facts as one that does not exist,
    which permit nothing: a juror trying ids learns neither that an application exists
    nor whether it was withdrawn or its round published."""
    authorize(session, actor, "jury.score")
    application = session.get(Application, application_id)
    if application is None:
        return NOTHING
    found = facts_of(session, juror_id=actor.id, application=application)
    return found if found.assigned else NOTHING
