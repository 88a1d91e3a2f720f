"""The juror's work: their list of applications, then one application criterion by criterion.

- The list shows each round still at work on its own (its count of submitted applications,
  its scoring deadline in words with the days left, a "Next application" button), the
  published rounds folded apart below; "Next application" opens the next one not yet
  submitted in the same round (``jury.my_work``), read when clicked.

- The list and every application come from the services, which leave out what the juror
  may not see: an application withdrawn, not assigned to them, or in conflict with them.
  An id left in ``st.session_state`` for such an application gets the same refusal as an
  id that does not exist (nothing of it is shown, not even its title).
- Scoring is blind: the other jurors' scores are read (``jury.other_scores``) only once
  the juror's own scores are submitted; before that the page asks for nothing of theirs.
- Drafts are saved as the juror goes: every widget has an on_change callback that saves
  that one field (``jury.save_score``) in its own transaction; the values shown come from
  the database, so a reload loses nothing.
- Texts typed by teachers and jurors are shown as escaped Markdown, never as HTML.
"""

from __future__ import annotations

from urllib.parse import quote

import streamlit as st

from assess.domain.permissions import can
from assess.domain.rubric import LEVELS, Gate
from assess.i18n import language_names
from assess.i18n.formats import format_date, format_number
from assess.reports.survey import audience_name
from assess.services import applications, collection, jury
from assess.services.errors import InvalidInput, ServiceError
from assess.ui.collection_view import collection_block
from assess.ui.rubric_widgets import levels_side_by_side
from assess.ui.runtime import (
    _,
    actor,
    error_text,
    escape_markdown,
    field_error_text,
    lang,
    reading,
    require_permission,
    show_error,
    transaction,
)

OPEN = "jury_application"  # id of the application open on the page (None: the list)
ERRORS = "jury_errors"  # (assignment id, item id) -> the error of its last save
SUBMITTING = "jury_submitting"  # application id waiting for the submit confirmation
SUBMIT_ERROR = "jury_submit_error"  # the refusal of the last submission
CONFLICT_ERROR = "jury_conflict_error"  # the refusal of the last declaration of a conflict
STANDING_ERROR = "jury_standing_error"  # the refusal of the last standing conflict declared
FLASH = "jury_flash"  # message key shown once after a rerun

FIELDS = {"level": "jury_page.level", "comment": "jury_page.comment", "private_note": "jury_page.private_note",
          # a standing conflict's fields
          "teacher_id": "jury_page.standing_teacher", "school_id": "jury_page.standing_school",
          "relation": "jury_page.standing_relation", "note": "jury_page.conflict_note"}


# --- callbacks (they run before the page script: they re-read the actor) -------------------


def _save(assignment_id: int, item_id: str, field: str, key: str) -> None:
    """on_change: save one field of the juror's draft for one criterion or gate."""
    current = actor()
    if current is None:
        return
    value = st.session_state[key]  # (an on_change callback: its widget's value is there)
    errors = st.session_state.setdefault(ERRORS, {})
    try:
        with transaction() as session:
            jury.save_score(session, actor=current, assignment_id=assignment_id, item_id=item_id, **{field: value})
    except ServiceError as error:
        errors[assignment_id, item_id] = error
    else:
        errors.pop((assignment_id, item_id), None)


def _open(application_id: int | None) -> None:
    st.session_state[OPEN] = application_id
    st.session_state[SUBMITTING] = None
    st.session_state.pop(SUBMIT_ERROR, None)
    st.session_state.pop(CONFLICT_ERROR, None)


def _open_next(round_id: int, after: int | None) -> None:
    """on_click: open the round's next application not yet submitted, as the database has it
    now; stay where one is when none is left."""
    current = actor()
    if current is None:
        return
    with reading() as session:
        work = next((w for w in jury.my_work(session, actor=current).current if w.round_id == round_id), None)
    target = work.next_application(after=after) if work is not None else None
    if target is None:
        st.session_state[FLASH] = "jury_deadline.nothing_left"
    else:
        _open(target)


