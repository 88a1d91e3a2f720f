"""Accounts: the first administrator, accounts made by the office, sign-up, sign-in.

Passwords are hashed with argon2 (argon2-cffi's defaults follow RFC 9106). Single
sign-on (OpenID Connect through Streamlit's ``st.login``) proves who someone is; what
they may do still comes from the roles stored here.
"""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from assess.domain.permissions import ROLES, Actor
from assess.i18n import LANGUAGES
from assess.services import audit, settings
from assess.services.access import authorize, check_actor
from assess.services.errors import Conflict, FieldError, InvalidInput, NotFound, ServiceError
from assess.storage.models import User, UserRole, utcnow

PASSWORD_MIN_LENGTH = 10
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_hasher = PasswordHasher()
# Verified when the e-mail is unknown, so a sign-in takes as long whether or not the
# account exists: response times do not reveal who has an account.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def actor_of(user: User) -> Actor:
    return Actor(id=user.id, email=user.email, display_name=user.display_name, roles=user.role_names, language=user.language)


def _check_new_account(session: Session, *, email: str, display_name: str, password: str | None, roles: set[str]) -> str:
    errors = []
    email = (email or "").strip().lower()
    if not EMAIL.match(email) or len(email) > 320:
        errors.append(FieldError("email", "errors.email_invalid", {"value": email}))
    elif session.scalar(select(User.id).where(User.email == email)) is not None:
        errors.append(FieldError("email", "errors.email_taken", {}))
    if not (display_name or "").strip():
        errors.append(FieldError("display_name", "errors.required", {}))
    elif len(display_name.strip()) > 200:
        errors.append(FieldError("display_name", "errors.too_long", {"max": 200}))
    if password is not None and len(password) < PASSWORD_MIN_LENGTH:
        errors.append(FieldError("password", "errors.password_too_short", {"min": PASSWORD_MIN_LENGTH}))
    for role in sorted(roles - set(ROLES)):
        errors.append(FieldError("roles", "errors.unknown_role", {"value": role}))
    if not roles:
        errors.append(FieldError("roles", "errors.at_least_one", {}))
    if errors:
        raise InvalidInput(errors)
    return email


def _add_user(session: Session, *, email: str, display_name: str, password: str | None, roles: set[str], language: str | None) -> User:
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=hash_password(password) if password is not None else None,
        language=language if language in LANGUAGES else None,
        roles=[UserRole(role=role) for role in sorted(roles)],
    )
    session.add(user)
    session.flush()
    return user


def needs_first_admin(session: Session) -> bool:
    """True on a fresh installation: no administrator exists yet."""
    return session.scalar(select(func.count()).select_from(UserRole).where(UserRole.role == "admin")) == 0


def create_first_admin(session: Session, *, email: str, display_name: str, password: str, language: str | None = None) -> Actor:
    """Create the national office's administrator; refused once one exists (no default password)."""
    if not needs_first_admin(session):
        raise Conflict("errors.admin_exists")
    email = _check_new_account(session, email=email, display_name=display_name, password=password, roles={"admin"})
    user = _add_user(session, email=email, display_name=display_name, password=password, roles={"admin"}, language=language)
    audit.record(session, actor=None, action="user.create_first_admin", entity_type="user", entity_id=user.id)
    return actor_of(user)


def create_user(session: Session, *, actor: Actor, email: str, display_name: str, roles: set[str], password: str | None, language: str | None = None) -> User:
    """The office creates an account. ``password`` None: single sign-on only."""
    authorize(session, actor, "user.manage")
    roles = set(roles)
    email = _check_new_account(session, email=email, display_name=display_name, password=password, roles=roles)
    user = _add_user(session, email=email, display_name=display_name, password=password, roles=roles, language=language)
    audit.record(session, actor=actor, action="user.create", entity_type="user", entity_id=user.id, details={"roles": sorted(roles)})
    return user


def sign_up(session: Session, *, email: str, display_name: str, password: str, language: str | None = None) -> Actor:
    """A teacher creates their own account, when the office allows it."""
    if not settings.get(session, "allow_signup"):
        raise ServiceError("errors.signup_closed")
    email = _check_new_account(session, email=email, display_name=display_name, password=password, roles={"teacher"})
    user = _add_user(session, email=email, display_name=display_name, password=password, roles={"teacher"}, language=language)
    audit.record(session, actor=actor_of(user), action="user.sign_up", entity_type="user", entity_id=user.id)
    return actor_of(user)


