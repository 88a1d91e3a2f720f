"""The office sets its letterhead in a real browser: a value out of range is explained under
its field and nothing is stored; the logo is uploaded through the browser's file chooser,
an SVG renamed .png is refused, a PNG is stored and shown."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from assess.services import _settings_values
from tests.e2e.conftest import open_page, sign_in, wait_idle
from tests.services.test_settings import SVG, png

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

OFFICE_EMAIL = "office@example.org"  # the first administrator made by the live_app fixture


def test_the_office_sets_its_letterhead_and_logo(live_app, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)
    sign_in(page, live_app.url, OFFICE_EMAIL, link="Settings")
    open_page(page, "Settings", "Settings")

    letterhead = page.locator('[data-testid="stForm"]').filter(has=page.get_by_label("Name of the office", exact=True))
    letterhead.get_by_label("Name of the office", exact=True).fill("Bureau d'assistance national")
    letterhead.get_by_label("Place of the letters", exact=True).fill("P" * 101)
    letterhead.get_by_role("button", name="Save").click()
    wait_idle(page)
    expect(letterhead.get_by_text("Place of the letters: At most 100 characters (this has 101).")).to_be_visible()
    with live_app.sessions() as session:
        assert _settings_values.office(session)["name"] == ""  # the form is stored all or nothing

    letterhead.get_by_label("Place of the letters", exact=True).fill("Chasseneuil-du-Poitou")
    letterhead.get_by_role("button", name="Save").click()
    wait_idle(page)
    expect(page.get_by_text("The settings were saved.")).to_be_visible()

    renamed, logo = tmp_path / "renamed.png", tmp_path / "logo.png"
    renamed.write_bytes(SVG)
    logo.write_bytes(png(160, 60))
    uploader = page.locator('[data-testid="stFileUploaderDropzoneInput"]')

    def upload(path):
        # The button must not be pressed before the file is there (its name shows under the
        # drop zone). With both cores busy, a file given while Streamlit still redraws the
        # page after the last click can land on the replaced input and be lost: a person
        # would pick it again, and so does the test.
        for attempt in range(3):
            wait_idle(page)
            uploader.set_input_files(str(path))
            try:
                expect(page.get_by_text(path.name, exact=True).first).to_be_visible(timeout=8_000)
                break
            except AssertionError:
                if attempt == 2:
                    raise
        wait_idle(page)

    upload(renamed)
    page.get_by_role("button", name="Upload the logo").click()
    wait_idle(page)
    expect(page.get_by_text("Logo: SVG logos are refused", exact=False)).to_be_visible()

    upload(logo)
    page.get_by_role("button", name="Upload the logo").click()
    wait_idle(page)
    expect(page.get_by_text("Current logo: image/png, 160 × 60 pixels, 1 KB.")).to_be_visible()
    expect(page.locator('[data-testid="stImage"] img')).to_have_count(1)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)

    page.get_by_role("button", name="Remove the logo").click()
    wait_idle(page)
    expect(page.get_by_text("No logo uploaded: the letters show the suite's logo.")).to_be_visible()
    with live_app.sessions() as session:
        assert _settings_values.office_logo(session) is None
    upload(logo)
    page.get_by_role("button", name="Upload the logo").click()
    wait_idle(page)
    expect(page.get_by_text("Current logo: image/png, 160 × 60 pixels, 1 KB.")).to_be_visible()

    with live_app.sessions() as session:
        assert _settings_values.office(session) == {"name": "Bureau d'assistance national", "address": "", "signatory": "", "signatory_title": "",
                                            "place": "Chasseneuil-du-Poitou"}
        stored = _settings_values.office_logo(session)
        assert (stored.width, stored.height) == (160, 60)
