"""Who may do what: every permission of the suite, as named rules, in one place.

Rules are small predicates ``rule(actor, obj)`` composed with ``&``, ``|`` and ``~``
(as in django-rules, which pretalx uses). Services check through
:func:`assess.services.access.authorize` (this rule, for an actor that exists in the
database) before acting, and pages call :func:`can` to decide what to show: the same rule
guards both, so a page can never offer what the service would refuse.

The system actor is explicit: only :meth:`Actor.system` sets ``is_system``. An actor
without an id is not the system, it is nobody.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assess.domain.states import Role

ROLES: tuple[str, ...] = tuple(Role)  # (defined once: assess.domain.states)


@dataclass(frozen=True)
class Actor:
    """The person (or the system, for CLI and migrations) on whose behalf a service acts."""

    id: int | None
    email: str
    display_name: str
    roles: frozenset[str]
    language: str | None = None
    #: The national office's command-line operator; set by :meth:`system` only.
    is_system: bool = False

    @classmethod
    def system(cls) -> Actor:
        """The operator at the command line: full rights, recorded as a system action."""
        return cls(id=None, email="system", display_name="system", roles=frozenset(ROLES), is_system=True)

    @property
    def account_id(self) -> int:
        """The id of the person's account, for what only an account has (its password, its
        data, its sessions). The system actor has none: ValueError."""
        if self.id is None:
            raise ValueError("the system actor has no account")
        return self.id


class Rule:
    def __init__(self, predicate: Callable[[Actor, Any], bool], name: str):
        self._predicate = predicate
        self.name = name

    def __call__(self, actor: Actor | None, obj: Any = None) -> bool:
        return actor is not None and bool(self._predicate(actor, obj))

    def __and__(self, other: Rule) -> Rule:
        return Rule(lambda a, o: self(a, o) and other(a, o), f"({self.name} & {other.name})")

    def __or__(self, other: Rule) -> Rule:
        return Rule(lambda a, o: self(a, o) or other(a, o), f"({self.name} | {other.name})")

    def __invert__(self) -> Rule:
        return Rule(lambda a, o: not self(a, o), f"~{self.name}")

    def __repr__(self) -> str:
        return f"Rule({self.name})"


def has_role(role: str) -> Rule:
    return Rule(lambda actor, _obj: role in actor.roles, f"has_role({role})")


is_admin = has_role("admin")
is_teacher = has_role("teacher")
is_juror = has_role("juror")
#: The object (a project) belongs to the actor.
is_owner = Rule(lambda actor, obj: obj is not None and actor.id is not None and obj.owner_id == actor.id, "is_owner")
#: The national office's command-line operator.
is_system = Rule(lambda actor, _obj: actor.is_system, "is_system")
#: The object (an account) is the actor's own.
is_self = Rule(lambda actor, obj: actor.id is not None and getattr(obj, "id", None) == actor.id, "is_self")

# --- rules about the state of the jury's work ---------------------------------------------
#
# As pretalx's rules.py and HotCRP's ``can_view_review``: whether a juror may see or score
# an application is a rule about facts (assigned? in conflict? own scores submitted? round
# published?), not code spread over the services. The facts are plain values, read from
# the database by the service (``assess.services.jury.facts``) and handed to these rules,
# by the services (``authorize``/``permitted``) and the pages (``can``) alike.


@dataclass(frozen=True)
class ApplicationFacts:
    """One application as the jury's rules see it, for one actor."""

    application_id: int
    #: The application is submitted (not withdrawn).
    submitted: bool
    #: The actor is assigned to it.
    assigned: bool
    #: The actor is in conflict of interest with it (stored, found from the schools and not
    #: waived, or their own application).
    in_conflict: bool
    #: The actor submitted their own scores on it.
    own_scores_submitted: bool
    #: The decisions of its round are published.
    round_published: bool


@dataclass(frozen=True)
class RoundFacts:
    """A round as the rules see it."""

    round_id: int
    published: bool


@dataclass(frozen=True)
class DecisionFacts:
    """The decision on an application as the rules see it: whose project it judges and
    whether it is published (before, only the office reads it)."""

    owner_id: int | None
    published: bool


@dataclass(frozen=True)
class VerdictFacts:
    """An application's verdict as the rules see it: whose it is, whether it is out."""

    application_id: int
    #: The teacher who applied (``is_owner`` reads ``owner_id``).
    owner_id: int | None
    #: Its decision and its round are published.
    verdict_published: bool