def show_flash() -> None:
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.success(_(flash), icon=":material/check_circle:")


# --- helpers ----------------------------------------------------------------------------------


def item_name(rubric, item_id: str) -> str:
    try:
        return rubric.item(item_id).name.get(lang())
    except KeyError:
        return item_id


def show_refusal(error: Exception, rubric=None) -> None:
    """A service refusal in words. Field errors are named after the rubric's criteria
    (submission) or the field of the form (a draft)."""
    if not isinstance(error, InvalidInput):
        show_error(error)
        return
    st.error(error_text(error))
    for field_error in error.errors:
        if field_error.field in FIELDS:
            label = _(FIELDS[field_error.field])
        elif rubric is not None:
            label = item_name(rubric, field_error.field)
        else:
            label = field_error.field
        message = field_error_text(field_error)
        if field_error.key == "jury.errors.not_scored":
            message = _("jury_page.not_scored")
        st.caption(f"{escape_markdown(label)}: {message}")


def safe_link(url: str) -> str:
    """A Markdown link to an evidence address (http/https only, checked by the service):
    the shown text escaped, the target with every character that could end it encoded."""
    target = quote(url, safe=":/?#[]@!$&'*+,;=%-._~")
    target = target.replace("(", "%28").replace(")", "%29").replace("[", "%5B").replace("]", "%5D")
    return f"[{escape_markdown(url)}]({target})"


def status_text(item: jury.AssignmentItem) -> str:
    if item.submitted_at is not None:
        return _("jury_page.status_submitted", date=format_date(item.submitted_at, lang()))
    if item.scored:
        return _("jury_page.status_draft")
    return _("jury_page.status_not_started")


def deadline_text(work: jury.RoundWork) -> str | None:
    """"Scoring deadline: 12 March 2027 (5 days left)"; the days left (or late) only while
    applications are left; None without a deadline."""
    if work.scoring_deadline is None:
        return None
    day = format_date(work.scoring_deadline, lang())
    left = work.days_left
    if not work.current or work.submitted >= work.total or left is None:
        return _("jury_deadline.deadline_done", date=day)
    if left > 0:
        when = _("jury_deadline.days_left", count=left)
    elif left == 0:
        when = _("jury_deadline.today")
    else:
        when = _("jury_deadline.days_late", count=-left)
    return _("jury_deadline.deadline", date=day, when=when)


# --- the list -----------------------------------------------------------------------------------


def show_list(current) -> None:
    st.title(_("jury_page.title"))
    st.caption(_("jury_page.intro"))
    show_flash()
    try:
        with reading() as session:
            work = jury.my_work(session, actor=current)
    except ServiceError as error:
        show_error(error)
        return
    if not work.current:
        st.info(_("jury_page.none"))
    for found in work.current:
        round_block(found)
    if work.past:
        with st.expander(_("jury_deadline.past", count=len(work.past)), icon=":material/history:",
                         key="jury_past_rounds"):
            st.caption(_("jury_deadline.past_help"))
            for found in work.past:
                round_block(found)
    standing_block(current)


def declare_standing(current) -> None:
    """on_click: declare a standing conflict of the juror's own; asked again (the box ticked)
    when it takes away applications they saved scores on."""
    values = {"relation": st.session_state.get("jw_standing_relation"), "note": st.session_state.get("jw_standing_note", ""),
              "confirm": bool(st.session_state.get("jw_standing_confirm"))}
    if st.session_state.get("jw_standing_with") == "school":
        values["school_id"] = st.session_state.get("jw_standing_school")
    else:
        values["teacher_email"] = st.session_state.get("jw_standing_email", "")
    try:
        with transaction() as session:
            jury.record_standing_conflict(session, actor=current, **values)
    except ServiceError as error:
        st.session_state[STANDING_ERROR] = error
        return
    st.session_state.pop(STANDING_ERROR, None)
    for key in ("jw_standing_note", "jw_standing_email", "jw_standing_confirm"):
        st.session_state.pop(key, None)
    st.session_state[FLASH] = "jury_page.standing_done"


