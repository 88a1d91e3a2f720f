"""Projects: a teacher registers, edits and deletes their own; the office sees them all."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from assess.domain.permissions import Actor, PermissionDenied
from assess.services import accounts, projects, self_assessments
from assess.services.errors import InvalidInput, NotFound
from assess.storage.models import Project, ProjectPartner, School, SelfAssessment, SelfAssessmentEntry
from tests.services.helpers import make_project, make_user, project_fields


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def partners_of(project: Project) -> set[tuple[str, str]]:
    return {(p.school.name, p.school.country) for p in project.partners}


@pytest.fixture
def admin(session) -> Actor:
    actor = accounts.create_first_admin(session, email="office@example.org", display_name="Office", password="correct horse battery")
    session.commit()
    return actor


@pytest.fixture
def other_teacher(session) -> Actor:
    actor = make_user(session, email="julien@example.org")
    session.commit()
    return actor


# -- Create, update, delete ---------------------------------------------------------------


def test_a_project_is_stored_with_its_school_and_partners(session, teacher):
    created = make_project(session, owner=teacher, title="  Our European breakfast  ")
    session.commit()
    session.expunge_all()

    project = projects.get_project(session, actor=teacher, project_id=created.id)
    assert project.title == "Our European breakfast"
    assert project.owner_id == teacher.id
    assert (project.start_date, project.end_date) == (date(2025, 9, 15), date(2026, 5, 30))
    assert (project.age_min, project.age_max) == (8, 10)
    assert (project.school.name, project.school.country, project.school.region) == ("École Jean Jaurès", "FR", "Occitanie")
    assert partners_of(project) == {("Scoil Mhuire", "IE"), ("Szkoła Podstawowa nr 3", "PL")}
    values = projects.form_values(project)
    assert (values["subjects"], values["languages"]) == (["geography", "french"], ["fr", "en"]), "codes"
    assert values["twinspace_url"] == project_fields()["twinspace_url"]


def test_schools_are_reused_by_name_and_country_not_duplicated(session, teacher, other_teacher):
    first = make_project(session, owner=teacher)
    second = make_project(session, owner=other_teacher, title="Another project", school={"name": "Collège Victor Hugo", "country": "fr"},
                          partners=[{"name": "Scoil Mhuire", "country": "IE"}, {"name": "Scoil Mhuire", "country": "MT"}])
    session.commit()

    assert count(session, School) == 5, "FR x2, the Irish school once, PL, and the Maltese namesake"
    irish = {p.school_id for p in first.partners if p.school.country == "IE"}
    assert irish == {p.school_id for p in second.partners if p.school.country == "IE"}
    assert second.school.country == "FR", "country codes are stored upper-case"


def test_an_update_replaces_the_partners(session, teacher):
    created = make_project(session, owner=teacher)
    session.commit()

    projects.update_project(session, actor=teacher, project_id=created.id, raw=project_fields(
        title="Breakfasts of Europe",
        partners=[{"name": "Szkoła Podstawowa nr 3", "country": "PL"}, {"name": "Colegio San José", "country": "ES"}],
    ))
    session.commit()
    session.expunge_all()

    project = projects.get_project(session, actor=teacher, project_id=created.id)
    assert project.title == "Breakfasts of Europe"
    assert partners_of(project) == {("Szkoła Podstawowa nr 3", "PL"), ("Colegio San José", "ES")}
    assert count(session, ProjectPartner) == 2, "the dropped partner is no longer linked"


def test_deleting_a_project_removes_its_self_assessment(session, teacher):
    project = make_project(session, owner=teacher)
    assessment = self_assessments.start(session, actor=teacher, project_id=project.id, rubric_id="etwinning-2006")
    self_assessments.save_entry(session, actor=teacher, assessment_id=assessment.id, item_id="innovation", level=4)
    session.commit()
    project_id = project.id
    session.close()  # as a page does: the deletion comes in a later request

    projects.delete_project(session, actor=teacher, project_id=project_id)
    session.commit()

    assert projects.list_projects(session, actor=teacher) == []
    with pytest.raises(NotFound):
        projects.get_project(session, actor=teacher, project_id=project_id)
    assert (count(session, Project), count(session, ProjectPartner)) == (0, 0)
    assert (count(session, SelfAssessment), count(session, SelfAssessmentEntry)) == (0, 0)


# -- Input checks -------------------------------------------------------------------------

IE = {"name": "Scoil Mhuire", "country": "IE"}


@pytest.mark.parametrize(
    ("overrides", "field", "key"),
    [
        ({"title": "ab"}, "title", "errors.too_short"),
        ({"title": "   "}, "title", "errors.required"),
        ({"start_date": "2026-01-10", "end_date": "2026-01-09"}, "end_date", "errors.end_before_start"),
        ({"start_date": "15/09/2025"}, "start_date", "errors.not_a_date"),
        ({"age_min": 1}, "age_min", "errors.age_range"),
        ({"age_max": 22}, "age_max", "errors.age_range"),
        ({"age_min": 12, "age_max": 8}, "age_max", "errors.age_order"),
        ({"school": {"name": "École Jean Jaurès", "country": "XX"}}, "school.country", "errors.unknown_country"),
        ({"partners": [IE, {"name": "Somewhere", "country": "ZZ"}]}, "partners.1.country", "errors.unknown_country"),
        ({"partners": [IE, {"name": "", "country": "PL"}]}, "partners.1.name", "errors.required"),
        ({"twinspace_url": "javascript:alert(document.cookie)"}, "twinspace_url", "errors.not_a_url"),
        ({"twinspace_url": "ftp://example.org/project"}, "twinspace_url", "errors.not_a_url"),
        ({"partners": []}, "partners", "errors.at_least_one"),
        ({"partners": [{"name": " ", "country": ""}]}, "partners", "errors.at_least_one"),
        ({"partners": [IE, {"name": " scoil MHUIRE ", "country": "ie"}]}, "partners.1.name", "errors.duplicate_partner"),
        ({"partners": [{"name": "École Jean Jaurès", "country": "FR"}]}, "partners.0.name", "errors.duplicate_partner"),
        ({"subjects": []}, "subjects", "errors.at_least_one"),
    ],
    ids=[
        "short-title", "no-title", "end-before-start", "not-a-date", "too-young", "too-old", "ages-inverted",
        "unknown-country", "partner-unknown-country", "partner-without-name", "javascript-url", "ftp-url",
        "no-partner", "only-blank-partner-rows", "duplicate-partner", "own-school-as-partner", "no-subject",
    ],
)
def test_a_wrong_field_is_reported_by_name_and_nothing_is_stored(session, teacher, overrides, field, key):
    with pytest.raises(InvalidInput) as invalid:
        make_project(session, owner=teacher, **overrides)
    assert [(e.field, e.key) for e in invalid.value.errors] == [(field, key)]
    session.rollback()
    assert (count(session, Project), count(session, School), count(session, ProjectPartner)) == (0, 0, 0)


def test_messages_say_what_is_wrong(session, teacher):
    with pytest.raises(InvalidInput) as invalid:
        make_project(session, owner=teacher, title="ab", age_min=1, end_date="2025-01-01",
                     twinspace_url="javascript:alert(1)", partners=[{"name": "Somewhere", "country": "zz"}])
    messages = {e.field: e.message("en") for e in invalid.value.errors}
    assert messages == {
        "title": "Please write at least 3 characters.",
        "end_date": "The end date must be on or after the start date.",
        "age_min": "Ages must be between 2 and 21.",
        "twinspace_url": "'javascript:alert(1)' is not a web address (it must start with http:// or https://).",
        "partners.0.country": "Unknown country code 'ZZ'.",
    }
    assert invalid.value.message("fr") != invalid.value.message("en")


def test_a_wrong_update_changes_nothing(session, teacher):
    project = make_project(session, owner=teacher)
    session.commit()
    with pytest.raises(InvalidInput):
        projects.update_project(session, actor=teacher, project_id=project.id,
                                raw=project_fields(title="A new title", partners=[]))
    session.rollback()
    stored = projects.get_project(session, actor=teacher, project_id=project.id)
    assert stored.title == "Our European breakfast"
    assert len(stored.partners) == 2


# -- Who sees what ------------------------------------------------------------------------


def test_a_teacher_lists_only_their_own_projects_and_the_office_lists_all(session, admin, teacher, other_teacher):
    mine = make_project(session, owner=teacher, title="Claire's project")
    theirs = make_project(session, owner=other_teacher, title="Julien's project")
    session.commit()

    assert [p.id for p in projects.list_projects(session, actor=teacher)] == [mine.id]
    assert [p.id for p in projects.list_projects(session, actor=other_teacher)] == [theirs.id]
    assert {p.id for p in projects.list_projects(session, actor=admin)} == {mine.id, theirs.id}


def test_another_teacher_gets_the_same_refusal_as_for_a_missing_project(session, teacher, other_teacher):
    project = make_project(session, owner=teacher, title="A secret title")
    session.commit()
    with pytest.raises(NotFound) as missing:
        projects.get_project(session, actor=other_teacher, project_id=project.id + 1000)
    expected = missing.value.message("en")

    for attempt in (
        lambda: projects.get_project(session, actor=other_teacher, project_id=project.id),
        lambda: projects.update_project(session, actor=other_teacher, project_id=project.id, raw=project_fields(title="Taken over")),
        lambda: projects.delete_project(session, actor=other_teacher, project_id=project.id),
    ):
        with pytest.raises(NotFound) as refused:
            attempt()
        assert refused.value.message("en") == expected
        assert "A secret title" not in str(refused.value)
    session.rollback()
    assert projects.get_project(session, actor=teacher, project_id=project.id).title == "A secret title"


def test_the_office_reads_any_project_but_only_its_teacher_changes_it(session, admin, teacher):
    project = make_project(session, owner=teacher)
    session.commit()
    assert projects.get_project(session, actor=admin, project_id=project.id).id == project.id
    with pytest.raises(NotFound):
        projects.update_project(session, actor=admin, project_id=project.id, raw=project_fields(title="Changed by the office"))
    with pytest.raises(NotFound):
        projects.delete_project(session, actor=admin, project_id=project.id)
    session.rollback()
    assert projects.get_project(session, actor=teacher, project_id=project.id).title == "Our European breakfast"


def test_a_juror_can_neither_create_nor_list_projects(session, teacher):
    juror = make_user(session, email="ines@example.org", roles={"juror"})
    project = make_project(session, owner=teacher)
    session.commit()
    with pytest.raises(PermissionDenied):
        make_project(session, owner=juror, title="A juror's project")
    with pytest.raises(PermissionDenied):
        projects.list_projects(session, actor=juror)
    with pytest.raises(NotFound):
        projects.get_project(session, actor=juror, project_id=project.id)
    session.rollback()
    assert count(session, Project) == 1