def _fact(name: str) -> Rule:
    return Rule(lambda _actor, obj: obj is not None and bool(getattr(obj, name)), name)


#: The actor is assigned to the application.
is_assigned = _fact("assigned")
#: The actor is not in conflict of interest with the application.
not_in_conflict = ~_fact("in_conflict")
#: The application was submitted and not withdrawn.
application_submitted = _fact("submitted")
#: The actor submitted their own scores on the application.
own_scores_submitted = _fact("own_scores_submitted")
#: The round (of the application, or the round itself) is not published.
round_not_published = Rule(
    lambda _actor, obj: obj is not None and not getattr(obj, "round_published", getattr(obj, "published", True)),
    "round_not_published",
)
#: A juror working on an application: assigned, not in conflict, the application still submitted.
judges = is_juror & ~is_system & is_assigned & not_in_conflict & application_submitted
#: The national office (on screen or at the command line).
is_office = is_admin | is_system
#: The application's decision and its round are published.
verdict_published = _fact("verdict_published")

PERMISSIONS: dict[str, Rule] = {
    "project.list": is_teacher | is_admin,
    "project.create": is_teacher | is_system,
    "project.view": is_owner | is_admin,
    "project.edit": is_owner | is_system,
    "project.delete": is_owner,
    "self_assessment.view": is_owner | is_admin,
    "self_assessment.edit": is_owner | is_system,
    "report.self_assessment": is_owner | is_admin,
    "survey.manage": is_owner | is_system,
    "survey.results": is_owner | is_admin,
    "user.manage": is_admin,
    "settings.manage": is_admin,
    "audit.view": is_admin,
    "demo.load": is_admin,
    # The national jury. Objects: a project for application.apply and .view, none for the
    # others unless said.
    "round.view": is_teacher | is_juror | is_admin,
    "round.manage": is_admin | is_system,
    "application.apply": is_owner & is_teacher,
    "application.view": is_owner | is_admin,
    "jury.score": is_juror & ~is_system,
    # Objects: ApplicationFacts. A juror sees an application they judge; scores it while
    # their scores are not submitted and the round not published; reads the other jurors'
    # scores (pseudonymised) only once their own are submitted (blind scoring).
    "application.judge": judges,
    "application.score": judges & ~own_scores_submitted & round_not_published,
    "application.view_other_scores": judges & own_scores_submitted,
    # Objects: RoundFacts. Assignments, conflicts, waivers and decisions change until the
    # round is published; then they stay as published.
    "round.change": is_office & round_not_published,
    # Standing conflicts (a juror and a teacher or a school, in every round): the office
    # records and removes any; a juror declares their own.
    "conflict.standing.manage": is_office,
    "conflict.standing.declare": is_juror & ~is_system,
    "round.publish": is_office & round_not_published,
    "decision.manage": is_admin | is_system,
    # Objects: DecisionFacts. The verdict's reasons and the jury's summary: the office
    # always, the project's teacher once published.
    "decision.view": is_office | (is_owner & _fact("published")),
    # Objects: VerdictFacts. The letter and the certificate of an application: its teacher
    # (and the office) once the verdict is published, never before.
    "application.documents": (is_owner | is_office) & verdict_published,
    "eql.manage": is_admin | is_system,
    # National statistics: figures for the ministry and the central service. The CLI acts
    # as the system (whoever runs it already holds the database).
    "statistics.view": is_admin | is_system,
    "statistics.export": is_admin | is_system,
    # Juror names instead of pseudonyms in exports: a separate, deliberate choice.
    "statistics.juror_names": is_admin | is_system,
    # Privacy (GDPR, docs/privacy.md). Objects: the account concerned. A person downloads
    # their own data (the office too, to answer a request made by letter); only the person
    # asks for their account to be deleted; the office purges and carries out deletions.
    "privacy.export": is_self | is_admin | is_system,
    "privacy.request_deletion": is_self & ~is_system,
    "privacy.manage": is_admin | is_system,
    # E-mail (docs/mail.md): the office previews, edits and sends the outbox's mails.
    "mail.manage": is_admin | is_system,
}


class PermissionDenied(Exception):
    """The actor may not do this. The message never says more than that."""

    def __init__(self, permission: str):
        self.permission = permission
        super().__init__(f"not allowed: {permission}")


def can(actor: Actor | None, permission: str, obj: Any = None) -> bool:
    return PERMISSIONS[permission](actor, obj)


def require(actor: Actor | None, permission: str, obj: Any = None) -> None:
    if not can(actor, permission, obj):
        raise PermissionDenied(permission)
