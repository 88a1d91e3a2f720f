"""The answering pages meet WCAG 2.1 AA, checked by axe-core in Chromium.

Every page and state a pupil, a parent or a partner teacher can meet (the code form, a
questionnaire at its start, half answered, after a failed send, the thanks; used, unknown
and closed codes; a public link and a broken one; the young pupils' faces), in French and
English, on a phone (375 px) and a computer (1280 px): no serious or critical violation.
Then what axe cannot see, measured in the browser: answer text of 16 px or more, tap
targets of 44 px or more on a phone, a focus outline of 3:1 or more, and after a failed
send the focus and the view on the first missing answer, named in words.

One server and one Chromium for the whole module; each view (language x width) walks
its journeys in its own browser context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from assess import clock
from assess.i18n import t
from assess.services import campaigns, link_guard, projects, responding
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import (
    COMPUTER,
    PHONE,
    VIEWS,
    launch_chromium,
    open_page,
    serve_app,
    sign_in,
    tab_until,
    view_page,
    wait_idle,
)
from tests.services.helpers import families_answers, make_campaign, make_project

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

UNKNOWN_CODE = "ACDEF-GHJKM"  # well formed, never issued


@dataclass
class Surveys:
    url: str
    families_codes: list[str]
    young_codes: list[str]
    used_code: str
    closed_code: str
    not_yet_open_code: str
    link: str
    project_id: int  # the teacher's project with the public link
    replaced_code: str  # a code voided when its slips were printed again
    answered_browser: str  # a browser id (cookie) that has already answered the public link


@pytest.fixture(scope="module")
def surveys(tmp_path_factory):
    with serve_app(tmp_path_factory.mktemp("a11y")) as app:
        with app.sessions.begin() as session:
            project = projects.get_project(session, actor=app.teacher, project_id=app.project_id)
            families = make_campaign(session, owner=app.teacher, project=project, audience="families")
            codes = campaigns.issue_codes(session, actor=app.teacher, campaign_id=families.id, count=len(VIEWS) * 3 + 1)
            used = codes.pop()
            responding.submit_with_code(session, code=used, answers=families_answers(), language="fr")
            pupils_link = make_campaign(session, owner=app.teacher, project=project, audience="pupils", mode="link")
            link = campaigns.public_link(session, actor=app.teacher, campaign_id=pupils_link.id)
            young_project = make_project(session, owner=app.teacher, title="Little explorers", age_min=4, age_max=6)
            young = make_campaign(session, owner=app.teacher, project=young_project, audience="pupils")
            young_codes = campaigns.issue_codes(session, actor=app.teacher, campaign_id=young.id, count=len(VIEWS) * 2)
            closed = campaigns.create_campaign(
                session, actor=app.teacher, project_id=young_project.id, audience="families", mode="codes",
                languages=["fr", "en"], opens_on=clock.today() - timedelta(days=30), closes_on=clock.today() + timedelta(days=30))
            (closed_code,) = campaigns.issue_codes(session, actor=app.teacher, campaign_id=closed.id, count=1)
            campaigns.close_campaign(session, actor=app.teacher, campaign_id=closed.id)
            later = campaigns.create_campaign(
                session, actor=app.teacher, project_id=young_project.id, audience="families", mode="codes",
                languages=["fr", "en"], opens_on=clock.today() + timedelta(days=7), closes_on=clock.today() + timedelta(days=30))
            (later_code,) = campaigns.issue_codes(session, actor=app.teacher, campaign_id=later.id, count=1)
            reprinted = make_campaign(session, owner=app.teacher, project=young_project, audience="families")
            (replaced_code,) = campaigns.issue_codes(session, actor=app.teacher, campaign_id=reprinted.id, count=1)
            campaigns.reissue_codes(session, actor=app.teacher, campaign_id=reprinted.id)
            answered_browser = link_guard.new_browser_id(session)
            link_guard.claim_device(session, campaign_id=pupils_link.id, browser_id=answered_browser)
        yield Surveys(app.url, codes, young_codes, used, closed_code, later_code, link.split("/?", 1)[1], app.project_id,
                      replaced_code, answered_browser)


@pytest.fixture(scope="module")
def chromium():
    with launch_chromium() as browser:
        yield browser


@pytest.fixture(params=VIEWS, ids=[f"{language}-{width}px" for language, width in VIEWS])
def view(request, chromium):
    language, width = request.param
    with view_page(chromium, language, width) as page:
        yield View(page, language, width, VIEWS.index(request.param))


@dataclass
class View:
    page: object
    language: str
    width: int
    index: int  # which codes this view may use

    def text(self, key: str, **params) -> str:
        return t(key, self.language, **params)


# --- what every state must show ---------------------------------------------------------------

SEND, SAVE, FORM, MESSAGE = ".st-key-respond_send", ".st-key-respond_save", '[data-testid="stForm"]', '[data-testid="stAlert"]'


def open_address(view: View, address: str, last: str) -> None:
    """Open ``address`` and wait until its page stands whole, ``last`` (its last part) drawn.
    A new browser session's page may be drawn twice (Streamlit clears it when the first
    run names the page): the check waits for the second drawing to end."""
    view.page.goto(address)
    view.page.locator(last).first.wait_for()
    wait_idle(view.page)
    view.page.locator(last).first.wait_for()


def check_state(view: View, where: str) -> None:
    """axe's WCAG 2.1 A/AA rules, the page's language and its own title."""
    page = view.page
    where = f"{where} [{view.language}, {view.width} px]"
    # axe checks contrast only of what is in the window: the window is made as tall as the
    # page (Streamlit scrolls inside its main block) for the check.
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": max(int(height), size["height"])})
    try:
        assert_accessible(page, where)
    finally:
        page.set_viewport_size(size)
    expect(page.locator("html"), where).to_have_attribute("lang", view.language)
    heading = page.get_by_role("heading", level=1).first.inner_text().strip()
    expect(page).to_have_title(re.compile(re.escape(heading)))


def item_box(page, item_id: str):
    return page.locator(f".st-key-respond_item_{item_id}")


def choose_agreement(view: View, item_id: str, point: int) -> None:
    word = view.text(f"respond.scale.{point}")
    item_box(view.page, item_id).get_by_text(word, exact=True).click()  # the words, as a person taps them
    expect(item_box(view.page, item_id).get_by_role("radio", name=word, exact=True)).to_be_checked()
    wait_idle(view.page)


def send(view: View) -> None:
    view.page.locator(".st-key-respond_send button").click()
    wait_idle(view.page)


# --- the journeys, in each language and width ------------------------------------------------------

def test_a_family_answers_with_a_code(surveys, view):
    page = view.page
    code = surveys.families_codes[view.index]
    open_address(view, f"{surveys.url}/?code={code}", SEND)
    check_state(view, "families, start")
    title_at_start = page.title()

    choose_agreement(view, "child-talked", 5)
    check_state(view, "families, mid-way")
    page.locator(f"{SAVE} button").click()
    wait_idle(page)
    page.get_by_text(view.text("respond.saved", code="X").split("**")[0].strip()).wait_for()
    check_state(view, "families, saved to finish later")

    send(view)  # "learned-other-countries" (question 2, required) is missing
    missing = item_box(page, "learned-other-countries")
    summary = page.locator(".st-key-respond_error_summary")
    expect(summary).to_contain_text(view.text("respond.question", number=2, total=9))
    question = "My child learned about other countries" if view.language == "en" else "Mon enfant a découvert d'autres pays"
    expect(summary).to_contain_text(question)
    assert "red" not in summary.inner_text() and "rouge" not in summary.inner_text()
    # Focus and view on the first missing answer.
    expect(missing.locator(":focus")).to_have_count(1)
    expect(missing).to_be_in_viewport()
    check_state(view, "families, after an error")
    assert page.title() != title_at_start  # the title says there is something to correct

    for item_id in ("learned-other-countries", "project-visible"):
        choose_agreement(view, item_id, 4)
    send(view)
    page.get_by_role("heading", name=view.text("respond.sent_title")).wait_for()
    check_state(view, "families, thanks")

    open_address(view, f"{surveys.url}/?code={code}", MESSAGE)
    page.get_by_role("heading", name=view.text("respond.used.title")).wait_for()
    check_state(view, "used code")


def test_pages_for_codes_and_links_that_do_not_open_a_questionnaire(surveys, view):
    page = view.page
    states = [  # (address, what stands last on it, its heading's key, the state's name)
        ("?code=", FORM, "respond.code_title", "code form"),
        (f"?code={UNKNOWN_CODE}", FORM, "respond.unknown_code.title", "unknown code"),
        (f"?code={surveys.closed_code}", MESSAGE, "respond.closed.title", "closed campaign"),
        (f"?code={surveys.not_yet_open_code}", MESSAGE, "respond.not_yet_open.title", "campaign not open yet"),
        (f"?code={surveys.replaced_code}", FORM, "respond.voided.title", "code replaced by a new sheet of slips"),
        ("?survey=no-such-link", MESSAGE, "respond.unknown_link.title", "unknown link"),
    ]
    for address, last, heading, state in states:
        open_address(view, f"{surveys.url}/{address}", last)
        page.get_by_role("heading", name=view.text(heading)).wait_for()
        check_state(view, state)

    open_address(view, f"{surveys.url}/?{surveys.link}", SEND)
    check_state(view, "public link (older pupils), start")
    # The respondent switches language: the page's language follows.
    other = "en" if view.language == "fr" else "fr"
    page.get_by_role("radio", name={"en": "English", "fr": "Français"}[other]).click()
    expect(page.locator("html")).to_have_attribute("lang", other)


def test_the_page_for_a_device_that_already_answered_the_link(surveys, view):
    host = surveys.url.split("//", 1)[1].split(":", 1)[0]
    view.page.context.add_cookies([{"name": link_guard.COOKIE_NAME, "value": surveys.answered_browser,
                                    "domain": host, "path": "/"}])
    open_address(view, f"{surveys.url}/?{surveys.link}", MESSAGE)
    view.page.get_by_role("heading", name=view.text("respond_device.used_title")).wait_for()
    check_state(view, "public link, this device already answered")


def test_a_young_pupil_stays_on_the_face_to_answer(surveys, view):
    page = view.page
    open_address(view, f"{surveys.url}/?code={surveys.young_codes[view.index]}", SAVE)
    check_state(view, "young pupils, first face")
    faces = page.locator(".st-key-respond_faces")
    faces.get_by_role("radio", name=re.compile(re.escape(view.text("respond.faces.5")))).click()
    wait_idle(page)
    # Screen 2 ("said-hello", required) is skipped; the pupil goes on to the last screen.
    for number in range(2, 10):
        page.locator(".st-key-respond_next button").click()
        page.get_by_text(view.text("respond.question", number=number, total=9), exact=True).wait_for()
        wait_idle(page)
    check_state(view, "young pupils, last face")
    send(view)
    # Back on the screen of the missing face (2), not on screen 1, told why, focus on it.
    page.get_by_text(view.text("respond.question", number=2, total=9), exact=True).wait_for()
    missing = item_box(page, "said-hello")
    expect(missing).to_be_visible()
    expect(missing.locator(":focus")).to_have_count(1)
    expect(missing).to_contain_text(view.text("errors.survey.required"))
    check_state(view, "young pupils, after an error")


# --- what axe does not measure: sizes on a phone, the focus outline -------------------------------

TAP_TARGETS = ('button, a[href], summary, textarea, input:not([type=radio]):not([type=checkbox]), '
               '[data-testid="stRadioOption"]')
ANSWER_TEXTS = ('[data-testid="stRadioOption"] p, [data-testid="stButtonGroup"] button p, textarea, '
                '[data-testid="stMain"] input:not([type=radio])')


def measured(page, selector: str) -> list[dict]:
    """Every visible element of ``selector``: its text, size and font size as Chromium lays it out.
    A box of 1 px is visually hidden until focused ("Skip to main content"): not a tap target."""
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)].filter(e => e.checkVisibility()).map(e => {
            const box = e.getBoundingClientRect();
            return {text: (e.innerText || e.getAttribute('aria-label') || e.tagName).trim().slice(0, 40),
                    width: box.width, height: box.height, font: parseFloat(getComputedStyle(e).fontSize)};
        }).filter(e => e.width > 1 && e.height > 1)""",
        selector,
    )


