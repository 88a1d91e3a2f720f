"""Jury rounds, for the national office: the list, opening and editing a round, and for
one round its applications, their jurors (assigned automatically or by hand) and the
conflicts of interest.

Round names, project titles, school names and people's names are typed by people: they
are shown in tables, select options (plain text) or through escape_markdown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from assess import clock
from assess.domain.jury import AGGREGATIONS, ROUND_KINDS
from assess.domain.permissions import can
from assess.i18n.formats import format_clauses, format_date
from assess.services import applications, jury, rounds, rubrics, search
from assess.services.errors import Conflict
from assess.ui.jury_progress import progress_tab
from assess.ui.runtime import _, apply_change, escape_markdown, lang, reading, require_permission, show_flash

REPORT = "rounds_report"  # the last automatic assignment's report, shown once
REASSIGN = "rounds_reassign_pending"  # (round, from, to, ids) waiting for the confirmation that scores go
REASSIGN_PAGE = 20  # rows of the list to move shown at once
ROUND = "office_round_id"  # the chosen round, shared by the office's jury pages
FIELDS = ("kind", "name", "opens_on", "closes_on", "per_application", "aggregation", "disagreement_threshold",
          "juror_id", "note", "scoring_deadline")
NEW = tuple(f"rn_new_{name}" for name in ("kind", "name", "rubric", "opens", "closes", "per", "aggregation",
                                          "threshold", "region", "deadline"))

admin = require_permission("round.manage")


def field_name(field: str) -> str:
    """This page's names for the round's fields."""
    return _(f"rounds_page.field.{field}") if field in FIELDS else field


def apply(change: Callable[[Session], object], done: str, **options) -> None:
    apply_change(change, done, label=field_name, **options)


def keep_report(done: jury.AssignmentReport) -> None:
    """What an automatic assignment did, in the reader's language, for the next run."""
    st.session_state[REPORT] = {
        "created": len(done.created),
        "conflicts": done.conflicts_found,
        "loads": [(done.juror_names.get(j, f"#{j}"), n) for j, n in sorted(done.loads.items())],
        "short": list(done.explain(lang())),  # the same sentences as `assess jury assign`
    }


def with_juror(juror: int | None, change: Callable[[Session, int], object], done: str) -> None:
    """``change(session, juror id)`` once a juror is chosen."""
    if juror is None:
        st.error(_("rounds_page.choose_juror_first"))
    else:
        apply(lambda session: change(session, juror), done)


def unassign(session: Session, application_id: int, juror_id: int, *, force: bool) -> None:
    """Take the juror off; a juror with saved scores is refused with this page's words (tick
    the box of the form), not the service's."""
    try:
        jury.unassign_juror(session, actor=admin, application_id=application_id, juror_id=juror_id, force=force)
    except Conflict as refused:
        if refused.key != "jury.errors.has_scores":
            raise
        raise Conflict("rounds_page.has_scores", count=refused.params["count"], option=_("rounds_page.force"),
                       button=_("rounds_page.unassign")) from refused


@dataclass(frozen=True)
class Row:
    """An application of the round, as its tables and choices show it."""

    id: int
    project: str
    teacher: str
    school: str
    status: str


