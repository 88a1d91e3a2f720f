"""Label applications, for teachers: the open rounds, applying with one of their projects,
following their applications, changing what they sent or withdrawing it while its round
is open (until its closing day included), and reading the
verdict and the jury's feedback once the office has published the round's decisions:
each rule that decided it (pass mark, minimums, gates, with the figures) and the jury's
summary (the office's consensus note),
with the letter and (for a label) the certificate to download.

Every rule is the service's (``applications.apply``): the page sends what was typed and
shows the refusals, named after the fields. Before publication the service gives nothing
of the jury's work; after it, the verdict, the levels and the jurors' comments (never
their names nor their private notes). Texts typed by people are shown as escaped Markdown.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

import streamlit as st

from assess.domain.jury import RoundStatus
from assess.domain.permissions import can
from assess.domain.readiness import ELIGIBILITY_QUESTIONS
from assess.domain.states import Verdict
from assess.i18n import language_names, languages
from assess.i18n.formats import format_date, format_number, format_percent
from assess.reports.reasons import override_note, reason_lines
from assess.services import applications, decisions, letters, projects, rounds
from assess.services.applications import ApplicationStatus, TeacherView
from assess.services.errors import ServiceError
from assess.ui.project_picker import PAGES
from assess.ui.runtime import _, code_span, escape_markdown, lang, reading, require_permission, show_error, transaction

FLASH = "applications_flash"  # message key shown once after a rerun
WITHDRAW = "applications_withdraw"  # application id waiting for the withdrawal confirmation
ROUND_PICKER, PROJECT_PICKER = "applications_round", "applications_project"

STATUS_COLOURS: dict[str, Literal["violet", "blue", "orange", "green", "gray"]] = {
    ApplicationStatus.DRAFT: "violet",
    ApplicationStatus.SUBMITTED: "blue",
    ApplicationStatus.UNDER_REVIEW: "orange",
    ApplicationStatus.DECIDED: "green",
    ApplicationStatus.WITHDRAWN: "gray",
}
RULE_ICONS = {True: ":green[:material/check_circle:]", False: ":red[:material/cancel:]",
              None: ":gray[:material/pending:]"}
FIELD_LABELS = {
    "eligibility": "applications_page.eligibility",
    "evidence_links": "applications_page.evidence",
    "language": "applications_page.language",
    "resubmission_of": "applications_page.resubmission",
    "recheck_criteria": "applications_page.recheck_criteria",
    "recheck_note": "applications_page.recheck_note",
}


def show_refusal(error: Exception, rubric=None) -> None:
    """A service refusal in words; field errors named after the form's fields (a text
    after its criterion)."""

    def field_name(field: str) -> str:
        head, _dot, rest = field.partition(".")
        if head == "texts" and rubric is not None:
            try:
                return escape_markdown(rubric.item(rest).name.get(lang()))
            except KeyError:
                return escape_markdown(rest)
        return _(FIELD_LABELS[head]) if head in FIELD_LABELS else escape_markdown(head)

    show_error(error, label=field_name)


def round_line(summary) -> str:
    return " · ".join([
        _(f"jury.kind.{summary.kind}"),
        _("applications_page.dates", opens_on=format_date(summary.opens_on, lang()),
          closes_on=format_date(summary.closes_on, lang())),
        _("applications_page.rubric", rubric=summary.rubric_id, version=summary.rubric_version),
    ])


# --- applying ---------------------------------------------------------------------------------


def forget_form(prefix: str) -> None:
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix)]:
        del st.session_state[key]


def fill_from_draft(prefix: str, draft: TeacherView | None) -> None:
    """A kept draft fills the form once (what is typed afterwards stays)."""
    if draft is None or st.session_state.get(f"{prefix}filled"):
        return
    st.session_state[f"{prefix}filled"] = True
    for criterion_id, text in draft.texts.items():
        st.session_state[f"{prefix}text_{criterion_id}"] = text
    st.session_state[f"{prefix}links"] = "\n".join(draft.evidence_links)


def application_form(current, summary, project_id: int, refused: TeacherView | None,
                     draft: TeacherView | None = None) -> None:
    with reading() as session:
        rubric = rounds.rubric_of(rounds.get_round(session, actor=current, round_id=summary.id))
    prefix = f"ap_{summary.id}_{project_id}_"
    fill_from_draft(prefix, draft)
    if draft is not None:
        st.info(_("applications_page.draft_kept"), icon=":material/edit_note:")
    if refused is not None:
        st.info(_("applications_page.refused_before", round=escape_markdown(refused.round_name)),
                icon=":material/replay:")
    with st.form(f"{prefix}form", border=True):
        st.markdown(f"**{_('applications_page.eligibility')}**")
        st.caption(_("applications_page.eligibility_help"))
        answers = {
            q: st.radio(_(f"eligibility.question.{q}"), options=[True, False], index=None, horizontal=True,
                        format_func=lambda yes: _("applications_page.yes") if yes else _("applications_page.no"),
                        key=f"{prefix}elig_{q}")
            for q in ELIGIBILITY_QUESTIONS
        }
        st.markdown(f"**{_('applications_page.texts')}**")
        st.caption(_("applications_page.texts_help", max=applications.TEXT_MAX))
        texts = {
            c.id: st.text_area(c.name.get(lang()), help=c.guidance.get(lang()), max_chars=applications.TEXT_MAX,
                               key=f"{prefix}text_{c.id}", height=110)
            for c in rubric.criteria
        }
        links = st.text_area(_("applications_page.evidence"), key=f"{prefix}links", height=90,
                             placeholder=_("applications_page.evidence_help"), help=_("applications_page.evidence_help"))
        language = st.selectbox(_("applications_page.language"), options=list(languages()), format_func=language_names().__getitem__,
                                index=list(languages()).index(lang()), key=f"{prefix}language",
                                help=_("applications_page.language_help"))
        recheck, note = [], ""
        if refused is not None:
            st.markdown(f"**{_('applications_page.recheck')}**")
            items = [*rubric.criteria, *rubric.gates]
            names = {i.id: i.name.get(lang()) for i in items}
            recheck = st.multiselect(_("applications_page.recheck_criteria"), options=list(names),
                                     format_func=names.__getitem__, key=f"{prefix}recheck")
            note = st.text_area(_("applications_page.recheck_note"), key=f"{prefix}recheck_note",
                                max_chars=applications.RECHECK_NOTE_MAX, help=_("applications_page.recheck_note_help"))
        with st.container(horizontal=True):
            sent = st.form_submit_button(_("applications_page.send"), type="primary", icon=":material/send:")
            kept = st.form_submit_button(_("applications_page.keep_draft"), icon=":material/save:")
    if kept and not sent:
        try:
            with transaction() as session:
                applications.save_draft(
                    session, actor=current, round_id=summary.id, project_id=project_id, eligibility=answers,
                    texts={k: v for k, v in texts.items() if v.strip()}, evidence_links=links, language=language,
                    recheck_criteria=recheck, recheck_note=note)
        except ServiceError as error:
            show_refusal(error, rubric)
            return
        st.session_state[FLASH] = "applications_page.draft_saved"
        st.rerun()
    if not sent:
        return
    try:
        with transaction() as session:
            applications.apply(
                session, actor=current, round_id=summary.id, project_id=project_id, eligibility=answers,
                texts={k: v for k, v in texts.items() if v.strip()}, evidence_links=links, language=language,
                resubmission_of=refused.id if refused is not None else None, recheck_criteria=recheck,
                recheck_note=note,
            )
    except ServiceError as error:
        show_refusal(error, rubric)  # what was typed stays in the form
        return
    forget_form(prefix)
    st.session_state[FLASH] = "applications_page.sent"
    st.rerun()


def apply_section(current, open_rounds, own_projects, mine, allowance: applications.Allowance,
                  labelled: applications.LabelledThisYear) -> None:
    st.subheader(_("applications_page.apply"))
    if allowance.reached:  # said now, rather than refused after the whole form is filled in
        st.info(_("applications_page.limit_reached", count=allowance.limit, year=allowance.year), icon=":material/block:")
        return
    if not open_rounds:
        st.info(_("applications_page.no_open_round"))
        return
    if not own_projects:
        st.info(_("projects_page.none_yet"))
        st.page_link(f"{PAGES}/projects.py", label=_("projects_page.go_create"), icon=":material/add:")
        return
    by_round = {r.id: r for r in open_rounds}
    titles = dict(own_projects)
    left, right = st.columns(2)
    round_id = left.selectbox(_("applications_page.round"), options=list(by_round), key=ROUND_PICKER,
                              format_func=lambda rid: by_round[rid].name)
    wanted = st.session_state.get("project_id")
    project_id = right.selectbox(_("applications_page.project"), options=list(titles), key=PROJECT_PICKER,
                                 index=list(titles).index(wanted) if wanted in titles else 0,
                                 format_func=titles.__getitem__)
    summary = by_round[round_id]
    st.caption(round_line(summary))
    if any(v.round_id == round_id and v.project_id == project_id
           and v.status not in (ApplicationStatus.WITHDRAWN, ApplicationStatus.DRAFT) for v in mine):
        st.info(_("applications_page.already"), icon=":material/check_circle:")
        return
    if project_id in labelled.project_ids:  # said now, rather than refused after the whole form is filled in
        st.info(_("jury.errors.labelled_this_year", year=labelled.year), icon=":material/workspace_premium:")
        return
    refused = next((v for v in mine if v.project_id == project_id and v.round_id != round_id
                    and v.verdict == Verdict.NO_LABEL), None)
    draft = next((v for v in mine if v.round_id == round_id and v.project_id == project_id
                  and v.status == ApplicationStatus.DRAFT), None)
    application_form(current, summary, project_id, refused, draft)


# --- the teacher's applications -------------------------------------------------------------


def edit_form(current, view: TeacherView, closes_on: date | None) -> None:
    """What was sent, to change until the round closes (``applications.edit``, which checks
    the texts as sending does): each criterion's text and the evidence links."""
    prefix = f"ap_edit_{view.id}_"
    with st.expander(_("applications_page.edit"), icon=":material/edit:", key=f"{prefix}box"):
        st.caption(_("applications_page.edit_help", closes_on=format_date(closes_on, lang()) if closes_on else "",
                     max=applications.TEXT_MAX))
        with st.form(f"{prefix}form", border=False):
            texts = {
                c.id: st.text_area(c.name.get(lang()), value=view.texts.get(c.id, ""), help=c.guidance.get(lang()),
                                   max_chars=applications.TEXT_MAX, key=f"{prefix}text_{c.id}", height=110)
                for c in view.rubric.criteria
            }
            links = st.text_area(_("applications_page.evidence"), value="\n".join(view.evidence_links),
                                 key=f"{prefix}links", height=90, help=_("applications_page.evidence_help"))
            saved = st.form_submit_button(_("applications_page.edit_save"), type="primary", icon=":material/save:")
    if not saved:
        return
    try:
        with transaction() as session:
            applications.edit(session, actor=current, application_id=view.id,
                              texts={k: v for k, v in texts.items() if v.strip()}, evidence_links=links)
    except ServiceError as error:
        show_refusal(error, view.rubric)  # what was typed stays in the form
        return
    st.session_state[FLASH] = "applications_page.edited"
    st.rerun()


