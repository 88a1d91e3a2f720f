"""Roles, statuses and kinds: each defined once, as the strings the database stores.

They are ``StrEnum``s, so a member *is* its stored string (``Role.ADMIN == "admin"``):
rows written before this module existed read the same, and the CHECK constraints of
``assess/storage/models.py`` are spelt from these members (:func:`one_of`), so a value
added here and there cannot drift apart. A new member needs a migration that changes the
constraint too.

Elsewhere, already one enum each: the audiences of surveys
(:class:`assess.domain.questionnaire.Audience`) and the states of a jury round
(:class:`assess.domain.jury.RoundStatus`).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Role(StrEnum):
    """What an account may do (an account holds one or more)."""

    TEACHER = "teacher"
    JUROR = "juror"
    ADMIN = "admin"


#: Every role, in the order pages list them.
ROLES: tuple[Role, ...] = tuple(Role)


class ApplicationStatus(StrEnum):
    """Where an application stands. Only DRAFT, SUBMITTED and WITHDRAWN are stored; UNDER_REVIEW
    and DECIDED are what a submitted application shows once its round closed or published
    (:data:`STORED_APPLICATION_STATUSES`)."""

    DRAFT = "draft"  # kept by the teacher, seen by no one else until submitted
    SUBMITTED = "submitted"  # the round is still open
    UNDER_REVIEW = "under_review"  # the round is closed, verdicts not published yet
    DECIDED = "decided"  # the round's decisions are published
    WITHDRAWN = "withdrawn"


STORED_APPLICATION_STATUSES: tuple[ApplicationStatus, ...] = (
    ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN)


class RoundKind(StrEnum):
    """A label session, a national contest or a European-label nomination round."""

    LABEL = "label"
    CONTEST = "contest"
    EQL = "eql"


class Aggregation(StrEnum):
    """How a round combines its jurors' levels."""

    MEAN = "mean"
    MEDIAN = "median"


class AssignmentOrigin(StrEnum):
    """How a juror came to score an application."""

    AUTO = "auto"  # the automatic assignment
    MANUAL = "manual"  # the office chose the juror
    EXTRA = "extra"  # an additional juror, asked after disagreement


class StandingRelation(StrEnum):
    """Why a juror must never judge a teacher's or a school's applications, in any round
    (a standing conflict of interest, :mod:`assess.domain.conflicts`)."""

    PERSONAL = "personal"  # family, a partner, a close friend
    FORMER_COLLEAGUE = "former_colleague"  # worked with the teacher, or at the school
    OTHER = "other"  # said in the note


class StandingOrigin(StrEnum):
    """Who recorded a standing conflict: the office, or the juror about themself."""

    OFFICE = "office"
    JUROR = "juror"


class Verdict(StrEnum):
    """The office's verdict on an application (``decisions.outcome``; not the scoring's
    :class:`assess.domain.scoring.Outcome`)."""

    LABEL = "label"
    NO_LABEL = "no_label"


class CampaignMode(StrEnum):
    """How a survey campaign collects answers."""

    LINK = "link"
    CODES = "codes"
    IMPORT = "import"


class CampaignStatus(StrEnum):
    """Where a survey campaign stands, from its dates and its closing (not stored)."""

    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"


class ResponseSource(StrEnum):
    """Where a survey response came from: this application or an imported export."""

    WEB = "web"
    GOOGLE = "google"
    MSFORMS = "msforms"
    LIMESURVEY = "limesurvey"


class DeletionStatus(StrEnum):
    """A person's request that their account be deleted."""

    PENDING = "pending"
    DONE = "done"
    CANCELLED = "cancelled"


def one_of(column: str, values: Iterable[str]) -> str:
    """The SQL of a CHECK constraint: ``column IN ('a', 'b')``, spelt from enum members."""
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"