def round_form(prefix: str, current: rounds.RoundSummary | None, locked: bool) -> dict:
    """The round's settings as typed (defaults: the round's, else a new round's)."""
    installed = {r.id: r for r in rubrics.installed()}
    rubric_ids = list(installed)
    today = clock.today()
    values: dict[str, Any] = {}  # the round's fields, as create_round and update_round take them
    # Texts fixed in this run's language: a format_func may be called after the run.
    kinds = {k: _(f"jury.kind.{k}") for k in ROUND_KINDS}
    rubric_names = {r: f"{installed[r].title.get(lang())} · {installed[r].version}" for r in rubric_ids}
    rules = {a: _(f"rounds_page.aggregation.{a}") for a in AGGREGATIONS}
    if current is None:
        values["kind"] = st.selectbox(_("rounds_page.field.kind"), options=list(kinds), format_func=kinds.__getitem__,
                                      key=f"{prefix}kind")
    values["name"] = st.text_input(_("rounds_page.field.name"), value=current.name if current else "",
                                   key=f"{prefix}name")
    default_rubric = current.rubric_id if current else rubrics.installed().default.id
    values["rubric_id"] = st.selectbox(
        _("rounds_page.field.rubric"), options=rubric_ids,
        index=rubric_ids.index(default_rubric) if default_rubric in rubric_ids else 0,
        format_func=rubric_names.__getitem__,
        disabled=locked, key=f"{prefix}rubric")
    if locked:
        st.caption(_("jury.errors.rubric_locked"))
    left, right = st.columns(2)
    values["opens_on"] = left.date_input(_("rounds_page.field.opens_on"), value=current.opens_on if current else today,
                                         format="YYYY-MM-DD", key=f"{prefix}opens")
    values["closes_on"] = right.date_input(_("rounds_page.field.closes_on"),
                                           value=current.closes_on if current else today + timedelta(days=30),
                                           format="YYYY-MM-DD", key=f"{prefix}closes")
    # Optional (empty: no deadline); after the closing date, checked by the service.
    values["scoring_deadline"] = st.date_input(
        _("rounds_page.field.scoring_deadline"), value=current.scoring_deadline if current else None,
        format="YYYY-MM-DD", help=_("rounds_page.deadline_help"), key=f"{prefix}deadline")
    values["per_application"] = int(left.number_input(
        _("rounds_page.field.per_application"), min_value=1, max_value=rounds.PER_APPLICATION_MAX, step=1,
        value=current.per_application if current else 2, key=f"{prefix}per"))
    values["disagreement_threshold"] = int(right.number_input(
        _("rounds_page.field.disagreement_threshold"), min_value=rounds.THRESHOLD_RANGE[0],
        max_value=rounds.THRESHOLD_RANGE[1], step=1, value=current.disagreement_threshold if current else 2,
        help=_("rounds_page.threshold_help"), key=f"{prefix}threshold"))
    values["aggregation"] = st.radio(
        _("rounds_page.field.aggregation"), options=list(AGGREGATIONS), horizontal=True,
        index=AGGREGATIONS.index(current.aggregation) if current else 0,
        format_func=rules.__getitem__, key=f"{prefix}aggregation")
    values["region_conflicts"] = st.checkbox(_("rounds_page.field.region_conflicts"),
                                             value=current.region_conflicts if current else False,
                                             help=_("rounds_page.region_help"), key=f"{prefix}region")
    if locked:
        values.pop("rubric_id")
    return values


def move_applications(old: int, new: int, ids: tuple[int, ...], *, confirm: bool) -> None:
    st.session_state[REASSIGN] = None
    known = {**names, **jurors}  # the new juror may hold nothing in this round yet
    apply(lambda session: jury.reassign(session, actor=admin, round_id=chosen, from_juror_id=old, to_juror_id=new,
                                        application_ids=ids, confirm=confirm),
          _("rounds_page.reassign.done", count=len(ids), source=escape_markdown(known.get(old, f"#{old}")),
            target=escape_markdown(known.get(new, f"#{new}"))))


