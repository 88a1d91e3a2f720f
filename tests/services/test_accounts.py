"""Accounts: the office's first administrator, accounts it creates, sign-up and sign-in."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from assess.domain.permissions import Actor, PermissionDenied
from assess.services import _settings_values, accounts, audit, settings
from assess.services.errors import Conflict, InvalidInput, ServiceError
from assess.storage.models import User
from tests.services.helpers import make_user

PASSWORD = "correct horse battery"
#: Parameters an older release might have used.
WEAK_HASHER = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)


def user_count(session) -> int:
    return session.scalar(select(func.count()).select_from(User))


def stored_user(session, email: str) -> User:
    return session.scalar(select(User).where(User.email == email))


@pytest.fixture
def admin(session) -> Actor:
    actor = accounts.create_first_admin(session, email="office@example.org", display_name="Office", password=PASSWORD)
    session.commit()
    return actor


# -- The first administrator ------------------------------------------------------------


def test_a_fresh_database_has_no_account_at_all(session):
    assert user_count(session) == 0
    assert accounts.needs_first_admin(session)
    for email, password in [("admin@example.org", "admin"), ("admin", "admin"), ("office@example.org", "")]:
        assert accounts.authenticate(session, email=email, password=password) is None


def test_the_first_admin_is_created_once_then_refused(session):
    first = accounts.create_first_admin(session, email=" Office@Example.org ", display_name="Office", password=PASSWORD)
    session.commit()
    assert first.roles == {"admin"}
    assert first.email == "office@example.org"
    assert not accounts.needs_first_admin(session)

    with pytest.raises(Conflict) as refused:
        accounts.create_first_admin(session, email="intruder@example.org", display_name="Intruder", password=PASSWORD)
    assert refused.value.key == "errors.admin_exists"
    session.rollback()
    assert user_count(session) == 1
    assert accounts.authenticate(session, email="intruder@example.org", password=PASSWORD) is None


# -- Passwords ----------------------------------------------------------------------------


def test_passwords_are_stored_as_argon2id_hashes_never_as_plain_text(session, production_hashing):
    make_user(session, email="claire@example.org")
    session.commit()
    stored = stored_user(session, "claire@example.org").password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert not PasswordHasher().check_needs_rehash(stored), "argon2-cffi's RFC 9106 parameters are used"
    assert accounts.authenticate(session, email="claire@example.org", password=PASSWORD) is not None


def test_a_hash_made_with_weaker_parameters_is_upgraded_at_sign_in(session, production_hashing):
    make_user(session, email="claire@example.org")
    user = stored_user(session, "claire@example.org")
    user.password_hash = WEAK_HASHER.hash(PASSWORD)
    session.commit()

    assert accounts.authenticate(session, email="claire@example.org", password=PASSWORD) is not None
    session.commit()
    upgraded = stored_user(session, "claire@example.org").password_hash
    assert upgraded.startswith("$argon2id$")
    assert not PasswordHasher().check_needs_rehash(upgraded)
    assert accounts.authenticate(session, email="claire@example.org", password=PASSWORD) is not None


def test_a_teacher_changes_their_own_password_but_not_anothers(session):
    claire = make_user(session, email="claire@example.org")
    other = make_user(session, email="other@example.org")
    accounts.set_password(session, actor=claire, user_id=claire.id, password="a brand new passphrase")
    with pytest.raises(PermissionDenied):
        accounts.set_password(session, actor=claire, user_id=other.id, password="taken over account")
    with pytest.raises(InvalidInput) as short:
        accounts.set_password(session, actor=claire, user_id=claire.id, password="short")
    assert short.value.for_field("password")[0].key == "errors.password_too_short"
    session.commit()
    assert accounts.authenticate(session, email="claire@example.org", password="a brand new passphrase") is not None
    assert accounts.authenticate(session, email="claire@example.org", password=PASSWORD) is None
    assert accounts.authenticate(session, email="other@example.org", password=PASSWORD) is not None


def test_a_password_hashed_before_the_transaction_is_checked_then_stored(session, admin):
    """Pages hash before opening their transaction (hashing is slow): the service still
    refuses a short one, and never sees the text."""
    short = accounts.new_password("short")
    with pytest.raises(InvalidInput) as invalid:
        accounts.create_user(session, actor=admin, email="new@example.org", display_name="New", roles={"teacher"},
                             password=short)
    assert invalid.value.for_field("password")[0].key == "errors.password_too_short"
    session.rollback()

    hashed = accounts.new_password(PASSWORD)
    assert PASSWORD not in repr(hashed)
    user = accounts.create_user(session, actor=admin, email="new@example.org", display_name="New", roles={"teacher"},
                                password=hashed)
    session.commit()
    assert accounts.authenticate(session, email="new@example.org", password=PASSWORD) is not None
    accounts.set_password(session, actor=admin, user_id=user.id, password=accounts.new_password("another passphrase"))
    session.commit()
    assert accounts.authenticate(session, email="new@example.org", password="another passphrase") is not None


# -- Sign-in ------------------------------------------------------------------------------


def test_sign_in_needs_the_right_password_of_an_active_account(session, admin):
    claire = make_user(session, email="claire@example.org", roles={"teacher", "juror"})
    session.commit()

    signed_in = accounts.authenticate(session, email="  CLAIRE@example.org ", password=PASSWORD)
    assert signed_in is not None
    assert (signed_in.id, signed_in.email, signed_in.roles) == (claire.id, "claire@example.org", {"teacher", "juror"})
    assert stored_user(session, "claire@example.org").last_login_at is not None

    assert accounts.authenticate(session, email="claire@example.org", password=PASSWORD.upper()) is None
    assert accounts.authenticate(session, email="claire@example.org", password="") is None
    assert accounts.authenticate(session, email="nobody@example.org", password=PASSWORD) is None

    accounts.set_active(session, actor=admin, user_id=claire.id, active=False)
    session.commit()
    assert accounts.authenticate(session, email="claire@example.org", password=PASSWORD) is None
    assert accounts.refresh_actor(session, actor_id=claire.id) is None, "an open session ends with the account"


def test_an_account_without_password_cannot_sign_in_with_one(session, admin):
    accounts.create_user(session, actor=admin, email="sso@example.org", display_name="Sso", roles={"teacher"}, password=None)
    session.commit()
    assert stored_user(session, "sso@example.org").password_hash is None
    for attempt in ["", "None", PASSWORD]:
        assert accounts.authenticate(session, email="sso@example.org", password=attempt) is None


def test_single_sign_on_maps_a_known_email_to_its_stored_roles(session, admin):
    user = accounts.create_user(session, actor=admin, email="ines@example.org", display_name="Inès",
                                roles={"juror", "teacher"}, password=None)
    session.commit()

    actor = accounts.actor_for_single_sign_on(session, email=" Ines@Example.org ")
    assert actor is not None
    assert (actor.id, actor.roles) == (user.id, {"juror", "teacher"})
    assert accounts.actor_for_single_sign_on(session, email="stranger@example.org") is None
    assert accounts.actor_for_single_sign_on(session, email=None) is None
    assert accounts.actor_for_single_sign_on(session, email="") is None

    accounts.set_active(session, actor=admin, user_id=user.id, active=False)
    assert accounts.actor_for_single_sign_on(session, email="ines@example.org") is None


# -- Sign-up ------------------------------------------------------------------------------


def test_sign_up_is_refused_until_the_office_allows_it(session, admin):
    with pytest.raises(ServiceError) as closed:
        accounts.sign_up(session, email="new@example.org", display_name="New", password=PASSWORD)
    assert closed.value.key == "errors.signup_closed"
    session.rollback()
    assert user_count(session) == 1

    settings.put(session, actor=admin, key="allow_signup", value=True)
    session.commit()
    teacher = accounts.sign_up(session, email="New@Example.org", display_name="New", password=PASSWORD)
    session.commit()
    assert teacher.roles == {"teacher"}
    assert stored_user(session, "new@example.org").role_names == {"teacher"}
    assert accounts.authenticate(session, email="new@example.org", password=PASSWORD).roles == {"teacher"}


def test_a_teacher_cannot_open_sign_up(session, admin):
    teacher = make_user(session, email="claire@example.org")
    with pytest.raises(PermissionDenied):
        settings.put(session, actor=teacher, key="allow_signup", value=True)
    assert _settings_values.get(session, "allow_signup") is False


# -- Input checks -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "key"),
    [
        ({"email": "not-an-email"}, "email", "errors.email_invalid"),
        ({"email": "claire@example"}, "email", "errors.email_invalid"),
        ({"email": "CLAIRE@Example.org"}, "email", "errors.email_taken"),
        ({"password": "123456789"}, "password", "errors.password_too_short"),
        ({"display_name": "   "}, "display_name", "errors.required"),
        ({"roles": {"superuser"}}, "roles", "errors.unknown_role"),
        ({"roles": set()}, "roles", "errors.at_least_one"),
    ],
    ids=["invalid-email", "no-dot-in-domain", "duplicate-email", "short-password", "no-name", "unknown-role", "no-role"],
)
def test_a_wrong_field_is_reported_and_nothing_is_stored(session, admin, changes, field, key):
    make_user(session, email="claire@example.org")
    session.commit()
    before = user_count(session)
    fields = {"email": "new@example.org", "display_name": "New", "roles": {"teacher"}, "password": PASSWORD, **changes}

    with pytest.raises(InvalidInput) as invalid:
        accounts.create_user(session, actor=admin, **fields)
    assert [(e.field, e.key) for e in invalid.value.errors] == [(field, key)]
    session.rollback()
    assert user_count(session) == before


def test_sign_up_reports_every_wrong_field_at_once(session, admin):
    settings.put(session, actor=admin, key="allow_signup", value=True)
    session.commit()
    with pytest.raises(InvalidInput) as invalid:
        accounts.sign_up(session, email="OFFICE@example.org", display_name="", password="short")
    messages = {e.field: e.message("en") for e in invalid.value.errors}
    assert messages == {
        "email": "An account with this e-mail address already exists.",
        "display_name": "This field is required.",
        "password": "The password must have at least 10 characters.",
    }
    session.rollback()
    assert user_count(session) == 1


# -- The office manages accounts ------------------------------------------------------------


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(session, admin):
    for attempt in (
        lambda: accounts.set_roles(session, actor=admin, user_id=admin.id, roles={"teacher"}),
        lambda: accounts.set_active(session, actor=admin, user_id=admin.id, active=False),
    ):
        with pytest.raises(Conflict) as refused:
            attempt()
        assert refused.value.key == "errors.last_admin"
        session.rollback()
    assert accounts.refresh_actor(session, actor_id=admin.id).roles == {"admin"}

    # A deactivated second admin does not count: the office would be locked out.
    second = make_user(session, email="second@example.org", roles={"admin"})
    accounts.set_active(session, actor=admin, user_id=second.id, active=False)
    with pytest.raises(Conflict):
        accounts.set_roles(session, actor=admin, user_id=admin.id, roles={"teacher"})

    # Once another admin is active, the first may step down.
    accounts.set_active(session, actor=admin, user_id=second.id, active=True)
    accounts.set_roles(session, actor=admin, user_id=admin.id, roles={"teacher"})
    session.commit()
    assert accounts.refresh_actor(session, actor_id=admin.id).roles == {"teacher"}
    assert accounts.refresh_actor(session, actor_id=second.id).roles == {"admin"}


def test_a_teacher_or_juror_cannot_manage_accounts(session, admin):
    teacher = make_user(session, email="claire@example.org")
    juror = make_user(session, email="ines@example.org", roles={"juror"})
    session.commit()
    for actor in (teacher, juror):
        with pytest.raises(PermissionDenied):
            accounts.create_user(session, actor=actor, email="x@example.org", display_name="X", roles={"admin"}, password=PASSWORD)
        with pytest.raises(PermissionDenied):
            accounts.list_users(session, actor=actor)
        with pytest.raises(PermissionDenied):
            accounts.set_roles(session, actor=actor, user_id=actor.id, roles={"admin"})
        with pytest.raises(PermissionDenied):
            accounts.set_active(session, actor=actor, user_id=admin.id, active=False)
    session.rollback()
    assert user_count(session) == 3
    assert accounts.refresh_actor(session, actor_id=teacher.id).roles == {"teacher"}


def test_the_audit_log_records_creations_and_sign_ins_with_their_actor(session, admin):
    user = accounts.create_user(session, actor=admin, email="claire@example.org", display_name="Claire",
                                roles={"teacher"}, password=PASSWORD)
    session.commit()
    assert accounts.authenticate(session, email="claire@example.org", password=PASSWORD) is not None
    assert accounts.authenticate(session, email="claire@example.org", password="wrong password") is None
    session.commit()

    events = audit.events(session, actor=admin, entity_type="user", entity_id=user.id)
    assert [(e.action, e.actor_id) for e in reversed(events)] == [
        ("user.create", admin.id),
        ("user.sign_in", user.id),
        ("user.sign_in_failed", None),
    ]
    assert events[-1].details == {"roles": ["teacher"]}
    first = audit.events(session, actor=admin, entity_type="user", entity_id=admin.id)
    assert [(e.action, e.actor_id) for e in first] == [("user.create_first_admin", None)]
    with pytest.raises(PermissionDenied):
        audit.events(session, actor=accounts.actor_of(user))
