"""Numbers on French pages are written the French way (issue 12, finding 4): "1,5", never
"1.5". Each page is read as a French teacher sees it."""

from __future__ import annotations

import pytest

from tests.ui.test_survey_pages import answer_families, answer_pupils
from tests.ui.test_teacher_pages import assess_all, no_exception, page_text

pytestmark = pytest.mark.xdist_group("ui")


@pytest.fixture
def answered(ui_database, people):
    from tests.services.helpers import make_project

    with ui_database.begin() as session:
        project = make_project(session, owner=people.teacher).id
    answer_families(ui_database, people, project, 5)
    answer_pupils(ui_database, people, project, 4)
    assess_all(ui_database, people.teacher, project, level=1)
    return project


def test_the_french_dashboard_writes_the_gap_threshold_with_a_comma(app_for, people, answered):
    at = no_exception(app_for(people.teacher, page="dashboard", lang="fr"))
    text = page_text(at)
    assert any("1,5" in c.value for c in at.caption), [c.value for c in at.caption]
    assert "1.5" not in text


def test_the_french_survey_results_write_means_and_dates_the_french_way(app_for, people, answered):
    at = no_exception(app_for(people.teacher, page="survey_results", lang="fr"))
    tables = [d.value for d in at.dataframe]
    # The text of the tables (numbers kept as numbers are drawn by the table itself).
    cells = [v for table in tables for column in table.columns for v in table[column] if isinstance(v, str)]
    means = [c for c in cells if c[:1].isdigit() and ("," in c or "." in c)]
    assert means, cells
    assert not [c for c in means if "." in c], means
    assert not [c for c in cells if c[:4].isdigit() and c[4:5] == "-"], "ISO dates shown to a French teacher"

