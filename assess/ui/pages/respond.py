"""Answering a survey: the one page pupils, families and partner teachers see.

app.py runs it alone (no sign-in, no sidebar) for ``?code=CODE`` (a single-use code from a
slip), ``?survey=TOKEN`` (a public link) or an empty ``?code`` (the form to type a code).

- The answers live in ``st.session_state`` under the visit (code or link), the source of
  truth for the widgets: the young pupils' version shows one item per screen, and a widget
  not shown in a run loses its own state.
- Switching language keeps every answer: widget keys do not depend on the language, and
  after a switch each widget is given its answer again from that store (the browser holds a
  choice as the text shown for it, which changes with the language).
- With a code, every change is also saved on the server (``save_draft``): coming back with
  the same code, on any device, resumes where the respondent stopped.
- With a link, nothing is kept on the server before the answers are sent; the page makes
  one random id (nonce) per questionnaire shown, so a double click stores one response.
- With a link, one response per browser (unless the teacher allowed several): before the
  questions are shown, the browser must hold the ``assess_respondent`` cookie; see "one
  response per browser" below and assess.services.link_guard.
- Every check is the server's (``submit_*`` validates); its messages are shown next to the
  items they are about. Non-open visits (not yet open, closed, code used or replaced, unknown) get
  a page of their own, never a traceback.
- WCAG 2.1 AA (tests/e2e/test_accessibility.py runs axe-core on every state): each state
  has its own title and says its language (``page_setup``); after a failed send the
  summary names each question to complete, and the focus and the view go to the first one
  (``focus_script``); the styles for contrast, sizes and focus are faces.RESPOND_STYLE.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import date
from typing import Any

import streamlit as st

from assess import i18n
from assess.domain.answers import DONT_KNOW, AnswerError
from assess.domain.questionnaire import Audience, Display, Item, ItemType, Questionnaire
from assess.i18n.address import pupils_key
from assess.i18n.formats import format_date
from assess.services import campaigns, link_guard, responding
from assess.services.responding import Visit, VisitStatus
from assess.ui.faces import AGREEMENT_OPTIONS, FACES_KEY, FACES_STYLE, RESPOND_STYLE, face_label
from assess.ui.runtime import _, lang, page_language_script, reading, set_lang, transaction

ANSWERS = "respond_answers"  # visit -> {item id: raw answer}
ERRORS = "respond_errors"  # visit -> {item id: AnswerError} of the last save or submission
DONE = "respond_done"  # visit -> the questionnaire (its thanks, its audience), once the answers are stored
STEP = "respond_step"  # visit -> index of the item shown (one-at-a-time display)
NONCE = "respond_nonce"  # visit -> random id of the questionnaire shown (links)
SAVED = "respond_saved"  # visit whose answers were just saved on "Save and continue later"
RESUMED = "respond_resumed"  # visits opened in this session with answers saved earlier
DRAWN_IN = "respond_drawn_in"  # visit -> language the browser last showed the answers in
BROWSER = "respond_browser"  # the id in this browser's cookie, as the request that opened this session sent it
LINK_REFUSAL = "respond_link_refusal"  # visit -> why the link refused the last sending (busy, no id)
COOKIE_SET = "set_cookie"  # query parameter: the page has set the cookie and reloaded
FOCUS = "respond_focus"  # visit -> id of the first missing answer, to bring into focus once after a failed send
FOCUS_COUNT = "respond_focus_count"  # makes each focus script new, so that it runs again

# Item ids come from the questionnaire files; only such ids are ever written into a script.
_ITEM_ID = re.compile(r"^[A-Za-z0-9_-]{1,100}$")

#: Who this run's page speaks to, once the campaign is known (set below, at each run).
AUDIENCE: str | None = None


# --- where the respondent comes from ---------------------------------------------------------

def target() -> tuple[str, str] | None:
    """("link", token) or ("code", normalised code) from the address; None: ask for a code."""
    token = (st.query_params.get("survey") or "").strip()
    if token:
        return "link", token
    code = campaigns.normalise_code(st.query_params.get("code") or "")
    return ("code", code) if code else None


def look_up(kind: str, value: str) -> Visit:
    with reading() as session:
        if kind == "code":
            return responding.visit_by_code(session, code=value)
        return responding.visit_by_link(session, token=value, browser_id=browser_to_check(f"{kind}:{value}"))


def state(name: str, visit_key: str, default):
    return st.session_state.setdefault(name, {}).setdefault(visit_key, default)


# --- texts -------------------------------------------------------------------------------------

def said(key: str, /, **params: Any) -> str:
    """A sentence that speaks to the respondent, in the audience's form of address: pupils
    are spoken to as "tu" and "du" (the variant in the area's ``pupils`` table, named by
    :func:`assess.i18n.address.pupils_key`), families and teachers as "vous" and "Sie"
    (the key itself)."""
    return _(pupils_key(key) if AUDIENCE == Audience.PUPILS else key, **params)


def long_date(day: date) -> str:
    return format_date(day, lang())


def agreement_word(point: int | str) -> str:
    return _(f"respond.scale.{'dont_know' if point == DONT_KNOW else point}")


def face_word(point: int | str) -> str:
    return _(f"respond.faces.{'dont_know' if point == DONT_KNOW else point}")


def item_label(item: Item) -> str:
    """The question, and "(required)" in words: the label is also what screen readers say."""
    text = item.text.get(lang())
    return f"{text} {_('respond.required_mark')}" if item.required else text


# --- answers: raw values as the services take them <-> widget values ---------------------------

def blank(raw: Any) -> bool:
    return raw is None or raw == "" or raw == [] or (isinstance(raw, str) and not raw.strip())


def to_widget(item: Item, raw: Any) -> Any:
    if item.type is ItemType.MULTIPLE:
        return list(raw) if isinstance(raw, (list, tuple)) else []
    if item.type is ItemType.SINGLE:
        return raw[0] if isinstance(raw, (list, tuple)) and raw else raw or None
    if item.type is ItemType.TEXT:
        return raw if isinstance(raw, str) else ""
    return raw if raw in AGREEMENT_OPTIONS else None


def offered(item: Item, value: Any) -> bool:
    """Whether ``value`` is one the page offers for ``item`` (or no answer). A browser keeps a
    choice as the text shown for it: a text from before a language switch comes back as
    itself, not as one of the options."""
    if blank(value):
        return True
    if item.type is ItemType.AGREEMENT:
        return value in AGREEMENT_OPTIONS
    ids = {option.id for option in item.options}
    if item.type is ItemType.SINGLE:
        return value in ids
    if item.type is ItemType.MULTIPLE:
        return isinstance(value, (list, tuple)) and set(value) <= ids
    return isinstance(value, str)


def widget_key(visit_key: str, item: Item) -> str:
    return f"respond:{visit_key}:{item.id}"


def current_answers(visit_key: str, questionnaire: Questionnaire) -> dict[str, Any]:
    """The answers as they stand, widgets shown in this run first (a text area being typed in
    is sent along with the click that follows it)."""
    answers = dict(state(ANSWERS, visit_key, {}))
    for item in questionnaire.items:
        key = widget_key(visit_key, item)
        if key in st.session_state:
            answers[item.id] = st.session_state[key]
    return {item_id: raw for item_id, raw in answers.items() if not blank(raw)}


def save_on_server(code: str, answers: dict[str, Any], visit_key: str) -> None:
    """Save the draft; messages about answers it could not keep join those already shown
    (a required question still unanswered stays marked until it is answered)."""
    with transaction() as session:
        errors = responding.save_draft(session, code=code, answers=answers, language=lang())
    state(ERRORS, visit_key, {}).update({e.item_id: e for e in errors})


def changed(visit_key: str, item: Item, key: str, code: str | None) -> None:
    """on_change of an answer: keep it and, with a code, save the draft on the server.
    A value the page never offered (a stale text from the browser) is not an answer: the
    answer kept stays, in the widget too, and the draft is not touched."""
    answers = state(ANSWERS, visit_key, {})
    if not offered(item, st.session_state[key]):
        st.session_state[key] = to_widget(item, answers.get(item.id))
        return
    answers[item.id] = st.session_state[key]
    state(ERRORS, visit_key, {}).pop(item.id, None)
    st.session_state.pop(SAVED, None)
    if code:
        save_on_server(code, {i: raw for i, raw in answers.items() if not blank(raw)}, visit_key)


# --- one item ------------------------------------------------------------------------------------

def answer_widget(item: Item, visit_key: str, code: str | None, *, faces: bool = False) -> None:
    key = widget_key(visit_key, item)
    if key not in st.session_state:  # first shown, or shown again after another screen
        st.session_state[key] = to_widget(item, state(ANSWERS, visit_key, {}).get(item.id))
    args = (visit_key, item, key, code)  # for on_change=changed
    label = item_label(item)
    error: AnswerError | None = state(ERRORS, visit_key, {}).get(item.id)
    if error is not None:  # above the answers: in view with them when the page brings them into focus
        st.error(_(error.key, **error.params), icon=":material/error:")
    if item.type is ItemType.AGREEMENT and faces:
        # Words fixed now, in this run's language (format_func may be called after the run).
        face_texts = {point: face_label(point, face_word(point)) for point in AGREEMENT_OPTIONS}
        with st.container(key=FACES_KEY):
            st.segmented_control(label, options=list(face_texts), format_func=face_texts.__getitem__, width="stretch",
                                 key=key, on_change=changed, args=args)
    elif item.type is ItemType.AGREEMENT:
        # One answer a line, in the order of the scale: on a phone, a horizontal row of six
        # would wrap and mix the order up.
        words = {point: agreement_word(point) for point in AGREEMENT_OPTIONS}
        st.radio(label, options=list(words), format_func=words.__getitem__, index=None, key=key, on_change=changed,
                 args=args)
    elif item.type is ItemType.SINGLE:
        texts = {o.id: o.text.get(lang()) for o in item.options}
        st.radio(label, options=list(texts), format_func=texts.__getitem__, index=None, key=key, on_change=changed,
                 args=args)
    elif item.type is ItemType.MULTIPLE:
        texts = {o.id: o.text.get(lang()) for o in item.options}
        st.pills(label, options=list(texts), format_func=texts.__getitem__, selection_mode="multi", key=key,
                 on_change=changed, args=args)
        st.caption(said("respond.several"))
    else:
        st.text_area(label, max_chars=item.max_length, placeholder=said("respond.text_placeholder"),
                     height=160 if faces else 110, key=key, on_change=changed, args=args)
    if item.help:
        st.caption(item.help.get(lang()))


# --- sending ---------------------------------------------------------------------------------------

def send(kind: str, value: str, visit_key: str, questionnaire: Questionnaire) -> None:
    answers = current_answers(visit_key, questionnaire)
    with transaction() as session:
        if kind == "code":
            result = responding.submit_with_code(session, code=value, answers=answers, language=lang())
        else:
            nonce = state(NONCE, visit_key, uuid.uuid4().hex)
            result = responding.submit_with_link(session, token=value, nonce=nonce, answers=answers, language=lang(),
                                                 browser_id=browser_id())
    link_refused(result, visit_key)
    if result.stored or (kind == "link" and result.status is VisitStatus.USED):
        # Stored now, or already stored by an earlier click on this same questionnaire.
        st.session_state.setdefault(DONE, {})[visit_key] = questionnaire
        for name in (ANSWERS, ERRORS, STEP, NONCE, DRAWN_IN):
            st.session_state.get(name, {}).pop(visit_key, None)
        st.rerun()
    if result.status is not VisitStatus.OPEN:
        st.rerun()  # closed meanwhile, or the code was used in another tab: its own page says so
    st.session_state.setdefault(ERRORS, {})[visit_key] = {e.item_id: e for e in result.errors}
    ids = [item.id for item in questionnaire.items]
    first = min((ids.index(e.item_id) for e in result.errors if e.item_id in ids), default=None)
    if first is not None:
        # Focus and view go to the first answer to give; young pupils go to its screen.
        st.session_state.setdefault(FOCUS, {})[visit_key] = ids[first]
        if questionnaire.display is Display.ONE_AT_A_TIME:
            st.session_state.setdefault(STEP, {})[visit_key] = first
    st.rerun()


def save_for_later(code: str, visit_key: str, questionnaire: Questionnaire) -> None:
    save_on_server(code, current_answers(visit_key, questionnaire), visit_key)
    st.session_state[SAVED] = visit_key


def saved_notice(kind: str, value: str, visit_key: str) -> None:
    if kind == "code" and st.session_state.get(SAVED) == visit_key:
        st.success(said("respond.saved", code=campaigns.format_code(value)), icon=":material/bookmark_added:")


def error_summary(visit_key: str, questionnaire: Questionnaire) -> None:
    """What is left to do, in words: each question by its number and text, with its message
    (not "marked in red": colour alone tells nothing to some readers)."""
    errors = state(ERRORS, visit_key, {})
    if not errors:
        return
    total = len(questionnaire.items)
    lines = [
        _("respond.correct_item", number=number, total=total, text=item.text.get(lang()),
          message=_(errors[item.id].key, **errors[item.id].params))
        for number, item in enumerate(questionnaire.items, start=1) if item.id in errors
    ]
    with st.container(key="respond_error_summary"):
        st.error("\n".join([said("respond.correct", count=len(errors)), "", *(f"- {line}" for line in lines)]),
                 icon=":material/error:")


def focus_script(visit_key: str) -> None:
    """Once after a failed send: bring the first missing answer into view and give it the
    focus (a screen reader then reads its question), instead of leaving the focus on
    the page's body with no error in view."""
    item_id = st.session_state.get(FOCUS, {}).pop(visit_key, None)
    if not item_id or not _ITEM_ID.match(item_id):
        return
    count = st.session_state[FOCUS_COUNT] = st.session_state.get(FOCUS_COUNT, 0) + 1
    # The box is drawn by the same run, maybe a moment later than this script: it is looked for a while.
    script = (
        "<script>(function () {"
        f"var box = {json.dumps('.st-key-respond_item_' + item_id)}, tries = 0; /* {count} */"
        "(function bring() {"
        "var found = document.querySelector(box);"
        "if (!found) { if (tries++ < 50) { setTimeout(bring, 100); } return; }"
        "var answer = found.querySelector('input, textarea, button');"
        "found.scrollIntoView({block: 'center'});"
        "if (answer) { answer.focus({preventScroll: true}); }"
        "})();"
        "})();</script>"
    )
    with page_scripts("focus"):
        st.html(script, unsafe_allow_javascript=True, width="content")


