"""Single sign-on (OpenID Connect through ``st.login``) and the helpers pages share to sign out.

The identity provider only proves *who* someone is. What they may do always comes from
the roles of their account in our database: an e-mail the office has not given an account
to gets no access at all, whatever the provider says.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from assess.domain.permissions import Actor
from assess.services import accounts
from assess.services.errors import FieldError, InvalidInput
from assess.ui import runtime
from assess.ui.runtime import _, escape_markdown, transaction


def _auth_section() -> Mapping:
    # `st.secrets` is read at call time (AppTest swaps the object). Without a secrets
    # file, load_if_toml_exists() returns False instead of raising.
    try:
        if not st.secrets.load_if_toml_exists():
            return {}
        section = st.secrets.get("auth")
    except Exception:  # a broken secrets file must not take the sign-in page down
        return {}
    return section if isinstance(section, Mapping) else {}


def sso_configured() -> bool:
    """True when ``.streamlit/secrets.toml`` has an ``[auth]`` section."""
    return bool(_auth_section())


def _providers() -> list[str | None]:
    """``[None]`` for a single provider set directly in ``[auth]``, else the names of
    the ``[auth.<name>]`` sub-sections."""
    section = _auth_section()
    if "client_id" in section or "server_metadata_url" in section:
        return [None]
    return [name for name, value in section.items() if isinstance(value, Mapping)] or [None]


def _provider_logged_in() -> bool:
    return sso_configured() and bool(st.user.get("is_logged_in", False))


def single_sign_on_actor() -> Actor | None:
    """The actor for the person the identity provider signed in, or None.

    When the provider vouches for an e-mail that has no active account here, the run is
    stopped with a clear message and a way to sign out of the provider.
    """
    if not _provider_logged_in():
        return None
    claim = st.user.get("email")
    email = claim if isinstance(claim, str) else None  # (a claim of another type names no address)
    # A provider that says the address is not verified proves nothing about it.
    verified = st.user.get("email_verified", True) not in (False, "false")
    with transaction() as session:
        signed_in = accounts.actor_for_single_sign_on(session, email=email) if verified else None
    if signed_in is None:
        st.error(_("auth.no_account", email=escape_markdown(email or "?")))
        st.caption(_("auth.no_account_help"))
        if st.button(_("auth.sign_out_provider"), key="sso_no_account_sign_out"):
            st.logout()
        st.stop()
    runtime.sign_in_as(signed_in)
    return signed_in


def sign_in_with_provider_button() -> None:
    """One "Sign in with your organisation" button per configured identity provider."""
    providers = _providers()
    for provider in providers:
        label = _("auth.sign_in_provider") if provider is None or len(providers) == 1 else _("auth.sign_in_named_provider", name=provider)
        if st.button(label, key=f"sso_sign_in_{provider or 'default'}", icon=":material/badge:"):
            st.login(provider)


def sign_out() -> None:
    """Forget the signed-in person here and, with single sign-on, at the provider's cookie
    too (otherwise the next run would sign them straight back in)."""
    provider = _provider_logged_in()
    runtime.sign_out()
    if provider:
        st.logout()
    st.rerun()


def role_name(role: str) -> str:
    """A role ('teacher', 'juror', 'admin') in the reader's language."""
    return _(f"auth.role.{role}")


def show_demo_result(result) -> None:
    """What ``demo.load_demo`` did, with the demo teachers' sign-in details (shown once:
    only their hash is stored)."""
    if not result.created:
        st.info(_("auth.demo.already"))
        return
    st.success(_("auth.demo.created", projects=result.projects))
    if result.teacher_emails and result.password:
        st.markdown(_("auth.demo.accounts"))
        lines = [*result.teacher_emails, *result.juror_emails, "",
                 f"{_('fields.password')}: {result.password}"]
        st.code("\n".join(lines), language=None)
        st.warning(_("auth.demo.shown_once"), icon=":material/visibility_off:")


def new_password_inputs(*, label: str | None = None, help_key: str | None = None) -> tuple[str, str]:
    """A new password typed twice, inside the caller's form; check it with :func:`require_same_password`."""
    password = st.text_input(
        label or _("fields.password"),
        type="password",
        autocomplete="new-password",
        help=_(help_key, min=accounts.PASSWORD_MIN_LENGTH) if help_key else None,
    )
    again = st.text_input(_("fields.password_again"), type="password", autocomplete="new-password")
    return password, again


def require_same_password(password: str, again: str) -> None:
    if password != again:
        raise InvalidInput([FieldError("password_again", "errors.passwords_differ", {})])
