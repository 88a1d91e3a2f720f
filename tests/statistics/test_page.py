"""The national dashboard page through AppTest, on a real SQLite database: the office sees
every view with its figures and downloads, filters narrow them, teachers and jurors are
refused. The data set is tests/statistics/helpers.py's."""

from __future__ import annotations

import ast
import re

import pytest

from assess.domain.statistics import AGE_GROUP_IDS
from assess.i18n import LANGUAGES, catalogue
from assess.services import national
from tests.statistics.helpers import build
from tests.ui.conftest import ROOT, run_page
from tests.ui.test_access import DENIED, page_files

pytestmark = pytest.mark.xdist_group("ui")
PAGE = ROOT / "assess" / "ui" / "pages" / "national_statistics.py"


@pytest.fixture
def data(ui_database, people):
    with ui_database() as session:
        return build(session, office=people.admin)


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def downloads(at) -> list[str]:
    return [d.proto.label for d in at.get("download_button")]


@pytest.mark.parametrize("who", ["teacher", "juror"])
def test_teachers_and_jurors_are_refused(people, who):
    at = run_page("national_statistics", getattr(people, who))

    assert not at.exception
    assert [e.value for e in at.error] == [DENIED]
    assert not at.dataframe and not at.metric and not at.selectbox and not at.get("download_button")


@pytest.mark.parametrize("who", ["teacher", "juror"])
def test_the_navigation_offers_the_dashboard_to_the_office_only(app_for, people, who):
    assert "national_statistics" not in page_files(app_for(getattr(people, who)))
    assert "national_statistics" in page_files(app_for(people.admin))


def test_the_office_sees_every_view_with_its_figures(people, data):
    at = run_page("national_statistics", people.admin)

    assert not at.exception and not at.error
    assert metrics(at) == {"Applications": "4", "Labels": "2", "Award rate": "67%"}
    assert [h.value for h in at.header][:5] == [
        "Applications and labels", "Jurors' levels per criterion", "Jurors' agreement", "Survey participation",
        "What the surveys say, per criterion"]
    # One table and one CSV download per view: six axes, criteria, agreement, participation, surveys.
    assert len(at.dataframe) == 10
    assert downloads(at).count("Download (CSV)") == 10
    countries = at.dataframe[2].value
    assert list(countries["Partner country"]) == ["Ireland", "Germany", "Finland", "Poland"]
    assert list(countries["Applications"]) == [3, 1, 1, 1]
    subjects = at.dataframe[5].value
    assert "=SUM(A1)" in list(subjects["Subject"])  # shown as text in a table, never as a formula
    surveys = at.dataframe[9].value
    assert set(surveys["Audience"]) == {"Pupils", "Families", "All audiences"}


def test_filters_narrow_every_view(people, data):
    at = run_page("national_statistics", people.admin)
    at.selectbox(key="statistics_age_group").set_value("primary").run()

    assert not at.exception and not at.error
    assert metrics(at)["Applications"] == "1"  # P1
    surveys = at.dataframe[-1].value
    pupils = surveys[surveys["Audience"] == "Pupils"]
    assert set(pupils["Shown"]) == {"Hidden (too few respondents)"}  # P1's 4 pupils
    assert pupils["Comparable level (0-5)"].isna().all()
    assert any("fewer than 5 respondents" in w.value for w in at.warning)


def test_the_page_in_french(people, data):
    at = run_page("national_statistics", people.admin, lang="fr")

    assert not at.exception
    assert at.title[0].value == "Statistiques nationales"
    assert "Candidatures" in metrics(at)


def test_french_pages_write_decimals_with_a_comma_and_say_why_alpha_is_undefined(people, data):
    """Issue 12, finding 4: decimals and the reasons in the reader's language."""
    at = run_page("national_statistics", people.admin, lang="fr")

    assert not at.exception and not at.error
    criteria = at.dataframe[6].value
    means = [m for m in criteria["Niveau moyen"] if m is not None]
    assert means and all("." not in m for m in means) and any("," in m for m in means)
    agreement = at.dataframe[7].value
    assert "Aucune candidature n'a encore les niveaux de deux jurés." in set(agreement["Pourquoi non défini"])
    rates = at.dataframe[0].value["Taux d'attribution (%)"]
    assert "66,7" in set(rates)


