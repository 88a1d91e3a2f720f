"""The session cookie that keeps a person signed in across reloads: signed, expiring,
stored hashed, and ended by sign-out, a password change and deactivation."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from assess.services import accounts, audit, web_sessions
from assess.storage.models import WebSession, utcnow
from tests.services.helpers import make_user


@pytest.fixture
def people(session):
    admin = accounts.create_first_admin(session, email="office@example.org", display_name="Office",
                                        password="correct horse battery")
    claire = make_user(session, email="claire@example.org")
    jonas = make_user(session, email="jonas@example.org")
    session.commit()
    return admin, claire, jonas


def signed_in(session, cookie, now=None):
    actor = accounts.actor_for_session(session, cookie=cookie, now=now)
    return actor.email if actor is not None else None


def test_a_session_signs_its_person_in_and_only_a_hash_of_its_token_is_stored(session, people):
    _admin, claire, _jonas = people
    started = web_sessions.start(session, user_id=claire.id)
    session.commit()
    assert signed_in(session, started.cookie) == "claire@example.org"
    token = started.cookie.split(".")[0]
    stored = session.scalars(select(WebSession)).one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {stored.token_hash, str(stored.id)}
    assert 0 < started.max_age() <= web_sessions.LIFETIME.total_seconds()


def test_a_session_expires_after_its_lifetime_even_when_used(session, people):
    _admin, claire, _jonas = people
    start = utcnow()
    started = web_sessions.start(session, user_id=claire.id, now=start)
    now = start
    while now + timedelta(hours=12) < started.expires_at:  # used twice a day
        now += timedelta(hours=12)
        assert signed_in(session, started.cookie, now) == "claire@example.org"
    assert signed_in(session, started.cookie, started.expires_at) is None
    assert signed_in(session, started.cookie, started.expires_at + timedelta(days=1)) is None


def test_a_session_left_unused_for_a_day_ends(session, people):
    _admin, claire, _jonas = people
    start = utcnow()
    started = web_sessions.start(session, user_id=claire.id, now=start)
    assert signed_in(session, started.cookie, start + web_sessions.IDLE_TIMEOUT - timedelta(minutes=1))
    idle = start + web_sessions.IDLE_TIMEOUT - timedelta(minutes=1) + web_sessions.IDLE_TIMEOUT
    assert signed_in(session, started.cookie, idle) is None


def test_sign_out_ends_every_session_of_that_person_only(session, people):
    admin, claire, jonas = people
    laptop = web_sessions.start(session, user_id=claire.id).cookie
    phone = web_sessions.start(session, user_id=claire.id).cookie
    other = web_sessions.start(session, user_id=jonas.id).cookie
    session.commit()

    accounts.sign_out(session, cookie=laptop)
    session.commit()
    assert signed_in(session, laptop) is None
    assert signed_in(session, phone) is None
    assert signed_in(session, other) == "jonas@example.org"
    events = audit.events(session, actor=admin, entity_type="user", entity_id=claire.id)
    assert (events[0].action, events[0].details) == ("user.sign_out", {"sessions": 2})
    accounts.sign_out(session, cookie=laptop)  # twice (two tabs): nothing more happens
    accounts.sign_out(session, cookie=None)


def test_changing_ones_password_ends_the_other_sessions_and_keeps_this_one(session, people):
    _admin, claire, jonas = people
    here = web_sessions.start(session, user_id=claire.id).cookie
    elsewhere = web_sessions.start(session, user_id=claire.id).cookie
    other = web_sessions.start(session, user_id=jonas.id).cookie
    accounts.set_password(session, actor=claire, user_id=claire.id, password="a brand new passphrase", keep_session=here)
    session.commit()
    assert signed_in(session, here) == "claire@example.org"
    assert signed_in(session, elsewhere) is None
    assert signed_in(session, other) == "jonas@example.org"


def test_a_password_reset_by_the_office_ends_every_session_of_the_person(session, people):
    admin, claire, _jonas = people
    cookies = [web_sessions.start(session, user_id=claire.id).cookie for _ in range(2)]
    office = web_sessions.start(session, user_id=admin.id).cookie
    # The office's own cookie cannot keep one of Claire's sessions alive.
    accounts.set_password(session, actor=admin, user_id=claire.id, password="a brand new passphrase", keep_session=office)
    session.commit()
    assert [signed_in(session, cookie) for cookie in cookies] == [None, None]
    assert signed_in(session, office) == "office@example.org"


def test_deactivation_ends_every_session_and_reactivation_does_not_revive_them(session, people):
    admin, claire, _jonas = people
    cookie = web_sessions.start(session, user_id=claire.id).cookie
    accounts.set_active(session, actor=admin, user_id=claire.id, active=False)
    session.commit()
    assert signed_in(session, cookie) is None
    assert session.scalars(select(WebSession).where(WebSession.user_id == claire.id)).all() == []
    accounts.set_active(session, actor=admin, user_id=claire.id, active=True)
    session.commit()
    assert signed_in(session, cookie) is None


def test_a_role_removed_takes_effect_in_an_open_session(session, people):
    admin, claire, _jonas = people
    cookie = web_sessions.start(session, user_id=claire.id).cookie
    accounts.set_roles(session, actor=admin, user_id=claire.id, roles={"juror"})
    session.commit()
    assert accounts.actor_for_session(session, cookie=cookie).roles == {"juror"}


def _altered(cookie: str, part: int, change) -> str:
    parts = cookie.split(".")
    parts[part] = change(parts[part])
    return ".".join(parts)


def _flip_last(text: str) -> str:
    return text[:-1] + ("A" if text[-1] != "A" else "B")


def test_a_tampered_or_foreign_cookie_is_refused(session, people, monkeypatch):
    _admin, claire, _jonas = people
    cookie = web_sessions.start(session, user_id=claire.id).cookie
    session.commit()
    far_future = str(int((utcnow() + timedelta(days=3650)).timestamp()))
    tampered = [
        _altered(cookie, 0, _flip_last),  # another token
        _altered(cookie, 1, lambda _expiry: far_future),  # a longer life
        _altered(cookie, 2, _flip_last),  # a forged signature
        cookie + "x", cookie.replace(".", "", 1), "", "not a cookie", "a.b.c", cookie * 3,
    ]
    for value in tampered:
        assert signed_in(session, value) is None, value
    assert signed_in(session, None) is None
    assert signed_in(session, cookie) == "claire@example.org"

    # The same token signed with another installation's key is refused too.
    monkeypatch.setenv("ASSESS_SECRET_KEY", "another installation's key")
    assert signed_in(session, cookie) is None


def test_ended_sessions_are_deleted_when_new_ones_start(session, people):
    admin, claire, jonas = people
    long_ago = utcnow() - web_sessions.LIFETIME - timedelta(days=1)
    web_sessions.start(session, user_id=claire.id, now=long_ago)  # expired
    web_sessions.start(session, user_id=admin.id, now=utcnow() - web_sessions.IDLE_TIMEOUT - timedelta(hours=1))  # idle
    web_sessions.start(session, user_id=jonas.id)
    session.commit()
    assert [row.user_id for row in session.scalars(select(WebSession))] == [jonas.id]


def test_the_check_made_on_every_click_only_reads_and_the_last_seen_time_is_written_when_due(session_factory, people):
    """The page check runs in a read-only unit of work (no write lock on SQLite); the
    "last seen" time is written apart, only every few minutes, and keeps the session alive."""
    from assess.storage.db import reading, writing

    _admin, claire, _jonas = people
    start = utcnow()
    with writing(session_factory) as session:
        cookie = web_sessions.start(session, user_id=claire.id, now=start).cookie
    soon, later = start + timedelta(minutes=1), start + web_sessions.IDLE_TIMEOUT - timedelta(minutes=1)
    with reading(session_factory) as session:
        assert accounts.actor_for_session(session, cookie=cookie, now=later, touch=False).email == "claire@example.org"
        assert not web_sessions.seen_is_due(session, cookie=cookie, now=soon)
        assert web_sessions.seen_is_due(session, cookie=cookie, now=later)
    with writing(session_factory) as session:
        web_sessions.mark_seen(session, cookie=cookie, now=later)
    # Seen at `later`: a day after that the session would have ended without the mark.
    still = later + web_sessions.IDLE_TIMEOUT - timedelta(minutes=1)
    with reading(session_factory) as session:
        assert accounts.actor_for_session(session, cookie=cookie, now=still, touch=False) is not None
        assert not web_sessions.seen_is_due(session, cookie=cookie, now=later + timedelta(minutes=1))
