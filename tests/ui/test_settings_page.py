"""The office's Settings page, run with AppTest on a real SQLite database: every setting of
the registry is there with its label and allowed values, saves what is typed, and shows a
refusal under the field it concerns without storing anything."""

from __future__ import annotations

import re

import pytest

from assess.domain import settings as registry
from assess.i18n import t
from assess.services import _settings_values
from assess.storage.models import AuditLog
from tests.services.test_settings import SVG, png

WIDGET_KINDS = ("toggle", "number_input", "selectbox", "text_input", "text_area", "file_uploader")


def widgets_by_key(at) -> dict:
    return {w.key: w for kind in WIDGET_KINDS for w in getattr(at, kind) if w.key}


def submit(at, form_id: str, label: str):
    [button] = [b for b in at.button if b.form_id == form_id and b.label == label]
    return button.click().run()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_setting_is_on_the_page_with_its_label_and_range(app_for, people, lang):
    at = app_for(people.admin, page="settings", lang=lang)
    assert not at.exception
    found = widgets_by_key(at)
    for setting in registry.SETTINGS:
        if isinstance(setting, registry.GateMinimums):
            assert any(key.startswith("gate_") for key in found)
            continue
        widget = found[f"setting:{setting.key}"]
        assert widget.label in (t(setting.label_key, lang), t("settings.page.upload_logo", lang))
        assert t(setting.range_key, lang, **setting.range_params()) in widget.help
    headings = [h.value for h in at.subheader]
    for group in registry.GROUPS:
        assert t(f"settings.groups.{group}.title", lang) in headings


@pytest.mark.parametrize("lang", ["en", "fr", "de"])
def test_the_mail_group_tells_the_office_where_held_mails_wait_and_who_sets_the_password(app_for, people, lang):
    at = app_for(people.admin, page="settings", lang=lang)
    [help_text] = [c.value for c in at.caption if c.value == t("settings.groups.mail.help", lang)]
    assert t("mail.page.title", lang) in help_text  # the Outbox page, as the navigation names it
    assert "ASSESS_SMTP_PASSWORD" in help_text


def test_a_group_saves_together_and_is_audited(app_for, people, ui_database):
    at = app_for(people.admin, page="settings")
    found = widgets_by_key(at)
    found["setting:max_applications_per_year"].set_value(6)
    found["setting:severity_threshold"].set_value(2.5)
    at = submit(at, "settings_jury", "Save")
    assert [s.value for s in at.success] == ["The settings were saved."]

    found = widgets_by_key(at)
    found["setting:eql_rule"].set_value("automatic")
    found["setting:eql_share"].set_value(0.4)
    at = submit(at, "settings_eql", "Save")
    assert not at.exception

    with ui_database() as session:
        assert _settings_values.get(session, "max_applications_per_year") == 6
        assert _settings_values.get(session, "severity_threshold") == 2.5
        assert (_settings_values.get(session, "eql_rule"), _settings_values.get(session, "eql_share")) == ("automatic", 0.4)
        assert session.query(AuditLog).filter_by(action="setting.change").count() == 4
    assert widgets_by_key(at)["setting:eql_share"].value == 0.4


def test_a_refused_value_is_shown_under_its_field_and_nothing_is_stored(app_for, people, ui_database):
    at = app_for(people.admin, page="settings")
    found = widgets_by_key(at)
    found["setting:public_url"].input("label.example.org/?x")
    found["setting:triangulation_gap"].set_value(2.0)
    at = submit(at, "settings_surveys", "Save")

    # Inside the form: the summary at its top, the reason right under the field.
    [form] = [f for f in at.get("form") if f.proto.form.form_id == "settings_surveys"]
    shown = [(type(e).__name__, getattr(e, "label", None) or getattr(e, "value", None)) for e in form.children.values()]
    assert shown[0] == ("Error", "Please correct the 1 field marked below.")
    field = shown.index(("TextInput", "Public address of the suite"))
    kind, text = shown[field + 1]
    assert kind == "Error" and text.startswith("Public address of the suite: An address starting with http:// or https://")
    assert widgets_by_key(at)["setting:public_url"].value == "label.example.org/?x"  # kept as typed
    with ui_database() as session:
        assert _settings_values.get(session, "public_url") == ""
        assert _settings_values.get(session, "triangulation_gap") == 1.5  # the group is stored all or nothing


