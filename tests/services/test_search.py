"""The office's search of All projects: words, filters and pages done by the database."""

from __future__ import annotations

import pytest

from assess.domain.permissions import PermissionDenied
from assess.services import accounts, projects, search
from tests.services.helpers import make_project, make_user


@pytest.fixture
def office(session):
    actor = accounts.create_first_admin(session, email="office@example.org", display_name="Office",
                                        password="correct horse battery")
    session.commit()
    return actor


@pytest.fixture
def catalogue(session, teacher):
    """Five projects: three of Claire in Occitanie, two of Jonas Weber in Bretagne."""
    jonas = make_user(session, email="jonas@example.org", name="Jonas Weber")
    made = {}
    for n, river in enumerate(("Loire", "Danube", "Rhine")):
        made[f"claire{n}"] = make_project(session, owner=teacher, title=f"Rivers of Europe: the {river}")
    for n in range(2):
        made[f"jonas{n}"] = make_project(
            session, owner=jonas, title=f"Breakfast club {n}",
            school={"name": "Collège Anne de Bretagne", "country": "FR", "region": "Bretagne"})
    session.commit()
    return made


def titles(page: search.ProjectPage) -> list[str]:
    return sorted(p.title for p in page.projects)


def test_words_match_the_title_the_school_or_the_teacher_any_case(session, office, catalogue):
    assert titles(search.find_projects(session, actor=office, text="RIVERS danube")) == ["Rivers of Europe: the Danube"]
    assert titles(search.find_projects(session, actor=office, text="anne de bretagne")) == [
        "Breakfast club 0", "Breakfast club 1"]
    assert search.find_projects(session, actor=office, text="weber").total == 2
    assert search.find_projects(session, actor=office, text="nothing like it").total == 0


def test_a_number_finds_the_project_by_its_id(session, office, catalogue):
    wanted = catalogue["jonas1"]
    assert titles(search.find_projects(session, actor=office, text=str(wanted.id))) == ["Breakfast club 1"]


def test_like_wildcards_typed_are_taken_literally(session, office, catalogue):
    assert search.find_projects(session, actor=office, text="%").total == 0
    assert search.find_projects(session, actor=office, text="_").total == 0


def test_pages_come_from_the_database_newest_first_with_the_total(session, office, catalogue):
    first = search.find_projects(session, actor=office, limit=2, offset=0)
    second = search.find_projects(session, actor=office, limit=2, offset=2)
    last = search.find_projects(session, actor=office, limit=2, offset=4)
    assert (first.total, second.total, last.total) == (5, 5, 5)
    assert [len(p.projects) for p in (first, second, last)] == [2, 2, 1]
    ids = [p.id for page in (first, second, last) for p in page.projects]
    assert len(set(ids)) == 5 and ids == sorted(ids, reverse=True)


def test_the_region_filter_reads_the_project_school(session, office, catalogue):
    assert titles(search.find_projects(session, actor=office, region="Bretagne")) == [
        "Breakfast club 0", "Breakfast club 1"]
    assert search.project_regions(session, actor=office) == ["Bretagne", "Occitanie"]


def test_a_teacher_finds_only_their_own_projects(session, teacher, catalogue):
    found = search.find_projects(session, actor=teacher, text="europe")
    assert found.total == 3
    assert search.find_projects(session, actor=teacher, text="breakfast").total == 0


def test_a_juror_may_not_list_projects(session, catalogue):
    juror = make_user(session, email="ana@example.org", roles={"juror"})
    with pytest.raises(PermissionDenied):
        search.find_projects(session, actor=juror)


def test_the_decisions_page_names_the_round_jurors_only(session, office, catalogue):
    from assess.services import jury
    from tests.jury.helpers import apply, close, make_juror, make_round

    made = make_round(session, office=office, name="Labels 2026")
    project = catalogue["claire0"]
    apply(session, teacher=accounts.actor_of(project.owner), round_id=made.id, project_id=project.id)
    juror = make_juror(session, "ana.juror@example.org")
    make_juror(session, "second.juror@example.org")
    close(session, made.id)
    jury.auto_assign(session, actor=office, round_id=made.id)
    session.commit()
    names = search.juror_names(session, actor=office, round_id=made.id)
    assert juror.id in names and office.id not in names and project.owner_id not in names


def test_project_titles_by_id_for_a_choice(session, office, teacher, catalogue):
    titles = search.project_titles(session, actor=office)
    assert len(titles) == 5 and titles[catalogue["jonas1"].id] == "Breakfast club 1"
    assert set(search.project_titles(session, actor=teacher)) == {catalogue[f"claire{n}"].id for n in range(3)}


def test_a_number_finds_the_round_application_by_its_id(session, office, catalogue):
    from tests.jury.helpers import apply, make_round

    made = make_round(session, office=office, name="Labels 2026")
    project = catalogue["jonas0"]
    applied = apply(session, teacher=accounts.actor_of(project.owner), round_id=made.id, project_id=project.id)
    session.commit()
    assert search.application_ids_matching(session, actor=office, round_id=made.id, text=str(applied.id)) == {
        applied.id}
    assert search.application_ids_matching(session, actor=office, round_id=made.id, text="weber") == {applied.id}


def test_a_word_of_other_digits_or_beyond_an_id_is_only_a_word(session, office, catalogue):
    """'²' passes str.isdigit() but int() refuses it; 20 digits are beyond any id (SQLite
    cannot even bind them): neither is an id, both are looked for as text."""
    from tests.jury.helpers import make_round

    made = make_round(session, office=office, name="Labels 2026")
    session.commit()
    for word in ("²", "١٢", "9" * 20):
        assert search.find_projects(session, actor=office, text=word).total == 0
        assert search.application_ids_matching(session, actor=office, round_id=made.id, text=word) == set()



def test_many_words_typed_make_a_bounded_query(session, office, catalogue):
    """A pasted page of words is looked for by its first distinct words, not one condition
    per word pasted."""
    assert len(search.words_of("danube " * 10_000)) == 1
    assert len(search.words_of(" ".join(f"w{n}" for n in range(10_000)))) == search.WORDS_MAX
    assert titles(search.find_projects(session, actor=office, text="rivers danube " * 5_000)) == [
        "Rivers of Europe: the Danube"]


def test_project_choices_name_each_project_and_its_owner_for_a_picker(session, office, teacher, catalogue):
    every = search.project_choices(session, actor=office)
    # The order the pickers showed when they listed full projects: newest change first.
    assert [c.id for c in every] == [p.id for p in projects.list_projects(session, actor=office)]
    by_id = {c.id: c for c in every}
    assert len(by_id) == 5
    assert (by_id[catalogue["jonas1"].id].title, by_id[catalogue["jonas1"].id].owner_id) == (
        "Breakfast club 1", catalogue["jonas1"].owner_id)
    own = search.project_choices(session, actor=teacher)
    assert {c.id for c in own} == {catalogue[f"claire{n}"].id for n in range(3)}
    assert {c.owner_id for c in own} == {teacher.id}


def test_a_juror_gets_no_project_choices(session):
    juror = make_user(session, email="juror@example.org", roles={"juror"})
    with pytest.raises(PermissionDenied):
        search.project_choices(session, actor=juror)