def reassignment(holders: dict[int, str]) -> None:
    """The office's filtered list of one juror's applications, moved to another juror at
    once: the service refuses, naming each application that cannot move and why, and
    moves nothing then; it asks first when the old juror's saved scores would go."""
    st.subheader(_("rounds_page.reassign.title"))
    st.caption(_("rounds_page.reassign.help"))
    if not holders:
        st.caption(_("rounds_page.reassign.nobody"))
        return
    states = {s: _(f"rounds_page.reassign.state.{s}") for s in search.WORK_STATES}  # fixed: format_func runs later
    with st.container(horizontal=True, vertical_alignment="bottom"):
        old = st.selectbox(_("rounds_page.reassign.from"), options=list(holders), format_func=holders.__getitem__,
                           key="rn_reassign_from")
        state = st.segmented_control(_("rounds_page.reassign.show"), options=list(states), default="all",
                                     format_func=states.__getitem__, key="rn_reassign_state") or "all"
    if old is None:  # the list is never empty here: Streamlit's types allow no choice
        return
    text = st.text_input(_("rounds_page.reassign.find"), key="rn_reassign_find", help=_("rounds_page.reassign.find_help"))
    with reading() as session:
        total = search.assigned_applications(session, actor=admin, round_id=chosen, juror_id=old, text=text,
                                             state=state, limit=0).total
    if not total:
        st.info(_("rounds_page.reassign.none"))
        return
    pages = (total + REASSIGN_PAGE - 1) // REASSIGN_PAGE
    number = 1
    if pages > 1:
        if st.session_state.get("rn_reassign_page", 1) > pages:  # fewer pages since the filter changed
            st.session_state["rn_reassign_page"] = pages
        number = int(st.number_input(_("decisions_page.page"), min_value=1, max_value=pages, value=1, step=1,
                                     key="rn_reassign_page"))
    with reading() as session:
        found = search.assigned_applications(session, actor=admin, round_id=chosen, juror_id=old, text=text,
                                             state=state, limit=REASSIGN_PAGE, offset=(number - 1) * REASSIGN_PAGE)
    worked = {True: _("rounds_page.reassign.state.submitted"), False: _("rounds_page.reassign.state.started")}
    st.dataframe(pd.DataFrame({
        _("rounds_page.column.application"): [r.application_id for r in found.rows],
        _("rounds_page.column.project"): [r.project_title for r in found.rows],
        _("rounds_page.column.teacher"): [r.teacher for r in found.rows],
        _("rounds_page.reassign.scores"): [r.scores for r in found.rows],
        _("rounds_page.column.status"): [worked[r.submitted] if r.submitted or r.scores
                                         else _("rounds_page.reassign.state.not_started") for r in found.rows],
    }), hide_index=True, width="stretch")
    first = (number - 1) * REASSIGN_PAGE + 1
    st.caption(_("rounds_page.reassign.shown", first=first, last=first + len(found.rows) - 1, count=found.total))
    targets = {j: name for j, name in jurors.items() if j != old}
    new = st.selectbox(_("rounds_page.reassign.to"), options=list(targets), format_func=targets.__getitem__, index=None,
                       placeholder=_("rounds_page.choose_juror"), key="rn_reassign_to")
    ids = tuple(found.ids)
    if new is not None and st.session_state.get(REASSIGN) == (chosen, old, new, ids):
        st.warning(_("rounds_page.reassign.confirm", count=found.scored, name=escape_markdown(holders[old])),
                   icon=":material/warning:")
        with st.container(horizontal=True):
            if st.button(_("rounds_page.reassign.yes"), type="primary", key="rn_reassign_yes"):
                move_applications(old, new, ids, confirm=True)
            st.button(_("decisions_page.cancel"), key="rn_reassign_no", on_click=st.session_state.__setitem__,
                      args=(REASSIGN, None))
        return
    if st.button(_("rounds_page.reassign.move", count=found.total), icon=":material/swap_horiz:", key="rn_reassign"):
        if new is None:
            st.error(_("rounds_page.choose_juror_first"))
        elif found.scored:  # asked first: the old juror's saved scores go with the applications
            st.session_state[REASSIGN] = (chosen, old, new, ids)
            st.rerun()
        else:
            move_applications(old, new, ids, confirm=False)


def pending_block() -> None:
    """Teachers' declarations against a juror who had saved scores: nothing is removed until
    the office confirms one (the box ticked: the juror's scores go) or sets it aside."""
    if not pending:
        return
    st.markdown(f"**{_('rounds_page.pending_title')}**")
    st.caption(_("rounds_page.pending_help"))
    submitted = {True: _("rounds_page.reassign.state.submitted"), False: _("rounds_page.reassign.state.started")}
    st.dataframe(pd.DataFrame({
        _("rounds_page.column.application"): [p.application_id for p in pending],
        _("rounds_page.column.project"): [p.application_title for p in pending],
        _("rounds_page.column.teacher"): [p.teacher_name for p in pending],
        _("rounds_page.column.juror"): [p.juror_name for p in pending],
        _("rounds_page.reassign.scores"): [p.scores for p in pending],
        _("rounds_page.column.status"): [submitted[p.submitted] for p in pending],
        _("rounds_page.column.note"): [p.note for p in pending],
    }), hide_index=True, width="stretch")
    if not changeable:
        return
    choices = {p.id: f"#{p.application_id} {p.application_title} · {p.juror_name}" for p in pending}
    with st.form("rn_pending"):
        picked = st.selectbox(_("rounds_page.pending_pick"), options=list(choices), format_func=choices.__getitem__)
        confirm = st.checkbox(_("rounds_page.conflict_confirm"), key="rn_pending_confirm")
        left, right = st.columns(2)
        if left.form_submit_button(_("rounds_page.pending_accept"), icon=":material/block:"):
            apply(lambda session: jury.confirm_declaration(session, actor=admin, declaration_id=picked,
                                                           confirm=confirm), _("rounds_page.conflict_recorded"))
        if right.form_submit_button(_("rounds_page.pending_dismiss"), icon=":material/undo:"):
            apply(lambda session: jury.dismiss_declaration(session, actor=admin, declaration_id=picked),
                  _("rounds_page.pending_dismissed"))