def test_the_letterhead_and_its_logo(app_for, people, ui_database):
    at = app_for(people.admin, page="settings")
    found = widgets_by_key(at)
    found["setting:office.name"].input("Bureau d'assistance national")
    found["setting:office.address"].input("Réseau Canopé\n86961 Chasseneuil")
    at = submit(at, "settings_letterhead", "Save")
    assert [s.value for s in at.success] == ["The settings were saved."]

    widgets_by_key(at)["setting:office.logo"].set_value(("logo.png", SVG, "image/png"))  # an SVG renamed
    at = submit(at, "settings_logo", "Upload the logo")
    assert any(e.value.startswith("Logo: SVG logos are refused") for e in at.error)

    widgets_by_key(at)["setting:office.logo"].set_value(("logo.png", png(64, 32), "image/png"))
    at = submit(at, "settings_logo", "Upload the logo")
    assert not at.exception
    assert any(c.value == "Current logo: image/png, 64 × 32 pixels, 1 KB." for c in at.caption)
    with ui_database() as session:
        assert _settings_values.office(session)["name"] == "Bureau d'assistance national"
        assert _settings_values.office(session)["address"] == "Réseau Canopé\n86961 Chasseneuil"
        logo = _settings_values.office_logo(session)
        assert (logo.width, logo.height) == (64, 32)

    at = next(b for b in at.button if b.label == "Remove the logo").click().run()
    with ui_database() as session:
        assert _settings_values.office_logo(session) is None
    assert any(c.value == "No logo uploaded: the letters show the suite's logo." for c in at.caption)


def test_the_page_in_french(app_for, people):
    at = app_for(people.admin, page="settings", lang="fr")
    found = widgets_by_key(at)
    found["setting:office.place"].input("x" * 101)
    at = submit(at, "settings_letterhead", "Enregistrer")
    errors = [e.value for e in at.error]
    assert "Lieu des lettres\u00a0: Au plus 100 caractères (celui-ci en a 101)." in errors


def test_the_docs_list_every_setting_with_its_range():
    """docs/settings.md, the registry and (above) the page agree: the same keys, and each
    row of the docs gives the range the code enforces."""
    from tests.ui.conftest import ROOT

    rows = {}
    for line in (ROOT / "docs" / "settings.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `([^`]+)` \|", line)
        if match:
            rows[match[1]] = line
    assert list(rows) == [setting.key for setting in registry.SETTINGS]
    for setting in registry.SETTINGS:
        assert f"| {t(setting.range_key, 'en', **setting.range_params())} |" in rows[setting.key], setting.key
    assert "docs/settings.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_address_in_use_is_shown_as_typed_without_escape_backslashes(app_for, people, monkeypatch):
    """Seen at 375 px: the address read "http://127\\.0\\.0\\.1:8501", a link showing its escapes."""
    monkeypatch.delenv("ASSESS_PUBLIC_URL", raising=False)
    at = app_for(people.admin, page="settings")
    assert not at.exception
    notes = [c.value for c in at.caption if "Address in use now" in c.value]
    assert notes == ["Address in use now: ` http://127.0.0.1:8501 `"]


def test_code_span_shows_any_text_verbatim():
    from assess.ui.runtime import code_span

    assert code_span("http://a.example.org/x_y") == "` http://a.example.org/x_y `"
    assert code_span("a``b") == "``` a``b ```"  # a longer fence than any run inside
    assert code_span("two\nlines") == "` two lines `"
    assert code_span("") == ""
