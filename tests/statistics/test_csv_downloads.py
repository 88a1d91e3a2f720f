"""The dashboard's CSV downloads, as the page makes them (AppTest, real SQLite file): no
cell runs as a formula whether a spreadsheet opens the file with "," or ";", with round
names, regions and subjects typed to attack it (issue 10, finding 5)."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from assess.storage.models import Project, Round, School
from tests.spreadsheets import HOSTILE, formula_cells
from tests.statistics.helpers import build
from tests.ui.conftest import run_page

pytestmark = pytest.mark.xdist_group("ui")


@pytest.fixture
def hostile(ui_database, people):
    with ui_database() as session:
        build(session, office=people.admin)
        texts = itertools.cycle(HOSTILE)
        for round_ in session.scalars(select(Round)):
            round_.name = next(texts)
        for school in session.scalars(select(School)):
            school.region = next(texts)
        for project in session.scalars(select(Project)):
            project.subjects = [*project.subjects, next(texts)]
        session.commit()


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """Every file the page hands to a download button, by its file name."""
    files: dict[str, bytes] = {}
    keep = MemoryMediaFileStorage.load_and_get_id

    def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
        if isinstance(path_or_data, bytes) and filename:
            files[filename] = path_or_data
        return keep(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", load_and_get_id)
    return files


def test_no_cell_of_a_download_opens_as_a_formula(people, hostile, downloads):
    at = run_page("national_statistics", people.admin)

    assert not at.exception and not at.error
    csv_files = {name: data for name, data in downloads.items() if name.endswith(".csv")}
    assert len(csv_files) == 10
    for name, data in csv_files.items():
        assert formula_cells(data.decode("utf-8-sig")) == [], name
    typed = "".join(csv_files[f"national-applications-{axis}.csv"].decode("utf-8-sig")
                    for axis in ("round", "region", "subject"))
    assert "Merci;'=cmd|' /C calc'!A0" in typed and "'＝1+1" in typed, "the hostile texts are there, neutralised"
