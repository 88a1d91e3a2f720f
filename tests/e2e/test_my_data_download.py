"""A teacher downloads their data in a real browser: the ZIP the button gives, read back,
holds their account and project; then they ask for their account to be deleted."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assess.storage.models import DeletionRequest
from tests.e2e.conftest import PROJECT_TITLE, TEACHER_EMAIL, open_page, sign_in, wait_idle

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_a_teacher_downloads_their_data_and_asks_for_deletion(live_app, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.set_default_timeout(15_000)
    sign_in(page, live_app.url)
    open_page(page, "My account", "My account")

    page.get_by_role("button", name="Prepare my data").click()
    wait_idle(page, timeout=60_000)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my data (ZIP)").click()
    saved = tmp_path / "my-data.zip"
    download_info.value.save_as(saved)
    with zipfile.ZipFile(io.BytesIO(saved.read_bytes())) as archive:
        assert json.loads(archive.read("account.json"))["email"] == TEACHER_EMAIL
        assert [p["title"] for p in json.loads(archive.read("projects.json"))] == [PROJECT_TITLE]

    page.get_by_text("I have read what happens and ask for my account to be deleted.").click()
    page.get_by_role("button", name="Ask for my account to be deleted").click()
    wait_idle(page)
    expect(page.get_by_text("Your request was sent to the national office.")).to_be_visible()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    with live_app.sessions() as session:
        assert session.scalar(select(DeletionRequest.status)) == "pending"