def page_scripts(name: str):
    """A hidden box for one of the page's scripts (faces.RESPOND_STYLE hides them)."""
    return st.container(key=f"respond_scripts_{name}")


def page_setup(title: str) -> None:
    """This page's own title, in the browser's tab and history, and its language."""
    st.set_page_config(page_title=title, layout="centered")
    with page_scripts("language"):
        st.html(page_language_script(), unsafe_allow_javascript=True, width="content")


# --- the two displays --------------------------------------------------------------------------------

def whole_form(kind: str, value: str, visit_key: str, questionnaire: Questionnaire) -> None:
    code = value if kind == "code" else None
    total = len(questionnaire.items)
    done = len(current_answers(visit_key, questionnaire))
    st.progress(done / total if total else 0.0, text=_("respond.progress", count=done, total=total))
    if any(item.required for item in questionnaire.items):
        st.caption(_("respond.required_help", mark=_("respond.required_mark")))
    for number, item in enumerate(questionnaire.items, start=1):
        with st.container(border=True, key=f"respond_item_{item.id}"):
            st.caption(_("respond.question", number=number, total=total))
            answer_widget(item, visit_key, code)
    error_summary(visit_key, questionnaire)
    link_refusal_notice(visit_key)
    saved_notice(kind, value, visit_key)
    with st.container(horizontal=True):
        if st.button(_("respond.send"), type="primary", icon=":material/send:", key="respond_send"):
            send(kind, value, visit_key, questionnaire)
        if code:
            st.button(_("respond.save_later"), icon=":material/bookmark:", key="respond_save",
                      on_click=save_for_later, args=(code, visit_key, questionnaire))
    if code:
        st.caption(said("respond.autosave"))


