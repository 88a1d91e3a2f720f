"""Outbox (the office): the mails the suite sends to accounts. Held ones wait for the
office to read, edit and send them; failures show their error and can be sent again.
The work is in assess.services.mail (docs/mail.md)."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from assess import clock
from assess.i18n.formats import format_date
from assess.services import accounts
from assess.services.mail import collect, config, failures, outbox, passwords, sending
from assess.services.mail.templates import LINK_MARK
from assess.ui.runtime import (
    FLASH,
    _,
    apply_change,
    escape_markdown,
    lang,
    reading,
    require_permission,
    sessions,
    show_flash,
    transaction,
)

current = require_permission("mail.manage")


def when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(clock.office_zone())
    return f"{format_date(local, lang())} {local:%H:%M}"


def report_text(report: sending.SendReport) -> str:
    return _("mail.page.sent_report", sent=len(report.sent), retrying=len(report.retrying), failed=len(report.failed))


def not_configured() -> str:
    """What to fill in, named as the Settings page names it."""
    return _("mail.page.not_configured", server=_("settings.mail.host.label"), sender=_("settings.mail.sender.label"),
             page=_("nav.settings"), section=_("settings.groups.mail.title"))


def send_now(mail_ids: list[int]) -> None:
    """Release these mails, then send them with the page waiting (outside any transaction)."""
    with transaction() as session:
        released = outbox.release(session, actor=current, mail_ids=mail_ids)
    with st.spinner(_("mail.page.released")):
        report = sending.send_due(sessions(), only=released)
    st.session_state[FLASH] = (not_configured() if report.not_configured else report_text(report))
    st.rerun()


st.title(_("mail.page.title"))
st.caption(_("mail.page.intro"))
show_flash()

with reading() as session:
    smtp = config.smtp_config(session, actor=current)
    counts = outbox.counts(session, actor=current)
if not smtp.ready:
    st.warning(not_configured(), icon=":material/mail_lock:")
elif smtp.user and not config.smtp_password():
    st.warning(_("mail.page.no_password"), icon=":material/key_off:")

left, right = st.columns(2)
if left.button(_("mail.page.collect"), icon=":material/search:"):
    with transaction() as session:
        made = collect.collect(session, actor=current)
    st.session_state[FLASH] = _("mail.page.collected", count=sum(made.values()))
    st.rerun()
if right.button(_("mail.page.send_due"), icon=":material/send:", disabled=not counts["queued"]):
    with st.spinner(_("mail.page.send_due")):
        done = sending.send_due(sessions())
    st.session_state[FLASH] = not_configured() if done.not_configured else report_text(done)
    st.rerun()

status = st.segmented_control(
    _("mail.page.filter"), options=list(outbox.STATUSES), default="held", key="outbox_status",
    format_func=lambda s: f"{_('mail.status.' + s)} ({counts[s]})",
) or "held"
with reading() as session:
    rows = outbox.list_mails(session, actor=current, statuses=[status])
if not rows:
    st.info(_("mail.page.empty"))
else:
    st.dataframe(
        {
            _("mail.page.columns.id"): [row.id for row in rows],
            _("mail.page.columns.kind"): [_("mail.kinds." + row.kind) for row in rows],
            _("mail.page.columns.recipient"): [f"{row.recipient} <{row.address}>" for row in rows],
            _("mail.page.columns.subject"): [row.subject for row in rows],
            _("mail.page.columns.attempts"): [row.attempts for row in rows],
            _("mail.page.columns.created"): [when(row.created_at) for row in rows],
            _("mail.page.columns.sent"): [when(row.sent_at) for row in rows],
            _("mail.page.columns.error"): [row.error(lang()) for row in rows],
        },
        hide_index=True,
    )
    if status == "held" and st.button(_("mail.page.send_all_held", count=len(rows)), icon=":material/forward_to_inbox:"):
        send_now([row.id for row in rows])

    labels = {row.id: f"{row.id} · {row.subject}" for row in rows}
    chosen = st.selectbox(_("mail.page.choose"), options=list(labels), key="outbox_mail", format_func=labels.__getitem__)
    with reading() as session:
        mail = outbox.get_mail(session, actor=current, mail_id=chosen)
        recipient = f"{mail.address} ({_('mail.kinds.' + mail.kind)}, {mail.language})"
    st.markdown(f"**{_('mail.page.recipient')}**: {escape_markdown(recipient)}")
    failure = failures.message(mail.error_key, mail.error_params, mail.last_error, lang())
    if failure:
        st.error(_("mail.page.last_error", error=escape_markdown(failure)))
        if mail.last_error and mail.error_key != "other":  # the general sentence quotes it already
            st.caption(_("mail.page.technical_detail", detail=escape_markdown(mail.last_error)))
    if mail.attachments:
        st.caption(_("mail.page.attachments", count=len(mail.attachments)))
    editable = mail.status in outbox.EDITABLE
    with st.form(f"mail_{mail.id}"):
        subject = st.text_input(_("mail.page.subject"), value=mail.subject, disabled=not editable, max_chars=300)
        body = st.text_area(_("mail.page.body"), value=mail.body, height=320, disabled=not editable)
        if mail.token_purpose:
            st.caption(_("mail.page.link_note", mark=f"`{LINK_MARK}`"))
        save = st.form_submit_button(_("mail.page.save"), disabled=not editable)
    if save:
        apply_change(lambda session: outbox.edit(session, actor=current, mail_id=mail.id, subject=subject, body=body),
                     _("mail.page.saved"))
    if editable:
        send_column, cancel_column = st.columns(2)
        if send_column.button(_("mail.page.send"), type="primary", icon=":material/send:", key=f"send_{mail.id}"):
            send_now([mail.id])
        if cancel_column.button(_("mail.page.cancel"), icon=":material/cancel:", key=f"cancel_{mail.id}"):
            apply_change(lambda session: outbox.cancel(session, actor=current, mail_id=mail.id),
                         _("mail.page.cancelled"))

# --- invitations ---------------------------------------------------------------------------------
st.subheader(_("mail.page.invite_title"))
st.caption(_("mail.page.invite_help"))
with reading() as session:
    people: dict[int, str] = {user.id: f"{user.display_name} <{user.email}>"
                               for user in accounts.list_users(session, actor=current) if user.is_active}
with st.form("invite"):
    account_id = st.selectbox(_("mail.page.invite_account"), options=list(people),
                              format_func=lambda i: people[i])
    invite = st.form_submit_button(_("mail.page.invite"))
if invite and account_id is not None:
    apply_change(lambda session: passwords.invite(session, actor=current, account_id=account_id),
                 _("mail.page.invited"))
