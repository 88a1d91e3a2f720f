"""What every page needs: the database, the signed-in actor, the language, messages.

Caching rule: only engines (shared, thread-safe, holding no personal data) go in
``st.cache_resource``; the actor and the language live in ``st.session_state``, which
is per browser session.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy.orm import Session, sessionmaker

from assess.domain.permissions import Actor, PermissionDenied, can
from assess.i18n import catalogue, default_language, languages, normalise_language, t
from assess.services import accounts, settings, web_sessions
from assess.services.errors import FieldError, InvalidInput, ServiceError, message_of, reader_params
from assess.storage import db
from assess.storage.db import database_url, make_engine, make_session_factory, upgrade_database


@st.cache_resource(show_spinner=False)
def _sessions_for(url: str) -> sessionmaker:
    engine = make_engine(url)
    upgrade_database(engine)  # the app migrates the database at start, as `assess init` does
    factory = make_session_factory(engine)
    settings.make_secret_key(factory)
    return factory


def sessions() -> sessionmaker:
    return _sessions_for(database_url())


@contextmanager
def transaction() -> Iterator[Session]:
    """One unit of work that writes: committed if the block ends normally, rolled back
    otherwise. It holds SQLite's write lock: only quick work inside (no PDF, no hashing)."""
    with db.writing(sessions()) as session:
        yield session


@contextmanager
def reading() -> Iterator[Session]:
    """One unit of work that only reads (what a page shows, a report, an export): it never
    makes a writer wait, and a write in it fails."""
    with db.reading(sessions()) as session:
        yield session


# --- language -----------------------------------------------------------------------------

#: The browser keeps the language last chosen in it (on the switch, or saved on the account
#: of the person who signed in), so that its sign-in page opens in it after a sign-out, a
#: reload or a new tab. Not a secret: a language code of the suite's list, nothing else.
LANGUAGE_COOKIE = "assess_lang"
LANGUAGE_CHOSEN = "lang_chosen"  # this browser session's language was chosen: the cookie follows it
LANGUAGE_COOKIE_DAYS = 365


def lang() -> str:
    """The reader's language: their choice, else their account's, else the one last chosen
    in this browser (its cookie), else the browser's."""
    # One look into the session state, not two: a page of a thousand rows asks often (issue 13).
    chosen = st.session_state.get("lang")
    if chosen is None:
        kept = st.context.cookies.get(LANGUAGE_COOKIE)
        chosen = kept if kept in languages() else \
            normalise_language(st.context.locale or st.context.headers.get("Accept-Language"))
        st.session_state["lang"] = chosen
    return chosen


def set_lang(value: str) -> None:
    if value in languages():
        st.session_state["lang"] = value


def remember_language(value: str) -> None:
    """A language the person chose (the switch, their account's page) or saved on their
    account: this browser keeps it too (:func:`language_cookie_script`)."""
    if value in languages():
        set_lang(value)
        st.session_state[LANGUAGE_CHOSEN] = True


def language_cookie_script() -> str:
    """A script that keeps the chosen language in the browser's cookie (nothing when nobody
    chose one here: the browser's own language keeps deciding). Only a language of the
    suite's own list is written."""
    if not st.session_state.get(LANGUAGE_CHOSEN) or lang() not in languages():
        return ""
    cookie = f"{LANGUAGE_COOKIE}={lang()}; Path=/; Max-Age={LANGUAGE_COOKIE_DAYS * 86400}; SameSite=Strict"
    return f"<script>document.cookie = {json.dumps(cookie)};</script>"


def page_language_script() -> str:
    """A script that gives the page the reader's language (``<html lang>``), for screen
    readers' pronunciation and browsers' translation offers. Streamlit's index.html says
    lang="en" whatever the page and has no setting for it (streamlit/streamlit#15726), so
    a script sets it after each run. Only a language of the suite's own list is written."""
    language = lang() if lang() in languages() else default_language()
    return f"<script>document.documentElement.lang = {json.dumps(language)};</script>"


def _(key: str, /, **params) -> str:
    """The message ``key`` in the reader's language."""
    return t(key, lang(), **params)


# --- the signed-in person -------------------------------------------------------------------
# The browser keeps a signed session cookie (assess.services.web_sessions) so that a reload
# or a typed address keeps the person signed in. Streamlit reads cookies (st.context.cookies,
# those of the request that opened this browser session) but cannot set them: a tiny script
# does (session_cookie_script). Within one browser session the cookie's value is also kept in
# st.session_state, and checked against the database on every run, so a session ended
# elsewhere (sign-out, password change, deactivation) ends here at the next click.