def go_to(visit_key: str, step: int) -> None:
    st.session_state.setdefault(STEP, {})[visit_key] = step
    st.session_state.pop(SAVED, None)


def one_at_a_time(kind: str, value: str, visit_key: str, questionnaire: Questionnaire) -> None:
    """Young pupils: one sentence per screen, answered with faces; Previous / Next."""
    code = value if kind == "code" else None
    total = len(questionnaire.items)
    step = min(max(state(STEP, visit_key, 0), 0), total - 1)
    st.html(FACES_STYLE)
    st.progress((step + 1) / total, text=_("respond.question", number=step + 1, total=total))
    item = questionnaire.items[step]
    with st.container(key=f"respond_item_{item.id}"):
        answer_widget(item, visit_key, code, faces=True)
    last = step == total - 1
    with st.container(horizontal=True):
        st.button(_("respond.previous"), icon=":material/arrow_back:", key="respond_previous", disabled=step == 0,
                  on_click=go_to, args=(visit_key, step - 1), width="stretch")
        if not last:
            st.button(_("respond.next"), icon=":material/arrow_forward:", type="primary", key="respond_next",
                      on_click=go_to, args=(visit_key, step + 1), width="stretch")
        elif st.button(_("respond.send"), type="primary", icon=":material/send:", key="respond_send", width="stretch"):
            send(kind, value, visit_key, questionnaire)
    if last:
        error_summary(visit_key, questionnaire)
        link_refusal_notice(visit_key)
    saved_notice(kind, value, visit_key)
    if code:
        st.button(_("respond.save_later"), icon=":material/bookmark:", key="respond_save",
                  on_click=save_for_later, args=(code, visit_key, questionnaire))


