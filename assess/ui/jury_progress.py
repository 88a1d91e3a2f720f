"""The office's view of a round's jurors against the scoring deadline (the rounds page's
Progress tab): each juror's assigned, submitted and left, and the late list (jurors with
applications left after the deadline, or due within a number of days the office chooses).

Names and e-mail addresses are shown in static tables (plain text), never as Markdown: a
round has tens of jurors, not thousands, and the other tabs' data frames keep their places."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from assess.domain.jury import DeadlineState
from assess.domain.permissions import Actor
from assess.i18n.formats import format_date
from assess.services import jury
from assess.ui.runtime import _, lang, reading

WITHIN_MAX = 60


def where_text(found: jury.JurorProgress) -> str:
    """'3 days late', 'due in 2 days', 'due today'... for one juror of the late list."""
    days = found.days_left
    if days is None or found.state is DeadlineState.NONE:
        return ""
    if days < 0:
        return _("jury_progress.days_late", count=-days)
    if days == 0:
        return _("jury_progress.due_today")
    return _("jury_progress.due_tomorrow") if days == 1 else _("jury_progress.due_in", count=days)


def progress_tab(admin: Actor, *, round_id: int, scoring_deadline, published: bool) -> None:
    within = int(st.number_input(_("jury_progress.within"), min_value=1, max_value=WITHIN_MAX,
                                 value=jury.DUE_SOON_DAYS, step=1, help=_("jury_progress.within_help"),
                                 key=f"jp_within_{round_id}"))
    with reading() as session:
        jurors = jury.juror_progress(session, actor=admin, round_id=round_id, within_days=within)
        late = jury.late_jurors(session, actor=admin, round_id=round_id, within_days=within)
    if scoring_deadline is None:
        st.caption(_("jury_progress.no_deadline"))
    else:
        st.caption(_("jury_progress.deadline", date=format_date(scoring_deadline, lang())))
    if not jurors:
        st.info(_("jury_progress.no_assignment"))
        return
    states = {s: _(f"jury_progress.state.{s.value}") for s in DeadlineState}
    st.table(pd.DataFrame({
        _("jury_progress.column.juror"): [p.name for p in jurors],
        _("jury_progress.column.email"): [p.email for p in jurors],
        _("jury_progress.column.assigned"): [p.assigned for p in jurors],
        _("jury_progress.column.submitted"): [p.submitted for p in jurors],
        _("jury_progress.column.left"): [p.left for p in jurors],
        _("jury_progress.column.state"): [states[p.state] for p in jurors],
    }), hide_index=True)
    if published or scoring_deadline is None:
        return
    st.markdown(f"**{_('jury_progress.late_title')}**")
    if not late:
        st.success(_("jury_progress.nobody_late", count=within), icon=":material/task_alt:")
        return
    st.table(pd.DataFrame({
        _("jury_progress.column.juror"): [p.name for p in late],
        _("jury_progress.column.email"): [p.email for p in late],
        _("jury_progress.column.left"): [p.left for p in late],
        _("jury_progress.column.where"): [where_text(p) for p in late],
    }), hide_index=True)