def standing_block(current) -> None:
    """The teachers and schools the juror may never judge, and a form to declare one: a
    school from the list or a teacher by e-mail address (no list of teachers for jurors)."""
    with reading() as session:
        mine = jury.list_standing_conflicts(session, actor=current)
        schools = jury.standing_choices(session, actor=current).schools
    with st.expander(_("jury_page.standing", count=len(mine)), icon=":material/person_off:", key="jw_exp_standing"):
        st.caption(_("jury_page.standing_help"))
        for found in mine:
            st.markdown("- " + escape_markdown(f"{found.about(lang())}: {_(f'jury.standing_relation.{found.relation}')}"))
        relations = {r: _(f"jury.standing_relation.{r}") for r in ("personal", "former_colleague", "other")}
        withs = {"teacher": _("jury_page.standing_teacher"), "school": _("jury_page.standing_school")}
        names = {i: f"{name} ({country})" for i, name, country in schools}
        st.radio(_("jury_page.standing_with"), options=list(withs), format_func=withs.__getitem__, horizontal=True,
                 key="jw_standing_with")
        if st.session_state.get("jw_standing_with", "teacher") == "school":
            st.selectbox(_("jury_page.standing_school"), options=list(names), format_func=names.__getitem__,
                         index=None, key="jw_standing_school")
        else:
            st.text_input(_("jury_page.standing_email"), key="jw_standing_email")
        st.selectbox(_("jury_page.standing_relation"), options=list(relations), format_func=relations.__getitem__,
                     key="jw_standing_relation")
        st.text_area(_("jury_page.conflict_note"), key="jw_standing_note", max_chars=jury.NOTE_MAX, height=80)
        st.checkbox(_("jury_page.standing_confirm"), key="jw_standing_confirm")
        st.button(_("jury_page.standing_button"), key="jury_standing", icon=":material/person_off:",
                  on_click=declare_standing, args=(current,))
        if STANDING_ERROR in st.session_state:
            show_refusal(st.session_state[STANDING_ERROR])


def round_block(work: jury.RoundWork) -> None:
    """One round's applications, with its count, deadline and "Next application"."""
    st.subheader(escape_markdown(work.round_name))
    text = deadline_text(work)
    if work.late and text:
        st.caption(_(f"jury.status.{work.round_status.value}"))
        st.warning(text, icon=":material/alarm:")
    else:
        st.caption(" · ".join(part for part in (_(f"jury.status.{work.round_status.value}"), text) if part))
    st.progress(work.submitted / work.total if work.total else 0.0,
                text=_("jury_page.list_progress", count=work.submitted, total=work.total))
    if work.current and work.next_application() is not None:
        st.button(_("jury_deadline.next"), type="primary", icon=":material/skip_next:",
                  key=f"jury_next_{work.round_id}", on_click=_open_next, args=(work.round_id, None))
    for item in work.items:
        with st.container(border=True, key=f"jury_item_{item.application_id}"):
            left, right = st.columns([4, 1], vertical_alignment="center")
            with left:
                st.markdown(f"**{escape_markdown(item.project_title)}**")
                st.caption(" · ".join([
                    _("jury_page.scored", scored=item.scored, total=item.to_score),
                    status_text(item),
                ]))
                st.progress(item.scored / item.to_score if item.to_score else 0.0)
            with right:
                label = _("jury_page.read") if item.submitted_at is not None else _("jury_page.open")
                st.button(label, key=f"jury_open_{item.application_id}", icon=":material/rate_review:",
                          on_click=_open, args=(item.application_id,), width="stretch")


# --- one application ----------------------------------------------------------------------------