# --- one response per browser on a public link (assess.services.link_guard) ----------------------
# Streamlit reads the cookies of the request that opened the browser session and cannot set
# one: a script sets it, then reloads the page, so the new session's request shows that the
# browser really keeps it. Only then are the questions shown: a client that keeps no cookie
# (a script, cookies refused) never gets to send, and is told why.

def browser_id() -> str | None:
    """The id in this browser's ``assess_respondent`` cookie (None: none was sent)."""
    if BROWSER not in st.session_state:
        value = st.context.cookies.get(link_guard.COOKIE_NAME)  # (AppTest has no browser: no cookie)
        if isinstance(value, str) and value:
            st.session_state[BROWSER] = value
    return st.session_state.get(BROWSER)


def browser_to_check(visit_key: str) -> str | None:
    """The browser id to check when the link is opened; none while this page is already
    showing the questions (its sending says whether it is stored: a double click is thanked)."""
    return None if visit_key in st.session_state.get(NONCE, {}) else browser_id()


def browser_ready(visit: Visit) -> bool:
    """Whether this browser may answer now; if not, give it its id (once) or say why not."""
    if not visit.one_per_device:
        return True
    with reading() as session:
        if link_guard.genuine(session, browser_id()):
            if COOKIE_SET in st.query_params:  # the address the respondent sees loses the marker
                del st.query_params[COOKIE_SET]
            return True
        new_id = link_guard.new_browser_id(session)
    if st.query_params.get(COOKIE_SET):  # set and reloaded, yet not sent back: cookies refused
        no_cookie_page()
        return False
    st.markdown(_("respond_device.opening"))
    # The id is this server's own ASCII token; json.dumps makes every value a JS string.
    st.html(
        "<script>(function () {"
        "var secure = window.location.protocol === 'https:' ? '; Secure' : '';"
        f"document.cookie = {json.dumps(f'{link_guard.COOKIE_NAME}={new_id}')}"
        f" + '; Path=/; Max-Age={link_guard.COOKIE_MAX_AGE}; SameSite=Lax' + secure;"
        "var url = new URL(window.location.href);"
        f"url.searchParams.set({json.dumps(COOKIE_SET)}, '1');"
        "window.location.replace(url.toString());"
        "})();</script>",
        unsafe_allow_javascript=True, width="content",
    )
    return False


