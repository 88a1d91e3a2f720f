"""A teacher self-assesses a project: saved as they go, scored against the stored rubric."""

from __future__ import annotations

import pytest

from assess.domain.scoring import Outcome
from assess.services import _snapshots, rubrics, self_assessments
from assess.services.errors import Conflict, InvalidInput, NotFound
from tests.services.helpers import make_project, make_user


def test_levels_notes_and_links_are_saved_and_scored(session, teacher):
    project = make_project(session, owner=teacher)
    assessment = self_assessments.start(session, actor=teacher, project_id=project.id, rubric_id="etwinning-2006")
    assert assessment.rubric.id == "etwinning-2006"
    for criterion in assessment.rubric.criteria:
        self_assessments.save_entry(session, actor=teacher, assessment_id=assessment.id, item_id=criterion.id, level=4)
    self_assessments.save_entry(
        session, actor=teacher, assessment_id=assessment.id, item_id="results",
        evidence_note="An e-book <b>co-written</b> by the pupils.", evidence_links="https://example.org/ebook\n\n",
    )
    session.commit()

    reloaded = self_assessments.current(session, actor=teacher, project_id=project.id)
    assert reloaded.entries["results"].level == 4, "a note saved later keeps the level"
    assert reloaded.entries["results"].evidence_note == "An e-book <b>co-written</b> by the pupils."
    assert reloaded.entries["results"].evidence_links == ("https://example.org/ebook",)
    assert (reloaded.score.total, reloaded.score.maximum) == (24, 30)
    assert reloaded.score.verdict.outcome is Outcome.PASS


def test_bad_levels_and_links_change_nothing(session, teacher):
    project = make_project(session, owner=teacher)
    assessment = self_assessments.start(session, actor=teacher, project_id=project.id, rubric_id="etwinning-2006")
    self_assessments.save_entry(session, actor=teacher, assessment_id=assessment.id, item_id="innovation", level=3)
    session.commit()
    with pytest.raises(InvalidInput) as error:
        self_assessments.save_entry(session, actor=teacher, assessment_id=assessment.id, item_id="innovation", level=9,
                                    evidence_links=["javascript:alert(1)"])
    assert {e.field for e in error.value.errors} == {"level"}
    with pytest.raises(InvalidInput) as error:
        self_assessments.save_entry(session, actor=teacher, assessment_id=assessment.id, item_id="innovation",
                                    evidence_links=["javascript:alert(1)"])
    assert error.value.errors[0].message("en").startswith("'javascript:alert(1)' is not a web address")
    session.rollback()
    assert self_assessments.current(session, actor=teacher, project_id=project.id).entries["innovation"].level == 3


def test_another_teacher_cannot_read_or_write_it(session, teacher):
    project = make_project(session, owner=teacher)
    assessment = self_assessments.start(session, actor=teacher, project_id=project.id, rubric_id="etwinning-2006")
    other = make_user(session, email="other@example.org")
    with pytest.raises(NotFound) as refused:
        self_assessments.current(session, actor=other, project_id=project.id)
    assert project.title not in refused.value.message("en")
    with pytest.raises(NotFound):
        self_assessments.save_entry(session, actor=other, assessment_id=assessment.id, item_id="innovation", level=5)


def test_stored_results_keep_their_rubric_when_the_file_changes(session, teacher):
    project = make_project(session, owner=teacher)
    assessment = self_assessments.start(session, actor=teacher, project_id=project.id, rubric_id="etwinning-2006")
    self_assessments.save_entry(session, actor=teacher, assessment_id=assessment.id, item_id="collaboration", level=1)
    session.commit()
    original = rubrics.installed().default
    edited = original.model_copy(update={"criteria": [c.model_copy(update={"minimum": None}) for c in original.criteria]})
    # Same id and version, different content: refused, with a message naming the fix.
    with pytest.raises(Conflict) as error:
        _snapshots.rubric_version(session, edited)
    assert "Give the changed file a new version" in error.value.message("en")
    # The stored result still reads against the original minimum of collaboration.
    reloaded = self_assessments.current(session, actor=teacher, project_id=project.id)
    assert reloaded.rubric.criterion("collaboration").minimum == 2


def test_the_current_ones_of_a_page_of_projects_at_once(session, teacher):
    """current_of: what current() reads for each project (the latest self-assessment, a
    project not started left out), and the same refusal for another teacher's project."""
    started, changed, untouched = (make_project(session, owner=teacher, title=f"Project {n}") for n in ("A", "B", "C"))
    first = self_assessments.start(session, actor=teacher, project_id=started.id, rubric_id="etwinning-2006")
    self_assessments.save_entry(session, actor=teacher, assessment_id=first.id, item_id="innovation", level=3)
    self_assessments.start(session, actor=teacher, project_id=changed.id, rubric_id="etwinning-2006")
    self_assessments.start(session, actor=teacher, project_id=changed.id, rubric_id="etwinning-2021")
    session.commit()

    ids = [started.id, changed.id, untouched.id]
    found = self_assessments.current_of(session, actor=teacher, project_ids=ids)
    assert set(found) == {started.id, changed.id}
    for project_id, assessment in found.items():
        assert assessment == self_assessments.current(session, actor=teacher, project_id=project_id)
    assert found[changed.id].rubric.id == "etwinning-2021"
    assert self_assessments.current_of(session, actor=teacher, project_ids=[]) == {}
    with pytest.raises(NotFound):
        self_assessments.current_of(session, actor=make_user(session, email="other@example.org"), project_ids=ids)
