"""Surveys: the teacher asks pupils, families or partner teachers about the project.

A campaign is one audience of one project, answered with a public link or with
single-use codes printed on slips. Codes exist in clear only in the slips PDF made when
they are issued: the PDF is kept in this browser session for the download and nowhere
else, and the page says it cannot be made again. Slips lost, or printed with a wrong address,
are replaced: the unused codes are voided and a new sheet is made (campaigns.reissue_codes).

The address printed on slips and in links is shown before any is made, with a warning in
words while nobody has set it or it points to the server's own computer.

Project titles are typed by teachers: shown as plain text (escaped Markdown).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

import segno
import streamlit as st

from assess import clock, i18n
from assess.domain.questionnaire import Audience, Display
from assess.domain.states import CampaignMode, CampaignStatus
from assess.i18n.formats import format_date
from assess.reports.slips import render_slips_pdf, slip_language
from assess.reports.survey import audience_name, percent
from assess.services import campaigns, link_guard, projects, questionnaires
from assess.services.campaigns import MAX_CODES, CampaignSummary
from assess.services.errors import ServiceError
from assess.services.settings import AddressProblem, PublicAddress
from assess.ui.project_picker import PAGES, pick_project
from assess.ui.runtime import _, code_span, escape_markdown, lang, reading, require_permission, show_error, transaction

SLIPS = "surveys_slips"  # campaign id -> (PDF bytes, number of codes) of the codes just issued
CLOSING = "surveys_closing"  # campaign id waiting for the closing confirmation
REISSUING = "surveys_reissuing"  # campaign id waiting for the confirmation to replace its unused codes
FLASH = "surveys_flash"  # message key shown once after a rerun
FIELDS = ("audience", "mode", "languages", "opens_on", "closes_on", "count", "questionnaire")
STATUS_COLOURS: dict[CampaignStatus, Literal["blue", "green", "gray"]] = {
    CampaignStatus.SCHEDULED: "blue", CampaignStatus.OPEN: "green", CampaignStatus.CLOSED: "gray"}


@dataclass(frozen=True)
class ProjectFacts:
    """What this page reads of the chosen project."""

    id: int
    title: str
    age_max: int


def field_name(field: str) -> str:
    """This form's names for the campaign's fields."""
    return _(f"surveys_page.field.{field}") if field in FIELDS else field


def show_service_error(error: ServiceError) -> None:
    show_error(error, label=field_name)


def slip_language_choice(languages, key: str) -> str:
    """Which language the slips are printed in: the audience's by default (the campaign's
    only language), else the page's; asked when the campaign offers more than one, since a
    teacher may print in another language than the one they read (assess.reports.slips)."""
    offered = [language for language in i18n.languages() if language in languages] or list(i18n.languages())
    proposed = slip_language(offered, lang())
    if len(offered) == 1:
        return proposed
    chosen = st.selectbox(_("surveys_page.field.slip_language"), options=offered, index=offered.index(proposed),
                          format_func=i18n.language_names().__getitem__, help=_("surveys_page.slip_language_help"), key=key)
    return chosen or proposed


def make_slips(current, campaign_id: int, count: int | None, slip_lang: str | None = None) -> None:
    """Issue ``count`` codes (None: replace the unused ones) and keep their slips PDF in this
    session, for the download only. ``slip_lang``: the slips' language (default: the
    audience's, see assess.reports.slips.slip_language)."""
    with transaction() as session:
        campaign = campaigns.get_campaign(session, actor=current, campaign_id=campaign_id)
        if count is None:
            codes = campaigns.reissue_codes(session, actor=current, campaign_id=campaign_id)
        else:
            codes = campaigns.issue_codes(session, actor=current, campaign_id=campaign_id, count=count)
        links = campaigns.slip_links(session, actor=current, campaign_id=campaign_id, codes=codes)
        address = campaigns.public_address(session, actor=current).url
        title, audience, languages = campaign.project.title, campaign.audience, list(campaign.languages)
    with st.spinner(_("surveys_page.making_slips")):
        pdf = render_slips_pdf(codes=codes, links=links, address=address, project_title=title, audience=audience,
                               lang=slip_lang or slip_language(languages, lang()), languages=languages)
    st.session_state.setdefault(SLIPS, {})[campaign_id] = (pdf, len(codes))