def no_cookie_page() -> None:
    heading(_("respond_device.no_cookie_title"))
    st.warning(said("respond_device.no_cookie_text"), icon=":material/cookie:")
    st.button(_("respond_device.try_again"), icon=":material/refresh:", key="respond_cookie_again",
              on_click=forget_cookie_set)


def forget_cookie_set() -> None:
    """Try again: without the marker, the page gives the browser its id again."""
    st.query_params.pop(COOKIE_SET, None)


def device_used_page() -> None:
    heading(_("respond_device.used_title"))
    st.info(said("respond_device.used_text"), icon=":material/task_alt:")
    st.markdown(said("respond_device.shared"))  # content, not a grey caption (contrast)


def link_refused(result: responding.Submission, visit_key: str) -> None:
    """After a link sending: busy (rate bound) or no id, the answers stay and the page says
    why; this device having answered meanwhile (another tab) gets its own page."""
    refusals = st.session_state.setdefault(LINK_REFUSAL, {})
    refusals.pop(visit_key, None)
    if result.status is VisitStatus.DEVICE_USED:
        st.session_state.get(NONCE, {}).pop(visit_key, None)
        st.rerun()
    if result.status in (VisitStatus.BUSY, VisitStatus.NO_BROWSER_ID):
        refusals[visit_key] = result.status
        st.rerun()