def survey_summary(view, item) -> None:
    """The audiences' comparable level (0-5) for this criterion, if the project has survey
    answers; a group too small to be shown apart says so."""
    if isinstance(item, Gate):
        return
    results = view.surveys
    parts = []
    for audience in results.audiences:
        if audience.respondents == 0:
            continue
        name = audience_name(audience.audience, lang())
        if audience.hidden:
            parts.append(_("jury_page.survey_hidden", audience=name, count=audience.respondents, min=results.min_group))
        elif audience.group.is_hidden(item.id) or audience.group.level(item.id) is None:
            parts.append(_("jury_page.survey_no_figure", audience=name))
        else:
            parts.append(_("jury_page.survey_level", audience=name, count=audience.respondents,
                           level=format_number(audience.group.level(item.id), lang())))
    if not parts:
        return
    st.markdown(f"**{_('jury_page.survey')}**")
    st.caption(_("jury_page.survey_help"))
    st.markdown("\n".join(f"- {part}" for part in parts))


def others_block(others, item) -> None:
    """After submission only: the other jurors' levels (pseudonyms), comments and notes."""
    st.markdown(f"**{_('jury_page.others')}**")
    if not others:
        st.caption(_("jury_page.others_none"))
        return
    for other in others:
        score = other.scores.get(item.id)
        level = _("levels.none") if score is None or score.level is None else _(
            "levels.chosen", level=score.level, label=item.level(score.level).label.get(lang()))
        lines = [f"- **{escape_markdown(_('jury.pseudonym.name', letter=other.pseudonym))}**: {level}"]
        if score is not None and score.comment.strip():
            lines.append(f"  - {_('jury_page.comment')}: {escape_markdown(score.comment.strip())}")
        if score is not None and score.private_note.strip():
            lines.append(f"  - {_('jury_page.private_note')}: {escape_markdown(score.private_note.strip())}")
        st.markdown("\n".join(lines))


def item_block(view, item, others, *, editable: bool) -> None:
    own = view.scores.get(item.id)
    chosen = own.level if own else None
    name = item.name.get(lang())
    status = _("jury_page.not_scored") if chosen is None else _(
        "levels.chosen", level=chosen, label=item.level(chosen).label.get(lang()))
    icon = ":material/check_circle:" if chosen is not None else ":material/radio_button_unchecked:"
    with st.expander(f"{name} — {status}", icon=icon, key=f"jw_exp_{view.application_id}_{item.id}"):
        if isinstance(item, Gate):
            st.caption(_("jury_page.gate_of", criterion=view.rubric.criterion(item.criterion).name.get(lang()),
                         minimum=item.minimum))
        elif item.independent:
            st.caption(_("jury_page.independent"))
        elif item.minimum is not None:
            st.caption(_("jury_page.minimum", minimum=item.minimum))
        if item.id in view.recheck_criteria:
            st.caption(_("jury_page.recheck_this"))
        st.markdown(item.guidance.get(lang()))
        levels_side_by_side(item, chosen)

        st.markdown(f"**{_('jury_page.teacher_text')}**")
        text = view.texts.get(item.id, "").strip()
        if text:
            with st.container(border=True):
                st.markdown(escape_markdown(text))
        else:
            st.caption(_("jury_page.no_text"))
        survey_summary(view, item)

        prefix = f"jw{view.assignment_id}_{item.id}"
        st.segmented_control(
            _("jury_page.level"), options=list(LEVELS), default=chosen, key=f"{prefix}_level", disabled=not editable,
            on_change=_save, args=(view.assignment_id, item.id, "level", f"{prefix}_level"),
        )
        st.text_area(
            _("jury_page.comment"), value=own.comment if own else "", key=f"{prefix}_comment",
            max_chars=jury.COMMENT_MAX, help=_("jury_page.comment_help"), disabled=not editable, height=90,
            on_change=_save, args=(view.assignment_id, item.id, "comment", f"{prefix}_comment"),
        )
        st.text_area(
            _("jury_page.private_note"), value=own.private_note if own else "", key=f"{prefix}_note",
            max_chars=jury.NOTE_MAX, help=_("jury_page.private_note_help"), disabled=not editable, height=90,
            on_change=_save, args=(view.assignment_id, item.id, "private_note", f"{prefix}_note"),
        )
        if error := st.session_state.get(ERRORS, {}).get((view.assignment_id, item.id)):
            show_refusal(error)
        if others is not None:
            others_block(others, item)