def address_warning(address: PublicAddress) -> None:
    """What is wrong with the address slips and links carry, and who sets it (nothing if right)."""
    if address.problem is AddressProblem.LOOPBACK:
        st.error(_("public_address.loopback", url=code_span(address.url)), icon=":material/link_off:")
    elif address.problem is AddressProblem.UNSET:
        st.warning(_("public_address.unset", url=code_span(address.url)), icon=":material/warning:")


def address_notice(address: PublicAddress) -> None:
    """The address shown before any slip or link is made."""
    st.markdown(_("public_address.in_use", url=code_span(address.url)))
    address_warning(address)


def qr_png(link: str) -> bytes:
    buffer = io.BytesIO()
    segno.make_qr(link, error="m").save(buffer, kind="png", scale=8, border=2)
    return buffer.getvalue()


# --- the creation form ---------------------------------------------------------------------

def proposal_hint(proposed, age_max: int) -> str:
    """Why this version is preselected: the oldest pupils' age and the ages it is made for."""
    if proposed.ages and proposed.ages[0] <= age_max <= proposed.ages[1]:
        return _("surveys_page.proposed_for_ages", age=age_max, low=proposed.ages[0], high=proposed.ages[1])
    return _("surveys_page.proposed_no_fit", age=age_max)


def create_form(current, project: ProjectFacts) -> None:
    prefix = "sv_new_"
    # Texts fixed in this run's language: a format_func may be called after the run.
    audiences = {a.value: audience_name(a.value, lang()) for a in Audience}
    audience = st.radio(_("surveys_page.field.audience"), options=list(audiences), format_func=audiences.__getitem__,
                        horizontal=True, key=f"{prefix}audience")
    try:
        proposed = campaigns.questionnaire_for(audience=Audience(audience), age_max=project.age_max)
    except ServiceError as error:
        show_error(error)
        return
    # Every installed version for this audience may be chosen, the one for the pupils' ages first.
    offered = {q.id: q for q in questionnaires.for_audience(audience)}
    questionnaire = proposed
    if len(offered) > 1:
        names = {qid: _("surveys_page.questionnaire_option", title=q.title.get(lang()), count=len(q.items))
                 for qid, q in offered.items()}
        chosen = st.radio(_("surveys_page.field.questionnaire"), options=list(names), format_func=names.__getitem__,
                          index=list(names).index(proposed.id), key=f"{prefix}questionnaire_{audience}")
        st.caption(proposal_hint(proposed, project.age_max))
        questionnaire = offered[chosen]
    with st.container(border=True):
        st.markdown(_("surveys_page.questionnaire_chosen", title=questionnaire.title.get(lang()),
                      count=len(questionnaire.items)))
        if questionnaire.display is Display.ONE_AT_A_TIME:
            st.caption(_("surveys_page.faces_version"))
        elif questionnaire.ages:
            st.caption(_("surveys_page.ages_version", low=questionnaire.ages[0], high=questionnaire.ages[1]))
        with st.expander(_("surveys_page.see_questions"), icon=":material/list:"):
            st.markdown("\n".join(f"1. {item.text.get(lang())}" for item in questionnaire.items))
    modes = {m: _(f"surveys_page.mode.{m}") for m in (CampaignMode.CODES.value, CampaignMode.LINK.value)}
    mode = st.radio(_("surveys_page.field.mode"), options=list(modes), format_func=modes.__getitem__,
                    captions=[_(f"surveys_page.mode_help.{m}") for m in modes], key=f"{prefix}mode")
    languages = st.pills(_("surveys_page.field.languages"), options=list(i18n.languages()),
                         format_func=i18n.language_names().__getitem__, selection_mode="multi",
                         default=list(i18n.languages()), key=f"{prefix}languages")
    left, right = st.columns(2)
    today = clock.today()
    opens_on = left.date_input(_("surveys_page.field.opens_on"), value=today, format="YYYY-MM-DD", key=f"{prefix}opens")
    closes_on = right.date_input(_("surveys_page.field.closes_on"), value=today + timedelta(days=21), format="YYYY-MM-DD",
                                 key=f"{prefix}closes")
    one_per_device = one_per_device_choice(mode, prefix)
    count, slip_lang = None, None
    if mode == CampaignMode.CODES:
        count = st.number_input(_("surveys_page.field.count"), min_value=1, max_value=MAX_CODES, value=25, step=1,
                                help=_("surveys_page.count_help"), key=f"{prefix}count")
        slip_lang = slip_language_choice(languages or [], f"{prefix}slip_language")
    if not st.button(_("surveys_page.create"), type="primary", icon=":material/add:", key=f"{prefix}create"):
        return
    try:
        with transaction() as session:
            campaign = campaigns.create_campaign(
                session, actor=current, project_id=project.id, audience=audience, mode=mode,
                languages=list(languages or []), opens_on=opens_on, closes_on=closes_on,
                questionnaire_id=questionnaire.id,
            )
            campaign_id = campaign.id
            if not one_per_device:
                link_guard.set_one_response_per_device(session, actor=current, campaign_id=campaign_id,
                                                       one_per_device=False)
        if count:
            make_slips(current, campaign_id, int(count), slip_lang)
    except ServiceError as error:
        show_service_error(error)
        return
    st.session_state[FLASH] = "surveys_page.created"
    st.rerun()