SESSION = "session_cookie"  # this browser session's cookie value (in server memory)
COOKIE_STATE = "session_cookie_sync"  # what the browser's cookie must become: ("set", value, max_age) or ("clear", old value)
REFUSED = "session_cookie_refused"  # a browser cookie found dead: not checked again on every run

# A cookie value is the service's own ASCII token; anything else is never written into a script.
_COOKIE_VALUE = re.compile(r"^[A-Za-z0-9_.-]{1,200}$")


def actor() -> Actor | None:
    """The signed-in actor, re-read from the database on every run so that a role removed,
    an account deactivated or a session ended elsewhere takes effect at once."""
    cookie = st.session_state.get(SESSION)
    from_browser = cookie is None
    if cookie is None:
        cookie = _browser_cookie()
        if not cookie or cookie == st.session_state.get(REFUSED):
            return None
    # Every click runs this: it reads, and writes only when the "last seen" time is due
    # (every few minutes), so a page view never waits for SQLite's write lock.
    with reading() as session:
        current, seen_due = accounts.actor_and_seen_due(session, cookie=cookie)
    if seen_due:
        with transaction() as session:
            web_sessions.mark_seen(session, cookie=cookie)
    if current is None:
        _forget_sign_in()
        st.session_state[REFUSED] = cookie
        # A cookie that is not even ours in form is cleared whatever it holds.
        st.session_state[COOKIE_STATE] = ("clear", cookie if _COOKIE_VALUE.match(cookie) else "")
        return None
    if from_browser:  # a reload: this new browser session takes the cookie's sign-in
        _remember(current, cookie)
    return current


def _browser_cookie() -> str | None:
    """The session cookie the browser sent when this browser session began."""
    value = st.context.cookies.get(web_sessions.COOKIE_NAME)
    return value if isinstance(value, str) else None  # (AppTest has no browser: no cookie)


def _remember(signed_in: Actor, cookie: str) -> None:
    st.session_state[SESSION] = cookie
    st.session_state["actor_id"] = signed_in.id
    if signed_in.language:
        remember_language(signed_in.language)


def sign_in_as(signed_in: Actor) -> None:
    """Open a session for someone whose identity was just proven, and give their browser its cookie."""
    with transaction() as session:
        started = web_sessions.start(session, user_id=signed_in.account_id)
    st.session_state.pop(REFUSED, None)
    _remember(signed_in, started.cookie)
    st.session_state[COOKIE_STATE] = ("set", started.cookie, started.max_age())


def current_session_cookie() -> str | None:
    """This browser's session cookie (to keep it when the person changes their password)."""
    return st.session_state.get(SESSION)


def _forget_sign_in() -> None:
    for key in list(st.session_state.keys()):
        if key not in ("lang", LANGUAGE_CHOSEN):
            del st.session_state[key]


def sign_out() -> None:
    """End every session of the signed-in person (this browser's and any other), forget
    them here and have the browser drop its cookie."""
    cookie = st.session_state.get(SESSION) or _browser_cookie()
    if cookie:
        with transaction() as session:
            accounts.sign_out(session, cookie=cookie)
    _forget_sign_in()
    if cookie:
        st.session_state[REFUSED] = cookie  # st.context keeps the old cookie until the next page load
    st.session_state[COOKIE_STATE] = ("clear", cookie or "")


def session_cookie_script() -> None:
    """Bring the browser's cookie in line with this session (set after sign-in, cleared after
    sign-out). Rendered on every run: the same script again changes nothing.

    The cookie cannot be HttpOnly (only a server response can set that, and Streamlit has
    no API for it): a script on the page could read it. Pages never run user text as HTML
    or script (see docs/architecture.md), which is what keeps it out of reach.
    """
    wanted = st.session_state.get(COOKIE_STATE)
    if not wanted or not all(_COOKIE_VALUE.match(value) for value in wanted[1:2] if value):
        return
    name = web_sessions.COOKIE_NAME
    if wanted[0] == "set":
        value, max_age, only_if = wanted[1], int(wanted[2]), ""
    else:
        # Cleared only if it still holds the ended session: a later sign-in in another tab
        # must not be undone when this page draws the script again.
        value, max_age, only_if = "", 0, wanted[1]
    # SameSite=Strict: no other site can make the browser send it. Secure on https pages.
    script = (
        "<script>(function () {"
        f"var onlyIf = {json.dumps(f'{name}={only_if}' if only_if else '')};"
        "if (onlyIf && document.cookie.split('; ').indexOf(onlyIf) < 0) { return; }"
        "var secure = window.location.protocol === 'https:' ? '; Secure' : '';"
        f"document.cookie = {json.dumps(f'{name}={value}')} + '; Path=/; Max-Age={max_age}; SameSite=Strict' + secure;"
        "})();</script>"
    )
    with st.sidebar:
        st.html(script, unsafe_allow_javascript=True, width="content")


