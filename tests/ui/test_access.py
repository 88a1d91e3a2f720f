"""Who reaches what: the office's pages refuse everyone else, even when opened by address;
signed-out visitors only get the sign-in page; single sign-on never grants roles; and every
message key the UI uses exists in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assess.domain.permissions import ROLES
from assess.i18n import languages, translated
from assess.services import accounts
from tests.ui.conftest import ROOT, run_page

DENIED = "You are not allowed to do this."
OFFICE_PAGES = ["users", "settings"]


def page_files(at: AppTest) -> set[str]:
    """The pages the navigation offers in this session: those ``AppTest.switch_page`` accepts
    (it refuses a file ``st.navigation`` did not register, as a browser gets no such page).

    Switching only takes effect at the next ``run()``: run nothing on ``at`` afterwards."""
    offered = set()
    for path in sorted((ROOT / "assess" / "ui" / "pages").glob("*.py")):
        try:
            at.switch_page(str(path.relative_to(ROOT)))
        except ValueError:
            continue
        offered.add(path.stem)
    return offered


# --- the office's pages -----------------------------------------------------------------------

@pytest.mark.parametrize("who", ["teacher", "juror", None])
@pytest.mark.parametrize("name", OFFICE_PAGES)
def test_office_pages_refuse_everyone_else(people, name, who):
    at = run_page(name, getattr(people, who) if who else None)

    assert not at.exception
    assert [e.value for e in at.error] == [DENIED]
    assert not at.dataframe  # no list of accounts, no audit log
    assert not at.get("form")


@pytest.mark.parametrize("who", ["teacher", "juror"])
def test_the_navigation_does_not_offer_the_office_pages(app_for, people, who):
    at = app_for(getattr(people, who))

    assert not page_files(at) & set(OFFICE_PAGES)
    for name in OFFICE_PAGES:
        with pytest.raises(ValueError):
            at.switch_page(f"assess/ui/pages/{name}.py")


def test_the_office_pages_open_for_the_admin(people):
    for name in OFFICE_PAGES:
        at = run_page(name, people.admin)
        assert not at.exception and not at.error
        assert at.dataframe


def test_a_signed_out_visitor_only_gets_the_sign_in_page(app_for, people):
    at = app_for(None)

    assert page_files(at) == {"sign_in"}
    assert [e.value for e in at.title] == ["Sign in"]
    with pytest.raises(ValueError):
        at.switch_page("assess/ui/pages/users.py")
    assert [e.value for e in run_page("account", None).error] == [DENIED]


def test_the_first_run_page_is_gone_once_an_admin_exists(app_for, people):
    at = app_for(None)
    assert "first_run" not in page_files(at)


def test_a_deactivated_account_is_signed_out_on_its_next_run(app_for, people, ui_database):
    at = app_for(people.juror, page="account")
    assert [e.value for e in at.title] == ["My account"]

    with ui_database.begin() as session:
        accounts.set_active(session, actor=people.admin, user_id=people.juror.id, active=False)
    at.run()

    assert at.session_state.get("actor_id") is None
    assert [e.value for e in at.title] == ["Sign in"]


def test_a_role_removed_by_the_office_takes_effect_at_once(people, ui_database):
    with ui_database.begin() as session:
        second = accounts.create_user(
            session, actor=people.admin, email="deputy@example.org", display_name="Deputy", roles={"admin"}, password=None
        )
    deputy = accounts.actor_of(second)
    assert run_page("users", deputy).dataframe

    with ui_database.begin() as session:
        accounts.set_roles(session, actor=people.admin, user_id=deputy.id, roles={"juror"})
    assert [e.value for e in run_page("users", deputy).error] == [DENIED]


# --- single sign-on ----------------------------------------------------------------------------

SECRETS = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test cookie secret",
        "client_id": "suite",
        "client_secret": "secret",
        "server_metadata_url": "https://idp.example.org/.well-known/openid-configuration",
    }
}


def sso_app(email: str | None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["lang"] = "en"
    at.secrets = dict(SECRETS)
    at.user = {"is_logged_in": True, "email": email} if email else {"is_logged_in": False}
    return at.run()


def test_without_auth_secrets_there_is_no_organisation_button(app_for, people):
    at = app_for(None)
    assert "Sign in with your organisation" not in [b.label for b in at.button]


def test_with_auth_secrets_the_sign_in_page_offers_the_organisation(people):
    at = sso_app(None)

    assert "Sign in with your organisation" in [b.label for b in at.button]
    assert at.session_state.get("actor_id") is None


def test_single_sign_on_maps_the_e_mail_to_the_suite_account_and_its_roles(people):
    at = sso_app("JUROR@example.org")

    assert not at.exception
    assert at.session_state["actor_id"] == people.juror.id
    assert [e.value for e in at.title] == ["My applications to score"]  # a juror's pages, from our database
    assert "users" not in page_files(at)


def test_single_sign_on_without_an_account_gets_no_access(people):
    at = sso_app("stranger@example.org")

    assert at.session_state.get("actor_id") is None
    [message] = [e.value for e in at.error]
    assert "stranger@example\\.org" in message and "has no account" in message
    assert "Sign out of your organisation" in [b.label for b in at.button]
    assert not at.title and not at.get("form")


def test_single_sign_on_with_an_unverified_e_mail_gets_no_access(people):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["lang"] = "en"
    at.secrets = dict(SECRETS)
    at.user = {"is_logged_in": True, "email": "juror@example.org", "email_verified": False}
    at.run()

    assert at.session_state.get("actor_id") is None
    assert any("has no account" in e.value for e in at.error)


def test_single_sign_on_with_an_e_mail_claim_that_is_not_text_gets_no_access_and_no_traceback(people):
    # A provider may send a claim of another type (a list of addresses, a flag): it names no
    # address here. It used to reach the account look-up and end the page with a traceback.
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["lang"] = "en"
    at.secrets = dict(SECRETS)
    at.user = {"is_logged_in": True, "email": ["juror@example.org"]}
    at.run()

    assert not at.exception
    assert at.session_state.get("actor_id") is None
    assert any("has no account" in e.value for e in at.error)


def test_single_sign_on_of_a_deactivated_account_gets_no_access(people, ui_database):
    with ui_database.begin() as session:
        accounts.set_active(session, actor=people.admin, user_id=people.juror.id, active=False)
    at = sso_app("juror@example.org")

    assert at.session_state.get("actor_id") is None
    assert any("has no account" in e.value for e in at.error)


# --- catalogues --------------------------------------------------------------------------------

# _("key") / t("key", ...) with a literal key; keys built at run time are checked below.
KEY_CALL = re.compile(r"""(?<![\w.])(?:_|t)\(\s*(["'])([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)\1\s*[,)]""")
# app.py passes navigation titles as arguments: page("users", "nav.users", ...).
NAV_KEY = re.compile(r"""(["'])((?:nav|app)\.[a-z0-9_.]+)\1""")


def ui_sources() -> list[Path]:
    return [*sorted((ROOT / "assess" / "ui").rglob("*.py")), ROOT / "app.py"]


def used_keys() -> dict[str, set[str]]:
    used: dict[str, set[str]] = {}
    for path in ui_sources():
        text = path.read_text(encoding="utf-8")
        keys = {m.group(2) for m in KEY_CALL.finditer(text)}
        if path.name == "app.py":
            keys |= {m.group(2) for m in NAV_KEY.finditer(text)}
        for key in keys:
            used.setdefault(key, set()).add(str(path.relative_to(ROOT)))
    return used


def test_the_key_scan_finds_the_keys():
    keys = used_keys()
    assert {"nav.users", "nav.section.office", "app.language", "sign_in.failed", "users.created"} <= set(keys)


@pytest.mark.parametrize("lang", languages())
def test_every_key_used_by_the_ui_exists(lang):
    messages = translated(lang)
    missing = {key: sorted(files) for key, files in used_keys().items() if key not in messages}
    assert not missing, f"keys missing from the {lang} catalogue: {missing}"


@pytest.mark.parametrize("lang", languages())
def test_role_names_exist(lang):
    assert all(f"auth.role.{role}" in translated(lang) for role in ROLES)


def test_both_languages_have_the_same_keys():
    en, fr = set(translated("en")), set(translated("fr"))
    assert not en - fr, f"missing in fr: {sorted(en - fr)}"
    assert not fr - en, f"missing in en: {sorted(fr - en)}"


SHELL_PAGES = ["auth.py", "pages/first_run.py", "pages/sign_in.py", "pages/account.py", "pages/users.py", "pages/settings.py"]


@pytest.mark.parametrize("name", SHELL_PAGES)
def test_shell_pages_never_render_html(name):
    text = (ROOT / "assess" / "ui" / name).read_text(encoding="utf-8")
    assert "unsafe_allow_html" not in text and "st.html" not in text
