"""My projects: the teacher's projects with their self-assessment progress, and the form
to register, edit or delete one. The office (admin) sees every project, read only unless
it is their own.

A country has 1,500 projects: they are searched, filtered and paged by the database
(assess.services.search), 25 cards a page; drawing them all took 22 s a click.

Every title, school and subject here was typed by a teacher: it is shown as plain text
(escaped Markdown, st.text, table cells), never as HTML.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from assess import clock
from assess.domain.countries import COUNTRIES
from assess.domain.permissions import can
from assess.domain.project import AGE_MAX, AGE_MIN, NAME_MAX, SUMMARY_MAX, TITLE_MAX
from assess.domain.project_choices import PROJECT_LANGUAGES, SUBJECTS, by_name, language_name, subject_name
from assess.domain.scoring import describe_outcome
from assess.domain.states import Role
from assess.i18n.formats import country_name, format_date, format_number
from assess.services import projects, rounds, search, self_assessments
from assess.services.errors import ServiceError
from assess.ui.project_picker import PAGES
from assess.ui.runtime import _, escape_markdown, lang, reading, require_permission, show_error, transaction

FORM = "projects_form"  # None, "new" or the id of the project being edited
DELETE = "projects_delete"  # id of the project waiting for the delete confirmation
FLASH = "projects_flash"  # message key shown once after a rerun


@dataclass(frozen=True)
class Row:
    id: int
    title: str
    dates: str
    countries: str
    owner: str
    #: The self-assessment's (items assessed, items, verdict in words); None before one is started.
    progress: tuple[int, int, str] | None
    editable: bool
    deletable: bool
    assessable: bool


def _countries() -> list[str]:
    """Country codes sorted by their name in the reader's language, accents ignored."""
    def plain(code: str) -> str:
        return unicodedata.normalize("NFKD", country_name(code, lang())).encode("ascii", "ignore").decode().casefold()
    return sorted(COUNTRIES, key=plain)


def _choices(codes: tuple[str, ...], current: list[str], name) -> dict[str, str]:
    """A closed list's codes and their names in the reader's language, sorted by name, after
    the words a project still holds from before the lists (assess.domain.project_choices):
    kept as typed, they may stay but not be chosen anew. Names fixed in this run's language:
    a format_func may be called after the run."""
    kept = {value: _("projects_page.kept_as_typed", value=value) for value in current if value not in codes}
    return kept | {code: name(code, lang()) for code in by_name(codes, lang(), name)}


@dataclass(frozen=True)
class Wanted:
    text: str = ""
    region: str | None = None
    round_id: int | None = None
    page: int = 1


def load_rows(current, wanted: Wanted) -> tuple[list[Row], int]:
    """The page of cards ``wanted`` and how many projects match in all."""
    # Plain values are built inside the transaction: ORM objects expire at commit.
    rows = []
    with reading() as session:
        found = search.find_projects(session, actor=current, text=wanted.text, region=wanted.region,
                                     round_id=wanted.round_id, limit=search.PAGE_SIZE,
                                     offset=(wanted.page - 1) * search.PAGE_SIZE)
        assessments = self_assessments.current_of(session, actor=current, project_ids=[p.id for p in found.projects])
        for p in found.projects:
            assessment = assessments.get(p.id)
            names = sorted({country_name(x.school.country, lang()) for x in p.partners})
            rows.append(Row(
                id=p.id,
                title=p.title,
                dates=_("projects_page.dates", start=format_date(p.start_date, lang()), end=format_date(p.end_date, lang())),
                countries=", ".join(names),
                owner=p.owner.display_name,
                progress=(*assessment.score.assessed, describe_outcome(assessment.score.verdict.outcome, lang=lang()))
                if assessment else None,
                editable=can(current, "project.edit", p),
                deletable=can(current, "project.delete", p),
                assessable=can(current, "self_assessment.edit", p),
            ))
    return rows, found.total


def search_bar(current) -> Wanted:
    """The office's search and filters (a teacher's few projects need none)."""
    if Role.ADMIN not in current.roles:
        return Wanted(page=st.session_state.get("projects_page_number", 1))
    with reading() as session:
        regions = search.project_regions(session, actor=current)
        listed = {r.id: r.name for r in rounds.list_rounds(session, actor=current)}
    with st.container(horizontal=True, vertical_alignment="bottom"):
        text = st.text_input(_("projects_page.search.find"), key="projects_find",
                             help=_("projects_page.search.find_help"))
        region = st.selectbox(_("projects_page.search.region"), options=[None, *regions], key="projects_region",
                              format_func=lambda v: _("projects_page.search.all") if v is None else v)
        round_id = st.selectbox(_("projects_page.search.round"), options=[None, *listed], key="projects_round",
                                format_func=lambda v: _("projects_page.search.all") if v is None else listed[v])
    return Wanted(text=text, region=region, round_id=round_id, page=st.session_state.get("projects_page_number", 1))


