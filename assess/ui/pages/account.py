"""The signed-in person's account: who they are, their language, their password, sign-out."""

from __future__ import annotations

import streamlit as st

from assess.domain.permissions import ROLES, Actor
from assess.domain.states import Role
from assess.i18n import language_names, languages
from assess.i18n.formats import format_date
from assess.services import accounts, privacy, sign_in
from assess.services.errors import ServiceError
from assess.ui import auth
from assess.ui.runtime import (
    _,
    actor,
    apply_change,
    client_address,
    current_session_cookie,
    escape_markdown,
    lang,
    reading,
    remember_language,
    sessions,
    show_error,
    show_flash,
    transaction,
)

current = actor()
if current is None:  # app.py only lists this page for signed-in people; reached otherwise, refuse
    st.error(_("errors.permission_denied"))
    st.stop()

st.title(_("account.title"))
roles = ", ".join(auth.role_name(role) for role in ROLES if role in current.roles)
st.markdown(
    f"**{_('fields.display_name')}:** {escape_markdown(current.display_name)}  \n"
    f"**{_('fields.email')}:** {escape_markdown(current.email)}  \n"
    f"**{_('fields.roles')}:** {roles}"
)
if Role.JUROR in current.roles:
    st.info(_("account.jury_note"), icon=":material/gavel:")

st.subheader(_("account.language_title"))
with st.form("account_language"):
    choice = st.selectbox(
        _("app.language"), options=list(languages()), index=languages().index(lang()), format_func=language_names().__getitem__
    )
    if st.form_submit_button(_("account.language_save")):
        with transaction() as session:
            accounts.set_language(session, actor=current, language=choice)
        remember_language(choice)
        # The sidebar switch keeps its own value; forget it so it shows the new language.
        st.session_state.pop("language_switch", None)
        st.rerun()

def change_password_form(person: Actor) -> None:
    st.subheader(_("account.password_title"))
    with st.form("account_password", clear_on_submit=True):
        old_password = st.text_input(_("account.current_password"), type="password", autocomplete="current-password")
        new_password, again = auth.new_password_inputs(label=_("account.new_password"), help_key="account.password_help")
        change = st.form_submit_button(_("account.password_save"))
    if not change:
        return
    try:
        auth.require_same_password(new_password, again)
        # Checked like a sign-in (outside any transaction, throttled), so a browser left
        # signed in is no way to guess the password; a failure stays in the audit log.
        outcome = sign_in.confirm_password(sessions(), actor=person, password=old_password, client=client_address())
        if outcome.throttled:
            raise ServiceError("sign_in.throttled_short", seconds=outcome.wait_seconds())
        if outcome.actor is None:
            raise ServiceError("account.wrong_password")
        hashed = accounts.new_password(new_password)  # before the transaction: hashing is slow
        with transaction() as session:
            # Every other browser signed in as this person is signed out; this one stays.
            accounts.set_password(session, actor=person, user_id=person.account_id, password=hashed,
                                  keep_session=current_session_cookie())
    except ServiceError as error:
        show_error(error)
    else:
        st.success(_("account.password_changed"))
        st.caption(_("account.other_sessions_ended"))


# Single-sign-on-only accounts have no password here: their organisation manages it.
with reading() as session:
    signs_in_with_password = accounts.has_password(session, actor=current)
if signs_in_with_password:
    change_password_form(current)

# --- privacy: my data, and deleting my account (assess/services/privacy.py, docs/privacy.md) ---
def my_data_block(person: Actor) -> None:
    st.subheader(_("privacy.account.data_title"))
    st.caption(_("privacy.account.data_help"))
    if st.button(_("privacy.account.prepare"), icon=":material/folder_zip:", key="privacy_prepare"):
        bar = st.progress(0.0, text=_("privacy.account.preparing"))

        def progress(done: int, total: int) -> None:
            bar.progress(done / total if total else 1.0, text=_("privacy.account.rendering", done=done, total=total))

        data = privacy.export_bytes(sessions(), actor=person, user_id=person.account_id, lang=lang(), progress=progress)
        bar.empty()
        st.download_button(_("privacy.account.download"), data=data, file_name=f"my-data-{person.account_id}.zip",
                           mime="application/zip", type="primary", icon=":material/download:", on_click="ignore")


def delete_account_block(person: Actor) -> None:
    st.subheader(_("privacy.account.delete_title"))
    st.markdown(_("privacy.what_happens"))
    with reading() as session:
        pending = privacy.pending_request(session, actor=person)
    if pending is not None:
        st.info(_("privacy.account.pending", date=format_date(pending.requested_at, lang())), icon=":material/schedule:")
        if st.button(_("privacy.account.cancel"), key="privacy_cancel"):
            apply_change(lambda session: privacy.cancel_request(session, actor=person), _("privacy.account.cancelled"))
        return
    sure = st.checkbox(_("privacy.account.confirm"), key="privacy_confirm_request")
    if st.button(_("privacy.account.request"), disabled=not sure, icon=":material/person_remove:", key="privacy_request"):
        apply_change(lambda session: privacy.request_deletion(session, actor=person), _("privacy.account.requested"),
                     forget=("privacy_confirm_request",))


st.divider()
show_flash()
my_data_block(current)
delete_account_block(current)

st.divider()
if st.button(_("account.sign_out"), icon=":material/logout:"):
    auth.sign_out()
