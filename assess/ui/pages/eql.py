"""The European Quality Label, for the national office: the partner projects' national
labels in other countries (by hand or from a CSV file), then for a round the eligible
projects (national labels in two countries at least) and the nominations the rules
propose (the ``eql_rule`` and ``eql_share`` settings).

Project titles and teachers' names are typed by people: shown in tables and select
options (plain text) only.
"""

from __future__ import annotations

import io
import unicodedata

import pandas as pd
import streamlit as st

from assess.domain.countries import COUNTRIES
from assess.i18n.formats import country_name, format_date, format_number, format_percent
from assess.services import eql, rounds, search
from assess.services.errors import PermissionDenied, ServiceError
from assess.ui import runtime
from assess.ui.runtime import _, apply_change, lang, reading, require_permission, show_error, show_flash, transaction

ROUND = "office_round_id"  # the chosen round, shared by the office's jury pages

admin = require_permission("eql.manage")


def countries() -> dict[str, str]:
    """Country codes and names in the reader's language, sorted by name, accents ignored
    (fixed now: a format_func may be called after the run)."""
    named = {code: country_name(code, lang()) for code in COUNTRIES}

    def plain(code: str) -> str:
        return unicodedata.normalize("NFKD", named[code]).encode("ascii", "ignore").decode().casefold()
    return {code: named[code] for code in sorted(named, key=plain)}


def names(codes) -> str:
    return ", ".join(country_name(code, lang()) for code in codes)


def record_label(project_id: int, country: str) -> None:
    apply_change(lambda session: eql.record_partner_label(session, actor=admin, project_id=project_id, country=country),
                 _("eql_page.recorded", country=country_name(country, lang())))


with reading() as session:
    listed = rounds.list_rounds(session, actor=admin)
    titles = {i: f"#{i} {title}" for i, title in search.project_titles(session, actor=admin).items()}

st.title(_("eql_page.title"))
st.caption(_("eql_page.intro"))
show_flash()

# --- partner labels ----------------------------------------------------------------------------
st.subheader(_("eql_page.labels_title"))
by_hand, from_file = st.tabs([_("eql_page.tab.by_hand"), _("eql_page.tab.csv")])
with by_hand, st.form("eql_label"):
    project_id = st.selectbox(_("eql_page.field.project"), options=list(titles), format_func=titles.__getitem__, index=None,
                              placeholder=_("eql_page.choose_project"), key="eql_project")
    known = countries()
    country = st.selectbox(_("eql_page.field.country"), options=list(known), index=None, format_func=known.__getitem__,
                           placeholder=_("eql_page.choose_country"), key="eql_country")
    if st.form_submit_button(_("eql_page.record"), type="primary"):
        if project_id is None or country is None:
            st.error(_("eql_page.choose_both"))
        else:
            record_label(project_id, country)

with from_file:
    st.caption(_("eql_page.csv_help"))
    upload = st.file_uploader(_("eql_page.field.file"), type=["csv", "txt"], key="eql_csv")
    if st.button(_("eql_page.import"), disabled=upload is None, icon=":material/upload_file:",
                 key="eql_import") and upload is not None:
        try:
            with transaction() as session:
                done = eql.import_partner_labels_csv(session, actor=admin, data=upload.getvalue())
        except (ServiceError, PermissionDenied) as error:
            show_error(error)
        else:
            st.session_state[runtime.FLASH] = _("eql_page.imported", count=done.rows, added=done.added, already=done.already)
            st.rerun()

# --- recorded partner labels: a wrong one can be removed ---------------------------------------
with reading() as session:
    recorded = eql.list_partner_labels(session, actor=admin)
if recorded:
    with st.expander(_("eql_page.recorded_title", count=len(recorded)), icon=":material/list:"):
        st.dataframe(pd.DataFrame({
            _("eql_page.column.project"): [f"#{row.project_id} {row.project_title}" for row in recorded],
            _("eql_page.column.country"): [country_name(row.country, lang()) for row in recorded],
            _("eql_page.column.source"): [_(f"eql_page.source.{row.source}") for row in recorded],
            _("eql_page.column.recorded_on"): [format_date(row.created_at, lang()) for row in recorded],
        }), hide_index=True, width="stretch")
        removable = {(row.project_id, row.country): f"#{row.project_id} {row.project_title} · "
                     f"{country_name(row.country, lang())}" for row in recorded}
        with st.form("eql_label_removal"):
            wrong = st.selectbox(_("eql_page.remove_pick"), options=list(removable), format_func=removable.__getitem__,
                                 key="eql_remove_pick")
            if st.form_submit_button(_("eql_page.remove"), icon=":material/delete:"):
                apply_change(lambda session: eql.remove_partner_label(session, actor=admin, project_id=wrong[0],
                                                                      country=wrong[1]),
                             _("eql_page.removed", country=country_name(wrong[1], lang())))

# --- eligible projects and proposals -----------------------------------------------------------
st.subheader(_("eql_page.proposals_title"))
if not listed:
    st.info(_("eql_page.no_rounds"))
    st.stop()
