"""Accounts: the first administrator, accounts made by the office, sign-up, sign-in.

Passwords are hashed with argon2 (argon2-cffi's defaults follow RFC 9106). Single
sign-on (OpenID Connect through Streamlit's ``st.login``) proves who someone is; what
they may do still comes from the roles stored here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TypeGuard

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from assess.domain.permissions import ROLES, Actor
from assess.domain.states import Role
from assess.i18n import languages
from assess.services import _settings_values, audit, web_sessions
from assess.services.access import authorize, check_actor, public_entry_point
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


@dataclass(frozen=True)
class NewPassword:
    """A password hashed before the transaction that stores it: hashing takes about 350 ms
    on purpose, and no write transaction may wait that long. Only its length is kept (for
    the minimum-length check), never its text."""

    hash: str
    length: int


def new_password(password: str) -> NewPassword:
    """Hash ``password`` now, outside any transaction; give the result to the service."""
    return NewPassword(hash_password(password or ""), len(password or ""))


def _prepared(password: str | NewPassword) -> NewPassword:
    # A plain string (scripts, tests) is hashed here, inside the caller's transaction.
    return password if isinstance(password, NewPassword) else new_password(password)


def _length(password: str | NewPassword) -> int:
    return password.length if isinstance(password, NewPassword) else len(password or "")


def actor_of(user: User) -> Actor:
    return Actor(id=user.id, email=user.email, display_name=user.display_name, roles=user.role_names, language=user.language)


def _check_new_account(session: Session, *, email: str, display_name: str, password: str | NewPassword | None,
                       roles: set[str]) -> str:
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
    if password is not None and _length(password) < PASSWORD_MIN_LENGTH:
        errors.append(FieldError("password", "errors.password_too_short", {"min": PASSWORD_MIN_LENGTH}))
    for role in sorted(roles - set(ROLES)):
        errors.append(FieldError("roles", "errors.unknown_role", {"value": role}))
    if not roles:
        errors.append(FieldError("roles", "errors.at_least_one", {}))
    if errors:
        raise InvalidInput(errors)
    return email


def _add_user(session: Session, *, email: str, display_name: str, password: str | NewPassword | None, roles: set[str],
              language: str | None) -> User:
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=_prepared(password).hash if password is not None else None,
        language=language if language in languages() else None,
        roles=[UserRole(role=role) for role in sorted(roles)],
    )
    session.add(user)
    session.flush()
    return user


@public_entry_point(reason='first administrator: asked on a fresh installation, before any account exists')
def needs_first_admin(session: Session) -> bool:
    """True on a fresh installation: no administrator exists yet."""
    return session.scalar(select(func.count()).select_from(UserRole).where(UserRole.role == Role.ADMIN)) == 0


@public_entry_point(reason='first administrator: made on a fresh installation, before any account exists')
def create_first_admin(session: Session, *, email: str, display_name: str, password: str | NewPassword,
                       language: str | None = None) -> Actor:
    """Create the national office's administrator; refused once one exists (no default password)."""
    if not needs_first_admin(session):
        raise Conflict("errors.admin_exists")
    email = _check_new_account(session, email=email, display_name=display_name, password=password, roles={Role.ADMIN})
    user = _add_user(session, email=email, display_name=display_name, password=password, roles={Role.ADMIN}, language=language)
    audit.record(session, actor=None, action="user.create_first_admin", entity_type="user", entity_id=user.id)
    return actor_of(user)


def create_user(session: Session, *, actor: Actor, email: str, display_name: str, roles: set[str],
                password: str | NewPassword | None, language: str | None = None) -> User:
    """The office creates an account. ``password`` None: single sign-on only (pages pass a
    :class:`NewPassword`, hashed before their transaction)."""
    authorize(session, actor, "user.manage")
    roles = set(roles)
    email = _check_new_account(session, email=email, display_name=display_name, password=password, roles=roles)
    user = _add_user(session, email=email, display_name=display_name, password=password, roles=roles, language=language)
    audit.record(session, actor=actor, action="user.create", entity_type="user", entity_id=user.id, details={"roles": sorted(roles)})
    return user


@public_entry_point(reason="sign-up: whether the page offers it, to someone not signed in")
def sign_up_open(session: Session) -> bool:
    """Whether the office lets teachers make their own account."""
    return bool(_settings_values.get(session, "allow_signup"))