def standing_block() -> None:
    """Standing conflicts, in every round: each juror's, recorded and removed here."""
    st.caption(_("rounds_page.standing_help"))
    relations = {r: _(f"jury.standing_relation.{r}") for r in ("personal", "former_colleague", "other")}
    if standing_all:
        st.dataframe(pd.DataFrame({
            _("rounds_page.column.juror"): [s.juror_name for s in standing_all],
            _("rounds_page.column.standing_with"): [s.about(lang()) for s in standing_all],
            _("rounds_page.column.reason"): [relations[s.relation] for s in standing_all],
            _("rounds_page.column.note"): [s.note for s in standing_all],
            _("rounds_page.column.standing_origin"): [_(f"jury.standing_origin.{s.origin}") for s in standing_all],
        }), hide_index=True, width="stretch")
    else:
        st.caption(_("rounds_page.standing_none"))
    everyone = jurors  # the jurors who may judge this round
    teachers = {i: f"{name} · {email}" for i, name, email in standing_choices.teachers}
    schools = {i: f"{name} ({country})" for i, name, country in standing_choices.schools}
    withs = {"teacher": _("rounds_page.standing_teacher"), "school": _("rounds_page.standing_school")}
    st.markdown(f"**{_('rounds_page.standing_add')}**")
    who = st.selectbox(_("rounds_page.field.juror_id"), options=list(everyone), format_func=everyone.__getitem__,
                       index=None, placeholder=_("rounds_page.choose_juror"), key="rn_standing_juror")
    with_ = st.radio(_("rounds_page.standing_with"), options=list(withs), format_func=withs.__getitem__,
                     horizontal=True, key="rn_standing_with")
    with st.form("rn_standing"):
        if with_ == "school":
            school = st.selectbox(_("rounds_page.standing_school"), options=list(schools),
                                  format_func=schools.__getitem__, index=None, key="rn_standing_school")
            named: dict[str, Any] = {"school_id": school}
        else:
            teacher = st.selectbox(_("rounds_page.standing_teacher"), options=list(teachers),
                                   format_func=teachers.__getitem__, index=None, key="rn_standing_teacher")
            named = {"teacher_id": teacher}
        relation = st.selectbox(_("rounds_page.standing_relation"), options=list(relations),
                                format_func=relations.__getitem__, key="rn_standing_relation")
        note = st.text_area(_("rounds_page.field.note"), max_chars=jury.NOTE_MAX, key="rn_standing_note")
        confirm = st.checkbox(_("rounds_page.standing_confirm"), key="rn_standing_confirm")
        if st.form_submit_button(_("rounds_page.standing_record"), icon=":material/person_off:"):
            with_juror(who, lambda session, juror_id: jury.record_standing_conflict(
                session, actor=admin, juror_id=juror_id, relation=relation, note=note, confirm=confirm, **named),
                       _("rounds_page.standing_recorded"))
    if standing_all:
        removable = {s.id: f"{s.juror_name} · {s.about(lang())} ({relations[s.relation]})" for s in standing_all}
        with st.form("rn_standing_removal"):
            picked = st.selectbox(_("rounds_page.standing_remove_pick"), options=list(removable),
                                  format_func=removable.__getitem__, key="rn_standing_remove")
            if st.form_submit_button(_("rounds_page.standing_remove"), icon=":material/delete:"):
                apply(lambda session: jury.remove_standing_conflict(session, actor=admin, standing_id=picked),
                      _("rounds_page.standing_removed"))


# --- the rounds ------------------------------------------------------------------------------

