"""Streamlit entry point: builds the navigation for the signed-in person's roles.

Run with ``make run`` (or ``streamlit run app.py``). Pages live in ``assess/ui/pages``;
each one checks the permission it needs, so a page reached by its address is guarded too.
"""

from __future__ import annotations

import streamlit as st

from assess.i18n import LANGUAGE_NAMES, LANGUAGES
from assess.services import accounts
from assess.ui import auth
from assess.ui.runtime import _, actor, lang, set_lang, transaction

PAGES = "assess/ui/pages"

st.set_page_config(page_title="eTwinning quality label", page_icon=":material/verified:", layout="wide")


def language_switch() -> None:
    choice = st.sidebar.segmented_control(
        _("app.language"),
        options=list(LANGUAGES),
        format_func=LANGUAGE_NAMES.get,
        default=lang(),
        key="language_switch",
    )
    if choice and choice != lang():
        set_lang(choice)
        current = actor()
        if current is not None:
            with transaction() as session:
                accounts.set_language(session, actor=current, language=choice)
        st.rerun()


def page(name: str, title_key: str, icon: str, *, default: bool = False) -> st.Page:
    return st.Page(f"{PAGES}/{name}.py", title=_(title_key), icon=icon, url_path=name, default=default)


def navigation():
    with transaction() as session:
        first_run = accounts.needs_first_admin(session)
    # After creating the administrator, first_run.py keeps this flag to offer demo data.
    if first_run or st.session_state.get("first_run_offer"):
        return st.navigation([page("first_run", "nav.first_run", ":material/rocket_launch:", default=True)])
    current = actor() or auth.single_sign_on_actor()
    if current is None:
        return st.navigation([page("sign_in", "nav.sign_in", ":material/login:", default=True)])

    sections: dict[str, list[st.Page]] = {}
    if "teacher" in current.roles:
        sections[_("nav.section.projects")] = [
            page("projects", "nav.projects", ":material/folder:", default=True),
            page("self_assessment", "nav.self_assessment", ":material/checklist:"),
            page("dashboard", "nav.dashboard", ":material/monitoring:"),
            page("report", "nav.report", ":material/picture_as_pdf:"),
        ]
    if "admin" in current.roles:
        office = [
            page("users", "nav.users", ":material/group:", default="teacher" not in current.roles),
            page("settings", "nav.settings", ":material/settings:"),
        ]
        if "teacher" not in current.roles:
            office.insert(0, page("projects", "nav.all_projects", ":material/folder:"))
            office += [page("dashboard", "nav.dashboard", ":material/monitoring:"), page("report", "nav.report", ":material/picture_as_pdf:")]
        sections[_("nav.section.office")] = office
    sections[_("nav.section.account")] = [
        page("account", "nav.account", ":material/person:", default=not sections)
    ]
    return st.navigation(sections)


language_switch()
navigation().run()
