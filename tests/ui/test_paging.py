"""All projects at scale: the office reads 25 cards a page, searches and filters them."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.services.helpers import make_project


def no_exception(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def cards(at: AppTest) -> list[str]:
    """The titles of the project cards drawn (each card's first bold line)."""
    return [m.value.strip("*").replace("\\", "") for m in at.markdown if m.value.startswith("**")]


@pytest.fixture
def thirty(ui_database, people):
    """30 projects: 27 of Claire's in Occitanie, 3 of Jonas's in a Breton school."""
    with ui_database.begin() as session:
        for n in range(27):
            make_project(session, owner=people.teacher, title=f"Rivers project number {n:02d}")
        for n in range(3):
            make_project(session, owner=people.other_teacher, title=f"Breakfast club {n}",
                         school={"name": "Collège Anne de Bretagne", "country": "FR", "region": "Bretagne"})


def test_the_office_reads_all_projects_25_a_page(app_for, people, thirty):
    at = no_exception(app_for(people.admin, page="projects"))
    assert len(cards(at)) == 25
    assert "Projects 1–25 of 30" in [c.value for c in at.caption]
    at.number_input(key="projects_page_number").set_value(2)
    no_exception(at.run())
    assert len(cards(at)) == 5
    assert "Projects 26–30 of 30" in [c.value for c in at.caption]


def test_the_office_searches_by_school_or_teacher_and_filters_by_region(app_for, people, thirty):
    at = no_exception(app_for(people.admin, page="projects"))
    at.text_input(key="projects_find").set_value("anne de BRETAGNE")
    no_exception(at.run())
    assert sorted(cards(at)) == ["Breakfast club 0", "Breakfast club 1", "Breakfast club 2"]
    at.text_input(key="projects_find").set_value("jonas")
    no_exception(at.run())
    assert len(cards(at)) == 3
    at.text_input(key="projects_find").set_value("")
    at.selectbox(key="projects_region").set_value("Occitanie")
    no_exception(at.run())
    assert "Projects 1–25 of 27" in [c.value for c in at.caption]
    at.text_input(key="projects_find").set_value("no such words")
    no_exception(at.run())
    assert cards(at) == [] and at.info[0].value == "No project matches this search."


def test_a_search_from_a_later_page_starts_again_at_the_first(app_for, people, thirty):
    at = no_exception(app_for(people.admin, page="projects"))
    at.number_input(key="projects_page_number").set_value(2)
    no_exception(at.run())
    at.text_input(key="projects_find").set_value("breakfast")
    no_exception(at.run())
    assert len(cards(at)) == 3


def test_a_teacher_sees_no_search_only_their_projects(app_for, people, thirty):
    at = no_exception(app_for(people.other_teacher, page="projects"))
    assert sorted(cards(at)) == ["Breakfast club 0", "Breakfast club 1", "Breakfast club 2"]
    assert not [t for t in at.text_input if t.key == "projects_find"]


def test_french_office_reads_the_count_in_french(app_for, people, thirty):
    at = no_exception(app_for(people.admin, page="projects", lang="fr"))
    assert "Projets 1 à 25 sur 30" in [c.value for c in at.caption]
