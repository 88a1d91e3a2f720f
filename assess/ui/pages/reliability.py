"""How far the jurors of a round agree: Krippendorff's alpha (ordinal) per criterion with
its reading, and each juror's severity against their co-jurors, flagged beyond the
``severity_threshold`` setting. Only submitted scores count.

Jurors' names are typed by people: shown in a table only.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from assess import stats
from assess.i18n.formats import format_number
from assess.services import jury, rounds
from assess.services.errors import PermissionDenied, ServiceError
from assess.ui.runtime import _, lang, reading, require_permission, show_error

ROUND = "office_round_id"  # the chosen round, shared by the office's jury pages

admin = require_permission("round.manage")


def explanation(item: jury.ItemReliability) -> str:
    """Why the alpha reads as it does, in the reader's language: for an undefined alpha,
    the reason the service gives (no scores yet, no pairs, every level the same)."""
    if item.reading != "undefined":
        return _(f"reliability_page.why.{item.reading}")
    if item.reason is stats.AlphaUndefined.ALL_EQUAL:
        return _("reliability_page.why.all_equal", count=item.pairable)
    # No scores at all, or none on an application two jurors scored: the same sentence.
    return _("reliability_page.why.no_pairs")


def number(value: float | None, digits: int, *, signed: bool = False) -> str:
    """A figure with the reader's decimal mark; "–" when there is none."""
    if value is None or math.isnan(value):
        return "–"
    return ("+" if signed and value > 0 else "") + format_number(value, lang(), digits=digits)


with reading() as session:
    listed = rounds.list_rounds(session, actor=admin)

st.title(_("reliability_page.title"))
st.caption(_("reliability_page.intro", reliable=format_number(stats.ALPHA_RELIABLE, lang(), digits=3, trailing_zeros=True),
             tentative=format_number(stats.ALPHA_TENTATIVE, lang(), digits=3, trailing_zeros=True)))
if not listed:
    st.info(_("reliability_page.no_rounds"))
    st.stop()

by_id = {r.id: r for r in listed}
ids = list(by_id)
labels = {r.id: f"{r.name} · {_(f'jury.status.{r.status.value}')}" for r in listed}
chosen = st.selectbox(
    _("reliability_page.choose"), options=ids,
    index=ids.index(st.session_state[ROUND]) if st.session_state.get(ROUND) in by_id else 0, format_func=labels.__getitem__,
    key="reliability_pick",
)
st.session_state[ROUND] = chosen

try:
    with reading() as session:
        found = jury.reliability(session, actor=admin, round_id=chosen)
except (ServiceError, PermissionDenied) as error:
    show_error(error)
    st.stop()

st.subheader(_("reliability_page.alpha_title"))
st.dataframe(pd.DataFrame({
    _("reliability_page.column.criterion"): [found.rubric.item(i.item_id).name.get(lang()) for i in found.items],
    _("reliability_page.column.alpha"): [number(i.alpha, 3) for i in found.items],
    _("reliability_page.column.reading"): [_(f"jury.reading.{i.reading}") for i in found.items],
    _("reliability_page.column.why"): [explanation(i) for i in found.items],
    _("reliability_page.column.units"): [i.units for i in found.items],
}), hide_index=True, width="stretch")

st.subheader(_("reliability_page.severity_title"))
st.caption(_("reliability_page.severity_help", threshold=format_number(found.severity_threshold, lang(), digits=2)))
if not found.jurors:
    st.info(_("reliability_page.no_scores"))
else:
    st.dataframe(pd.DataFrame({
        _("reliability_page.column.juror"): [j.name for j in found.jurors],
        _("reliability_page.column.deviation"): [number(j.mean_deviation, 2, signed=True) for j in found.jurors],
        _("reliability_page.column.compared"): [j.compared for j in found.jurors],
        _("reliability_page.column.applications"): [j.applications for j in found.jurors],
        _("reliability_page.column.flag"): [_("reliability_page.flagged") if j.flagged else "" for j in found.jurors],
    }), hide_index=True, width="stretch")
    flagged = sum(j.flagged for j in found.jurors)
    if flagged:
        st.warning(_("reliability_page.flagged_count", count=flagged), icon=":material/balance:")