def one_per_device_choice(mode: str, prefix: str) -> bool:
    """Public links: one response per device (assess.services.link_guard), unless the class
    shares a tablet."""
    if mode != CampaignMode.LINK:
        return True
    return st.toggle(_("surveys_device.one_per_device"), value=True, help=_("surveys_device.one_per_device_help"),
                     key=f"{prefix}one_per_device")


# --- one campaign ----------------------------------------------------------------------------

def facts(summary: CampaignSummary) -> str:
    parts = [
        _(f"surveys_page.mode.{summary.mode}"),
        _("surveys_page.dates", start=format_date(summary.opens_on, lang()), end=format_date(summary.closes_on, lang())),
        ", ".join(i18n.language_names()[code] for code in summary.languages if code in i18n.language_names()),
    ]
    return " · ".join(parts)


def slips_download(summary: CampaignSummary) -> None:
    pdf, count = st.session_state[SLIPS][summary.id]
    address_warning(ADDRESS)
    st.warning(_("surveys_page.codes_once", count=count), icon=":material/warning:")
    with st.container(horizontal=True):
        st.download_button(_("surveys_page.download_slips", count=count), data=pdf,
                           file_name=f"survey-codes-{summary.id}-{summary.audience}.pdf", mime="application/pdf",
                           type="primary", icon=":material/download:", on_click="ignore", key=f"slips_{summary.id}")
        st.button(_("surveys_page.forget_slips"), icon=":material/delete:", key=f"forget_{summary.id}",
                  on_click=lambda: st.session_state[SLIPS].pop(summary.id, None))


def more_codes(current, summary: CampaignSummary) -> None:
    with st.container(horizontal=True, vertical_alignment="bottom"):
        count = st.number_input(_("surveys_page.more_count"), min_value=1, max_value=MAX_CODES, value=10, step=1,
                                key=f"more_{summary.id}", width=180)
        slip_lang = slip_language_choice(summary.languages, f"slip_language_{summary.id}")
        if st.button(_("surveys_page.print_more", count=int(count)), icon=":material/print:", key=f"print_{summary.id}"):
            try:
                make_slips(current, summary.id, int(count), slip_lang)
            except ServiceError as error:
                show_service_error(error)
                return
            st.rerun()


def public_link(current, summary: CampaignSummary) -> None:
    with reading() as session:
        link = campaigns.public_link(session, actor=current, campaign_id=summary.id)
    st.caption(_("surveys_page.link_help"))
    address_warning(ADDRESS)
    st.code(link, language=None, wrap_lines=True)
    png = qr_png(link)
    with st.container(horizontal=True, vertical_alignment="center"):
        st.image(png, width=160, caption=_("surveys_page.qr_caption"), alt=_("surveys_page.qr_alt", link=link))
        st.download_button(_("surveys_page.download_qr"), data=png, file_name=f"survey-link-{summary.id}.png",
                           mime="image/png", icon=":material/qr_code_2:", on_click="ignore", key=f"qr_{summary.id}")


def closing(current, summary: CampaignSummary) -> None:
    if st.session_state.get(CLOSING) != summary.id:
        st.button(_("surveys_page.close"), icon=":material/lock:", key=f"close_{summary.id}",
                  on_click=st.session_state.__setitem__, args=(CLOSING, summary.id))
        return
    st.warning(_("surveys_page.close_confirm"), icon=":material/lock:")
    with st.container(horizontal=True):
        if st.button(_("surveys_page.close_yes"), type="primary", key=f"close_yes_{summary.id}"):
            try:
                with transaction() as session:
                    campaigns.close_campaign(session, actor=current, campaign_id=summary.id)
            except ServiceError as error:
                show_error(error)
                return
            st.session_state[CLOSING] = None
            st.session_state[FLASH] = "surveys_page.closed"
            st.rerun()
        st.button(_("surveys_page.cancel"), key=f"close_no_{summary.id}",
                  on_click=st.session_state.__setitem__, args=(CLOSING, None))