by_id = {r.id: r for r in listed}
ids = list(by_id)
labels = {r.id: f"{r.name} · {_(f'jury.kind.{r.kind}')}" for r in listed}
chosen = st.selectbox(
    _("eql_page.choose"), options=ids,
    index=ids.index(st.session_state[ROUND]) if st.session_state.get(ROUND) in by_id else 0, format_func=labels.__getitem__,
    key="eql_pick",
)
st.session_state[ROUND] = chosen

with reading() as session:
    found = eql.proposals(session, actor=admin, round_id=chosen)
    listed_nominations = eql.nominations(session, actor=admin, round_id=chosen, read=found)
if found.rule == "top_share":
    st.caption(_("eql_page.rule_top_share", share=format_percent(found.share, lang()), quota=found.quota,
                 eligible=len(found.eligible)))
else:
    st.caption(_("eql_page.rule_automatic"))

if listed_nominations:
    st.dataframe(pd.DataFrame({
        _("eql_page.column.application"): [n.application_id for n in listed_nominations],
        _("eql_page.column.proposed"): [n.proposed for n in listed_nominations],
        _("eql_page.column.decision"): [_(f"eql_export.states.{n.state}") for n in listed_nominations],
        _("eql_page.column.nominated"): [n.nominated for n in listed_nominations],
        _("eql_page.column.project"): [n.candidate.title for n in listed_nominations],
        _("eql_page.column.teacher"): [n.candidate.teacher for n in listed_nominations],
        _("eql_page.column.countries"): [names(n.candidate.countries) for n in listed_nominations],
        _("eql_page.column.total"): [f"{format_number(n.candidate.total, lang(), digits=2)} / "
                                     f"{format_number(n.candidate.maximum, lang())}" for n in listed_nominations],
        _("eql_page.column.threshold"): [format_number(n.candidate.threshold, lang()) for n in listed_nominations],
        _("eql_page.column.reason"): [n.reason for n in listed_nominations],
    }), hide_index=True, width="stretch")
    st.markdown(_("eql_page.proposed_count", count=len(found.proposed), eligible=len(found.eligible)))

    # --- the office's word: confirm the proposals, or override one with a reason ---------------
    waiting = sum(1 for n in listed_nominations if n.state == "proposed")
    if waiting and st.button(_("eql_page.confirm_all", count=waiting), icon=":material/done_all:",
                             key="eql_confirm_all"):
        apply_change(lambda session: eql.confirm_proposals(session, actor=admin, round_id=chosen),
                     _("eql_page.confirmed_all", count=waiting))
    choices = {n.application_id: f"#{n.application_id} {n.candidate.title} · {_(f'eql_export.states.{n.state}')}"
               for n in listed_nominations}
    with st.form("eql_decide"):
        picked = st.selectbox(_("eql_page.decide_pick"), options=list(choices), format_func=choices.__getitem__,
                              key="eql_decide_pick")
        nominate = st.radio(_("eql_page.decide_choice"), options=[True, False], horizontal=True,
                            format_func=lambda v: _("eql_page.nominate") if v else _("eql_page.leave_out"),
                            key="eql_decide_choice")
        reason = st.text_area(_("eql_page.reason"), help=_("eql_page.reason_help"), max_chars=eql.REASON_MAX,
                              key="eql_decide_reason")
        if st.form_submit_button(_("eql_page.decide"), type="primary"):
            apply_change(lambda session: eql.decide_nomination(session, actor=admin, round_id=chosen,
                                                               application_id=picked, nominate=nominate,
                                                               reason=reason),
                         _("eql_page.decided", application=picked), forget=("eql_decide_reason",))

    # --- the nominations as files ------------------------------------------------------------------
    # Made when clicked (on another thread, without the session), from the nominations shown
    # above: only plain values go in, and nothing is read again on every run of the page.
    def nominations_file(kind: str, listed: list[eql.Nomination], language: str) -> bytes:
        if kind == "csv":
            text = io.StringIO(newline="")
            eql.write_nominations(listed, kind="csv", out=text, lang=language)
            return text.getvalue().encode("utf-8")
        binary = io.BytesIO()
        eql.write_nominations(listed, kind="xlsx", out=binary, lang=language)
        return binary.getvalue()

    language = lang()
    left, right = st.columns(2)
    left.download_button(_("eql_page.download_csv"),
                         data=lambda: nominations_file("csv", listed_nominations, language),
                         file_name=f"eql-nominations-round-{chosen}.csv", mime="text/csv",
                         icon=":material/download:", on_click="ignore", key="eql_download_csv")
    right.download_button(_("eql_page.download_xlsx"),
                          data=lambda: nominations_file("xlsx", listed_nominations, language),
                          file_name=f"eql-nominations-round-{chosen}.xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          icon=":material/download:", on_click="ignore", key="eql_download_xlsx")
else:
    st.info(_("eql_page.none_eligible"))
waiting_label = [c for c in found.candidates if not c.eligible]
if waiting_label:
    st.caption(_("eql_page.not_eligible", count=len(waiting_label)))
    st.dataframe(pd.DataFrame({
        _("eql_page.column.application"): [c.application_id for c in waiting_label],
        _("eql_page.column.project"): [c.title for c in waiting_label],
        _("eql_page.column.countries"): [names(c.countries) for c in waiting_label],
    }), hide_index=True, width="stretch")