def withdraw(current, application_id: int) -> None:
    try:
        with transaction() as session:
            applications.withdraw(session, actor=current, application_id=application_id)
    except ServiceError as error:
        show_error(error)
        return
    st.session_state[WITHDRAW] = None
    st.session_state[FLASH] = "applications_page.withdrawn"
    st.rerun()


def withdrawal(current, view: TeacherView) -> None:
    if st.session_state.get(WITHDRAW) != view.id:
        st.button(_("applications_page.withdraw"), key=f"withdraw_{view.id}", icon=":material/undo:",
                  on_click=st.session_state.__setitem__, args=(WITHDRAW, view.id))
        return
    st.warning(_("applications_page.withdraw_confirm", title=escape_markdown(view.project_title)),
               icon=":material/undo:")
    with st.container(horizontal=True):
        if st.button(_("applications_page.withdraw_yes"), type="primary", key=f"withdraw_yes_{view.id}"):
            withdraw(current, view.id)
        st.button(_("applications_page.cancel"), key=f"withdraw_no_{view.id}",
                  on_click=st.session_state.__setitem__, args=(WITHDRAW, None))


def why(view: TeacherView, verdict: decisions.JuryVerdict | None) -> None:
    """Each rule that decided the verdict, met or not, with its figures; then the jury's summary."""
    if verdict is None:
        return
    lines = reason_lines(verdict.reasons, rubric=view.rubric, lang=lang())
    st.markdown(f"**{_('reasons.heading')}**\n\n"
                + "  \n".join(f"{RULE_ICONS[line.met]} {escape_markdown(line.text)}" for line in lines))
    note = override_note(verdict.reasons, lang=lang())
    if note:
        st.caption(note)
    if verdict.summary:
        with st.container(border=True):
            st.markdown(f"**{_('reasons.summary')}**\n\n"
                        + "  \n".join(escape_markdown(line) for line in verdict.summary.splitlines()))


