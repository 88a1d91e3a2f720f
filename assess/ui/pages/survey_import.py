"""Import answers: a teacher brings the answers collected with Google Forms, Microsoft Forms
or LimeSurvey into the project, next to the answers given on the web.

Steps: upload (CSV or Excel) and audience, optional mapping file -> preview (format,
questions found, columns not recognised, identifying columns dropped, rows skipped and
why) -> a select box per column not recognised to say which question it holds (the
preview runs again) -> "Import", with a progress bar, then the report.

The file stays in the uploader widget of this browser session; nothing of it is stored but
the answers of the rows imported (the service drops names, e-mails and times). Headers
and cells quoted back come from the teacher's file: shown as table cells or escaped text.

Streamlit reruns this script on every click. The file is read once (its SHA-256 and the
format chosen are the key), and the preview computed once per file, mapping and choices;
both are kept in this browser session's state (never in a cache shared between users: the
file holds one school's answers), and reading happens outside any database transaction:
only the few reads the preview needs (the project, its import campaign, the rows imported
before) take one, short.
"""

from __future__ import annotations

import codecs
import hashlib

import pandas as pd
import streamlit as st

from assess.domain import imports as reading
from assess.domain.content import ContentError
from assess.domain.imports import DELIMITERS, ENCODINGS, FORMATS, ImportMapping, MappingFile
from assess.domain.questionnaire import Audience, ItemType, Questionnaire
from assess.reports.survey import audience_name
from assess.services import campaigns, questionnaires, survey_imports
from assess.services.errors import ServiceError
from assess.services.survey_imports import ImportReport, MappingError
from assess.ui.project_picker import PAGES, pick_project
from assess.ui.runtime import _, error_text, escape_markdown, lang, require_permission, sessions, show_error
from assess.ui.runtime import reading as read_only

CHOICES = "import_choices"  # file signature -> {column: item id or "item:option"} chosen on the page
DONE = "import_done"  # the report of the last import, shown once
READ = "import_read"  # (key, Upload or the ServiceError refusing it): the file last read
PREVIEWED = "import_previewed"  # (key, ImportReport): the last preview
IGNORE = ""  # the select box's "not imported" choice


