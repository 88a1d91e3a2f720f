"""The office's decisions on a round: per application the jury's aggregates, spread and
disagreement; an extra juror or a consensus note; decisions staged (the clear-cut ones
in one go), then published together; then the verdict letters and the label certificates
as one ZIP of PDFs.
Before deciding, each box shows the rules behind the proposal (pass mark, minimums,
gates, met or not) and what there is to read: the teacher's text and each juror's
comment and private note, criterion by criterion. The consensus note is the jury's
summary the teacher reads once the round is published.

A national round has a thousand applications: one table lists them all, and the
detailed boxes with their actions are shown for a page of them at a time, chosen by a
filter (disagreements, undecided...) and a search.

Project titles, names and notes are typed by people: shown in tables, text areas or
through escape_markdown, never as HTML.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from assess.domain.scoring import reasons_for
from assess.i18n.formats import format_date, format_number, format_percent
from assess.reports.filenames import round_zip_filename
from assess.reports.reasons import ReasonLine, override_note, reason_lines
from assess.services import decisions, jury, letters, rounds, search
from assess.ui.runtime import (
    _,
    apply_change,
    code_span,
    escape_markdown,
    lang,
    reading,
    require_permission,
    show_error,
    show_flash,
)

STAGE_SHOWN = "decisions_stage_shown_confirm"  # the round whose shown list waits for the confirmation
CONFIRM = "decisions_publish_confirm"  # the round waiting for the publication confirmation
LETTERS = "decisions_letters"  # (round id, ZIP bytes, letters, certificates) of the documents made
ROUND = "office_round_id"  # the chosen round, shared by the office's jury pages
OUTCOMES = decisions.OUTCOMES
PAGE_SIZE = 20  # detailed boxes at once: each holds a table and forms, slow to draw by the hundred
SHOW = ("all", "disagreement", "undecided", "decided")
RULE_ICONS = {True: ":green[:material/check_circle:]", False: ":red[:material/cancel:]",
              None: ":gray[:material/pending:]"}

admin = require_permission("decision.manage")


def number(value: float | None) -> str:
    return "–" if value is None else format_number(value, lang(), digits=2)


def juror_label(pseudonym: str) -> str:
    """The juror's letter as "Juror A" in the reader's language."""
    return _("decisions_page.pseudonym", letter=pseudonym)


def items_table(found: jury.ApplicationAggregate) -> pd.DataFrame:
    jurors = [j.pseudonym for j in found.jurors if j.submitted_at is not None]
    table: dict[str, list[object]] = {
        _("decisions_page.column.criterion"): [found.rubric.item(i.item_id).name.get(lang()) for i in found.items]}
    for pseudonym in jurors:
        table[juror_label(pseudonym)] = [number(i.levels.get(pseudonym)) for i in found.items]
    table[_(f"decisions_page.column.{found.aggregation}")] = [number(i.aggregate) for i in found.items]
    table[_("decisions_page.column.spread")] = [number(i.spread) for i in found.items]
    table[_("decisions_page.column.disagreement")] = [i.disagreement for i in found.items]
    return pd.DataFrame(table)


def rule_list(lines: list[ReasonLine]) -> str:
    """The rules one a line, each marked met, not met or not scored."""
    return "  \n".join(f"{RULE_ICONS[line.met]} {escape_markdown(line.text)}" for line in lines)


def rules_behind(found: jury.ApplicationAggregate) -> None:
    """Each rule of the verdict held against the aggregates, and whether the decision
    staged goes against them."""
    reasons = reasons_for(found.score, outcome=found.decision)
    st.markdown(f"**{_('reasons.office.heading')}**\n\n"
                + rule_list(reason_lines(reasons, rubric=found.rubric, lang=lang())))
    note = override_note(reasons, lang=lang())
    if note:
        st.caption(note)


def quoted(text: str) -> str:
    """Someone's text as an escaped Markdown quote, line breaks kept."""
    return "\n".join(f"> {escape_markdown(line)}  " for line in text.strip().splitlines())


