"""A juror's capacity: the most applications the office gives them in one round.

Set by the office on the Accounts page (``max_per_round`` on the account, None: no
maximum); the automatic assignment (:func:`assess.domain.assignment.assign`) and the
assignment by hand both keep it. A juror's load in a round counts their assignments on
the round's submitted applications (a withdrawn application frees its place).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from assess.domain.permissions import Actor
from assess.services import audit
from assess.services.access import authorize
from assess.services.errors import FieldError, InvalidInput
from assess.services.jury._common import active_juror

#: No round needs more: a larger number is a typing mistake.
CAPACITY_MAX = 10_000


def set_capacity(session: Session, *, actor: Actor, juror_id: int, max_per_round: int | None) -> None:
    """Set (or, with None, remove) a juror's maximum of applications per round (office);
    audited (``jury.capacity``). Assignments already made stay: the maximum applies to
    the next ones."""
    authorize(session, actor, "round.manage")
    value = max_per_round
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                              or not 1 <= value <= CAPACITY_MAX):
        raise InvalidInput([FieldError("max_per_round", "jury.errors.capacity", {"max": CAPACITY_MAX})])
    juror = active_juror(session, juror_id)
    if juror.max_per_round == value:
        return
    juror.max_per_round = value
    audit.record(session, actor=actor, action="jury.capacity", entity_type="user", entity_id=juror.id,
                 details={"max_per_round": value})
    session.flush()


def capacity_of(session: Session, *, actor: Actor, juror_id: int) -> int | None:
    """A juror's maximum per round (office); None: no maximum."""
    authorize(session, actor, "round.manage")
    return active_juror(session, juror_id).max_per_round
