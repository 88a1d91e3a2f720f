"""Self-assessment: the teacher rates their project against the rubric, item by item.

Work is saved as the teacher goes: every widget has an on_change callback that saves
that one field in its own transaction. Values shown come from the database, so a reload
(a new browser session) loses nothing. A refused value (e.g. a link that is not a web
address) is kept in the widget and its message shown next to the item.

The teacher chooses the rubric when starting (the proposed one preselected, with why) and
may change it later, after seeing which levels carry over and which stay behind. Each
eligibility question is answered yes, no or not yet: three distinct answers.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import streamlit as st

from assess.domain.readiness import ELIGIBILITY_QUESTIONS, answered_no
from assess.domain.rubric import LEVELS, Gate
from assess.i18n.formats import format_clauses, format_number
from assess.services import projects, rubrics, self_assessments
from assess.services.errors import ServiceError
from assess.services.rubrics import Proposal
from assess.ui.project_picker import pick_project
from assess.ui.rubric_widgets import levels_side_by_side
from assess.ui.runtime import _, actor, escape_markdown, lang, reading, require_permission, show_error, transaction

ERRORS = "assessment_errors"  # (assessment id, item id) -> the error of its last save
CHANGING = "assessment_rubric_change"  # (assessment id, rubric id) waiting for the teacher's confirmation
#: The three answers of an eligibility question, as stored: "no" is an answer, not a blank.
ANSWERS = {"yes": True, "no": False, "unanswered": None}


def _save(assessment_id: int, item_id: str, field: str, key: str) -> None:
    """on_change callback: save one field of one item. It runs before the page script,
    so it re-reads the actor instead of trusting the previous run's."""
    current = actor()
    if current is None:
        return
    value = st.session_state[key]
    if field == "eligibility":
        value = ANSWERS.get(value)
    errors = st.session_state.setdefault(ERRORS, {})
    try:
        with transaction() as session:
            if field == "eligibility":
                self_assessments.save_eligibility(session, actor=current, assessment_id=assessment_id, answers={item_id: value})
            else:
                self_assessments.save_entry(session, actor=current, assessment_id=assessment_id, item_id=item_id, **{field: value})
    except ServiceError as error:
        errors[assessment_id, item_id] = error
    else:
        errors.pop((assessment_id, item_id), None)


def _local_time(moment: datetime) -> str:
    try:
        zone = ZoneInfo(st.context.timezone or "UTC")
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    return moment.astimezone(zone).strftime("%H:%M:%S")


def eligibility(assessment) -> None:
    answered = sum(a is not None for a in assessment.eligibility.values())
    words = {answer: _(f"assessment_page.answer.{answer}") for answer in ANSWERS}  # fixed in this run's language
    with st.expander(_("assessment_page.eligibility", done=answered, total=len(ELIGIBILITY_QUESTIONS)),
                     icon=":material/fact_check:", key="sa_exp_eligibility", expanded=answered < len(ELIGIBILITY_QUESTIONS)):
        st.caption(_("assessment_page.eligibility_help"))
        for question in ELIGIBILITY_QUESTIONS:
            key = f"sa{assessment.id}_elig_{question}"
            stored = assessment.eligibility.get(question)
            chosen = next(answer for answer, value in ANSWERS.items() if value is stored)
            st.radio(_(f"eligibility.question.{question}"), options=list(ANSWERS), index=list(ANSWERS).index(chosen),
                     format_func=words.__getitem__, horizontal=True, key=key,
                     on_change=_save, args=(assessment.id, question, "eligibility", key))
        errors = st.session_state.get(ERRORS, {})
        for question in ELIGIBILITY_QUESTIONS:
            if (assessment.id, question) in errors:
                show_error(errors[assessment.id, question])
    if answered_no(assessment.eligibility):
        st.warning(_("assessment_page.answered_no", questions=format_clauses(
            (_(f"eligibility.question.{q}") for q in answered_no(assessment.eligibility)), lang())),
            icon=":material/block:")


def rubric_words() -> dict[str, str]:
    """Installed rubrics by id, as the choices name them (fixed in this run's language)."""
    return {r.id: _("assessment_page.rubric_choice", title=r.title.get(lang()), version=r.version) for r in rubrics.installed()}


def proposal_hint(rubric, why: Proposal, end_date) -> str:
    from assess.domain.jury import school_year

    return _(f"assessment_page.proposed.{why.value}", year=school_year(end_date), period=rubric.period)


def start_form(project_id: int) -> None:
    """No self-assessment yet: the teacher chooses its rubric, the proposed one preselected."""
    with reading() as session:
        proposed, why = self_assessments.proposed_rubric(session, actor=current, project_id=project_id)
        end_date = projects.get_project(session, actor=current, project_id=project_id).end_date
    words = rubric_words()
    st.info(_("assessment_page.start_intro"), icon=":material/checklist:")
    chosen = st.selectbox(_("assessment_page.choose_rubric"), options=list(words), index=list(words).index(proposed.id),
                          format_func=words.__getitem__, key=f"sa_start_rubric_{project_id}")
    st.caption(proposal_hint(proposed, why, end_date))
    picked = rubrics.installed_rubric(chosen)
    st.caption(picked.description.get(lang()))
    if st.button(_("assessment_page.start"), type="primary", icon=":material/play_arrow:", key=f"sa_start_{project_id}"):
        try:
            with transaction() as session:
                self_assessments.start(session, actor=current, project_id=project_id, rubric_id=chosen)
        except ServiceError as error:
            show_error(error)
            return
        st.rerun()


