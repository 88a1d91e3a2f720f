"""The services' permission check: the rule of :mod:`assess.domain.permissions`, for an
actor that really exists.

A service is handed an :class:`Actor` by its caller (a page, the CLI, a test); the rules
alone would trust whatever it says. :func:`authorize` and :func:`permitted` first check
it against this session's database: the system actor (``Actor.system()``, the operator
at the command line) is accepted as such; anyone else must be an active account holding
the roles the actor claims. An actor without an id, an unknown or deactivated account, or
roles the account no longer holds are refused with :class:`PermissionDenied`, which says
no more than any other refusal.

Every public service function that takes a session takes an actor too, except the few
that people who are not signed in reach: respondents answering by code or link, sign-in,
sign-up and the first administrator. Those say so where they are defined, with
:func:`public_entry_point` and a reason (tests/test_architecture.py checks the rest).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from assess.domain.permissions import Actor, PermissionDenied, can
from assess.storage.models import User

_Function = TypeVar("_Function", bound=Callable[..., Any])

#: "module.function" -> why people who are not signed in may call it (filled at import).
PUBLIC_ENTRY_POINTS: dict[str, str] = {}


def public_entry_point(*, reason: str) -> Callable[[_Function], _Function]:
    """Declare a service function that takes no actor because the person calling it is not
    signed in (a respondent, someone signing in or up, the first administrator). The
    function is returned unchanged; the declaration is what a reviewer reads."""
    if not reason.strip():
        raise ValueError("a public entry point says why it needs no actor")

    def declare(function: _Function) -> _Function:
        PUBLIC_ENTRY_POINTS[f"{function.__module__}.{function.__qualname__}"] = reason
        return function

    return declare


def check_actor(session: Session, actor: Actor | None, permission: str) -> None:
    """Refuse (``PermissionDenied(permission)``) an actor that is neither the system nor an
    active account of this database with the roles it claims."""
    if actor is not None and actor.is_system:
        return
    if actor is None or actor.id is None:
        raise PermissionDenied(permission)
    user = session.get(User, actor.id)
    if user is None or not user.is_active or not actor.roles <= user.role_names:
        raise PermissionDenied(permission)


def authorize(session: Session, actor: Actor | None, permission: str, obj: Any = None) -> None:
    """Refuse unless ``actor`` exists (:func:`check_actor`) and holds ``permission`` on ``obj``."""
    check_actor(session, actor, permission)
    if not can(actor, permission, obj):
        raise PermissionDenied(permission)


def permitted(session: Session, actor: Actor | None, permission: str, obj: Any = None) -> bool:
    """Whether an existing ``actor`` holds ``permission`` on ``obj``; an actor that does not
    exist is refused outright (:class:`PermissionDenied`), not merely told no."""
    check_actor(session, actor, permission)
    return can(actor, permission, obj)
