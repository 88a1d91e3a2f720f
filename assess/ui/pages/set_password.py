"""The page a set-password link opens (``?password_token=...``, from an invitation or
"forgot my password"; app.py runs it alone). A link that does not work says so, the same
way whatever the reason; a password saved signs the person in."""

from __future__ import annotations

import streamlit as st

from assess.services import accounts
from assess.services.errors import ServiceError
from assess.services.mail import tokens
from assess.ui import auth, runtime
from assess.ui.runtime import _, reading, show_error, transaction


def to_sign_in() -> None:
    st.query_params.clear()


token = st.query_params.get(tokens.QUERY_PARAMETER, "")
st.title(_("mail.set_password.title"))
with reading() as session:
    purpose = tokens.check(session, token=token)
if purpose is None:
    st.error(_("mail.errors.link_invalid"))
    st.button(_("mail.set_password.to_sign_in"), on_click=to_sign_in)
    st.stop()

st.markdown(_("mail.set_password.welcome" if purpose == "invitation" else "mail.set_password.reset"))
with st.form("set_password"):
    password, again = auth.new_password_inputs(help_key="sign_in.sign_up.password_help")
    submitted = st.form_submit_button(_("mail.set_password.submit"), type="primary")
if submitted:
    try:
        auth.require_same_password(password, again)
        hashed = accounts.new_password(password)  # before the transaction: hashing is slow
        with transaction() as session:
            person = tokens.set_password_with(session, token=token, password=hashed)
    except ServiceError as error:
        show_error(error)
    else:
        st.query_params.clear()
        runtime.sign_in_as(person)
        st.rerun()