def reissuing(current, summary: CampaignSummary) -> None:
    """Replace the unused codes (slips lost or printed with a wrong address), after a confirmation."""
    unused = summary.codes_issued - summary.codes_used
    if unused < 1:
        return
    if st.session_state.get(REISSUING) != summary.id:
        st.button(_("surveys_page.reissue"), icon=":material/autorenew:", key=f"reissue_{summary.id}",
                  help=_("surveys_page.reissue_help", count=unused),
                  on_click=st.session_state.__setitem__, args=(REISSUING, summary.id))
        return
    st.warning(_("surveys_page.reissue_confirm", count=unused), icon=":material/autorenew:")
    address_warning(ADDRESS)
    slip_lang = slip_language_choice(summary.languages, f"reissue_language_{summary.id}")
    with st.container(horizontal=True):
        if st.button(_("surveys_page.reissue_yes"), type="primary", key=f"reissue_yes_{summary.id}"):
            try:
                make_slips(current, summary.id, None, slip_lang)
            except ServiceError as error:
                show_error(error, label=lambda field: None)
                return
            st.session_state[REISSUING] = None
            st.session_state[FLASH] = "surveys_page.reissued"
            st.rerun()
        st.button(_("surveys_page.cancel"), key=f"reissue_no_{summary.id}",
                  on_click=st.session_state.__setitem__, args=(REISSUING, None))


def campaign_box(current, summary: CampaignSummary) -> None:
    with st.container(border=True, key=f"campaign_{summary.id}"):
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(f"**{audience_name(summary.audience, lang())}** · {summary.questionnaire_title.get(lang())}")
            st.badge(_(f"survey_results.status.{summary.status.value}"), color=STATUS_COLOURS[summary.status])
        st.caption(facts(summary))
        figures = st.columns(3)
        figures[0].metric(_("surveys_page.responses"), summary.responses)
        if summary.codes_issued:
            figures[1].metric(_("surveys_page.codes_used"), _("surveys_page.codes_value", used=summary.codes_used,
                                                               issued=summary.codes_issued))
            figures[2].metric(_("surveys_page.participation"), percent(summary.participation, lang()))
        if summary.id in st.session_state.get(SLIPS, {}):
            slips_download(summary)
        if summary.mode == CampaignMode.IMPORT:
            st.caption(_("surveys_page.import_help"))
            return
        if summary.status is not CampaignStatus.CLOSED:
            if summary.mode == CampaignMode.LINK:
                public_link(current, summary)
            else:
                more_codes(current, summary)
                reissuing(current, summary)
            closing(current, summary)


# --- the page -----------------------------------------------------------------------------------

current = require_permission("project.create")  # teachers: campaigns are run by the project's teacher
st.title(_("surveys_page.title"))
st.caption(_("surveys_page.intro"))
choice = pick_project(current, "survey.manage")
try:
    with reading() as session:
        found = projects.get_project(session, actor=current, project_id=choice.id, permission="survey.manage")
        project = ProjectFacts(found.id, found.title, found.age_max)
        summaries = campaigns.list_campaigns(session, actor=current, project_id=choice.id)
        # The address slips and links carry, read once per run: shown at the top, and
        # beside the slips, the link and the replacement of codes (the functions above).
        ADDRESS = campaigns.public_address(session, actor=current)
except ServiceError as error:
    show_error(error)
    st.stop()

flash = st.session_state.pop(FLASH, None)
if flash:
    st.success(_(flash), icon=":material/check_circle:")

address_notice(ADDRESS)

with st.expander(_("surveys_page.new"), icon=":material/add_circle:", expanded=not summaries, key="surveys_new"):
    create_form(current, project)

st.subheader(_("surveys_page.campaigns"))
if not summaries:
    st.info(_("surveys_page.none_yet"))
else:
    st.caption(_("surveys_page.campaigns_help", title=escape_markdown(project.title)))
for summary in summaries:
    campaign_box(current, summary)
if any(s.responses for s in summaries):
    st.page_link(f"{PAGES}/survey_results.py", label=_("surveys_page.to_results"), icon=":material/bar_chart:")