def feedback(view: TeacherView, verdict: decisions.JuryVerdict | None = None) -> None:
    """After publication: the verdict, the total, why (the rules and the jury's summary),
    and the level and comments per criterion."""
    rubric = view.rubric
    if view.verdict == Verdict.LABEL:
        st.success(_("jury.outcome.label"), icon=":material/workspace_premium:")
    else:
        st.warning(_("jury.outcome.no_label"), icon=":material/info:")
    figures = st.columns(3)
    figures[0].metric(_("applications_page.total"),
                      _("applications_page.total_value", total=format_number(view.total, lang()),
                        maximum=format_number(rubric.maximum, lang())))
    figures[1].metric(_("applications_page.percentage"),
                      format_percent(None if view.percentage is None else view.percentage / 100, lang()))
    if view.published_at is not None:
        figures[2].metric(_("applications_page.published"), format_date(view.published_at, lang()))
    why(view, verdict)
    st.markdown(f"**{_('applications_page.feedback')}**")
    for item in view.feedback:
        name = rubric.item(item.item_id).name.get(lang())
        level = (_("applications_page.no_level") if item.level is None
                 else _("applications_page.level", level=format_number(item.level, lang())))
        lines = [f"**{escape_markdown(name)}** — {level}"]
        if item.comments:
            lines += [f"- {escape_markdown(comment)}" for comment in item.comments]
        else:
            lines.append(f"- {_('applications_page.no_comment')}")
        with st.container(border=True):
            st.markdown("\n".join(lines))