def link_refusal_notice(visit_key: str) -> None:
    refused = st.session_state.get(LINK_REFUSAL, {}).get(visit_key)
    if refused is VisitStatus.BUSY:
        st.warning(said("respond_device.busy"), icon=":material/hourglass_top:")
    elif refused is VisitStatus.NO_BROWSER_ID:
        st.warning(said("respond_device.no_browser_id"), icon=":material/cookie:")


# --- pages -------------------------------------------------------------------------------------------

def code_form(*, title: bool = True) -> None:
    if title:
        heading(_("respond.code_title"))
        st.markdown(_("respond.code_intro"))
    with st.form("respond_code", border=True):
        typed = st.text_input(_("respond.code_label"), placeholder="ABCDE-FGHJK", max_chars=40, autocomplete="off")
        sent = st.form_submit_button(_("respond.code_open"), type="primary", icon=":material/arrow_forward:")
    if sent:
        code = campaigns.normalise_code(typed)
        if not code:
            st.error(_("respond.code_empty"))
            return
        st.query_params.clear()
        st.query_params["code"] = code
        st.rerun()


def heading(text: str) -> None:
    """The page's heading, also its title in the browser's tab."""
    page_setup(text)
    st.title(text, anchor=False)


def status_page(kind: str, visit: Visit) -> None:
    # (A visit not yet open or closed always has its campaign's dates.)
    if visit.status is VisitStatus.NOT_YET_OPEN and visit.opens_on is not None:
        heading(_("respond.not_yet_open.title"))
        st.info(said("respond.not_yet_open.text", date=long_date(visit.opens_on)), icon=":material/schedule:")
    elif visit.status is VisitStatus.CLOSED and visit.closed_on is not None:
        heading(_("respond.closed.title"))
        st.info(said("respond.closed.text", date=long_date(visit.closed_on)), icon=":material/event_busy:")
    elif visit.status is VisitStatus.USED:
        heading(_("respond.used.title"))
        st.info(_("respond.used.text"), icon=":material/task_alt:")
    elif visit.status is VisitStatus.VOIDED:
        heading(_("respond.voided.title"))
        st.warning(_("respond.voided.text"), icon=":material/autorenew:")
        code_form(title=False)
    elif kind == "code":
        heading(_("respond.unknown_code.title"))
        st.warning(_("respond.unknown_code.text"), icon=":material/help:")
        code_form(title=False)
    else:
        heading(_("respond.unknown_link.title"))
        st.warning(_("respond.unknown_link.text"), icon=":material/link_off:")


def thank_you(questionnaire: Questionnaire) -> None:
    heading(said("respond.sent_title"))
    st.success(questionnaire.thanks.get(lang()), icon=":material/favorite:")
    st.caption(said("respond.sent_close"))