def said(label: str, text: str) -> str:
    """A list item: who wrote it, in italics, then their text, escaped, line breaks kept."""
    return f"- *{label}* " + "  \n  ".join(escape_markdown(line) for line in text.strip().splitlines())


def reading_matter(found: jury.ApplicationAggregate, sent: decisions.SentApplication | None) -> None:
    """Criterion by criterion, the teacher's text and what each juror who submitted wrote:
    their comment for the teacher and their private note for the office."""
    jurors = [j for j in found.jurors if j.submitted_at is not None]
    texts = sent.texts if sent is not None else {}
    criteria = {c.id for c in found.rubric.criteria}
    blocks = []
    for item_id in (i.item_id for i in found.items):
        lines = []
        if item_id in criteria:
            text = texts.get(item_id, "").strip()
            lines.append(said(_("reasons.office.teacher_text"), text or _("reasons.office.no_text")))
        for juror in jurors:
            given = juror.scores.get(item_id)
            if given is not None and given.comment.strip():
                lines.append(said(_("reasons.office.comment", juror=juror_label(juror.pseudonym)), given.comment))
            if given is not None and given.private_note.strip():
                lines.append(said(_("reasons.office.private_note", juror=juror_label(juror.pseudonym)),
                                  given.private_note))
        if len(lines) == (1 if item_id in criteria else 0):
            lines.append(f"- *{_('reasons.office.nothing_said')}*")
        name = escape_markdown(found.rubric.item(item_id).name.get(lang()))
        blocks.append(f"**{name}**\n\n" + "\n".join(lines))
    if sent is not None and sent.evidence_links:
        blocks.append(f"**{_('reasons.office.evidence')}**\n\n"
                      + "\n".join(f"- {code_span(link)}" for link in sent.evidence_links))
    if sent is not None and sent.recheck_note.strip():
        blocks.append(f"**{_('reasons.office.recheck_note')}**\n\n{quoted(sent.recheck_note)}")
    # One Markdown block per box, not one element per criterion: a page shows 20 boxes.
    with st.container(border=True):
        st.markdown(f"**{_('reasons.office.read')}**\n\n" + "\n\n".join(blocks))


def application_box(found: jury.ApplicationAggregate, sent: decisions.SentApplication | None = None) -> None:
    key = found.application_id
    label = _("decisions_page.application", id=key, title=escape_markdown(found.project_title))
    if found.disagreement:
        label += f" · :orange[{_('decisions_page.flag')}]"
    with st.expander(label, icon=":material/warning:" if found.disagreement else None):
        st.caption(" · ".join(
            _("decisions_page.juror", pseudonym=juror_label(j.pseudonym), name=escape_markdown(names.get(j.juror_id, "") if j.juror_id else ""),
              state=_("decisions_page.submitted" if j.submitted_at else "decisions_page.not_submitted"))
            for j in found.jurors) or _("decisions_page.no_jurors"))
        if found.disagreement:
            st.warning(_("decisions_page.disagreement", threshold=found.threshold, items=", ".join(
                found.rubric.item(i).name.get(lang()) for i in found.disagreeing_items)), icon=":material/warning:")
        st.dataframe(items_table(found), hide_index=True, width="stretch")
        proposal = _(f"jury.outcome.{found.proposal}") if found.proposal else _("decisions_page.no_proposal")
        st.markdown(_("decisions_page.total", total=number(found.score.total), maximum=number(found.score.maximum),
                      percentage=format_percent(found.score.percentage / 100, lang()), proposal=proposal))
        rules_behind(found)
        if found.decision is not None:
            state = "published" if published else "staged"  # a round's decisions are published together
            st.success(_(f"decisions_page.{state}", outcome=_(f"jury.outcome.{found.decision}")))
        reading_matter(found, sent)
        if published:
            if found.consensus_note:
                st.markdown(f"**{_('reasons.summary')}**\n\n{quoted(found.consensus_note)}")
            return
        actions(found)