def submit(current, view) -> None:
    st.session_state[SUBMITTING] = None
    try:
        with transaction() as session:
            jury.submit_scores(session, actor=current, assignment_id=view.assignment_id)
    except ServiceError as error:
        st.session_state[SUBMIT_ERROR] = error
        return
    st.session_state.pop(SUBMIT_ERROR, None)
    st.session_state[FLASH] = "jury_page.submitted"


def ask_to_submit(current, view, items) -> None:
    """The button asks for a confirmation when every level is there; otherwise the service
    is asked at once and its refusal names the criteria still without a level."""
    missing = [i for i in items if not (view.scores.get(i.id) and view.scores[i.id].level is not None)]
    if missing:
        submit(current, view)
    else:
        st.session_state[SUBMITTING] = view.application_id


def submit_block(current, view, items) -> None:
    st.divider()
    if view.submitted_at is not None:
        st.success(_("jury_page.is_submitted", date=format_date(view.submitted_at, lang())), icon=":material/task_alt:")
        return
    if st.session_state.get(SUBMITTING) == view.application_id:
        st.warning(_("jury_page.submit_confirm"), icon=":material/send:")
        with st.container(horizontal=True):
            st.button(_("jury_page.submit_yes"), type="primary", key="jury_submit_yes", icon=":material/send:",
                      on_click=submit, args=(current, view))
            st.button(_("jury_page.cancel"), key="jury_submit_no",
                      on_click=st.session_state.__setitem__, args=(SUBMITTING, None))
    else:
        st.caption(_("jury_page.submit_help"))
        st.button(_("jury_page.submit"), type="primary", key="jury_submit", icon=":material/send:",
                  on_click=ask_to_submit, args=(current, view, items))
    if SUBMIT_ERROR in st.session_state:
        show_refusal(st.session_state[SUBMIT_ERROR], view.rubric)


def declare(current, application_id: int, key: str) -> None:
    try:
        with transaction() as session:
            jury.declare_conflict(session, actor=current, application_id=application_id,
                                  note=st.session_state.get(key, ""))
    except ServiceError as error:
        st.session_state[CONFLICT_ERROR] = error
        return
    st.session_state.pop(key, None)
    _open(None)
    st.session_state[FLASH] = "jury_page.conflict_done"


def conflict_block(current, view) -> None:
    if view.submitted_at is not None:
        return
    with st.expander(_("jury_page.conflict"), icon=":material/block:", key="jw_exp_conflict"):
        st.caption(_("jury_page.conflict_help"))
        key = f"jw_conflict_note_{view.application_id}"
        st.text_area(_("jury_page.conflict_note"), key=key, max_chars=jury.NOTE_MAX, height=80)
        st.button(_("jury_page.conflict_button"), key="jury_conflict", icon=":material/block:",
                  on_click=declare, args=(current, view.application_id, key))
        if CONFLICT_ERROR in st.session_state:
            show_refusal(st.session_state[CONFLICT_ERROR])


def project_facts(view) -> None:
    project = view.project
    facts = []
    if project.school:
        facts.append(escape_markdown(f"{project.school} ({project.country})" if project.country else project.school))
    if project.partners:
        countries = sorted({p.country for p in project.partners if getattr(p, "country", None)})
        facts.append(_("jury_page.partners", count=len(project.partners), countries=escape_markdown(", ".join(countries))))
    if project.start_date and project.end_date:
        facts.append(_("jury_page.dates", start=format_date(project.start_date, lang()),
                       end=format_date(project.end_date, lang())))
    if project.age_min is not None and project.age_max is not None:
        facts.append(_("jury_page.ages", min=project.age_min, max=project.age_max))
    if facts:
        st.caption(" · ".join(facts))
    if project.summary:
        st.markdown(escape_markdown(project.summary))


