"""Streamlit entry point: builds the navigation for the signed-in person's roles.

Run with ``make run`` or ``assess serve``. Pages live in ``assess/ui/pages``; each one checks
the permission it needs, so a page reached by its address is guarded too. They are named by
absolute path (assess.resources): this file runs from the repository or, copied, from an
installed package, whatever the working directory.

Survey addresses (``?code=CODE`` from a slip, ``?survey=TOKEN`` from a public link, or an
empty ``?code`` for the form where a code is typed) run the answering page alone: no
sign-in, no sidebar, whoever is signed in in this browser.
"""

from __future__ import annotations

import json

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from assess import clock, resources
from assess.domain.permissions import Actor
from assess.i18n import language_names, languages
from assess.services import accounts, installation, survey_release
from assess.ui import auth
from assess.ui.faces import FOCUS_COLOUR
from assess.ui.runtime import (
    _,
    actor,
    lang,
    language_cookie_script,
    page_language_script,
    reading,
    remember_language,
    session_cookie_script,
    sessions,
    transaction,
)

PAGES = resources.pages_dir()

st.set_page_config(page_title="eTwinning quality label", page_icon=":material/verified:", layout="wide")


def language_switch() -> None:
    # Only a click on the switch is a choice: the widget keeps the value it had before
    # signing in (the browser's), which must not then replace the account's saved language.
    if st.session_state.get("language_switch") != lang():
        st.session_state["language_switch"] = lang()
    st.sidebar.segmented_control(
        _("app.language"),
        options=list(languages()),
        format_func=language_names().get,
        key="language_switch",
        on_change=chosen_language,
    )


def chosen_language() -> None:
    choice = st.session_state.get("language_switch")
    if not choice or choice == lang():
        return
    remember_language(choice)
    current = actor()
    if current is not None:
        with transaction() as session:
            accounts.set_language(session, actor=current, language=choice)


def page(name: str, title_key: str, icon: str, *, default: bool = False) -> st.Page:
    return st.Page(f"{PAGES}/{name}.py", title=_(title_key), icon=icon, url_path=name, default=default)


def respondent_navigation():
    """The answering page alone, hidden navigation, when the address is a survey's."""
    if "survey" not in st.query_params and "code" not in st.query_params:
        return None
    respond = st.Page(f"{PAGES}/respond.py", title=_("nav.respond"), icon=":material/edit_note:",
                      url_path="respond", default=True)
    return st.navigation([respond], position="hidden")


def password_link_navigation():
    """A set-password link (``?password_token=``, assess.services.mail) opens its page alone."""
    if "password_token" not in st.query_params:
        return None
    link = st.Page(f"{PAGES}/set_password.py", title=_("mail.set_password.title"), icon=":material/key:",
                   url_path="set_password", default=True)
    return st.navigation([link], position="hidden")


def open_code_form() -> None:
    st.query_params["code"] = ""


def answer_a_survey_entry() -> None:
    """Under the sign-in form: the way in for pupils, families and partner teachers with a code."""
    st.divider()
    st.caption(_("nav.respond_help"))
    st.button(_("nav.respond"), icon=":material/edit_note:", on_click=open_code_form, key="answer_a_survey")