def documents(current, view: TeacherView) -> None:
    """The verdict letter and, for a label, the certificate, to download once the round is
    published (``letters.teacher_documents`` says whether); each PDF is made only when its
    button is clicked (a callable, run by Streamlit on the click)."""
    try:
        with reading() as session:
            found = letters.teacher_documents(session, actor=current, application_id=view.id)
    except ServiceError:
        return  # not published yet, or not theirs: nothing to offer
    with st.container(horizontal=True, key=f"documents_{view.id}"):
        st.download_button(_("applications_page.documents.letter"), data=found.letter_pdf,
                           file_name=found.letter_filename, mime="application/pdf", on_click="ignore",
                           icon=":material/mail:", key=f"letter_{view.id}")
        if found.certificate is not None:
            st.download_button(_("applications_page.documents.certificate"), data=found.certificate_pdf,
                               file_name=found.certificate_filename, mime="application/pdf", on_click="ignore",
                               icon=":material/workspace_premium:", key=f"certificate_{view.id}")


def what_was_sent(view: TeacherView) -> None:
    with st.expander(_("applications_page.sent_texts"), icon=":material/description:", key=f"ap_sent_{view.id}"):
        for criterion in view.rubric.criteria:
            text = view.texts.get(criterion.id, "").strip()
            st.markdown(f"**{escape_markdown(criterion.name.get(lang()))}**")
            if text:
                st.markdown(escape_markdown(text))
            else:
                st.caption(_("applications_page.no_text"))
        if view.evidence_links:
            st.markdown(f"**{_('applications_page.evidence')}**")
            st.markdown("\n".join(f"- {code_span(link)}" for link in view.evidence_links))