def actions(found: jury.ApplicationAggregate) -> None:
    key = found.application_id
    with st.form(f"note_{key}"):
        note = st.text_area(_("reasons.office.summary"), value=found.consensus_note, max_chars=decisions.NOTE_MAX,
                            help=_("reasons.office.summary_help"))
        if st.form_submit_button(_("decisions_page.save_note")):
            apply_change(lambda session: decisions.add_consensus_note(session, actor=admin, application_id=key, note=note),
                  _("decisions_page.note_saved"))
    with st.form(f"stage_{key}"):
        default = found.decision or found.proposal
        outcomes = {o: _(f"jury.outcome.{o}") for o in OUTCOMES}  # fixed now: format_func may run later
        outcome = st.radio(_("decisions_page.outcome"), options=list(OUTCOMES), horizontal=True,
                           index=OUTCOMES.index(default) if default in OUTCOMES else None,
                           format_func=outcomes.__getitem__, help=_("decisions_page.outcome_help"))
        if st.form_submit_button(_("decisions_page.stage"), type="primary"):
            apply_change(lambda session: decisions.stage_decision(session, actor=admin, application_id=key, outcome=outcome),
                  _("decisions_page.staged_done"))
    with st.container(horizontal=True):
        if st.button(_("decisions_page.extra_juror"), icon=":material/person_add:", key=f"extra_{key}"):
            apply_change(lambda session: jury.request_extra_juror(session, actor=admin, application_id=key),
                  _("decisions_page.extra_done"))
        if found.decision is not None and st.button(_("decisions_page.unstage"), icon=":material/undo:", key=f"unstage_{key}"):
            apply_change(lambda session: decisions.unstage_decision(session, actor=admin, application_id=key),
                  _("decisions_page.unstaged"))


def overview(found: list[jury.ApplicationAggregate]) -> None:
    """Every application of the round in one table."""
    st.subheader(_("decisions_page.overview_title"))
    # A national round lists a thousand rows: the language, the outcomes' words and each
    # distinct total's text are looked up once for the table, not once a row (issue 13).
    language = lang()
    outcome_words = {o: _(f"jury.outcome.{o}") for o in {f.proposal for f in found} | {f.decision for f in found} if o}
    totals: dict[float, str] = {}

    def total(value: float) -> str:
        if value not in totals:
            totals[value] = format_number(value, language, digits=2, trailing_zeros=True)
        return totals[value]

    st.dataframe(pd.DataFrame({
        _("decisions_page.column.application"): [f.application_id for f in found],
        _("decisions_page.column.project"): [f.project_title for f in found],
        _("decisions_page.column.jurors"): [f"{f.submitted} / {len(f.jurors)}" for f in found],
        _("decisions_page.column.total"): [total(f.score.total) for f in found],
        _("decisions_page.column.percentage"): [round(f.score.percentage) for f in found],
        _("decisions_page.column.proposal"): [outcome_words[f.proposal] if f.proposal else "" for f in found],
        _("decisions_page.column.disagreement"): [f.disagreement for f in found],
        _("decisions_page.column.decision"): [outcome_words[f.decision] if f.decision else "" for f in found],
    }), hide_index=True, width="stretch", height=min(400, 38 + 35 * len(found)))


def matches(found: jury.ApplicationAggregate, show: str, searched: set[int] | None) -> bool:
    if show == "disagreement" and not found.disagreement:
        return False
    if show == "undecided" and found.decision is not None:
        return False
    if show == "decided" and found.decision is None:
        return False
    return searched is None or found.application_id in searched