def pager(wanted: Wanted, shown: int, total: int) -> None:
    """The page number (when there is more than one page) and which cards these are."""
    pages = max(1, -(-total // search.PAGE_SIZE))
    if pages > 1:
        st.number_input(_("projects_page.search.page"), min_value=1, max_value=pages, step=1,
                        key="projects_page_number")
    first = (wanted.page - 1) * search.PAGE_SIZE
    st.caption(_("projects_page.search.shown", first=format_number(first + 1, lang()),
                 last=format_number(first + shown, lang()), count=format_number(total, lang())))


def project_form(prefix: str, initial: dict | None) -> dict | None:
    """The project form; returns the raw values when submitted (validated by the service)."""
    initial = initial or {}
    school = initial.get("school") or {}
    codes = _countries()
    with st.form(f"{prefix}form", border=True):
        raw = {
            "title": st.text_input(_("fields.title"), value=initial.get("title", ""), max_chars=TITLE_MAX, key=f"{prefix}title"),
            "summary": st.text_area(_("fields.summary"), value=initial.get("summary", ""), max_chars=SUMMARY_MAX, key=f"{prefix}summary"),
        }
        left, right = st.columns(2)
        earliest, latest = date(2005, 1, 1), date(clock.today().year + 5, 12, 31)
        raw["start_date"] = left.date_input(_("fields.start_date"), value=initial.get("start_date"), key=f"{prefix}start",
                                            min_value=earliest, max_value=latest, format="YYYY-MM-DD")
        raw["end_date"] = right.date_input(_("fields.end_date"), value=initial.get("end_date"), key=f"{prefix}end",
                                           min_value=earliest, max_value=latest, format="YYYY-MM-DD")
        raw["age_min"], raw["age_max"] = st.slider(
            _("projects_page.ages"), min_value=AGE_MIN, max_value=AGE_MAX,
            value=(initial.get("age_min", 8), initial.get("age_max", 12)), key=f"{prefix}ages",
        )
        # Closed lists of codes, named in the reader's language (assess.domain.project_choices).
        subjects = _choices(SUBJECTS, initial.get("subjects", []), subject_name)
        raw["subjects"] = st.multiselect(
            _("fields.subjects"), list(subjects), default=initial.get("subjects", []), key=f"{prefix}subjects",
            format_func=subjects.__getitem__,
        )
        languages = _choices(PROJECT_LANGUAGES, initial.get("languages", []), language_name)
        raw["languages"] = st.multiselect(
            _("fields.languages"), list(languages), default=initial.get("languages", []), key=f"{prefix}languages",
            format_func=languages.__getitem__,
        )
        raw["twinspace_url"] = st.text_input(
            _("fields.twinspace_url"), value=initial.get("twinspace_url", ""), placeholder="https://", key=f"{prefix}twinspace"
        )

        st.subheader(_("fields.school"))
        name_col, country_col, region_col = st.columns([2, 1, 1])
        raw["school"] = {
            "name": name_col.text_input(_("fields.name"), value=school.get("name", ""), max_chars=NAME_MAX, key=f"{prefix}school_name"),
            "country": country_col.selectbox(
                _("fields.country"), codes, index=codes.index(school["country"]) if school.get("country") in codes else None,
                format_func=lambda code: country_name(code, lang()), placeholder=_("projects_page.choose_country"),
                key=f"{prefix}school_country",
            ),
            "region": region_col.text_input(_("fields.region"), value=school.get("region", ""), key=f"{prefix}school_region"),
        }

        st.subheader(_("fields.partners"))
        st.caption(_("projects_page.partners_help"))
        table = pd.DataFrame(initial.get("partners") or [], columns=["name", "country", "region"], dtype="object")
        edited = st.data_editor(
            table,
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            column_config={
                "name": st.column_config.TextColumn(_("fields.name"), required=True, max_chars=NAME_MAX),
                "country": st.column_config.SelectboxColumn(
                    _("fields.country"), options=codes, format_func=lambda code: country_name(str(code), lang()), required=True
                ),
                "region": st.column_config.TextColumn(_("fields.region")),
            },
            key=f"{prefix}partners",
        )
        raw["partners"] = [
            {k: "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v) for k, v in row.items()}
            for row in edited.to_dict("records")
        ]
        submitted = st.form_submit_button(_("projects_page.save"), type="primary", icon=":material/save:")
    return raw if submitted else None


def close_form(flash: str | None = None) -> None:
    st.session_state[FORM] = None
    st.session_state[DELETE] = None
    if flash:
        st.session_state[FLASH] = flash


def show_form(current) -> None:
    editing = st.session_state[FORM]
    initial = None
    if editing != "new":
        try:
            with reading() as session:
                initial = projects.form_values(projects.get_project(session, actor=current, project_id=editing, permission="project.edit"))
        except ServiceError as error:
            close_form()
            show_error(error)
            return
    st.subheader(_("projects_page.new") if editing == "new" else _("projects_page.edit"))
    st.button(_("projects_page.cancel"), on_click=close_form, icon=":material/close:")
    # One key prefix per project: fields of one project never leak into another's form.
    raw = project_form(f"pf_{editing}_", initial)
    if raw is None:
        return
    try:
        with transaction() as session:
            if editing == "new":
                project_id = projects.create_project(session, actor=current, raw=raw).id
            else:
                project_id = projects.update_project(session, actor=current, project_id=editing, raw=raw).id
    except ServiceError as error:
        show_error(error)  # the typed values stay in the form
        return
    st.session_state["project_id"] = project_id
    close_form("projects_page.created" if editing == "new" else "projects_page.updated")
    st.rerun()


def delete(current, project_id: int) -> bool:
    try:
        with transaction() as session:
            projects.delete_project(session, actor=current, project_id=project_id)
    except ServiceError as error:
        show_error(error)
        return False
    if st.session_state.get("project_id") == project_id:
        st.session_state["project_id"] = None
    close_form("projects_page.deleted")
    return True


def show_row(current, row: Row) -> None:
    chosen = st.session_state.get("project_id") == row.id
    with st.container(border=True):
        st.markdown(f"{':material/check_circle: ' if chosen else ''}**{escape_markdown(row.title)}**")
        details = [row.dates, _("projects_page.partner_countries", countries=row.countries)]
        if Role.ADMIN in current.roles:
            details.append(_("projects_page.owner", name=row.owner))
        st.caption(escape_markdown(" · ".join(details)))
        if row.progress is None:
            st.caption(_("projects_page.not_started"))
        else:
            done, total, verdict = row.progress
            st.caption(_("projects_page.progress", done=done, total=total) + " · " + verdict)

        if st.session_state.get(DELETE) == row.id:
            st.warning(_("projects_page.delete_confirm", title=escape_markdown(row.title)))
            with st.container(horizontal=True):
                if (st.button(_("projects_page.delete_yes"), type="primary", key=f"delete_yes_{row.id}",
                              icon=":material/delete_forever:") and delete(current, row.id)):
                    st.rerun()
                st.button(_("projects_page.cancel"), key=f"delete_no_{row.id}", on_click=close_form)
            return

        with st.container(horizontal=True):
            if not chosen:
                st.button(_("projects_page.select"), key=f"select_{row.id}", icon=":material/radio_button_unchecked:",
                          on_click=st.session_state.__setitem__, args=("project_id", row.id))
            if row.editable:
                st.button(_("projects_page.edit_button"), key=f"edit_{row.id}", icon=":material/edit:",
                          on_click=st.session_state.__setitem__, args=(FORM, row.id))
            if row.deletable:
                st.button(_("projects_page.delete"), key=f"delete_{row.id}", icon=":material/delete:",
                          on_click=st.session_state.__setitem__, args=(DELETE, row.id))
        if chosen:
            # Links only to pages this person has in their navigation.
            with st.container(horizontal=True):
                if row.assessable:
                    st.page_link(f"{PAGES}/self_assessment.py", label=_("projects_page.to_assessment"), icon=":material/checklist:")
                st.page_link(f"{PAGES}/dashboard.py", label=_("projects_page.to_dashboard"), icon=":material/monitoring:")
                st.page_link(f"{PAGES}/report.py", label=_("projects_page.to_report"), icon=":material/picture_as_pdf:")


current = require_permission("project.list")
creator = can(current, "project.create")
st.title(_("projects_page.title") if creator else _("projects_page.title_all"))
st.session_state.setdefault(FORM, None)
flash = st.session_state.pop(FLASH, None)
if flash:
    st.success(_(flash))

if st.session_state[FORM] is not None:
    show_form(current)
else:
    if creator:
        st.button(_("projects_page.new"), type="primary", icon=":material/add:", on_click=st.session_state.__setitem__, args=(FORM, "new"))
    wanted = search_bar(current)
    rows, total = load_rows(current, wanted)
    if not rows and wanted.page > 1:  # fewer pages since the search changed: back to the first
        wanted = Wanted(text=wanted.text, region=wanted.region, round_id=wanted.round_id)
        st.session_state["projects_page_number"] = 1
        rows, total = load_rows(current, wanted)
    if not rows:
        searching = wanted.text.strip() or wanted.region or wanted.round_id is not None
        st.info(_("projects_page.search.none_found" if searching else "projects_page.none_yet"))
    else:
        pager(wanted, len(rows), total)
    for row in rows:
        show_row(current, row)
