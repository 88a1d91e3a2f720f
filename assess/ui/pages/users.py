"""Accounts, for the national office: list, create (and invite: the mail with a link to
choose a password is queued with the account), change roles, deactivate, reset passwords.

Names and e-mails are typed by people: they are shown only through st.dataframe,
selectbox options (plain text) or escape_markdown, never as HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import streamlit as st

from assess.domain.permissions import ROLES
from assess.domain.states import Role
from assess.services import accounts, jury
from assess.services.errors import InvalidInput
from assess.services.mail import passwords, sending
from assess.ui import auth
from assess.ui.auth import role_name
from assess.ui.runtime import (
    _,
    apply_change,
    current_session_cookie,
    escape_markdown,
    reading,
    require_permission,
    sessions,
    show_error,
    show_flash,
)

INVITED = "users_invitations_to_send"  # the invitation queued with an account, sent on the next run
admin = require_permission("user.manage")


def roles_text(roles) -> str:
    return ", ".join(role_name(role) for role in ROLES if role in roles)


@dataclass(frozen=True)
class Person:
    """An account as this page shows it."""

    email: str
    name: str
    roles: frozenset[str]
    active: bool
    last_login: datetime | None
    has_password: bool
    invited: bool
    max_per_round: int | None




def sign_in_with(person: Person) -> str:
    if person.has_password:
        return _("users.password")
    return _("users.invited_short") if person.invited else _("users.sso_only_short")


def create(session, *, email: str, name: str, roles: set[str], password, invite: bool):
    """The account, and its invitation queued in the same transaction (not for a single
    sign-on account: the invitation's link sets a password)."""
    user = accounts.create_user(session, actor=admin, email=email, display_name=name, roles=roles, password=password)
    return passwords.invite(session, actor=admin, account_id=user.id) if invite else None


def remember_invitation(mail) -> None:
    if mail is not None and mail.status == "queued":  # the office lets invitations go without review
        st.session_state[INVITED] = [mail.id]


# The invitation queued with the account on the previous run: sent now, the account's
# transaction committed (a kind the office reviews first stays held in the outbox).
invitations = st.session_state.pop(INVITED, None)
if invitations:
    sending.send_soon(sessions(), invitations)

with reading() as session:
    invited = passwords.invited_accounts(session, actor=admin)
    people = {
        user.id: Person(
            email=user.email,
            name=user.display_name,
            roles=frozenset(user.role_names),
            active=user.is_active,
            last_login=user.last_login_at,
            has_password=user.password_hash is not None,
            invited=user.id in invited,
            max_per_round=user.max_per_round,
        )
        for user in accounts.list_users(session, actor=admin)
    }

st.title(_("users.title"))
show_flash()

table = pd.DataFrame(
    {
        _("fields.email"): [p.email for p in people.values()],
        _("fields.display_name"): [p.name for p in people.values()],
        _("fields.roles"): [roles_text(p.roles) for p in people.values()],
        _("users.column.active"): [p.active for p in people.values()],
        _("users.column.sign_in"): [sign_in_with(p) for p in people.values()],
        # (None, never signed in, is NaT: an empty cell.)
        _("users.column.last_login"): pd.to_datetime(pd.Series([p.last_login for p in people.values()], dtype=object),
                                                     utc=True),
    }
)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={_("users.column.last_login"): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")},
)

# --- create an account -------------------------------------------------------------------
st.subheader(_("users.create_title"))
NEW = ("new_email", "new_name", "new_roles", "new_password", "new_sso_only", "new_invite")
with st.form("create_user"):
    email = st.text_input(_("fields.email"), key="new_email")
    name = st.text_input(_("fields.display_name"), key="new_name")
    roles = st.multiselect(_("fields.roles"), options=list(ROLES), default=[Role.TEACHER], format_func=role_name, key="new_roles")
    password = st.text_input(
        _("users.initial_password"),
        type="password",
        autocomplete="new-password",
        help=_("users.initial_password_help", min=accounts.PASSWORD_MIN_LENGTH),
        key="new_password",
    )
    sso_only = st.checkbox(_("users.sso_only"), help=_("users.sso_only_help"), key="new_sso_only")
    invite = st.checkbox(_("users.invite"), value=True, help=_("users.invite_help"), key="new_invite")
    if st.form_submit_button(_("users.create"), type="primary"):
        inviting = invite and not sso_only
        # No password typed with an invitation: the person chooses it with the mail's link.
        # Hashed before the transaction: hashing is slow.
        hashed = None if sso_only or (inviting and not password) else accounts.new_password(password)
        shown = escape_markdown(email.strip().lower())
        apply_change(
            lambda session: create(session, email=email, name=name, roles=set(roles), password=hashed,
                                   invite=inviting),
            _("users.created_invited", email=shown) if inviting else _("users.created", email=shown),
            forget=NEW, then=remember_invitation,
        )


def manage(user_id: int, person: Person) -> None:
    """The tabs that change one account."""
    label = escape_markdown(person.email)
    roles_tab, access_tab, password_tab = st.tabs([_("users.tab.roles"), _("users.tab.access"), _("users.tab.password")])

    with roles_tab, st.form(f"roles_{user_id}"):  # one form per account: defaults follow the choice
        new_roles = st.multiselect(
            _("fields.roles"), options=list(ROLES), default=[r for r in ROLES if r in person.roles], format_func=role_name
        )
        if st.form_submit_button(_("users.roles_save")):
            apply_change(
                lambda session: accounts.set_roles(session, actor=admin, user_id=user_id, roles=set(new_roles)),
                _("users.roles_saved", email=label),
            )

    if "juror" in person.roles and person.active:
        # A juror's capacity: the automatic and the manual assignment keep it (0: no maximum).
        with roles_tab, st.form(f"capacity_{user_id}"):
            capacity = st.number_input(_("users.capacity"), min_value=0, max_value=jury.CAPACITY_MAX, step=1,
                                       value=person.max_per_round or 0, help=_("users.capacity_help"))
            if st.form_submit_button(_("users.capacity_save")):
                apply_change(
                    lambda session: jury.set_capacity(session, actor=admin, juror_id=user_id,
                                                      max_per_round=int(capacity) or None),
                    _("users.capacity_saved", email=label),
                )

    with access_tab:
        if person.active:
            st.caption(_("users.active_help"))
            if st.button(_("users.deactivate"), key=f"deactivate_{user_id}", icon=":material/block:"):
                apply_change(
                    lambda session: accounts.set_active(session, actor=admin, user_id=user_id, active=False),
                    _("users.deactivated", email=label),
                )
        else:
            st.caption(_("users.inactive_help"))
            if st.button(_("users.reactivate"), key=f"reactivate_{user_id}", icon=":material/check_circle:"):
                apply_change(
                    lambda session: accounts.set_active(session, actor=admin, user_id=user_id, active=True),
                    _("users.reactivated", email=label),
                )

    with password_tab, st.form(f"password_{user_id}", clear_on_submit=True):
        st.caption(_("users.password_reset_help"))
        new_password, again = auth.new_password_inputs(label=_("account.new_password"))
        if st.form_submit_button(_("users.password_reset")):
            try:
                auth.require_same_password(new_password, again)
            except InvalidInput as error:
                show_error(error)
            else:
                hashed = accounts.new_password(new_password)  # before the transaction: hashing is slow
                apply_change(
                    # Ends every session of the person (the office's own one stays, if it is theirs).
                    lambda session: accounts.set_password(session, actor=admin, user_id=user_id, password=hashed,
                                                          keep_session=current_session_cookie()),
                    _("users.password_was_reset", email=label),
                )


# --- change one account ------------------------------------------------------------------
st.subheader(_("users.manage_title"))
chosen = st.selectbox(
    _("users.choose"),
    options=list(people),
    index=None,
    placeholder=_("users.choose_placeholder"),
    format_func=lambda user_id: f"{people[user_id].email} ({people[user_id].name})",
)
if chosen is not None:
    manage(chosen, people[chosen])