def authenticate(session: Session, *, email: str, password: str) -> Actor | None:
    """The actor for these credentials, or None (same answer for unknown e-mail and wrong password)."""
    user = session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if user is None or user.password_hash is None or not user.is_active:
        try:
            _hasher.verify(_DUMMY_HASH, password or "")
        except VerificationError:
            pass
        return None
    try:
        _hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        audit.record(session, actor=None, action="user.sign_in_failed", entity_type="user", entity_id=user.id)
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    audit.record(session, actor=actor_of(user), action="user.sign_in", entity_type="user", entity_id=user.id)
    return actor_of(user)


def actor_for_single_sign_on(session: Session, *, email: str | None) -> Actor | None:
    """The actor for an e-mail proven by the identity provider, if the office made an account for it."""
    if not email:
        return None
    user = session.scalar(select(User).where(User.email == email.strip().lower(), User.is_active.is_(True)))
    if user is None:
        return None
    user.last_login_at = utcnow()
    audit.record(session, actor=actor_of(user), action="user.sign_in_sso", entity_type="user", entity_id=user.id)
    return actor_of(user)


def refresh_actor(session: Session, *, actor_id: int) -> Actor | None:
    """The actor as stored now (roles may have changed, the account may be deactivated)."""
    user = session.get(User, actor_id)
    return actor_of(user) if user is not None and user.is_active else None


def has_password(session: Session, *, actor: Actor) -> bool:
    """Whether the actor signs in with a password (False: single sign-on only)."""
    user = session.get(User, actor.id) if actor.id is not None else None
    return user is not None and user.password_hash is not None


def list_users(session: Session, *, actor: Actor) -> list[User]:
    authorize(session, actor, "user.manage")
    # Roles loaded with the users: the users page reads every account's roles (one query, not one each).
    return list(session.scalars(select(User).options(selectinload(User.roles)).order_by(User.email)))


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def _active_admins(session: Session) -> int:
    return session.scalar(
        select(func.count()).select_from(UserRole).join(User).where(UserRole.role == "admin", User.is_active.is_(True))
    )


def set_roles(session: Session, *, actor: Actor, user_id: int, roles: set[str]) -> None:
    authorize(session, actor, "user.manage")
    user = _user(session, user_id)
    roles = set(roles)
    unknown = roles - set(ROLES)
    if unknown or not roles:
        errors = [FieldError("roles", "errors.unknown_role", {"value": r}) for r in sorted(unknown)]
        raise InvalidInput(errors or [FieldError("roles", "errors.at_least_one", {})])
    if "admin" in user.role_names and "admin" not in roles and user.is_active and _active_admins(session) <= 1:
        raise Conflict("errors.last_admin")
    old = sorted(user.role_names)
    user.roles = [r for r in user.roles if r.role in roles] + [UserRole(role=r) for r in sorted(roles - user.role_names)]
    audit.record(session, actor=actor, action="user.set_roles", entity_type="user", entity_id=user.id, details={"old": old, "new": sorted(roles)})
    session.flush()


def set_active(session: Session, *, actor: Actor, user_id: int, active: bool) -> None:
    authorize(session, actor, "user.manage")
    user = _user(session, user_id)
    if not active and "admin" in user.role_names and user.is_active and _active_admins(session) <= 1:
        raise Conflict("errors.last_admin")
    user.is_active = active
    audit.record(session, actor=actor, action="user.activate" if active else "user.deactivate", entity_type="user", entity_id=user.id)
    session.flush()


def set_password(session: Session, *, actor: Actor, user_id: int, password: str) -> None:
    """The office resets someone's password, or a person changes their own."""
    check_actor(session, actor, "user.manage")  # one's own password too: an existing, active account only
    if actor.id != user_id:
        authorize(session, actor, "user.manage")
    if len(password or "") < PASSWORD_MIN_LENGTH:
        raise InvalidInput([FieldError("password", "errors.password_too_short", {"min": PASSWORD_MIN_LENGTH})])
    user = _user(session, user_id)
    user.password_hash = hash_password(password)
    audit.record(session, actor=actor, action="user.set_password", entity_type="user", entity_id=user.id)
    session.flush()


def set_language(session: Session, *, actor: Actor, language: str) -> None:
    if actor.id is None or language not in LANGUAGES:
        return
    user = _user(session, actor.id)
    user.language = language
    session.flush()