@public_entry_point(reason='sign-up: a teacher makes their own account, not signed in yet')
def sign_up(session: Session, *, email: str, display_name: str, password: str | NewPassword, language: str | None = None) -> Actor:
    """A teacher creates their own account, when the office allows it."""
    if not _settings_values.get(session, "allow_signup"):
        raise ServiceError("errors.signup_closed")
    email = _check_new_account(session, email=email, display_name=display_name, password=password, roles={Role.TEACHER})
    user = _add_user(session, email=email, display_name=display_name, password=password, roles={Role.TEACHER}, language=language)
    audit.record(session, actor=actor_of(user), action="user.sign_up", entity_type="user", entity_id=user.id)
    return actor_of(user)


@dataclass(frozen=True)
class StoredPassword:
    """What a sign-in checks a password against, read in a short transaction of its own."""

    user_id: int
    password_hash: str


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


@public_entry_point(reason='sign-in: first step, reads the hash to check for an e-mail')
def password_hash_for(session: Session, *, email: str) -> StoredPassword | None:
    """The hash to check for this e-mail: None for an unknown e-mail, a single-sign-on-only
    account and a deactivated one (all three then get the same answer as a wrong password)."""
    email = normalise_email(email)
    if len(email) > 320 or "\x00" in email:  # no account has it (PostgreSQL would refuse the NUL)
        return None
    row = session.execute(
        select(User.id, User.password_hash).where(
            User.email == email, User.is_active.is_(True), User.password_hash.is_not(None)
        )
    ).first()
    return StoredPassword(row.id, row.password_hash) if row is not None else None


def verify_password(stored: StoredPassword | None, password: str) -> TypeGuard[StoredPassword]:
    """Whether ``password`` matches (never for ``stored`` None). Slow on purpose (argon2,
    about 350 ms): call it outside any transaction. An unknown account costs the same time,
    so timing reveals nothing."""
    try:
        _hasher.verify(stored.password_hash if stored is not None else _DUMMY_HASH, password or "")
    except (VerificationError, InvalidHashError):
        return False
    return stored is not None


def upgraded_hash(stored: StoredPassword, password: str) -> str | None:
    """A new hash when the stored one uses weaker parameters than today's (else None);
    made outside any transaction, like the check itself."""
    return hash_password(password) if _hasher.check_needs_rehash(stored.password_hash) else None


@public_entry_point(reason='sign-in: last step, records a password checked outside any transaction')
def record_sign_in(session: Session, *, stored: StoredPassword, new_hash: str | None = None, now: datetime | None = None) -> Actor | None:
    """Write down a sign-in whose password was checked against ``stored``. None when the
    account changed in between (deactivated, or its password changed): refused then."""
    user = session.get(User, stored.user_id)
    if user is None or not user.is_active or user.password_hash != stored.password_hash:
        return None
    if new_hash is not None:
        user.password_hash = new_hash
    user.last_login_at = now or utcnow()
    audit.record(session, actor=actor_of(user), action="user.sign_in", entity_type="user", entity_id=user.id)
    session.flush()
    return actor_of(user)


@public_entry_point(reason='sign-in: records a wrong password for an existing account')
def record_sign_in_failure(session: Session, *, stored: StoredPassword | None) -> None:
    """A wrong password for an account that has one goes to the audit log (unknown e-mails
    do not: the log would fill with whatever was typed)."""
    if stored is not None:
        audit.record(session, actor=None, action="user.sign_in_failed", entity_type="user", entity_id=stored.user_id)


@public_entry_point(reason="sign-in: checks an e-mail and a password inside the caller's transaction")
def authenticate(session: Session, *, email: str, password: str) -> Actor | None:
    """The actor for these credentials, or None (same answer for unknown e-mail and wrong password).

    For scripts and tests that hold a Session: the password is checked inside the caller's
    transaction and nothing is throttled. The application signs people in with
    :func:`assess.services.sign_in.sign_in`, which checks it outside any transaction.
    """
    stored = password_hash_for(session, email=email)
    if not verify_password(stored, password):
        record_sign_in_failure(session, stored=stored)
        return None
    return record_sign_in(session, stored=stored, new_hash=upgraded_hash(stored, password))


@public_entry_point(reason='sign-in: the identity provider proved the e-mail')
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


@public_entry_point(reason="sign-in: re-reads a signed-in person's account (roles, active)")
def refresh_actor(session: Session, *, actor_id: int) -> Actor | None:
    """The actor as stored now (roles may have changed, the account may be deactivated)."""
    user = session.get(User, actor_id)
    return actor_of(user) if user is not None and user.is_active else None


