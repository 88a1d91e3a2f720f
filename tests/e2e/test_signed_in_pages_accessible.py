"""The signed-in pages meet WCAG 2.1 AA with their menu, checked by axe-core in Chromium.

A teacher, a juror and the office, each on their first page and one more, in French and
English, on a phone (375 px, the menu folded away in the sidebar) and a computer (1280 px):
no serious or critical violation on the whole page, the menu included (app.py draws it with
st.page_link under section headings: Streamlit's own sectioned menu broke list semantics).
The menu keeps its sections as headings, says which page is shown (aria-current), is a
navigation landmark, and the keyboard reaches its links with a visible focus outline; on a
phone it folds away after a page is chosen, and the keyboard never focuses it folded.

One server and one Chromium for the whole module; each view (language x width) signs in
each person in a browser context of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from assess.domain.permissions import Actor
from assess.i18n import t
from assess.services import accounts
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import (
    MENU,
    PASSWORD,
    PHONE,
    TEACHER_EMAIL,
    VIEWS,
    launch_chromium,
    serve_app,
    tab_until,
    view_page,
    wait_idle,
)
from tests.e2e.test_accessibility import contrast

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

SIDEBAR = '[data-testid="stSidebar"]'


@dataclass(frozen=True)
class Person:
    email: str
    sections: tuple[str, ...]  # the menu's section titles (keys), in order
    landing: tuple[str, str]  # (its link's key, its heading's key)
    other: tuple[str, str]  # one more page: (its link's key, its heading's key)


PEOPLE = {
    "teacher": Person(TEACHER_EMAIL, ("nav.section.projects", "nav.section.account"),
                      ("nav.projects", "projects_page.title"), ("nav.self_assessment", "assessment_page.title")),
    "juror": Person("juror@example.org", ("nav.section.jury", "nav.section.account"),
                    ("nav.jury_work", "jury_page.title"), ("nav.account", "account.title")),
    "office": Person("office@example.org", ("nav.section.office", "nav.section.account"),
                     ("nav.rounds", "rounds_page.title"), ("nav.decisions", "decisions_page.title")),
}


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    with serve_app(tmp_path_factory.mktemp("signed-in")) as app:
        with app.sessions.begin() as session:  # the office ("office@example.org") and the teacher exist
            accounts.create_user(session, actor=Actor.system(), email=PEOPLE["juror"].email, display_name="Ana Juror",
                                 roles={"juror"}, password=PASSWORD)
        yield app.url


@pytest.fixture(scope="module")
def chromium():
    with launch_chromium() as browser:
        yield browser


@dataclass
class View:
    page: object
    language: str
    width: int

    def text(self, key: str, **params) -> str:
        return t(key, self.language, **params)

    @property
    def phone(self) -> bool:
        return self.width == PHONE


@pytest.fixture(params=VIEWS, ids=[f"{language}-{width}px" for language, width in VIEWS])
def view(request, chromium):
    language, width = request.param
    with view_page(chromium, language, width) as page:
        yield View(page, language, width)


def sign_in(view: View, url: str, person: Person) -> None:
    page = view.page
    page.goto(url)
    page.get_by_label(view.text("fields.email"), exact=True).fill(person.email)
    page.get_by_label(view.text("fields.password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=view.text("sign_in.submit")).click()
    page.get_by_role("heading", name=view.text(person.landing[1]), level=1).wait_for()
    wait_idle(page)


def check_page(view: View, where: str) -> None:
    """axe's WCAG 2.1 A/AA rules on the whole page, in a window as tall as the page (axe
    checks contrast only of what is in the window; Streamlit scrolls inside its main block)."""
    page = view.page
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": max(int(height), size["height"])})
    try:
        assert_accessible(page, f"{where} [{view.language}, {view.width} px]")
    finally:
        page.set_viewport_size(size)


def menu(view: View):
    return view.page.get_by_role("navigation", name=view.text("nav.menu"))


def assert_folded_menu_out_of_reach(view: View) -> None:
    """On a phone the folded sidebar is off the screen: the keyboard goes round the page
    without ever focusing something in it (out of sight)."""
    page = view.page
    page.locator("body").focus()
    for _press in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate("(sidebar) => document.activeElement.closest(sidebar) ? document.activeElement.outerHTML"
                                ".slice(0, 80) : null", SIDEBAR)
        assert focused is None, f"the keyboard reached {focused} in the folded sidebar"


def open_menu(view: View) -> None:
    """On a phone the sidebar, and the menu in it, is folded away: opened as a person does."""
    page = view.page
    if view.phone:
        expect(page.locator(MENU)).not_to_be_in_viewport()
        page.locator('[data-testid="stExpandSidebarButton"]').click()
    expect(menu(view)).to_be_in_viewport()


def assert_current(view: View, link_key: str) -> None:
    """The page shown is the menu's one current link, by name."""
    current = menu(view).locator('a[aria-current="page"]')
    expect(current).to_have_count(1)
    expect(current).to_have_accessible_name(re.compile(re.escape(view.text(link_key))))


def focus_outline_in_menu(view: View) -> dict:
    """Tab from the page's top, as a keyboard user does, until a menu link has the focus;
    its outline and the sidebar's background."""
    page = view.page
    tab_until(page, f"{MENU} a")
    return page.evaluate("""(sidebar) => {
        const style = getComputedStyle(document.activeElement);
        return {style: style.outlineStyle, width: parseFloat(style.outlineWidth), colour: style.outlineColor,
                background: getComputedStyle(document.querySelector(sidebar)).backgroundColor,
                visible: document.activeElement.checkVisibility()};
    }""", SIDEBAR)


@pytest.mark.parametrize("who", list(PEOPLE))
def test_signed_in_pages_and_their_menu_are_accessible(app_url, view, who):
    person, page = PEOPLE[who], view.page
    sign_in(view, app_url, person)
    check_page(view, f"{who}'s first page")
    if view.phone:
        assert_folded_menu_out_of_reach(view)

    open_menu(view)
    check_page(view, f"{who}'s first page, menu shown")
    titles = menu(view).get_by_role("heading")
    expect(titles).to_have_text([view.text(key) for key in person.sections])  # the sections, as headings
    assert_current(view, person.landing[0])

    outline = focus_outline_in_menu(view)
    assert outline["visible"], outline
    assert outline["style"] != "none" and outline["width"] >= 2, outline
    background = tuple(int(part) for part in re.findall(r"\d+", outline["background"])[:3])
    assert contrast(outline["colour"], background) >= 3, outline

    menu(view).get_by_role("link", name=view.text(person.other[0])).click()
    page.get_by_role("heading", name=view.text(person.other[1]), level=1).wait_for()
    wait_idle(page)
    if view.phone:  # the sidebar folds away again once a page is chosen
        expect(page.locator(MENU)).not_to_be_in_viewport()
    check_page(view, f"{who}'s {person.other[0]} page")
    open_menu(view)
    assert_current(view, person.other[0])
    check_page(view, f"{who}'s {person.other[0]} page, menu shown")

