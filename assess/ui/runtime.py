"""What every page needs: the database, the signed-in actor, the language, messages.

Caching rule: only engines (shared, thread-safe, holding no personal data) go in
``st.cache_resource``; the actor and the language live in ``st.session_state``, which
is per browser session.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator

import streamlit as st
from sqlalchemy.orm import Session, sessionmaker

from assess.domain.permissions import Actor, PermissionDenied, can
from assess.i18n import LANGUAGES, catalogue, normalise_language, t
from assess.services import accounts
from assess.services.errors import FieldError, InvalidInput, ServiceError, message_of
from assess.storage import db
from assess.storage.db import database_url, make_engine, make_session_factory, upgrade_database


@st.cache_resource(show_spinner=False)
def _sessions_for(url: str) -> sessionmaker:
    engine = make_engine(url)
    upgrade_database(engine)  # the app migrates the database at start, as `assess init` does
    return make_session_factory(engine)


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

def lang() -> str:
    """The reader's language: their choice, else their account's, else the browser's."""
    if "lang" not in st.session_state:
        st.session_state["lang"] = normalise_language(st.context.locale or st.context.headers.get("Accept-Language"))
    return st.session_state["lang"]


def set_lang(value: str) -> None:
    if value in LANGUAGES:
        st.session_state["lang"] = value


def _(key: str, /, **params) -> str:
    """The message ``key`` in the reader's language."""
    return t(key, lang(), **params)


# --- the signed-in person -------------------------------------------------------------------

def actor() -> Actor | None:
    """The signed-in actor, re-read from the database on every run so that a role removed or
    an account deactivated by the office takes effect at once."""
    actor_id = st.session_state.get("actor_id")
    if actor_id is None:
        return None
    with reading() as session:
        current = accounts.refresh_actor(session, actor_id=actor_id)
    if current is None:
        sign_out()
    return current


def sign_in_as(signed_in: Actor) -> None:
    st.session_state["actor_id"] = signed_in.id
    if signed_in.language:
        set_lang(signed_in.language)


def sign_out() -> None:
    for key in list(st.session_state.keys()):
        if key != "lang":
            del st.session_state[key]


def require_permission(permission: str, obj=None) -> Actor:
    """Stop the page with a clear refusal unless the signed-in actor has ``permission``."""
    current = actor()
    if not can(current, permission, obj):
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
    return {key: escape_markdown(value) if isinstance(value, str) else value for key, value in params.items()}


def error_text(error: Exception) -> str:
    """The error's message for Markdown: what the person typed, quoted in it, is escaped."""
    if isinstance(error, ServiceError):
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


def escape_markdown(text: str) -> str:
    """User text shown through st.markdown, with every Markdown and HTML character neutralised."""
    specials = "\\`*_{}[]()#+-.!|<>~$&"
    return "".join("\\" + ch if ch in specials else ch for ch in str(text))