def choose_applications(found: list[jury.ApplicationAggregate]) -> tuple[list[jury.ApplicationAggregate],
                                                                        list[jury.ApplicationAggregate]]:
    """The applications chosen by the filter and the search (the words are looked up by the
    database: title, school, teacher, number), and the page of them to show in detail."""
    with st.container(horizontal=True, vertical_alignment="bottom"):
        show = st.segmented_control(_("decisions_page.show"), options=SHOW, default="all", key="decisions_show",
                                    format_func=lambda option: _(f"decisions_page.show_option.{option}"))
        text = st.text_input(_("decisions_page.find"), key="decisions_find",
                             help=_("decisions_page.shown_bulk.find_help"))
    searched = None
    if text.strip():
        with reading() as session:
            searched = search.application_ids_matching(session, actor=admin, round_id=chosen, text=text)
    chosen_ones = [f for f in found if matches(f, show or "all", searched)]
    if not chosen_ones:
        st.info(_("decisions_page.none_shown"))
        return [], []
    pages = (len(chosen_ones) + PAGE_SIZE - 1) // PAGE_SIZE
    number = 1
    if pages > 1:
        if st.session_state.get("decisions_page_number", 1) > pages:  # fewer pages since the filter changed
            st.session_state["decisions_page_number"] = pages
        number = st.number_input(_("decisions_page.page"), min_value=1, max_value=pages, value=1, step=1,
                                 key="decisions_page_number")
    first = (number - 1) * PAGE_SIZE
    shown = chosen_ones[first:first + PAGE_SIZE]
    st.caption(_("decisions_page.shown", first=first + 1, last=first + len(shown), count=len(chosen_ones)))
    return chosen_ones, shown


def stage_shown(chosen_ones: list[jury.ApplicationAggregate], everything: int) -> None:
    """The proposals of the filtered list staged at once, after a confirmation; each is
    audited by the service as staged by hand. Offered only when the list is narrowed."""
    clear_cut = [f.application_id for f in chosen_ones if decisions.agreed(f)]
    if len(chosen_ones) == everything or not clear_cut:
        return
    st.caption(_("decisions_page.shown_bulk.help", shown=len(chosen_ones), count=len(clear_cut)))
    if st.session_state.get(STAGE_SHOWN) != chosen:
        st.button(_("decisions_page.shown_bulk.stage"), icon=":material/done_all:", key="stage_shown",
                  on_click=st.session_state.__setitem__, args=(STAGE_SHOWN, chosen))
        return
    st.warning(_("decisions_page.shown_bulk.confirm", count=len(clear_cut)), icon=":material/done_all:")
    with st.container(horizontal=True):
        if st.button(_("decisions_page.shown_bulk.yes"), type="primary", key="stage_shown_yes"):
            st.session_state[STAGE_SHOWN] = None
            apply_change(lambda session: decisions.stage_proposals(session, actor=admin, round_id=chosen,
                                                                   application_ids=set(clear_cut)),
                         _("decisions_page.bulk_done", count=len(clear_cut)))
        st.button(_("decisions_page.shown_bulk.cancel"), key="stage_shown_no",
                  on_click=st.session_state.__setitem__, args=(STAGE_SHOWN, None))


def bulk_staging(found: list[jury.ApplicationAggregate]) -> None:
    count = sum(1 for f in found if decisions.agreed(f))
    if not count:
        return
    st.subheader(_("decisions_page.bulk_title"))
    st.caption(_("decisions_page.bulk_help", count=count))
    if st.button(_("decisions_page.bulk", count=count), icon=":material/done_all:", key="stage_proposals"):
        apply_change(lambda session: decisions.stage_proposals(session, actor=admin, round_id=chosen),
                     _("decisions_page.bulk_done", count=count))