def rubric_changer(assessment) -> None:
    """Another rubric for this self-assessment: first what carries over and what does not,
    then the change on confirmation."""
    words = {k: v for k, v in rubric_words().items() if k != assessment.rubric.id}
    if not words:
        return
    with st.expander(_("assessment_page.change_rubric"), icon=":material/swap_horiz:", key="sa_exp_rubric"):
        picker = f"sa{assessment.id}_rubric"
        target = st.selectbox(_("assessment_page.other_rubric"), options=list(words), format_func=words.__getitem__,
                              key=picker)
        if st.session_state.get(CHANGING) != (assessment.id, target):
            # The rubric read when clicked, not when drawn: the box may have changed since.
            st.button(_("assessment_page.change_check"), key=f"{picker}_check",
                      on_click=lambda: st.session_state.__setitem__(CHANGING, (assessment.id, st.session_state[picker])))
            return
        try:
            with reading() as session:
                change = self_assessments.rubric_change(session, actor=current, assessment_id=assessment.id, rubric_id=target)
        except ServiceError as error:
            show_error(error)
            return
        names = [escape_markdown(change.source.item(i).name.get(lang())) for i in change.kept]
        st.markdown(_("assessment_page.change_kept", items=", ".join(names)) if names else _("assessment_page.change_kept_none"))
        if change.loses_anything:
            behind = [
                escape_markdown(change.source.item(i).name.get(lang()))
                + ("" if level is None else f" ({_('levels.chosen', level=level, label=change.source.item(i).level(level).label.get(lang()))})")
                for i, level in change.left_behind
            ]
            st.warning(_("assessment_page.change_left_behind", items=format_clauses(behind, lang()),
                         rubric=change.source.title.get(lang())), icon=":material/warning:")
        with st.container(horizontal=True):
            if st.button(_("assessment_page.change_confirm"), type="primary", key=f"sa{assessment.id}_rubric_yes"):
                try:
                    with transaction() as session:
                        self_assessments.change_rubric(session, actor=current, assessment_id=assessment.id, rubric_id=target)
                except ServiceError as error:
                    show_error(error)
                    return
                st.session_state[CHANGING] = None
                st.rerun()
            st.button(_("assessment_page.change_cancel"), key=f"sa{assessment.id}_rubric_no",
                      on_click=st.session_state.__setitem__, args=(CHANGING, None))


def item_block(assessment, item) -> None:
    entry = assessment.entries.get(item.id)
    chosen = entry.level if entry else None
    name = item.name.get(lang())
    status = _("levels.none") if chosen is None else _("levels.chosen", level=chosen, label=item.level(chosen).label.get(lang()))
    extra = []
    if isinstance(item, Gate):
        extra.append(_("assessment_page.gate_of", criterion=assessment.rubric.criterion(item.criterion).name.get(lang())))
    elif item.independent:
        extra.append(_("assessment_page.independent"))
    icon = ":material/check_circle:" if chosen is not None else ":material/radio_button_unchecked:"
    # A key keeps the expander open while its label changes with the level chosen.
    with st.expander(f"{name} — {status}", icon=icon, key=f"sa_exp_{item.id}"):
        for line in extra:
            st.caption(line)
        st.markdown(item.guidance.get(lang()))
        if item.advice:
            st.markdown(_("assessment_page.advice"))
            st.markdown("\n".join(f"- {tip.get(lang())}" for tip in item.advice))
        levels_side_by_side(item, chosen)
        prefix = f"sa{assessment.id}_{item.id}"
        st.segmented_control(
            _("assessment_page.your_level"), options=list(LEVELS), default=chosen, key=f"{prefix}_level",
            on_change=_save, args=(assessment.id, item.id, "level", f"{prefix}_level"),
        )
        st.text_area(
            _("fields.evidence_note"), value=entry.evidence_note if entry else "", key=f"{prefix}_note",
            max_chars=self_assessments.NOTE_MAX, placeholder=_("assessment_page.note_help"),
            on_change=_save, args=(assessment.id, item.id, "evidence_note", f"{prefix}_note"),
        )
        st.text_area(
            _("fields.evidence_links"), value="\n".join(entry.evidence_links) if entry else "", key=f"{prefix}_links",
            height=80, placeholder=_("assessment_page.links_help"),
            on_change=_save, args=(assessment.id, item.id, "evidence_links", f"{prefix}_links"),
        )
        if error := st.session_state.get(ERRORS, {}).get((assessment.id, item.id)):
            show_error(error)


# Teachers only (the office reads results on the dashboard, it never fills them in);
# the service checks the project is the teacher's own.
current = require_permission("project.create")
st.title(_("assessment_page.title"))
choice = pick_project(current, "self_assessment.edit")
try:
    # Continue the latest one (a read, on every rerun); without one, the teacher starts it.
    with reading() as session:
        assessment = self_assessments.current(session, actor=current, project_id=choice.id)
except ServiceError as error:
    show_error(error)
    st.stop()
if assessment is None:
    start_form(choice.id)
    st.stop()

rubric, score = assessment.rubric, assessment.score
st.caption(_("assessment_page.rubric", title=rubric.title.get(lang()), version=rubric.version))
rubric_changer(assessment)
done, total = score.assessed
left, right = st.columns([2, 1], vertical_alignment="bottom")
left.progress(done / total if total else 0.0, text=_("assessment_page.progress", done=done, total=total))
right.metric(_("assessment_page.running_total"),
             f"{format_number(score.total, lang(), digits=2)} / {format_number(score.maximum, lang(), digits=2)}")
st.caption(_("assessment_page.saved", time=_local_time(assessment.updated_at)), help=_("assessment_page.saved_help"))

eligibility(assessment)
st.subheader(_("assessment_page.criteria"))
for criterion in rubric.criteria:
    item_block(assessment, criterion)
if rubric.gates:
    st.subheader(_("assessment_page.gates"))
    st.caption(_("assessment_page.gates_help"))
    for gate in rubric.gates:
        item_block(assessment, gate)
