"""Sign-in: e-mail and password, single sign-on when configured, sign-up when the office allows it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st

from assess.services import accounts, sign_in
from assess.services.errors import ServiceError
from assess.services.mail import passwords, sending
from assess.ui import auth, runtime
from assess.ui.runtime import _, lang, reading, show_error, transaction


def sign_in_form() -> None:
    with st.form("sign_in"):
        email = st.text_input(_("fields.email"), autocomplete="username")
        password = st.text_input(_("fields.password"), type="password", autocomplete="current-password")
        submitted = st.form_submit_button(_("sign_in.submit"), type="primary")
    if not submitted:
        return
    # No transaction around this: it opens its own short ones and hashes between them.
    outcome = sign_in.sign_in(runtime.sessions(), email=email, password=password, client=runtime.client_address())
    if outcome.actor is None:
        # One message for an unknown e-mail, a wrong password or a deactivated account:
        # the page must not reveal who has an account.
        if not outcome.throttled:
            st.error(_("sign_in.failed"))
        if outcome.retry_at is not None:
            show_retry_time(outcome.retry_at, outcome.wait_seconds())
        return
    runtime.sign_in_as(outcome.actor)
    st.rerun()


def show_retry_time(retry_at: datetime, seconds: int) -> None:
    """When the next attempt may come: in seconds, and as a time of the reader's clock."""
    browser_zone = st.context.timezone
    try:
        zone = ZoneInfo(browser_zone) if isinstance(browser_zone, str) and browser_zone else UTC
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    at = retry_at.astimezone(zone).strftime("%H:%M:%S") + (" UTC" if zone is UTC else "")
    st.warning(_("sign_in.throttled", seconds=seconds, time=at), icon=":material/timer:")


def sign_up_form() -> None:
    with st.expander(_("sign_in.sign_up.title"), icon=":material/person_add:"):
        st.caption(_("sign_in.sign_up.help"))
        with st.form("sign_up"):
            email = st.text_input(_("fields.email"), autocomplete="email")
            name = st.text_input(_("fields.display_name"))
            password, again = auth.new_password_inputs(help_key="sign_in.sign_up.password_help")
            submitted = st.form_submit_button(_("sign_in.sign_up.submit"))
        if not submitted:
            return
        try:
            auth.require_same_password(password, again)
            hashed = accounts.new_password(password)  # before the transaction: hashing is slow
            with transaction() as session:
                teacher = accounts.sign_up(session, email=email, display_name=name, password=hashed, language=lang())
        except ServiceError as error:
            show_error(error)
            return
    runtime.sign_in_as(teacher)
    st.rerun()


def forgot_password_form() -> None:
    """"Forgot my password": the same answer, at once, whether the address has an account
    or not; the mail (if any) is sent from a background thread (assess.services.mail)."""
    with st.popover(_("mail.sign_in.forgot"), icon=":material/key:"):
        st.caption(_("mail.sign_in.forgot_help"))
        with st.form("forgot_password", clear_on_submit=True):
            email = st.text_input(_("fields.email"), autocomplete="email", key="forgot_email")
            submitted = st.form_submit_button(_("mail.sign_in.submit"))
        if submitted:
            mail_id = passwords.request_password_reset(runtime.sessions(), email=email, language=lang())
            if mail_id is not None:
                sending.send_soon(runtime.sessions(), [mail_id])
            st.info(_("mail.sign_in.answer"), icon=":material/mail:")


st.title(_("sign_in.title"))
st.markdown(_("sign_in.intro"))
if auth.sso_configured():
    auth.sign_in_with_provider_button()
    st.caption(_("sign_in.or_password"))
sign_in_form()
with reading() as session:
    signup_open = accounts.sign_up_open(session)
if signup_open:
    sign_up_form()
forgot_password_form()