def signature(*parts) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else str(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def targets(questionnaire: Questionnaire) -> dict[str, str]:
    """What a column can hold: an item, or one option of a multiple-choice item (a column per
    option, as Microsoft Forms and LimeSurvey export them)."""
    found = {IGNORE: _("import_page.not_imported")}
    for item in questionnaire.items:
        found[item.id] = item.text.get(lang())
        if item.type is ItemType.MULTIPLE:
            for option in item.options:
                found[f"{item.id}:{option.id}"] = f"{item.text.get(lang())} → {option.text.get(lang())}"
    return found


def mapping_for(mapping_file: MappingFile | None, chosen: dict[str, str]) -> MappingFile | ImportMapping | None:
    """The mapping file as given, or merged with the choices made on the page (which win)."""
    chosen = {column: target for column, target in chosen.items() if target}
    if not chosen:
        return mapping_file
    base = reading.parse_mapping(mapping_file.text, file=mapping_file.name) if mapping_file else ImportMapping()
    return ImportMapping(columns={**base.columns, **chosen}, answers=base.answers)


def remembered(slot: str, key: str, compute):
    """``compute()``'s result (or the service error it raised), kept in this session's state
    under ``slot`` for ``key``: one entry per slot, so an earlier file's data does not stay."""
    held = st.session_state.get(slot)
    if held is None or held[0] != key:
        try:
            result = compute()
        except ServiceError as error:
            result = error
        st.session_state[slot] = held = (key, result)
    if isinstance(held[1], ServiceError):
        raise held[1]
    return held[1]


def read_file(name: str, data: bytes, digest: bytes, file_format: str, delimiter: str = "auto",
              encoding: str = "auto") -> survey_imports.Upload:
    key = signature(digest, name, file_format, delimiter, encoding)
    return remembered(READ, key, lambda: survey_imports.read_upload(
        file_name=name, data=data, file_format=file_format, delimiter=None if delimiter == "auto" else delimiter,
        encoding=None if encoding == "auto" else encoding))


def previewed(key: str, current, project_id: int, audience: str, upload: survey_imports.Upload, mapping,
              day_first: bool | None = None) -> ImportReport:
    def compute() -> ImportReport:
        with read_only() as session:  # reads only, and short
            context = survey_imports.import_context(session, actor=current, project_id=project_id, audience=audience)
        # every row: outside the transaction
        return survey_imports.preview(context, upload, mapping=mapping, day_first=day_first)

    return remembered(PREVIEWED, key, compute)


def questionnaire_of(current, report: ImportReport) -> Questionnaire:
    if report.campaign_id is not None:
        with read_only() as session:  # reads only: no write lock on every rerun
            campaign = campaigns.get_campaign(session, actor=current, campaign_id=report.campaign_id)
            return questionnaires.from_snapshot(campaign.questionnaire_version)
    return questionnaires.installed_questionnaire(report.questionnaire_id)


def show_mapping_problems(error: MappingError | ContentError) -> None:
    problems = error.problems
    st.error(_("import_page.mapping_problems", count=len(problems)), icon=":material/error:")
    st.code("\n".join(p.located(lang()) for p in problems), language=None, wrap_lines=True)


def columns_table(report: ImportReport, questionnaire: Questionnaire) -> None:
    names = targets(questionnaire)
    rows = [{_("import_page.column"): column, _("import_page.question"): names.get(target, target)}
            for column, target in report.matched_columns.items()]
    st.markdown(f"**{_('imports.report.matched_columns')}** ({len(rows)})")
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    for key, columns in (("imports.report.dropped_columns", report.dropped_columns),
                         ("imports.report.ignored_columns", report.ignored_columns),
                         ("imports.report.unmatched_columns", report.unmatched_columns)):
        if columns:
            st.markdown(f"**{_(key)}** ({len(columns)})")
            st.caption(escape_markdown(" · ".join(columns)))


def skipped_table(report: ImportReport) -> None:
    notes_table(report)
    if not report.skipped:
        return
    st.markdown(f"**{_('import_page.skipped', count=report.rows_skipped)}**")
    rows = [
        {_("import_page.row"): s.row,
         _("import_page.column"): f"{s.column} · {s.header}" if s.column and s.header else s.column or "—",
         _("import_page.reason"): _(s.key, **s.params)}
        for s in report.skipped
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def notes_table(report: ImportReport) -> None:
    """Cells of imported rows read with a note (cut, "Other" words moved), by row and column."""
    if not report.notes:
        return
    st.markdown(f"**{_('import_page.noted', count=len(report.notes))}**")
    rows = [
        {_("import_page.row"): s.row,
         _("import_page.column"): f"{s.column} · {s.header}" if s.header else s.column,
         _("import_page.reason"): _(s.key, **s.params)}
        for s in report.notes
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def mapping_screen(report: ImportReport, questionnaire: Questionnaire, file_key: str) -> None:
    """A select box per column not recognised; applying them runs the preview again."""
    if not report.unmatched_columns:
        return
    st.subheader(_("import_page.mapping_title"))
    st.caption(_("import_page.mapping_help"))
    names = targets(questionnaire)
    chosen = st.session_state.setdefault(CHOICES, {}).setdefault(file_key, {})
    with st.form(f"import_mapping_{file_key}"):
        picked: dict[str, str | None] = {}
        for index, column in enumerate(report.unmatched_columns):
            # The header is the teacher's text: a select box label is plain text on screen,
            # still escaped as it is read as Markdown.
            picked[column] = st.selectbox(
                escape_markdown(column), options=list(names), format_func=names.__getitem__,
                index=list(names).index(chosen.get(column, IGNORE)) if chosen.get(column, IGNORE) in names else 0,
                key=f"import_map_{file_key}_{index}",
            )
        applied = st.form_submit_button(_("import_page.mapping_apply"), icon=":material/refresh:")
    if applied:
        chosen.update(picked)
        st.rerun()


def report_block(report: ImportReport, questionnaire: Questionnaire) -> None:
    box = st.success if report.stored and report.rows_imported else st.info
    box(report.message(lang()), icon=":material/task_alt:" if report.stored else ":material/preview:")
    if report.reading_message(lang()):  # a CSV file: the separator and encoding used, changed under Options
        st.caption(report.reading_message(lang()))
    if not report.stored and report.refusal is not None:  # why the import button stays disabled
        # The file's name is the uploader's text: error_text escapes it for Markdown.
        st.warning(error_text(ServiceError(report.refusal[0], **report.refusal[1])), icon=":material/block:")
    if report.date_message(lang()):
        (st.warning if report.date_undecided else st.caption)(report.date_message(lang()))
    columns_table(report, questionnaire)
    skipped_table(report)


def run(current, project_id: int, audience: str, upload: survey_imports.Upload, mapping,
        day_first: bool | None = None) -> ImportReport | None:
    bar = st.progress(0.0, text=_("import_page.importing"))

    def progress(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=_("import_page.progress", done=done, total=total))

    try:
        # Rows are checked with no transaction open; one short transaction inserts them.
        report = survey_imports.import_upload(
            sessions(), actor=current, project_id=project_id, audience=audience, upload=upload, mapping=mapping,
            progress=progress, day_first=day_first,
        )
    except MappingError as error:
        show_mapping_problems(error)
        return None
    except ServiceError as error:
        show_error(error)
        return None
    bar.progress(1.0, text=_("import_page.progress", done=report.rows_read, total=report.rows_read))
    return report


current = require_permission("project.create")  # teachers: imports go into their own project
st.title(_("import_page.title"))
st.caption(_("import_page.intro"))
choice = pick_project(current, "survey.manage")

done = st.session_state.pop(DONE, None)
if done is not None and done[0] == choice.id:
    st.subheader(_("import_page.done_title"))
    report_block(done[1], questionnaire_of(current, done[1]))
    st.page_link(f"{PAGES}/survey_results.py", label=_("import_page.to_results"), icon=":material/bar_chart:")
    st.divider()

# Texts fixed in this run's language: a format_func may be called after the run.
audiences = {a.value: audience_name(a.value, lang()) for a in Audience}
audience = st.radio(_("import_page.audience"), options=list(audiences), format_func=audiences.__getitem__, horizontal=True,
                    key="import_audience")
upload = st.file_uploader(_("import_page.file"), type=["csv", "xlsx"], key="import_file",
                          help=_("import_page.file_help"))
with st.expander(_("import_page.options"), icon=":material/tune:"):
    formats = {"auto": _("import_page.auto"), **{f: _(f"imports.format.{f}") for f in FORMATS}}
    file_format = st.selectbox(_("import_page.format"), options=list(formats), format_func=formats.__getitem__,
                               key="import_format")
    # A CSV file's separator and encoding are detected from it; the preview says which were used.
    separators = {"auto": _("imports.reading.detected"),
                  **{d: survey_imports.describe_delimiter(d, lang()) for d in DELIMITERS}}
    delimiter = st.selectbox(_("imports.reading.delimiter"), options=list(separators), format_func=separators.__getitem__,
                             key="import_delimiter")
    encodings = {"auto": _("imports.reading.detected"),
                 **{e: survey_imports.describe_encoding(codecs.lookup(e).name, lang()) for e in ENCODINGS}}
    encoding = st.selectbox(_("imports.reading.encoding"), options=list(encodings), format_func=encodings.__getitem__,
                            key="import_encoding")
    mapping_upload = st.file_uploader(_("import_page.mapping_file"), type=["yaml", "yml"], key="import_mapping",
                                      help=_("import_page.mapping_file_help"))
    date_orders = {"auto": _("import_page.date_auto"), "day_first": _("import_page.date_day_first"),
                   "month_first": _("import_page.date_month_first")}
    date_choice = st.selectbox(_("import_page.date_order"), options=list(date_orders), format_func=date_orders.__getitem__,
                               key="import_date_order")
day_first = {"day_first": True, "month_first": False}.get(date_choice or "auto")
if upload is None:
    st.info(_("import_page.upload_first"), icon=":material/upload_file:")
    st.stop()

data = upload.getvalue()
digest = hashlib.sha256(data).digest()  # once a run: 100 MB take a fifth of a second
mapping_file = MappingFile(mapping_upload.name, mapping_upload.getvalue()) if mapping_upload is not None else None
file_key = signature(choice.id, audience, upload.name, digest, file_format, delimiter, encoding,
                     mapping_file.text if mapping_file else b"")
try:
    # A select box with options and no placeholder always holds one; "or" tells the type checker.
    parsed = read_file(upload.name, data, digest, file_format or "auto", delimiter or "auto", encoding or "auto")
    chosen = st.session_state.get(CHOICES, {}).get(file_key, {})
    mapping = mapping_for(mapping_file, chosen)
    preview = previewed(signature(file_key, sorted(chosen.items()), date_choice), current, choice.id, audience, parsed,
                        mapping, day_first)
except (MappingError, ContentError) as error:
    show_mapping_problems(error)
    st.stop()
except ServiceError as error:
    show_error(error)
    st.stop()

questionnaire = questionnaire_of(current, preview)
st.subheader(_("import_page.preview_title"))
st.caption(_("import_page.questionnaire", title=questionnaire.title.get(lang())))
report_block(preview, questionnaire)
mapping_screen(preview, questionnaire, file_key)

st.divider()
if st.button(_("import_page.import", count=preview.rows_imported), type="primary", icon=":material/upload:",
             disabled=preview.rows_imported == 0, key="import_run"):
    stored = run(current, choice.id, audience, parsed, mapping, day_first)
    if stored is not None:
        st.session_state[DONE] = (choice.id, stored)
        st.session_state.pop(PREVIEWED, None)  # the rows just imported now count as repeated
        st.rerun()