def navigation(signed_in: Actor | None) -> tuple[StreamlitPage, dict[str, list[StreamlitPage]] | None, bool]:
    """The pages of ``signed_in`` (the actor of this browser's session cookie, or None): the
    page to run, the menu's sections (None: a single page, no menu) and whether nobody is
    signed in."""
    # Once an administrator exists one always does (the last one cannot be removed): asked
    # until then, not on every rerun after.
    first_run = False
    if not st.session_state.get("admin_exists"):
        with reading() as session:
            first_run = accounts.needs_first_admin(session)
        st.session_state["admin_exists"] = not first_run
    # After creating the administrator, first_run.py keeps this flag to offer demo data.
    if first_run or st.session_state.get("first_run_offer"):
        return st.navigation([page("first_run", "nav.first_run", ":material/rocket_launch:", default=True)]), None, False
    current = signed_in or auth.single_sign_on_actor()
    if current is None:
        return st.navigation([page("sign_in", "nav.sign_in", ":material/login:", default=True)]), None, True

    sections: dict[str, list[StreamlitPage]] = {}
    if "teacher" in current.roles:
        sections[_("nav.section.projects")] = [
            page("projects", "nav.projects", ":material/folder:", default=True),
            page("self_assessment", "nav.self_assessment", ":material/checklist:"),
            page("dashboard", "nav.dashboard", ":material/monitoring:"),
            page("report", "nav.report", ":material/picture_as_pdf:"),
            page("surveys", "nav.surveys", ":material/campaign:"),
            page("survey_results", "nav.survey_results", ":material/bar_chart:"),
            page("survey_import", "nav.survey_import", ":material/upload_file:"),
            page("applications", "nav.applications", ":material/workspace_premium:"),
        ]
    if "juror" in current.roles:
        sections[_("nav.section.jury")] = [
            page("jury_work", "nav.jury_work", ":material/rate_review:", default=not sections),
        ]
    if "admin" in current.roles:
        office = [
            page("rounds", "nav.rounds", ":material/event_note:", default=not sections),
            page("decisions", "nav.decisions", ":material/gavel:"),
            page("reliability", "nav.reliability", ":material/balance:"),
            page("eql", "nav.eql", ":material/euro:"),
            page("national_statistics", "nav.statistics", ":material/monitoring:"),
            page("users", "nav.users", ":material/group:"),
            page("settings", "nav.settings", ":material/settings:"),
            page("privacy", "nav.privacy", ":material/shield_person:"),
            page("outbox", "mail.page.title", ":material/outbox:"),
        ]
        if "teacher" not in current.roles:
            office.insert(0, page("projects", "nav.all_projects", ":material/folder:"))
            office += [page("dashboard", "nav.dashboard", ":material/monitoring:"), page("report", "nav.report", ":material/picture_as_pdf:"),
                       page("survey_results", "nav.survey_results", ":material/bar_chart:")]
        sections[_("nav.section.office")] = office
    sections[_("nav.section.account")] = [
        page("account", "nav.account", ":material/person:", default=not sections)
    ]
    return st.navigation(sections, position="hidden"), sections, False


#: The menu is ours: st.navigation(position="hidden") keeps the pages (addresses, guards,
#: st.switch_page) and st.page_link draws them under real headings. Streamlit's own sectioned
#: menu (1.67) puts each section's <div> straight inside its <ul>, which axe-core calls a
#: serious violation ("list", "listitem") on every signed-in page; a flat one loses the
#: sections, position="top" falls back to that same menu on a phone.
MENU_KEY = "app_pages"
#: Streamlit's sidebar starts folded, and covers the page when open, up to this window width
#: (its "md" breakpoint, 768 px, less 0.02; 1.67).
PHONE_WIDTH = 767.98


def menu(sections: dict[str, list[StreamlitPage]]) -> None:
    """The sidebar's menu: each section's title (a heading, so screen readers list and jump
    to them) over its pages' links; on a phone it folds away with the sidebar."""
    with st.sidebar.container(key=MENU_KEY):
        for title, pages in sections.items():
            st.subheader(title, anchor=False)
            for each in pages:
                st.page_link(each)
    st.sidebar.divider()


#: What st.page_link leaves out (1.67): a focus mark (it removes the outline and tints the
#: background as it does for the current page), here the answering pages' near-black
#: outline, 3:1 and more on the sidebar (WCAG 2.4.7, 1.4.11).
MENU_STYLE = (f'<style>.st-key-{MENU_KEY} a:focus-visible {{ outline: 3px solid {FOCUS_COLOUR} !important;'
              " outline-offset: 2px; }</style>")


