"""First run: create the national office's administrator, then offer demonstration data.

Shown by app.py while no administrator exists. Once the administrator is created the
session keeps the ``first_run_offer`` flag, so app.py shows this page one more time for
the choice "demonstration data" or "empty suite"; there is no default password anywhere.
Choosing demonstration data makes this a demonstration installation (a banner on every
page says so; assess.services.installation).
"""

from __future__ import annotations

import streamlit as st

from assess.services import accounts
from assess.services.errors import PermissionDenied, ServiceError
from assess.ui import auth, runtime
from assess.ui.runtime import _, escape_markdown, lang, show_error, transaction

OFFER = "first_run_offer"


def finish() -> None:
    # A button callback: it runs before the next script run, so app.py already sees
    # the flag gone and opens the administrator's pages.
    st.session_state.pop(OFFER, None)


def admin_form() -> None:
    with st.form("first_admin"):
        st.subheader(_("first_run.form_title"))
        email = st.text_input(_("fields.email"), autocomplete="email")
        name = st.text_input(_("fields.display_name"), placeholder=_("first_run.name_placeholder"))
        password, again = auth.new_password_inputs(help_key="first_run.password_help")
        submitted = st.form_submit_button(_("first_run.create"), type="primary")
    if not submitted:
        return
    try:
        auth.require_same_password(password, again)
        hashed = accounts.new_password(password)  # before the transaction: hashing is slow
        with transaction() as session:
            admin = accounts.create_first_admin(session, email=email, display_name=name, password=hashed, language=lang())
    except (ServiceError, PermissionDenied) as error:
        show_error(error)
        return
    runtime.sign_in_as(admin)
    st.session_state[OFFER] = True
    st.rerun()


def offer() -> None:
    admin = runtime.actor()
    if admin is None:  # signed out meanwhile: nothing left to offer
        finish()
        st.rerun()
    st.success(_("first_run.created", name=escape_markdown(admin.display_name)))
    st.subheader(_("first_run.next_title"))
    st.markdown(_("first_run.next_help"))
    st.caption(_("demo.first_run_demo_help"))
    choice = st.empty()
    with choice.container():
        left, right = st.columns(2)
        load = left.button(_("first_run.load_demo"), type="primary", icon=":material/auto_awesome:")
        right.button(_("first_run.start_empty"), on_click=finish, icon=":material/check:")
    if load:
        choice.empty()  # the choice is made: only the result and "Continue" remain
        try:
            from assess.services.demo import load_demo  # written alongside; imported on use

            with st.spinner(_("first_run.loading")), transaction() as session:
                result = load_demo(session, actor=admin)
        except (ServiceError, PermissionDenied) as error:
            show_error(error)
            return
        auth.show_demo_result(result)
        st.info(_("demo.made_demo"), icon=":material/science:")
        st.button(_("first_run.continue"), on_click=finish, type="primary", key="first_run_continue")


st.title(_("first_run.title"))
st.markdown(_("first_run.intro"))
if st.session_state.get(OFFER):
    offer()
else:
    admin_form()