def contrast(colour: str, background: tuple[int, int, int] = (255, 255, 255)) -> float:
    """WCAG contrast ratio of a CSS rgb()/rgba() colour on ``background``."""
    red, green, blue, *alpha = (float(part) for part in re.findall(r"[\d.]+", colour))
    opacity = alpha[0] if alpha else 1.0
    mixed = [opacity * c + (1 - opacity) * b for c, b in zip((red, green, blue), background, strict=True)]

    def luminance(rgb) -> float:
        linear = [c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(mixed), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def focus_outline(page, inside: str) -> dict:
    """Tab (as a keyboard user does) until the focus is inside ``inside``; the outline drawn
    around the focused answer (the radio's row: its input is visually hidden)."""
    tab_until(page, inside)
    return page.evaluate("""() => {
        const focused = document.activeElement;
        const shown = focused.closest('[data-testid="stRadioOption"]') || focused;
        const style = getComputedStyle(shown);
        return {style: style.outlineStyle, width: parseFloat(style.outlineWidth), colour: style.outlineColor};
    }""")


@pytest.fixture
def phone_page(chromium):
    context = chromium.new_context(viewport={"width": PHONE, "height": 740}, locale="fr-FR", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield View(page, "fr", PHONE, 0)
    context.close()


@pytest.mark.parametrize("address", ["families", "young", "code_form", "link"])
def test_on_a_phone_answers_are_16px_targets_44px_and_focus_is_outlined(surveys, phone_page, address):
    view, page = phone_page, phone_page.page
    addresses = {"families": f"?code={surveys.families_codes[-1]}", "young": f"?code={surveys.young_codes[-1]}",
                 "code_form": "?code=", "link": f"?{surveys.link}"}
    last = {"families": SEND, "young": SAVE, "code_form": FORM, "link": SEND}
    open_address(view, f"{surveys.url}/{addresses[address]}", last[address])
    # With both cores busy a last redraw can still be under way (the page is briefly
    # empty, once in a full run): measure once it stands again.
    page.wait_for_function(
        """selector => [...document.querySelectorAll(selector)].filter(e => {
            const box = e.getBoundingClientRect();
            return e.checkVisibility() && box.width > 1 && box.height > 1;
        }).length > 1""",
        arg=TAP_TARGETS,
    )
    targets = measured(page, TAP_TARGETS)
    assert len(targets) > 1, targets
    small = [target for target in targets if target["height"] < 44 or target["width"] < 44]
    assert not small, f"{len(small)} of {len(targets)} tap targets under 44 px: {small}"
    answers = measured(page, ANSWER_TEXTS)
    small_text = [answer for answer in answers if answer["font"] < 16]
    assert not small_text, f"answer text under 16 px: {small_text}"

    if address in ("families", "young", "link"):
        answer = '[class*="st-key-respond_item_"] :is(input, button, textarea)'
        outline = focus_outline(page, answer)
        assert outline["style"] != "none" and outline["width"] >= 2, outline
        assert contrast(outline["colour"]) >= 3, outline


def test_the_teachers_pages_have_their_own_titles_and_language_and_the_qr_code_is_described(surveys, chromium):
    """Beyond the answering pages: the app's titles and <html lang> come from app.py for
    every page, and the public link's QR code (Surveys page) has a text alternative."""
    context = chromium.new_context(viewport={"width": COMPUTER, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(surveys.url)
    page.get_by_role("heading", name=t("sign_in.title", "fr")).wait_for()
    wait_idle(page)
    expect(page).to_have_title(f"{t('nav.sign_in', 'fr')} – {t('app.name', 'fr')}")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    context.close()

    context = chromium.new_context(viewport={"width": COMPUTER, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, surveys.url)
    expect(page).to_have_title("My projects – eTwinning quality label")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    open_page(page, "Surveys", "Surveys")
    expect(page).to_have_title("Surveys – eTwinning quality label")
    page.goto(f"{surveys.url}/surveys?project={surveys.project_id}")  # the project with the public link
    page.get_by_role("heading", name="Surveys").wait_for()
    qr = page.get_by_role("img", name=re.compile("QR code: scanned with a phone, it opens the survey at"))
    expect(qr).to_have_count(1)
    assert qr.get_attribute("alt").endswith(surveys.link)  # the address it opens, in words
    context.close()


# --- the sign-in page's "Forgot your password?" popover ---------------------------------------------

def test_the_forgot_password_popover_is_accessible_open_and_answered(surveys, view):
    """The popover as a person opens it from the sign-in page (its button, its text, the
    address field, the send button) and after sending (the answer): no serious or critical
    axe violation, in each language and width; the keyboard reaches the field."""
    page = view.page
    open_address(view, surveys.url, '[data-testid="stPopover"]')
    page.get_by_role("heading", name=view.text("sign_in.title")).wait_for()
    opener = page.get_by_role("button", name=view.text("mail.sign_in.forgot"))
    check_state(view, "sign-in page, popover closed")

    opener.click()
    body = page.locator('[data-testid="stPopoverBody"]')
    field = body.get_by_role("textbox", name=view.text("fields.email"))
    field.wait_for()
    wait_idle(page)
    assert_accessible(page, f"forgot-password popover, open [{view.language}, {view.width} px]")
    expect(body).to_contain_text(view.text("mail.sign_in.forgot_help"))

    for _press in range(10):  # from the opener, the keyboard reaches the address field
        if page.evaluate("() => !!document.activeElement.closest('[data-testid=\"stPopoverBody\"] input')"):
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError("Tab never reached the popover's address field")
    page.keyboard.type("nobody@example.org")
    body.get_by_role("button", name=view.text("mail.sign_in.submit")).click()
    body.get_by_text(view.text("mail.sign_in.answer")).wait_for()
    wait_idle(page)
    assert_accessible(page, f"forgot-password popover, answered [{view.language}, {view.width} px]")