def publication(count: int, undecided: int) -> None:
    st.subheader(_("decisions_page.publish_title"))
    st.caption(_("decisions_page.publish_help", count=count, undecided=undecided))
    if st.session_state.get(CONFIRM) != chosen:
        st.button(_("decisions_page.publish"), type="primary", icon=":material/publish:", key="publish",
                  on_click=st.session_state.__setitem__, args=(CONFIRM, chosen))
        return
    st.warning(_("decisions_page.publish_confirm", count=count), icon=":material/publish:")
    with st.container(horizontal=True):
        if st.button(_("decisions_page.publish_yes"), type="primary", key="publish_yes"):
            st.session_state[CONFIRM] = None
            apply_change(lambda session: decisions.publish_round(session, actor=admin, round_id=chosen),
                  _("decisions_page.published_done"))
        st.button(_("decisions_page.cancel"), key="publish_no", on_click=st.session_state.__setitem__,
                  args=(CONFIRM, None))


def round_documents() -> None:
    """The round's verdict letters and label certificates as one ZIP, made when asked
    (with progress) by the function that writes them for ``assess letters --certificates``."""
    st.subheader(_("decisions_page.letters_title"))
    st.caption(_("decisions_page.letters_help"))
    if st.button(_("decisions_page.letters_make"), icon=":material/picture_as_pdf:", key="letters_make"):
        bar = st.progress(0.0, text=_("decisions_page.letters_progress", done=0, total="…"))

        def tick(done: int, total: int) -> None:
            bar.progress(done / total if total else 1.0,
                         text=_("decisions_page.letters_progress", done=done, total=total))

        try:
            from assess.reports.documents import round_documents_zip  # imported on use: WeasyPrint is heavy

            with reading() as session:
                views = letters.verdict_letters(session, actor=admin, round_id=chosen)
                awarded = letters.certificates(session, actor=admin, round_id=chosen)
            data = round_documents_zip(views, awarded, workers=2, progress=tick)
        except Exception as error:  # a failed PDF is said in words, never as a traceback
            show_error(error)
            return
        st.session_state[LETTERS] = (chosen, data, len(views), len(awarded))
    made = st.session_state.get(LETTERS)
    if made and made[0] == chosen:
        st.download_button(_("decisions_page.letters_download", count=made[2], certificates=made[3]), data=made[1],
                           file_name=round_zip_filename("documents", current.name), mime="application/zip",
                           type="primary", icon=":material/download:", on_click="ignore", key="letters_download")


# --- the page ------------------------------------------------------------------------------

with reading() as session:
    listed = rounds.list_rounds(session, actor=admin)

st.title(_("decisions_page.title"))
show_flash()
if not listed:
    st.info(_("decisions_page.no_rounds"))
    st.stop()

by_id = {r.id: r for r in listed}
ids = list(by_id)
labels = {r.id: f"{r.name} · {_(f'jury.status.{r.status.value}')}" for r in listed}
chosen = st.selectbox(
    _("decisions_page.choose"), options=ids,
    index=ids.index(st.session_state[ROUND]) if st.session_state.get(ROUND) in by_id else 0, format_func=labels.__getitem__,
    key="decisions_pick",
)
st.session_state[ROUND] = chosen
current = by_id[chosen]
published = current.published_at is not None

with reading() as session:
    found = jury.round_aggregates(session, actor=admin, round_id=chosen)
    names = search.juror_names(session, actor=admin, round_id=chosen)
decided = sum(1 for f in found if f.decision is not None)

st.caption(_("decisions_page.rules", rule=_(f"decisions_page.rule.{current.aggregation}"),
             threshold=current.disagreement_threshold, count=len(found),
             disagreements=sum(f.disagreement for f in found), decided=decided))
if not found:
    st.info(_("decisions_page.no_applications"))
else:
    overview(found)
    chosen_ones, shown = choose_applications(found)
    if not published:
        stage_shown(chosen_ones, len(found))
    with reading() as session:  # what the teachers sent, for the page of boxes shown only
        sent = decisions.sent_applications(session, actor=admin, application_ids=[f.application_id for f in shown])
    for aggregate in shown:
        application_box(aggregate, sent.get(aggregate.application_id))

if published:
    st.success(_("decisions_page.round_published", date=format_date(current.published_at, lang())))
    round_documents()
elif found:
    bulk_staging(found)
    publication(decided, len(found) - decided)
