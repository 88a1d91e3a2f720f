"""Demonstration data on the pages: the Settings page's button says why it is disabled
where real data is; a demonstration installation says so on every page (FR/EN)."""

from __future__ import annotations

from sqlalchemy import select

from assess.i18n import t
from assess.services import accounts, installation
from assess.storage.models import Project
from tests.ui.conftest import PASSWORD
from tests.ui.test_shell_pages import click, fill_first_admin, texts, widget

BANNER_EN = "Demonstration installation"
BANNER_FR = "Installation de démonstration"


def banners(at) -> list[str]:
    return [w for w in texts(at.warning) if BANNER_EN in w or BANNER_FR in w]


def test_settings_refuses_demo_data_where_real_data_is(app_for, people, ui_database):
    at = app_for(people.admin, page="settings")
    assert not at.exception
    button = widget(at.button, "Load demonstration data")
    reason = t("demo.refused_reason", "en")
    assert button.disabled and button.help == reason
    assert reason in texts(at.caption)
    assert not banners(at)
    with ui_database() as session:
        assert session.scalar(select(Project.id).where(Project.is_demo.is_(True))) is None

    french = app_for(people.admin, page="settings", lang="fr")
    assert widget(french.button, "Charger les données de démonstration").disabled
    assert t("demo.refused_reason", "fr") in texts(french.caption)


def test_a_demo_installation_says_so_on_every_page(app_for, ui_database):
    with ui_database.begin() as session:
        admin = accounts.create_first_admin(session, email="office@example.org", display_name="National office",
                                            password=PASSWORD)
    at = app_for(admin, page="settings")
    assert not widget(at.button, "Load demonstration data").disabled
    assert t("demo.empty", "en") in texts(at.caption)
    assert not banners(at)

    at = click(at, "Load demonstration data")
    assert not at.exception
    for page in ("rounds", "national_statistics", "account"):
        shown = app_for(admin, page=page)
        assert not shown.exception
        assert len(banners(shown)) == 1, page
    assert banners(app_for(admin, page="account", lang="fr"))[0].startswith(f"**{BANNER_FR}**")
    assert banners(app_for(None))  # the sign-in page too
    settings_page = app_for(admin, page="settings")
    assert t("demo.installation", "en") in texts(settings_page.info)
    with ui_database() as session:
        assert installation.is_demo_installation(session)


def test_first_run_demo_choice_makes_a_demo_installation(app_for, ui_database):
    at = fill_first_admin(app_for(None), password=PASSWORD)
    assert t("demo.first_run_demo_help", "en") in texts(at.caption)
    at = click(at, "Load demonstration data")
    assert not at.exception
    assert t("demo.made_demo", "en") in texts(at.info)
    at = click(at, "Continue")
    assert banners(at)


def test_an_empty_suite_shows_no_banner(app_for, ui_database):
    at = fill_first_admin(app_for(None), password=PASSWORD)
    at = click(at, "Start with an empty suite")
    assert not at.exception and not banners(at)