def choose_language(visit_key: str, visit: Visit) -> None:
    """Only the campaign's languages; first the one of the saved answers, else the browser's."""
    languages = [language for language in i18n.languages() if language in visit.languages] or list(i18n.languages())
    key = f"respond_lang:{visit_key}"
    if st.session_state.get(key) not in languages:
        preferred = visit.draft_language if visit.draft_language in languages else lang()
        st.session_state[key] = preferred if preferred in languages else languages[0]
    set_lang(st.session_state[key])
    if len(languages) > 1:
        st.segmented_control(_("respond.language"), options=languages, format_func=i18n.language_names().__getitem__,
                             required=True, key=key)


def redraw_answers_after_a_switch(visit_key: str, questionnaire: Questionnaire) -> None:
    """After a language switch, give every answer widget its answer again.

    Streamlit's browser side holds a choice as the text shown for it ("Agree"): once the
    texts are "D'accord", that choice matches none of them, the browser shows nothing
    chosen and sends a blank with the next click, which the autosave would keep. Setting
    the value from the page's answers makes Streamlit send it in the new language."""
    drawn = st.session_state.setdefault(DRAWN_IN, {})
    if drawn.get(visit_key, lang()) != lang():
        answers = state(ANSWERS, visit_key, {})
        for item in questionnaire.items:
            key = widget_key(visit_key, item)
            if key in st.session_state:  # the others are seeded when shown (answer_widget)
                st.session_state[key] = to_widget(item, answers.get(item.id))
    drawn[visit_key] = lang()


def questionnaire_page(kind: str, value: str, visit_key: str, visit: Visit, questionnaire: Questionnaire) -> None:
    if visit_key not in st.session_state.get(ANSWERS, {}):
        # First time in this browser session: what was saved with this code, if anything.
        st.session_state.setdefault(ANSWERS, {})[visit_key] = {
            item.id: to_widget(item, visit.draft.get(item.id)) for item in questionnaire.items
        }
        if visit.draft:
            st.session_state.setdefault(RESUMED, set()).add(visit_key)
    if kind == "link":
        state(NONCE, visit_key, uuid.uuid4().hex)
    choose_language(visit_key, visit)
    redraw_answers_after_a_switch(visit_key, questionnaire)
    title = questionnaire.title.get(lang())
    to_correct = len(state(ERRORS, visit_key, {}))
    # The tab says there is something to correct (screen readers read the title first).
    page_setup(_("respond.title_to_correct", count=to_correct, title=title) if to_correct else title)
    st.title(title, anchor=False)
    if questionnaire.display is Display.ONE_AT_A_TIME and state(STEP, visit_key, 0) > 0:
        # After the first screen the sentence comes first; the introduction stays at hand.
        with st.expander(_("respond.about"), icon=":material/info:"):
            st.markdown(questionnaire.intro.get(lang()))
    else:
        st.markdown(questionnaire.intro.get(lang()))
    if visit_key in st.session_state.get(RESUMED, set()):
        st.info(said("respond.resumed"), icon=":material/history:")
    if questionnaire.display is Display.ONE_AT_A_TIME:
        one_at_a_time(kind, value, visit_key, questionnaire)
    else:
        whole_form(kind, value, visit_key, questionnaire)
    focus_script(visit_key)


st.set_page_config(layout="centered")
st.html(RESPOND_STYLE)
where = target()
if where is None:
    code_form()
    st.stop()
kind, value = where
visit_key = f"{kind}:{value}"
answered = st.session_state.get(DONE, {}).get(visit_key)
if answered is not None:
    AUDIENCE = answered.audience
    thank_you(answered)
    st.stop()
visit = look_up(kind, value)
AUDIENCE = visit.audience
if visit.status is VisitStatus.DEVICE_USED:
    device_used_page()
    st.stop()
questionnaire = visit.questionnaire  # (an open visit's alone, always there then)
if visit.status is not VisitStatus.OPEN or questionnaire is None:
    status_page(kind, visit)
    st.stop()
if kind == "link" and not browser_ready(visit):
    st.stop()
questionnaire_page(kind, value, visit_key, visit, questionnaire)
