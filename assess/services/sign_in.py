"""Sign-in with a password: throttled, and never holding a transaction while hashing.

Checking an argon2 hash takes about 350 ms on purpose. Done inside a write transaction
(BEGIN IMMEDIATE on SQLite), three browser tabs sending wrong passwords kept everyone
else from signing in. So a sign-in takes three steps:

1. a short transaction reads the throttle counters and the account's hash;
2. the password is checked outside any transaction;
3. a short transaction writes the outcome: audit log, a stronger hash if due, the time
   of sign-in, the throttle counters.

Throttling (growing delays, never a lockout) counts failed sign-ins per account (the
e-mail typed, whether an account has it or not, so the answers reveal no account) and
per client address. The first failures are free (:data:`FREE_FAILURES`); after them each
failure makes the next attempt wait 1, 2, 4, 8... seconds, at most :data:`MAX_DELAY`. An
attempt during a wait is refused without checking the password (a right password then
would tell an attacker they guessed it). A successful sign-in clears the account's count;
an hour without failure clears any count. The counters live in the database, so they hold
across several app servers; they keep no e-mail and no address, only a keyed hash of them.
Each delay started is in the audit log (``user.sign_in_throttled``).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from math import ceil

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from assess.domain.permissions import Actor
from assess.services import _settings_values, accounts, audit
from assess.storage import db
from assess.storage.models import SignInThrottle, utcnow

#: Failures allowed without any wait: per account (typing mistakes), per client address
#: (a school's pupils and teachers may all come from one address).
FREE_FAILURES = {"account": 5, "client": 30}
#: The longest wait: a teacher whose e-mail an attacker hammers waits minutes, not days.
MAX_DELAY = timedelta(minutes=5)
#: A count left alone this long starts again from zero, and its row is deleted.
QUIET_RESET = timedelta(hours=1)


@dataclass(frozen=True)
class Outcome:
    """What a sign-in attempt gave: the actor, or a refusal (``retry_at`` set when the next
    attempt must wait; ``throttled`` when this one was refused without a check)."""

    actor: Actor | None
    retry_at: datetime | None = None
    throttled: bool = False

    def wait_seconds(self, now: datetime | None = None) -> int:
        if self.retry_at is None:
            return 0
        return max(1, ceil((self.retry_at - (now or utcnow())).total_seconds()))


@dataclass(frozen=True)
class _Key:
    scope: str  # "account" or "client"
    hash: str


def _keys(session: Session, *, email: str, client: str | None) -> list[_Key]:
    secret = _settings_values.secret_key(session)

    def keyed(text: str) -> str:
        return hmac.new(secret, f"sign-in-throttle:{text}".encode(), hashlib.sha256).hexdigest()

    keys = [_Key("account", keyed(f"account:{email}"))]
    # No address (a proxy on this machine, see docs): the account's count still applies.
    if client:
        keys.append(_Key("client", keyed(f"client:{client_network(client)}")))
    return keys


def client_network(address: str) -> str:
    """What one client is: its IPv4 address, or its IPv6 /64 network (one subscriber gets a
    whole /64 and could otherwise take a new address for every attempt)."""
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:  # ::ffff:203.0.113.7 is 203.0.113.7
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def delay_after(failures: int, scope: str) -> timedelta | None:
    """How long the next attempt waits after ``failures`` failures in a row (None: no wait)."""
    beyond = failures - FREE_FAILURES[scope]
    if beyond <= 0:
        return None
    return min(timedelta(seconds=2 ** min(beyond - 1, 20)), MAX_DELAY)


def _retry_at(session: Session, keys: list[_Key], now: datetime) -> datetime | None:
    """When the next attempt is allowed, if that is later than now."""
    waits = session.scalars(
        select(SignInThrottle.next_allowed_at).where(
            SignInThrottle.key_hash.in_([key.hash for key in keys]),
            SignInThrottle.last_failure_at > now - QUIET_RESET,
            SignInThrottle.next_allowed_at > now,
        )
    ).all()
    return max((wait for wait in waits if wait is not None), default=None)


def _locked_row(session: Session, key: _Key, now: datetime) -> SignInThrottle:
    """The key's row, created if needed and locked (PostgreSQL: FOR UPDATE) so that two app
    servers counting a failure at once both count."""
    insert = (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(SignInThrottle)
    session.execute(
        insert.values(key_hash=key.hash, failures=0, last_failure_at=now).on_conflict_do_nothing(index_elements=["key_hash"])
    )
    return session.scalars(
        select(SignInThrottle).where(SignInThrottle.key_hash == key.hash).with_for_update().execution_options(populate_existing=True)
    ).one()


def _count_failure(session: Session, keys: list[_Key], *, now: datetime, user_id: int | None) -> datetime | None:
    """Add a failure to each key; the time the next attempt may come, if it must wait."""
    retry_at = None
    for key in keys:
        row = _locked_row(session, key, now)
        failures = 1 if row.last_failure_at <= now - QUIET_RESET else row.failures + 1
        row.failures, row.last_failure_at = failures, now
        delay = delay_after(failures, key.scope)
        if delay is None:
            row.next_allowed_at = None
            continue
        row.next_allowed_at = next_allowed = now + delay
        retry_at = max(retry_at or next_allowed, next_allowed)
        # A known account's log shows it; an unknown e-mail and an address by their key only.
        entity = ("user", user_id) if key.scope == "account" and user_id is not None else ("sign_in", key.hash[:16])
        audit.record(session, actor=None, action="user.sign_in_throttled", entity_type=entity[0], entity_id=entity[1],
                     details={"scope": key.scope, "failures": failures, "delay_seconds": int(delay.total_seconds())})
    # Counts nobody added to for an hour are worth nothing: delete them (privacy, size).
    # Rows another sign-in holds are skipped (left for the next one), never waited for: two
    # sign-ins each deleting the other's row would be a deadlock.
    stale = (select(SignInThrottle.key_hash).where(SignInThrottle.last_failure_at <= now - QUIET_RESET)
             .with_for_update(skip_locked=True))
    session.execute(delete(SignInThrottle).where(SignInThrottle.key_hash.in_(stale.scalar_subquery())))
    session.flush()
    return retry_at


def _clear_account(session: Session, keys: list[_Key]) -> None:
    # The client's count stays: one account of one's own must not wipe an address's failures.
    session.execute(delete(SignInThrottle).where(SignInThrottle.key_hash.in_([k.hash for k in keys if k.scope == "account"])))


def _attempt(sessions: sessionmaker, *, email: str, password: str, client: str | None, now: datetime | None,
             on_success) -> Outcome:
    now = now or utcnow()
    email = accounts.normalise_email(email)
    with db.writing(sessions) as session:
        keys = _keys(session, email=email, client=client)
        retry_at = _retry_at(session, keys, now)
        stored = None if retry_at is not None else accounts.password_hash_for(session, email=email)
    if retry_at is not None:
        return Outcome(None, retry_at, throttled=True)

    # No transaction is open here: the slow part blocks nobody.
    if accounts.verify_password(stored, password):
        right, new_hash = True, accounts.upgraded_hash(stored, password)
    else:
        right, new_hash = False, None

    with db.writing(sessions) as session:
        actor = on_success(session, stored, new_hash, now) if right else None
        if actor is not None:
            _clear_account(session, keys)
            return Outcome(actor)
        accounts.record_sign_in_failure(session, stored=stored)
        retry_at = _count_failure(session, keys, now=now, user_id=stored.user_id if stored else None)
    return Outcome(None, retry_at)


def sign_in(sessions: sessionmaker, *, email: str, password: str, client: str | None = None,
            now: datetime | None = None) -> Outcome:
    """Sign in with e-mail and password from the client address ``client`` (None: unknown).

    Takes the session factory, not a Session: it opens two short transactions of its own
    and checks the password between them. ``now`` is for tests (a clock they control).
    """
    def signed_in(session, stored, new_hash, at):
        return accounts.record_sign_in(session, stored=stored, new_hash=new_hash, now=at)

    return _attempt(sessions, email=email, password=password, client=client, now=now, on_success=signed_in)


def confirm_password(sessions: sessionmaker, *, actor: Actor, password: str, client: str | None = None,
                     now: datetime | None = None) -> Outcome:
    """Check a signed-in person's current password (before they change it), counted and
    throttled like a sign-in, so that a browser left signed in is no way to guess it."""
    def confirmed(session, stored, _new_hash, _at):
        return actor if stored.user_id == actor.id else None

    return _attempt(sessions, email=actor.email, password=password, client=client, now=now, on_success=confirmed)
