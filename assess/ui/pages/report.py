"""Report: the self-assessment as a PDF to download, in the language the teacher chooses
(it may differ from the screen's, e.g. an English report for the partners).

The PDF is made when the button is clicked, not on every run of the page: rendering it
(WeasyPrint, four pages) is 0.7-1 s of processor, and a visit, a change of project or of
language, or an office's look through its projects downloads nothing."""

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
    _("report_page.language"), options=list(languages()), format_func=language_names().__getitem__, default=lang(),
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

# Made when clicked (on another thread, without the session): only plain values go in.
st.download_button(
    _("report_page.download"),
    data=lambda: render_self_assessment_pdf(report, lang=pdf_lang),
    file_name=f"self-assessment-{choice.id}-{pdf_lang}.pdf",
    mime="application/pdf",
    type="primary",
    icon=":material/download:",
    on_click="ignore",  # downloading needs no rerun
)
