"""What the teacher's pages share: the project picker.

The chosen project lives in ``st.session_state["project_id"]`` so that moving from
"My projects" to the self-assessment, the dashboard and the report keeps it. It is also
written in the address (``?project=ID``), so that a reload, which starts a new browser
session, comes back to the same project rather than to the first one. The
picker only ever lists what ``list_projects`` returns for the signed-in actor, so an id
left in the session by someone else's project is simply ignored: nothing leaks.
"""

from __future__ import annotations

import streamlit as st

from assess import resources
from assess.domain.permissions import Actor, can
from assess.services import search
from assess.services.search import ProjectChoice
from assess.ui.runtime import _, reading

PAGES = resources.pages_dir()
PICKER_KEY = "project_picker"


def _sync() -> None:
    st.session_state["project_id"] = st.session_state[PICKER_KEY]
    st.query_params["project"] = str(st.session_state[PICKER_KEY])


def _project_in_address() -> int | None:
    # ASCII digits only (int() would take other scripts' digits); whether the actor may
    # see that project is checked by the caller, against the list of their own.
    value = st.query_params.get("project") or ""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


def pick_project(current: Actor, permission: str = "project.view") -> ProjectChoice:
    """A select box of the projects the actor may use here (``permission`` on each one);
    stops the page with a hint when there is none."""
    with reading() as session:
        choices = [c for c in search.project_choices(session, actor=current) if can(current, permission, c)]
    if not choices:
        st.info(_("projects_page.none_yet"))
        if "teacher" in current.roles:
            st.page_link(f"{PAGES}/projects.py", label=_("projects_page.go_create"), icon=":material/add:")
        st.stop()
    by_id = {c.id: c for c in choices}
    wanted = st.session_state.get("project_id")
    if wanted is None:  # a new browser session (a reload): the address says which project
        wanted = _project_in_address()
    if wanted not in by_id:
        wanted = choices[0].id
    # The widget's own state may be stale (another page changed project_id) or missing
    # (first visit): project_id is the truth, the widget follows it.
    if st.session_state.get(PICKER_KEY) != wanted:
        st.session_state[PICKER_KEY] = wanted
    st.session_state["project_id"] = wanted
    st.query_params["project"] = str(wanted)
    st.selectbox(
        _("projects_page.picker"),
        options=list(by_id),
        format_func=lambda pid: by_id[pid].title,  # st.selectbox shows options as plain text
        key=PICKER_KEY,
        on_change=_sync,
    )
    return by_id[st.session_state["project_id"]]

