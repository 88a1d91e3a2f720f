"""Privacy (the office): the purge of what is past its retention period, shown as a dry run
before anything is deleted, and the account deletion requests to carry out. What each
does is in docs/privacy.md; the work is in assess/services/privacy.py."""

from __future__ import annotations

from functools import partial

import streamlit as st

from assess.domain.states import DeletionStatus
from assess.i18n.formats import format_date
from assess.services import privacy
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
)

current = require_permission("privacy.manage")
st.title(_("privacy.page.title"))
st.caption(_("privacy.page.intro"))
show_flash()

# --- the purge: the dry run first --------------------------------------------------------------
st.subheader(_("privacy.page.purge_title"))
with reading() as session:
    report = privacy.purge_report(session, actor=current)
    last = privacy.last_purge(session, actor=current)
st.caption(_("privacy.page.retention", months=report.retention_months, audit_months=report.audit_retention_months))
st.caption(_("privacy.page.last_purge", date=format_date(last[0], lang()), total=last[1]) if last
           else _("privacy.page.never_purged"))
st.table({
    _("privacy.page.kind"): [_(f"privacy.kinds.{kind.kind}") for kind in report.kinds],
    _("privacy.page.count"): [kind.count for kind in report.kinds],
    _("privacy.page.oldest"): [format_date(kind.oldest, lang()) if kind.oldest else "" for kind in report.kinds],
    _("privacy.page.by_age"): [", ".join(_("privacy.page.band", band=band, count=count)
                                         for band, count in kind.by_age.items()) for kind in report.kinds],
})
st.caption(_("privacy.page.never"))
if report.total == 0:
    st.info(_("privacy.page.nothing"), icon=":material/check_circle:")
else:
    confirmed = st.checkbox(_("privacy.page.confirm_purge", total=report.total), key="privacy_confirm_purge")
    if st.button(_("privacy.page.purge"), type="primary", disabled=not confirmed, icon=":material/delete_sweep:"):
        with st.spinner(_("privacy.page.purging")):
            done = privacy.purge(sessions(), actor=current)
        st.session_state.pop("privacy_confirm_purge", None)
        st.session_state[FLASH] = _("privacy.page.purged", total=done.total)
        st.rerun()

# --- deletion requests -------------------------------------------------------------------------
st.subheader(_("privacy.page.requests_title"))
st.markdown(_("privacy.what_happens"))
with reading() as session:
    requests = privacy.deletion_requests(session, actor=current)
if not requests:
    st.caption(_("privacy.page.no_requests"))
for request in requests:
    when = format_date(request.requested_at, lang())
    # Only what it touches: a teacher's request says nothing of jury work, and so on.
    counts = "  \n".join(_(f"privacy.plan.{name}", count=count) for name, count in request.plan.items() if count)
    with st.container(border=True):
        name = _("privacy.pseudonym.account", id=request.user_id) if request.pseudonymised else request.display_name
        st.markdown(_("privacy.page.request", name=escape_markdown(name),
                      email=escape_markdown(request.email), date=when,
                      status=_(f"privacy.status.{request.status}")))
        if counts:
            st.caption(counts)
        if request.status == DeletionStatus.PENDING:
            sure = st.checkbox(_("privacy.page.confirm_delete"), key=f"privacy_confirm_{request.id}")
            if st.button(_("privacy.page.carry_out"), key=f"privacy_carry_out_{request.id}", disabled=not sure,
                         icon=":material/person_remove:"):
                apply_change(partial(privacy.carry_out_deletion, actor=current, request_id=request.id),
                             _("privacy.page.carried_out"), forget=(f"privacy_confirm_{request.id}",))
