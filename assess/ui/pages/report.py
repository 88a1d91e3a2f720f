"""Report: the self-assessment as a PDF to download, in the language the teacher chooses
(it may differ from the screen's, e.g. an English report for the partners)."""

from __future__ import annotations

import streamlit as st

from assess.i18n import language_names, languages
from assess.reports.self_assessment import render_self_assessment_pdf
from assess.services import self_assessments
from assess.services.errors import ServiceError
from assess.ui.project_picker import pick_project
from assess.ui.runtime import _, lang, reading, require_permission, show_error

current = require_permission("project.list")
st.title(_("report_page.title"))
st.caption(_("report_page.intro"))
choice = pick_project(current)
pdf_lang = st.segmented_control(
    _("report_page.language"), options=list(languages()), format_func=language_names().get, default=lang(),
    required=True, key="report_lang",
)
try:
    with reading() as session:
        started = self_assessments.current(session, actor=current, project_id=choice.id) is not None
        report = self_assessments.report(session, actor=current, project_id=choice.id)
except ServiceError as error:
    show_error(error)
    st.stop()
if not started:
    st.info(_("report_page.not_started"), icon=":material/info:")

with st.spinner(_("report_page.generating")):
    pdf = render_self_assessment_pdf(report, lang=pdf_lang)
st.download_button(
    _("report_page.download"),
    data=pdf,
    file_name=f"self-assessment-{choice.id}-{pdf_lang}.pdf",
    mime="application/pdf",
    type="primary",
    icon=":material/download:",
    on_click="ignore",  # downloading needs no rerun (which would render the PDF again)
)