@pytest.mark.parametrize(("lang", "reliable", "tentative", "limit"), [
    ("en", "0.800", "0.667", "200,000"), ("fr", "0,800", "0,667", "200\u202f000"), ("de", "0,800", "0,667", "200.000")])
def test_the_alpha_thresholds_and_the_workbook_s_limit_are_written_in_the_reader_s_language(
        people, data, lang, reliable, tentative, limit):
    at = run_page("national_statistics", people.admin, lang=lang)

    [agreement] = [c.value for c in at.caption if reliable in c.value]
    assert tentative in agreement
    assert limit in at.checkbox(key="statistics_with_responses").help


def test_the_workbook_s_limit_shown_is_the_one_the_export_applies(people, data, monkeypatch):
    exports = pytest.importorskip("assess.services.exports")
    monkeypatch.setattr(exports, "RESPONSES_IN_WORKBOOK", 50_000)
    at = run_page("national_statistics", people.admin)
    assert at.checkbox(key="statistics_with_responses").help.startswith("Past 50,000 answers they are left out")


def test_an_empty_database_shows_no_figure_and_no_error(people):
    at = run_page("national_statistics", people.admin)

    assert not at.exception and not at.error
    assert metrics(at)["Applications"] == "0"
    assert at.info  # "Nothing to show" in every view


def test_the_excel_workbook_is_made_for_the_chosen_round(people, data):
    pytest.importorskip("assess.services.exports")
    at = run_page("national_statistics", people.admin)
    at.selectbox(key="statistics_round").set_value(data.round1).run()
    at.button(key="statistics_make_workbook").click().run()

    assert not at.exception and not at.error
    assert "Download the workbook (Excel)" in downloads(at)



def test_answers_past_the_workbook_s_share_come_as_a_csv_file_beside_it(people, data, monkeypatch):
    exports = pytest.importorskip("assess.services.exports")
    monkeypatch.setattr(exports, "RESPONSES_IN_WORKBOOK", 0)  # every answer goes apart
    at = run_page("national_statistics", people.admin)
    at.button(key="statistics_make_workbook").click().run()

    assert not at.exception and not at.error
    assert "Download the workbook (Excel)" in downloads(at)
    assert any(label.startswith("Download the survey answers (CSV, ") for label in downloads(at))

def test_the_workbook_section_reruns_on_its_own():
    """A tick or a click in the workbook section reruns that section only (a Streamlit
    fragment), not the national figures and the ten charts above it: half a second at
    national scale (bench/bench_pages.py). AppTest always reruns the whole script, so this
    reads the page's source."""
    tree = ast.parse(PAGE.read_text(encoding="utf-8"))
    section = next(node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "workbook_section")
    assert [ast.unparse(d) for d in section.decorator_list] == ["st.fragment"]


def test_the_workbook_is_made_after_ticking_its_boxes(people, data):
    at = run_page("national_statistics", people.admin)
    at.checkbox(key="statistics_with_responses").check().run()
    at.button(key="statistics_make_workbook").click().run()

    assert not at.exception and not at.error
    assert "Download the workbook (Excel)" in downloads(at)


# --- texts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_keys_built_at_run_time_exist(lang):
    messages = catalogue(lang)
    built = [f"statistics.age_group.{g}" for g in AGE_GROUP_IDS]
    built += [f"statistics_page.axis.{axis}" for axis in national.AXES]
    built += [f"statistics_page.kind.{kind}" for kind in ("criterion", "gate")]
    built += [f"jury.reading.{r}" for r in ("reliable", "tentative", "unreliable", "undefined")]
    built += [f"survey_results.audience.{a}" for a in ("pupils", "families", "teachers")] + ["survey_results.overall"]
    built += ["statistics.errors.age_group", "statistics.errors.school_year"]
    assert [key for key in built if key not in messages] == []


def test_the_page_never_renders_html():
    text = PAGE.read_text(encoding="utf-8")
    assert "unsafe_allow_html" not in text and "st.html" not in text
    # Every message the page shows comes from the catalogues.
    assert not re.search(r"st\.(title|header|caption|info|warning)\(\s*[\"']", text)
