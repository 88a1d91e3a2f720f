"""The national office's journey through the national statistics in a real browser: on the
small demo country, the headline figures are the ones counted in the database and the
charts are drawn; choosing a region narrows them; a view's CSV download holds the header
and exactly the rows of the table shown beside its chart."""

from __future__ import annotations

import csv
import io
from collections import Counter

import openpyxl
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assess.domain.permissions import Actor
from assess.i18n.formats import country_name
from assess.services import demo, installation
from assess.storage.models import Application, Decision, Project, ProjectPartner, School, Setting
from tests.e2e.conftest import open_page, sign_in, wait_idle

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

OFFICE_EMAIL = "office@example.org"  # the first administrator made by the live_app fixture
AXES = ["Round", "School year", "Partner country", "Region", "Pupils' age", "Subject"]  # the tabs, in order
COUNTRY_HEADER = ["Partner country", "Applications", "Decisions published", "Labels", "Award rate (%)"]


@pytest.fixture
def country(live_app):
    """The small demo office, and what the statistics should say, counted here in plain SQL
    (not through assess.services.national): applications by region, labels, and the
    partner countries of each region's applications."""
    with live_app.sessions.begin() as session:
        # live_app holds a real teacher and project: the demo loads only into a demonstration
        # installation then, as `assess init --demo` makes one before anyone is added.
        session.add(Setting(key=installation.DEMO_INSTALLATION_KEY, value=True))
        demo.load_demo(session, actor=Actor.system())
        applications = session.execute(
            select(Application.id, School.region)
            .join(Project, Project.id == Application.project_id)
            .outerjoin(School, School.id == Project.school_id)
            .where(Application.status == "submitted")
        ).all()
        labels = len(session.scalars(
            select(Decision.id).join(Application, Application.id == Decision.application_id)
            .where(Application.status == "submitted", Decision.published_at.is_not(None),
                   Decision.outcome == "label")
        ).all())
        partners = session.execute(
            select(School.country, Application.id)
            .join(ProjectPartner, ProjectPartner.project_id == Application.project_id)
            .join(School, School.id == ProjectPartner.school_id)
            .where(Application.status == "submitted")
        ).all()
    region_of = dict(applications)
    by_region = Counter(region_of.values())
    # A region with some applications but not all of them: choosing it changes the figure.
    region, in_region = max((item for item in by_region.items() if item[0] and item[1] < len(applications)),
                            key=lambda item: item[1])
    countries = {code for code, application_id in partners if region_of[application_id] == region}
    assert len(applications) >= 3 and labels >= 1 and countries  # the demo has something to show
    return len(applications), labels, region, in_region, countries


def metric(page, label: str):
    return page.locator('[data-testid="stMetric"]').filter(has_text=label).locator('[data-testid="stMetricValue"]')


def shown_rows(panel) -> int:
    """The rows of the table in a tab: the data grid is a canvas, whose accessible table
    counts the header row in aria-rowcount."""
    grid = panel.locator('[data-testid="stDataFrame"] table[role="grid"]')
    expect(grid).to_have_count(1)
    return int(grid.get_attribute("aria-rowcount")) - 1


def test_the_office_reads_filters_and_downloads_the_national_statistics(live_app, country, browser, tmp_path):
    total, labels, region, in_region, countries = country
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.set_default_timeout(15_000)
    sign_in(page, live_app.url, OFFICE_EMAIL, link="National statistics")
    open_page(page, "National statistics", "National statistics")
    page.get_by_role("heading", name="Applications and labels").wait_for()

    # The headline figures of the whole country, and the first tab's chart drawn.
    expect(metric(page, "Applications")).to_have_text(str(total))
    expect(metric(page, "Labels")).to_have_text(str(labels))
    panels = page.locator('[data-testid="stTabPanel"]')
    first = panels.nth(AXES.index("Round"))
    # Plotly is loaded on first use: the first chart can take a while on a slow machine.
    first.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
    expect(first.locator(".js-plotly-plot g.trace.bars")).to_have_count(2)  # applications and labels
    assert first.locator(".js-plotly-plot g.trace.bars path").count() >= 2
    assert shown_rows(first) == 1  # the demo's one round
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)

    # One region: every figure narrows to its applications.
    chooser = page.get_by_role("combobox", name="Region", exact=True)
    chooser.click()
    page.get_by_role("option", name=region, exact=True).click()
    wait_idle(page)
    expect(chooser).to_have_value(region)
    expect(metric(page, "Applications")).to_have_text(str(in_region))

    # The partner countries of that region's applications: the table, then its CSV.
    page.get_by_role("tab", name="Partner country", exact=True).click()
    tab = panels.nth(AXES.index("Partner country"))
    tab.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
    expected = sorted(country_name(code, "en") for code in countries)
    expect(tab.locator('[data-testid="stDataFrame"] table[role="grid"]')).to_have_attribute(
        "aria-rowcount", str(len(expected) + 1))
    rows = shown_rows(tab)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    page.screenshot(path=str(tmp_path / "statistics-region.png"))
    with page.expect_download() as download_info:
        tab.get_by_role("button", name="Download (CSV)", exact=True).click()
    download = download_info.value
    assert download.suggested_filename == "national-applications-country.csv"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    text = path.read_bytes().decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == ",".join(f'"{header}"' for header in COUNTRY_HEADER)  # text is quoted
    assert len(lines) - 1 == rows == len(expected)
    read = list(csv.DictReader(io.StringIO(text)))
    assert sorted(row["Partner country"] for row in read) == expected
    assert all(1 <= int(row["Applications"]) <= in_region for row in read)

    # The workbook for that region: its section reruns on its own (a fragment), and the
    # figures above stay as they were drawn.
    page.get_by_role("button", name="Make the workbook", exact=True).click()
    made = page.get_by_role("button", name="Download the workbook (Excel)", exact=True)
    made.wait_for(timeout=60_000)
    expect(metric(page, "Applications")).to_have_text(str(in_region))
    with page.expect_download() as download_info:
        made.click()
    path = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(path)
    regions = list(openpyxl.load_workbook(path, read_only=True)["Regions"].iter_rows(values_only=True))
    assert [row[:2] for row in regions[1:]] == [(region, in_region)]  # made for the region chosen
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    page.close()