def application_box(current, view: TeacherView, verdict: decisions.JuryVerdict | None = None,
                    closes_on: date | None = None) -> None:
    with st.container(border=True, key=f"application_{view.id}"):
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(f"**{escape_markdown(view.project_title)}**")
            st.badge(_(f"jury.application_status.{view.status}"), color=STATUS_COLOURS.get(view.status, "gray"))
        facts = [escape_markdown(view.round_name),
                 _("applications_page.sent_on", date=format_date(view.submitted_at, lang()))]
        if view.withdrawn_at is not None:
            facts.append(_("applications_page.withdrawn_on", date=format_date(view.withdrawn_at, lang())))
        st.caption(" · ".join(facts))
        if view.status == ApplicationStatus.DECIDED:
            feedback(view, verdict)
            documents(current, view)
        elif view.status == ApplicationStatus.SUBMITTED:
            st.caption(_("applications_page.waiting_open"))
        elif view.status == ApplicationStatus.DRAFT:
            st.caption(_("applications_page.draft_help"))
        elif view.status == ApplicationStatus.UNDER_REVIEW:
            st.caption(_("applications_page.waiting_jury"))
        if view.status != ApplicationStatus.WITHDRAWN:
            what_was_sent(view)
        if view.status == ApplicationStatus.SUBMITTED:  # the round is open: it may still change
            edit_form(current, view, closes_on)
        if view.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.DRAFT):
            withdrawal(current, view)


# --- the page -----------------------------------------------------------------------------------

current = require_permission("project.create")  # teachers: they apply with their own projects
st.title(_("applications_page.title"))
st.caption(_("applications_page.intro"))
try:
    with reading() as session:
        summaries = rounds.list_rounds(session, actor=current)
        mine = applications.my_applications(session, actor=current)
        verdicts = {v.id: decisions.published_verdict(session, actor=current, application_id=v.id)
                    for v in mine if v.status == ApplicationStatus.DECIDED}
        own_projects = [(p.id, p.title) for p in projects.list_projects(session, actor=current)
                        if can(current, "application.apply", p)]
        left = applications.allowance(session, actor=current)
        labelled = applications.labelled_this_year(session, actor=current)
except ServiceError as error:
    show_error(error)
    st.stop()

flash = st.session_state.pop(FLASH, None)
if flash:
    st.success(_(flash), icon=":material/check_circle:")

open_rounds = [r for r in summaries if r.status is RoundStatus.OPEN and r.kind != "eql"]
st.subheader(_("applications_page.open_rounds"))
if open_rounds:
    for summary in open_rounds:
        st.markdown(f"- **{escape_markdown(summary.name)}** · {round_line(summary)}")
else:
    st.caption(_("applications_page.no_open_round"))
st.caption(_("applications_page.limit", count=left.used, max=left.limit, year=left.year))

apply_section(current, open_rounds, own_projects, mine, left, labelled)

st.subheader(_("applications_page.mine"))
if not mine:
    st.caption(_("applications_page.none"))
closing = {r.id: r.closes_on for r in summaries}
for view in mine:
    application_box(current, view, verdicts.get(view.id), closing.get(view.round_id))