def menu_script(chosen: StreamlitPage) -> str:
    """What st.page_link does not say to screen readers (1.67): that the links are the app's
    navigation (a landmark, as Streamlit's own menu is) and which one is the page shown
    (aria-current; sighted readers see it shaded and bold). The menu is redrawn by React, so
    one watcher per browser tab marks it again after every change, from the page this run
    chose: the link whose address's last part is its url_path ("" for the default page; a
    url_path has no "/"). The address as written, not as resolved: Streamlit writes the
    default page's as "", which resolves to the page shown, whichever it is. And on a phone,
    where the open sidebar covers the page, it folds away once a page is chosen, as it does
    with Streamlit's own menu."""
    here, label = (json.dumps(text).replace("</", "<\\/") for text in (chosen.url_path, _("nav.menu")))
    return f"""<script>
window.__assessMenu = {{here: {here}, label: {label}}};
if (!window.__assessMenuMark) {{
  window.__assessMenuMark = () => {{
    const menu = document.querySelector(".st-key-{MENU_KEY}");
    if (!menu) {{ return; }}
    const {{here, label}} = window.__assessMenu;
    if (menu.getAttribute("role") !== "navigation") {{ menu.setAttribute("role", "navigation"); }}
    if (menu.getAttribute("aria-label") !== label) {{ menu.setAttribute("aria-label", label); }}
    for (const link of menu.querySelectorAll("a[href]")) {{
      const current = link.getAttribute("href").split(/[?#]/)[0].split("/").pop() === here;
      if (current && link.getAttribute("aria-current") !== "page") {{ link.setAttribute("aria-current", "page"); }}
      if (!current && link.hasAttribute("aria-current")) {{ link.removeAttribute("aria-current"); }}
    }}
  }};
  new MutationObserver(window.__assessMenuMark).observe(document.body, {{
    subtree: true, childList: true, attributes: true, attributeFilter: ["class", "href"]}});
  document.addEventListener("click", (event) => {{
    if (event.target.closest(".st-key-{MENU_KEY} a") && window.innerWidth <= {PHONE_WIDTH}) {{
      document.querySelector('[data-testid="stSidebarCollapseButton"] button')?.click();
    }}
  }});
}}
window.__assessMenuMark();
</script>"""


#: Streamlit draws captions at 60 % opacity: 3.9:1 on white, under WCAG AA's 4.5:1 (axe-core,
#: on the sign-in page and its "Forgot your password?" popover). At 80 %: above 7:1, on every
#: page and in popovers (drawn outside the main block). The answering page has its own.
READABLE_CAPTIONS = '<style>[data-testid="stCaptionContainer"] { opacity: 0.8; }</style>'

#: Streamlit folds the sidebar away (on a phone from the start) by sliding it off the screen
#: (1.67): its links and switches stay in the keyboard's path, focused out of sight (WCAG
#: 2.4.7), and screen readers still read them. Hidden once folded, after the slide (300 ms).
FOLDED_SIDEBAR = ('<style>[data-testid="stSidebar"][data-collapsed="true"] { visibility: hidden;'
                  " transition: transform 300ms, min-width 300ms, max-width 300ms, visibility 0s 300ms; }</style>")


def page_title_and_language(chosen: StreamlitPage, *, with_menu: bool) -> None:
    """Each page its own title in the browser's tab ("My projects – eTwinning quality label":
    set_page_config's title would otherwise be every page's), and the reader's language on
    <html lang> (see runtime.page_language_script), and captions readable enough, a folded
    sidebar out of the keyboard's path, and the menu's focus mark, landmark and current
    page. The answering page, without a sidebar, sets the first three itself."""
    st.set_page_config(page_title=_("app.page_title", page=chosen.title, name=_("app.name")))
    marks = MENU_STYLE + menu_script(chosen) if with_menu else ""
    with st.sidebar:
        st.html(page_language_script() + language_cookie_script() + READABLE_CAPTIONS + FOLDED_SIDEBAR + marks,
                unsafe_allow_javascript=True, width="content")


def demo_banner() -> None:
    """A demonstration installation says so on every page (assess.services.installation)."""
    with reading() as session:
        if installation.is_demo_installation(session):
            st.warning(_("demo.banner"), icon=":material/science:")


def release_ended_campaigns() -> None:
    """Campaigns that ended by their date release their last waiting responses (fewer than
    five: assess.services.survey_release) before any page reads figures; looked at once a
    day per browser session, a read that finds nothing almost always."""
    today = clock.today()
    if st.session_state.get("released_on") != today:
        survey_release.release_ended_when_due(sessions(), today=today)
        st.session_state["released_on"] = today


respondent = respondent_navigation() or password_link_navigation()
# The signed-in person first, before anything is drawn: a reload (a new browser session)
# takes their account's language here, so the banner, the language switch and the menu are
# in it too, not in the browser's for one run (assess.ui.runtime.actor).
signed_in = None if respondent is not None else actor()
demo_banner()
if respondent is not None:
    respondent.run()
else:
    chosen, sections, signed_out = navigation(signed_in)
    if sections:
        menu(sections)
    language_switch()
    if not signed_out:
        release_ended_campaigns()
    page_title_and_language(chosen, with_menu=bool(sections))
    # Before the page runs: a page may stop the run (st.stop), the cookie must still follow.
    session_cookie_script()
    chosen.run()
    if signed_out:
        answer_a_survey_entry()
