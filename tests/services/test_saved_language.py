"""The language saved on an account wins over the browser's once the person has chosen
one: signing in from an English browser must neither show the pages in English nor
overwrite the saved French (issue 13)."""

from __future__ import annotations

from sqlalchemy import select

from assess.i18n import t
from assess.services import accounts
from assess.storage.models import User
from tests.ui.conftest import PASSWORD, app_for, people, ui_database  # noqa: F401 (fixtures)
from tests.ui.test_shell_pages import texts, widget


def sign_in(at, email: str, password: str, *, lang: str = "en"):
    """Sign in on the page as shown in ``lang`` (the browser's language before signing in)."""
    widget(at.text_input, t("fields.email", lang)).input(email)
    widget(at.text_input, t("fields.password", lang)).input(password)
    widget(at.button, t("sign_in.submit", lang)).click()
    return at.run()


def saved_language(session_factory, email: str) -> str | None:
    with session_factory() as session:
        return session.scalar(select(User.language).where(User.email == email))


def test_signing_in_from_an_english_browser_keeps_the_saved_french(app_for, people, ui_database):  # noqa: F811
    with ui_database.begin() as session:
        accounts.set_language(session, actor=people.juror, language="fr")

    at = sign_in(app_for(None, lang="en"), "juror@example.org", PASSWORD)
    at.run()  # the next click: the page as the person then reads it

    assert not at.exception
    assert saved_language(ui_database, "juror@example.org") == "fr"
    assert at.session_state["lang"] == "fr"
    assert texts(at.title) == ["Mes candidatures à évaluer"]


def test_an_account_without_a_saved_language_keeps_the_browsers(app_for, people, ui_database):  # noqa: F811
    at = sign_in(app_for(None, lang="fr"), "juror@example.org", PASSWORD, lang="fr")
    at.run()

    assert not at.exception
    assert at.session_state["lang"] == "fr"
    assert saved_language(ui_database, "juror@example.org") is None


def test_choosing_a_language_after_signing_in_saves_it(app_for, people, ui_database):  # noqa: F811
    with ui_database.begin() as session:
        accounts.set_language(session, actor=people.juror, language="fr")
    at = sign_in(app_for(None, lang="en"), "juror@example.org", PASSWORD)

    at.sidebar.segmented_control[0].set_value("en").run()

    assert not at.exception
    assert saved_language(ui_database, "juror@example.org") == "en"
    assert texts(at.title) == ["My applications to score"]