def client_address() -> str | None:
    """The address the person connects from, for sign-in throttling (None: unknown).

    Streamlit gives None for connections from this machine, which is what a reverse proxy
    on the same host looks like: ``ASSESS_CLIENT_ADDRESS_HEADER`` (e.g. X-Forwarded-For)
    then names the header the proxy puts the real address in. Its last entry is the one
    the proxy saw; the earlier ones are whatever the client sent."""
    address = st.context.ip_address
    header = os.environ.get("ASSESS_CLIENT_ADDRESS_HEADER")
    if address is None and header:
        address = str(st.context.headers.get(header) or "").split(",")[-1].strip() or None
    return address if isinstance(address, str) else None


def require_permission(permission: str, obj=None) -> Actor:
    """Stop the page with a clear refusal unless the signed-in actor has ``permission``."""
    current = actor()
    if current is None or not can(current, permission, obj):
        st.error(_("errors.permission_denied"))
        st.stop()
    return current


# --- showing errors -------------------------------------------------------------------------

def show_error(error: Exception, *, label: Callable[[str], str | None] | None = None) -> None:
    """A service error in words, never a traceback. Field errors are listed by field label:
    ``label(field)`` when a page names its own fields (None: the message alone), else the
    shared field names of ``fields.toml``."""
    st.error(error_text(error))
    if isinstance(error, InvalidInput):
        for field_error in error.errors:
            name = (label or field_label)(field_error.field)
            text = field_error_text(field_error)
            st.caption(f"{name}: {text}" if name else text)


FLASH = "flash"


def apply_change(
    change: Callable[[Session], object],
    done: str,
    *,
    forget: tuple[str, ...] = (),
    then: Callable[[object], None] | None = None,
    label: Callable[[str], str | None] | None = None,
) -> None:
    """One change in its own transaction. Success: ``then(result)`` inside it, the ``forget``
    widgets emptied, a rerun that shows ``done`` (see :func:`show_flash`). Refusal: the reason
    here, and the fields keep what was typed."""
    try:
        with transaction() as session:
            result = change(session)
            if then is not None:
                then(result)
    except (ServiceError, PermissionDenied) as error:
        show_error(error, label=label)
        return
    for key in forget:
        st.session_state.pop(key, None)
    st.session_state[FLASH] = done
    st.rerun()


def show_flash() -> None:
    """The confirmation of the change made on the previous run, once."""
    if FLASH in st.session_state:
        st.success(st.session_state.pop(FLASH))


def _escaped(params: dict) -> dict:
    """Parameters for Markdown: typed text escaped, dates in words (assess.errors.reader_params)."""
    shown = reader_params(params, lang())
    return {key: escape_markdown(value) if isinstance(value, str) else value for key, value in shown.items()}


def error_text(error: Exception) -> str:
    """The error's message for Markdown: what the person typed, quoted in it, is escaped."""
    if isinstance(error, ServiceError):
        if type(error).message is not ServiceError.message:
            # An error that writes its own sentences (why a juror is in conflict, each
            # application a reassignment cannot move): each line escaped, kept a line.
            return "  \n".join(escape_markdown(line) for line in error.message(lang()).splitlines())
        return _(error.key, **_escaped(error.params))
    return message_of(error, lang())


def field_error_text(field_error: FieldError) -> str:
    return _(field_error.key, **_escaped(field_error.params))


def field_label(field: str) -> str | None:
    """``partners.1.country`` -> 'Partner school 2 - Country' in the reader's language;
    None for a field without a shared name (the message then stands alone)."""
    parts = field.split(".")
    if f"fields.{parts[-1]}" not in catalogue(lang()):
        return None
    if parts[0] == "partners" and len(parts) == 3:
        return f"{_('fields.partner', number=int(parts[1]) + 1)} - {_('fields.' + parts[2])}"
    if parts[0] == "school" and len(parts) == 2:
        return f"{_('fields.school')} - {_('fields.' + parts[1])}"
    return _("fields." + parts[0])


def code_span(text: str) -> str:
    """User text shown verbatim through st.markdown, as inline code: for addresses, which
    Markdown would otherwise turn into links showing escape backslashes. The fence is longer
    than any run of backticks inside (CommonMark's rule), so nothing can close it early."""
    text = " ".join(str(text).split())  # a code span is one line
    runs = [len(part) for part in re.findall(r"`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    return f"{fence} {text} {fence}" if text else ""


def escape_markdown(text: str) -> str:
    """User text shown through st.markdown, with every Markdown and HTML character neutralised."""
    specials = "\\`*_{}[]()#+-.!|<>~$&"
    return "".join("\\" + ch if ch in specials else ch for ch in str(text))