with reading() as session:
    listed = rounds.list_rounds(session, actor=admin)
    scored = {r.id: jury.progress(session, actor=admin, round_id=r.id) for r in listed}

st.title(_("rounds_page.title"))
show_flash()

if listed:
    st.dataframe(pd.DataFrame({
        _("rounds_page.column.kind"): [_(f"jury.kind.{r.kind}") for r in listed],
        _("rounds_page.column.name"): [r.name for r in listed],
        _("rounds_page.column.rubric"): [f"{r.rubric_id} {r.rubric_version}" for r in listed],
        _("rounds_page.column.dates"): [
            _("rounds_page.dates", start=format_date(r.opens_on, lang()), end=format_date(r.closes_on, lang())) for r in listed],
        _("rounds_page.column.status"): [_(f"jury.status.{r.status.value}") for r in listed],
        _("rounds_page.column.applications"): [r.applications for r in listed],
        _("rounds_page.column.scoring"): [_("rounds_page.scoring", count=scored[r.id].submitted,
                                            assignments=scored[r.id].assignments) for r in listed],
    }), hide_index=True, width="stretch")
else:
    st.info(_("rounds_page.none_yet"))

with st.expander(_("rounds_page.create_title"), icon=":material/add:", expanded=not listed), st.form("round_new"):
    values = round_form("rn_new_", None, False)
    if st.form_submit_button(_("rounds_page.create"), type="primary", key="rn_create"):
        apply(lambda session: rounds.create_round(session, actor=admin, **values),
              _("rounds_page.created", name=escape_markdown(values["name"].strip())), forget=NEW)

if not listed:
    st.stop()

# --- one round -------------------------------------------------------------------------------
by_id = {r.id: r for r in listed}
ids = list(by_id)
labels = {r.id: f"{r.name} · {_(f'jury.kind.{r.kind}')} · {_(f'jury.status.{r.status.value}')}" for r in listed}
chosen = st.selectbox(
    _("rounds_page.choose"), options=ids,
    index=ids.index(st.session_state[ROUND]) if st.session_state.get(ROUND) in by_id else 0, format_func=labels.__getitem__,
    key="rounds_pick",
)
st.session_state[ROUND] = chosen
current = by_id[chosen]
# Assignments, conflicts and waivers change until the round is published (the same rule
# as the services').
changeable = can(admin, "round.change", jury.round_facts(current))

with reading() as session:
    locked = rounds.rubric_locked(session, actor=admin, round_id=chosen)
    # Only the jurors who may judge this round (no demonstration juror in a real round).
    jurors = {u.id: u.display_name for u in jury.jurors_for_round(session, actor=admin, round_id=chosen)}
    conflicts = jury.list_conflicts(session, actor=admin, round_id=chosen)
    waivers = jury.list_waivers(session, actor=admin, round_id=chosen)
    pending = jury.pending_declarations(session, actor=admin, round_id=chosen)
    standing_met = jury.standing_in_round(session, actor=admin, round_id=chosen)
    standing_all = jury.list_standing_conflicts(session, actor=admin)
    standing_choices = jury.standing_choices(session, actor=admin)
    statuses = applications.round_statuses(session, actor=admin, round_id=chosen)
    rows = [Row(
        id=a.id,
        project=a.project_title,
        teacher=a.teacher_name,
        school=", ".join(x for x in (a.school_name, a.school_region, a.school_country) if x),
        status=statuses[a.id],
    ) for a in jury.applications_to_assign(session, actor=admin, round_id=chosen)]
    assigned = jury.round_jurors(session, actor=admin, round_id=chosen)
    # The names of the round's assigned jurors, not every account of the country.
    names = search.juror_names(session, actor=admin, round_id=chosen)

settings_tab, applications_tab, conflicts_tab, standing_tab, progress_of_jurors = st.tabs(
    [_("rounds_page.tab.settings"), _("rounds_page.tab.applications"), _("rounds_page.tab.conflicts"),
     _("rounds_page.standing_title"), _("jury_progress.tab")])

with progress_of_jurors:
    progress_tab(admin, round_id=chosen, scoring_deadline=current.scoring_deadline, published=not changeable)