def show_application(current, application_id: int) -> None:
    try:
        with reading() as session:
            view = applications.application_for_juror(session, actor=current, application_id=application_id)
            work = jury.my_work(session, actor=current).round_of(application_id)
            # What the rules let this juror do now (the services check the same rules).
            facts = jury.application_facts(session, actor=current, application_id=application_id)
            # Blind scoring: the others' scores are read only once the juror's own are submitted.
            others = (jury.other_scores(session, actor=current, application_id=application_id)
                      if can(current, "application.view_other_scores", facts) else None)
            collected = collection.application_collection(session, actor=current, application_id=application_id)
    except ServiceError as error:
        st.button(_("jury_page.back"), icon=":material/arrow_back:", on_click=_open, args=(None,), key="jury_back")
        st.title(_("jury_page.title"))
        show_error(error)
        return
    with st.container(horizontal=True):
        st.button(_("jury_page.back"), icon=":material/arrow_back:", on_click=_open, args=(None,), key="jury_back")
        if work is not None and work.current and work.next_application(after=application_id) is not None:
            st.button(_("jury_deadline.next"), icon=":material/skip_next:", key="jury_next",
                      on_click=_open_next, args=(work.round_id, application_id))
    rubric = view.rubric
    items = [*rubric.criteria, *rubric.gates]
    needed = [*rubric.counted_criteria, *rubric.gates]
    st.title(escape_markdown(view.project.title))
    show_flash()
    st.caption(" · ".join([
        escape_markdown(view.round_name),
        _("jury_page.rubric", title=rubric.title.get(lang()), version=rubric.version),
        _("jury_page.letter_language", language=language_names().get(view.language, view.language)),
    ]))
    if work is not None and (text := deadline_text(work)):
        st.caption(text)
    project_facts(view)

    scored = sum(1 for i in items if view.scores.get(i.id) and view.scores[i.id].level is not None)
    st.progress(scored / len(items) if items else 0.0, text=_("jury_page.scored", scored=scored, total=len(items)))
    if view.submitted_at is None:
        st.caption(_("jury_page.saved_as_you_go"))
        st.info(_("jury_page.blind"), icon=":material/visibility_off:")

    if view.recheck_criteria or view.recheck_note:
        with st.container(border=True):
            st.markdown(f"**{_('jury_page.recheck')}**")
            if view.recheck_criteria:
                names = ", ".join(item_name(rubric, i) for i in view.recheck_criteria)
                st.markdown(_("jury_page.recheck_criteria", names=escape_markdown(names)))
            if view.recheck_note:
                st.markdown(_("jury_page.recheck_note", note=escape_markdown(view.recheck_note)))

    st.subheader(_("jury_page.evidence"))
    if view.evidence_links:
        st.markdown("\n".join(f"- {safe_link(link)}" for link in view.evidence_links))
    else:
        st.caption(_("jury_page.no_evidence"))
    if view.project.twinspace_url:
        st.caption(_("jury_page.twinspace"))
        st.markdown(f"- {safe_link(view.project.twinspace_url)}")

    if collected.ways:  # how the survey answers shown with the criteria were collected
        collection_block(collected, key="jury_collection")
    st.subheader(_("jury_page.criteria"))
    for criterion in rubric.criteria:
        item_block(view, criterion, others, editable=can(current, "application.score", facts))
    if rubric.gates:
        st.subheader(_("jury_page.gates"))
        st.caption(_("jury_page.gates_help"))
        for gate in rubric.gates:
            item_block(view, gate, others, editable=can(current, "application.score", facts))
    submit_block(current, view, needed)
    if can(current, "application.score", facts):
        conflict_block(current, view)


# --- the page -----------------------------------------------------------------------------------

current = require_permission("jury.score")
st.session_state.setdefault(OPEN, None)
if st.session_state[OPEN] is None:
    show_list(current)
else:
    show_application(current, st.session_state[OPEN])