@public_entry_point(reason="sign-in: who a browser's session cookie signs in")
def actor_for_session(session: Session, *, cookie: str | None, now: datetime | None = None,
                      touch: bool = True) -> Actor | None:
    """The actor a browser's session cookie signs in, re-read now (roles may have changed);
    None when the session ended, expired, was tampered with, or the account is deactivated.
    ``touch`` False: only read (see :func:`web_sessions.mark_seen`)."""
    user = web_sessions.user_for(session, cookie=cookie, now=now, touch=touch)
    return actor_of(user) if user is not None else None


@public_entry_point(reason="sign-in: who a browser's session cookie signs in, on every click")
def actor_and_seen_due(session: Session, *, cookie: str | None,
                       now: datetime | None = None) -> tuple[Actor | None, bool]:
    """Read-only, for every click: :func:`actor_for_session` without the write, and whether
    the session's "last seen" time is due to be written (:func:`web_sessions.mark_seen`)."""
    user, seen_due = web_sessions.user_and_seen_due(session, cookie=cookie, now=now)
    return (actor_of(user), seen_due) if user is not None else (None, False)


@public_entry_point(reason="sign-out: by the browser's cookie, whoever it signs in")
def sign_out(session: Session, *, cookie: str | None) -> None:
    """End every session of the person this cookie belongs to (sign-out in one browser
    signs them out everywhere, as a lost phone would need)."""
    user_id = web_sessions.user_id_of(session, cookie=cookie)
    if user_id is None:
        return
    ended = web_sessions.end_all(session, user_id=user_id)
    audit.record(session, actor=None, action="user.sign_out", entity_type="user", entity_id=user_id, details={"sessions": ended})


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
    return session.execute(
        select(func.count()).select_from(UserRole).join(User).where(UserRole.role == Role.ADMIN, User.is_active.is_(True))
    ).scalar_one()


def set_roles(session: Session, *, actor: Actor, user_id: int, roles: set[str]) -> None:
    authorize(session, actor, "user.manage")
    user = _user(session, user_id)
    roles = set(roles)
    unknown = roles - set(ROLES)
    if unknown or not roles:
        errors = [FieldError("roles", "errors.unknown_role", {"value": r}) for r in sorted(unknown)]
        raise InvalidInput(errors or [FieldError("roles", "errors.at_least_one", {})])
    if Role.ADMIN in user.role_names and Role.ADMIN not in roles and user.is_active and _active_admins(session) <= 1:
        raise Conflict("errors.last_admin")
    old = sorted(user.role_names)
    user.roles = [r for r in user.roles if r.role in roles] + [UserRole(role=r) for r in sorted(roles - user.role_names)]
    audit.record(session, actor=actor, action="user.set_roles", entity_type="user", entity_id=user.id, details={"old": old, "new": sorted(roles)})
    session.flush()


def set_active(session: Session, *, actor: Actor, user_id: int, active: bool) -> None:
    authorize(session, actor, "user.manage")
    user = _user(session, user_id)
    if not active and Role.ADMIN in user.role_names and user.is_active and _active_admins(session) <= 1:
        raise Conflict("errors.last_admin")
    user.is_active = active
    details = {}
    if not active:  # a deactivated person is signed out of every browser at once
        details["sessions_ended"] = web_sessions.end_all(session, user_id=user.id)
    audit.record(session, actor=actor, action="user.activate" if active else "user.deactivate", entity_type="user",
                 entity_id=user.id, details=details)
    session.flush()


def set_password(session: Session, *, actor: Actor, user_id: int, password: str | NewPassword,
                 keep_session: str | None = None) -> None:
    """The office resets someone's password, or a person changes their own.

    Every session of that person ends (whoever learnt the old password is signed out), but
    the one of the cookie ``keep_session`` when a person changes their own password in it.
    """
    check_actor(session, actor, "user.manage")  # one's own password too: an existing, active account only
    if actor.id != user_id:
        authorize(session, actor, "user.manage")
    if _length(password) < PASSWORD_MIN_LENGTH:
        raise InvalidInput([FieldError("password", "errors.password_too_short", {"min": PASSWORD_MIN_LENGTH})])
    user = _user(session, user_id)
    user.password_hash = _prepared(password).hash
    keep = keep_session if actor.id == user_id else None
    ended = web_sessions.end_all(session, user_id=user.id, keep=keep)
    audit.record(session, actor=actor, action="user.set_password", entity_type="user", entity_id=user.id,
                 details={"sessions_ended": ended})
    session.flush()


def set_language(session: Session, *, actor: Actor, language: str) -> None:
    if actor.id is None or language not in languages():
        return
    user = _user(session, actor.id)
    user.language = language
    session.flush()