with settings_tab:
    if not changeable:
        st.info(_("jury.errors.round_published"))
    else:
        with st.form(f"round_edit_{chosen}"):
            changes = round_form(f"rn_{chosen}_", current, locked)
            if st.form_submit_button(_("rounds_page.save")):
                apply(lambda session: rounds.update_round(session, actor=admin, round_id=chosen, **changes),
                      _("rounds_page.saved"))

with applications_tab:
    conflicted: dict[int, list[str]] = {}
    for c in conflicts:
        conflicted.setdefault(c.application_id, []).append(f"{c.juror_name} ({_(f'jury.conflict_kind.{c.kind}')})")
    for m in standing_met:
        conflicted.setdefault(m.application_id, []).append(
            f"{m.standing.juror_name} ({_(f'jury.conflict_kind.{m.standing.kind}')})")
    if not rows:
        st.info(_("rounds_page.no_applications"))
    else:
        st.dataframe(pd.DataFrame({
            _("rounds_page.column.application"): [r.id for r in rows],
            _("rounds_page.column.project"): [r.project for r in rows],
            _("rounds_page.column.teacher"): [r.teacher for r in rows],
            _("rounds_page.column.school"): [r.school for r in rows],
            _("rounds_page.column.status"): [_(f"jury.application_status.{r.status}") for r in rows],
            _("rounds_page.column.jurors"): [", ".join(names.get(j, f"#{j}") for j in assigned.get(r.id, []))
                                             for r in rows],
            _("rounds_page.column.conflicts"): [format_clauses(conflicted.get(r.id, []), lang()) for r in rows],
        }), hide_index=True, width="stretch")

    last = st.session_state.pop(REPORT, None)
    if last is not None:
        st.markdown(_("rounds_page.report", count=last["created"], conflicts=last["conflicts"]))
        st.dataframe(pd.DataFrame(last["loads"], columns=[_("rounds_page.column.juror"), _("rounds_page.column.load")]),
                     hide_index=True)
        for line in last["short"]:
            st.warning(line, icon=":material/group_off:")
        if not last["short"]:
            st.caption(_("rounds_page.short_none"))

    if rows and changeable:
        st.subheader(_("rounds_page.assign_title"))
        if not jurors:
            st.warning(_("jury.cli.no_juror"))
        if st.button(_("rounds_page.auto_assign"), type="primary", icon=":material/auto_fix_high:", key="rn_auto"):
            apply(lambda session: jury.auto_assign(session, actor=admin, round_id=chosen), _("rounds_page.assigned"),
                  then=keep_report)

        titles = {r.id: f"#{r.id} {r.project}" for r in rows}
        with st.form("rn_manual"):
            st.markdown(f"**{_('rounds_page.manual_title')}**")
            target = st.selectbox(_("rounds_page.field.application"), options=list(titles), format_func=titles.__getitem__)
            juror = st.selectbox(_("rounds_page.field.juror_id"), options=list(jurors), format_func=jurors.__getitem__,
                                 index=None, placeholder=_("rounds_page.choose_juror"))
            force = st.checkbox(_("rounds_page.force"), help=_("rounds_page.force_help"))
            left, right = st.columns(2)
            if left.form_submit_button(_("rounds_page.assign"), icon=":material/person_add:"):
                with_juror(juror, lambda session, juror_id: jury.assign_juror(
                    session, actor=admin, application_id=target, juror_id=juror_id), _("rounds_page.juror_assigned"))
            if right.form_submit_button(_("rounds_page.unassign"), icon=":material/person_remove:"):
                with_juror(juror, lambda session, juror_id: unassign(session, target, juror_id, force=force),
                           _("rounds_page.juror_unassigned"))

        holding = sorted({j for held in assigned.values() for j in held})
        reassignment({j: names.get(j, f"#{j}") for j in holding})

with standing_tab:
    standing_block()

with conflicts_tab:
    if conflicts:
        st.dataframe(pd.DataFrame({
            _("rounds_page.column.application"): [c.application_id for c in conflicts],
            _("rounds_page.column.project"): [c.application_title for c in conflicts],
            _("rounds_page.column.juror"): [c.juror_name for c in conflicts],
            _("rounds_page.column.kind"): [_(f"jury.conflict_kind.{c.kind}") for c in conflicts],
            _("rounds_page.column.note"): [c.note for c in conflicts],
        }), hide_index=True, width="stretch")
    else:
        st.caption(_("rounds_page.no_conflicts"))
    # Declared conflicts only: the ones found from the schools would apply again at once.
    removable = {c.id: f"#{c.application_id} {c.application_title} · {c.juror_name} "
                 f"({_(f'jury.conflict_kind.{c.kind}')})"
                 for c in conflicts if c.kind not in jury.AUTOMATIC_KINDS}
    if removable and changeable:
        with st.form("rn_conflict_removal"):
            chosen_conflict = st.selectbox(_("rounds_page.conflict_remove_pick"), options=list(removable),
                                           format_func=removable.__getitem__, key="rn_conflict_remove")
            if st.form_submit_button(_("rounds_page.conflict_remove"), icon=":material/delete:"):
                apply(lambda session: jury.remove_conflict(session, actor=admin, conflict_id=chosen_conflict),
                      _("rounds_page.conflict_removed"))
    # Found from the schools: the office may waive one for one juror and one application.
    waivable = {(c.juror_id, c.application_id, c.kind): f"#{c.application_id} {c.application_title} · {c.juror_name} "
                f"({_(f'jury.conflict_kind.{c.kind}')})" for c in conflicts if c.kind in jury.AUTOMATIC_KINDS}
    if waivable and changeable:
        with st.form("rn_conflict_waiver"):
            st.markdown(f"**{_('rounds_page.waiver_title')}**")
            st.caption(_("rounds_page.waiver_help"))
            waived = st.selectbox(_("rounds_page.waiver_pick"), options=list(waivable), format_func=waivable.__getitem__,
                                  key="rn_waiver_pick")
            reason = st.text_area(_("rounds_page.field.reason"), max_chars=jury.NOTE_MAX, key="rn_waiver_reason")
            if st.form_submit_button(_("rounds_page.waive"), icon=":material/how_to_reg:"):
                apply(lambda session: jury.waive_conflict(session, actor=admin, juror_id=waived[0],
                                                          application_id=waived[1], kind=waived[2], reason=reason),
                      _("rounds_page.waived"))
    if waivers:
        st.markdown(f"**{_('rounds_page.waivers')}**")
        st.dataframe(pd.DataFrame({
            _("rounds_page.column.application"): [w.application_id for w in waivers],
            _("rounds_page.column.juror"): [w.juror_name for w in waivers],
            _("rounds_page.column.kind"): [_(f"jury.conflict_kind.{w.kind}") for w in waivers],
            _("rounds_page.column.reason"): [w.reason for w in waivers],
        }), hide_index=True, width="stretch")
    pending_block()
    if standing_met:
        st.markdown(f"**{_('rounds_page.standing_met')}**")
        st.dataframe(pd.DataFrame({
            _("rounds_page.column.application"): [m.application_id for m in standing_met],
            _("rounds_page.column.project"): [m.application_title for m in standing_met],
            _("rounds_page.column.juror"): [m.standing.juror_name for m in standing_met],
            _("rounds_page.column.kind"): [_(f"jury.conflict_kind.{m.standing.kind}") for m in standing_met],
            _("rounds_page.column.standing_with"): [m.standing.about(lang()) for m in standing_met],
        }), hide_index=True, width="stretch")
    if rows and changeable:
        titles = {r.id: f"#{r.id} {r.project}" for r in rows}
        with st.form("rn_conflict"):
            st.markdown(f"**{_('rounds_page.conflict_title')}**")
            target = st.selectbox(_("rounds_page.field.application"), options=list(titles), format_func=titles.__getitem__)
            juror = st.selectbox(_("rounds_page.field.juror_id"), options=list(jurors), format_func=jurors.__getitem__,
                                 index=None, placeholder=_("rounds_page.choose_juror"))
            note = st.text_area(_("rounds_page.field.note"), max_chars=jury.NOTE_MAX)
            # The confirmation step: the service refuses, saying how many scores would go,
            # until the office ticks this and sends again.
            confirm = st.checkbox(_("rounds_page.conflict_confirm"), key="rn_conflict_confirm")
            if st.form_submit_button(_("rounds_page.declare")):
                with_juror(juror, lambda session, juror_id: jury.declare_conflict(
                    session, actor=admin, application_id=target, juror_id=juror_id, note=note, confirm=confirm),
                           _("rounds_page.conflict_recorded"))
