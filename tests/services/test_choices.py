"""Issue 10, finding 6: a teacher's choices. The rubric of a self-assessment is proposed from
the project's school year or the office's default and may be changed (levels of the same
criteria carry over, the others stay with the former rubric); eligibility answers are yes,
no or not answered, and a "no" keeps the project from a label. Both databases."""

from __future__ import annotations

from datetime import date

import pytest

from assess.domain.readiness import CheckKind, answered_no, is_ready, readiness, state_key
from assess.i18n import t
from assess.services import _settings_values, accounts, rubrics, self_assessments, settings
from assess.services.errors import InvalidInput, ServiceError
from assess.services.rubrics import Proposal
from assess.storage.models import AuditLog
from tests.services.helpers import make_project, make_user


@pytest.fixture
def admin(session):
    actor = accounts.create_first_admin(session, email="office@example.org", display_name="Office", password="correct horse battery")
    session.commit()
    return actor


@pytest.fixture
def other_teacher(session):
    actor = make_user(session, email="julien@example.org")
    session.commit()
    return actor


def start(session, teacher, project, rubric_id=None):
    return self_assessments.start(session, actor=teacher, project_id=project.id, rubric_id=rubric_id)


# -- the rubric proposed ------------------------------------------------------------------------

@pytest.mark.parametrize(("end_date", "expected"), [
    ("2026-05-30", "etwinning-2021"),  # 2025-26: generation C, not the 2006 one
    ("2021-10-01", "etwinning-2021"),  # 2021-22, the first year of generation C
    ("2021-06-15", "etwinning-2014"),  # 2020-21
    ("2015-03-01", "etwinning-2014"),
    ("2010-06-01", "etwinning-2006"),
])
def test_a_new_self_assessment_uses_the_rubric_of_the_projects_school_year(session, teacher, end_date, expected):
    project = make_project(session, owner=teacher, start_date="2004-09-01", end_date=end_date)
    proposed, why = self_assessments.proposed_rubric(session, actor=teacher, project_id=project.id)
    assert (proposed.id, why) == (expected, Proposal.SCHOOL_YEAR)
    assert start(session, teacher, project).rubric.id == expected


def test_a_school_year_no_rubric_covers_gets_the_newest(session, teacher):
    project = make_project(session, owner=teacher, start_date="2003-09-01", end_date="2004-06-01")
    proposed, why = self_assessments.proposed_rubric(session, actor=teacher, project_id=project.id)
    assert (proposed.id, why) == ("etwinning-2021", Proposal.NEWEST)


def test_the_offices_default_rubric_comes_first(session, teacher, admin):
    project = make_project(session, owner=teacher)  # 2025-26
    settings.put(session, actor=admin, key="default_rubric", value="etwinning-2014")
    assert self_assessments.proposed_rubric(session, actor=teacher, project_id=project.id)[1] is Proposal.SETTING
    assert start(session, teacher, project).rubric.id == "etwinning-2014"
    # Any installed rubric may still be chosen.
    other = make_project(session, owner=teacher, title="Another one")
    assert start(session, teacher, other, "etwinning-2006").rubric.id == "etwinning-2006"


def test_the_default_rubric_setting_takes_installed_rubrics_only(session, admin):
    with pytest.raises(InvalidInput) as refused:
        settings.put(session, actor=admin, key="default_rubric", value="etwinning-1999")
    [error] = refused.value.errors
    assert (error.field, error.message("en")) == ("default_rubric", "Unknown rubric 'etwinning-1999'.")
    assert _settings_values.get(session, "default_rubric") == ""
    settings.put(session, actor=admin, key="default_rubric", value=" etwinning-2021 ")
    assert _settings_values.get(session, "default_rubric") == "etwinning-2021"
    settings.put(session, actor=admin, key="default_rubric", value="")  # back to "by school year"
    assert _settings_values.get(session, "default_rubric") == ""


def test_an_unknown_rubric_is_refused_at_start(session, teacher):
    project = make_project(session, owner=teacher)
    with pytest.raises(ServiceError) as refused:
        start(session, teacher, project, "etwinning-1999")
    assert refused.value.message("en") == "Unknown rubric 'etwinning-1999'."


def test_period_years_reads_the_rubric_files_periods():
    assert rubrics.period_years("2006-2013") == (2006, 2013)
    assert rubrics.period_years("2021-") == (2021, None)
    assert rubrics.period_years("since the beginning") is None
    catalogue = list(rubrics.installed())
    assert rubrics.for_school_year(catalogue, 2013)[0].id == "etwinning-2006"
    assert rubrics.for_school_year(catalogue, 2014)[0].id == "etwinning-2014"


# -- changing the rubric of a draft -------------------------------------------------------------

def test_changing_the_rubric_carries_the_same_criteria_and_says_what_stays_behind(session, teacher):
    project = make_project(session, owner=teacher)
    first = start(session, teacher, project, "etwinning-2006")
    for item, level in {"innovation": 3, "collaboration": 4, "sustainability": 2, "results": 5}.items():
        self_assessments.save_entry(session, actor=teacher, assessment_id=first.id, item_id=item, level=level)
    self_assessments.save_entry(session, actor=teacher, assessment_id=first.id, item_id="collaboration",
                                evidence_note="Mixed teams", evidence_links="https://example.org/a")
    self_assessments.save_eligibility(session, actor=teacher, assessment_id=first.id,
                                      answers={"finished": False, "shared_plan": True})
    session.commit()

    change = self_assessments.rubric_change(session, actor=teacher, assessment_id=first.id, rubric_id="etwinning-2021")
    assert change.kept == ("collaboration", "results")
    assert change.left_behind == (("innovation", 3), ("sustainability", 2))
    assert change.loses_anything

    moved = self_assessments.change_rubric(session, actor=teacher, assessment_id=first.id, rubric_id="etwinning-2021")
    session.commit()
    current = self_assessments.current(session, actor=teacher, project_id=project.id)
    assert current.id == moved.id != first.id and current.rubric.id == "etwinning-2021"
    assert {k: v.level for k, v in current.entries.items()} == {"collaboration": 4, "results": 5}
    assert current.entries["collaboration"].evidence_note == "Mixed teams"
    assert current.entries["collaboration"].evidence_links == ("https://example.org/a",)
    assert current.eligibility["finished"] is False and current.eligibility["shared_plan"] is True
    assert session.query(AuditLog).filter_by(action="self_assessment.rubric").count() == 1

    # Back to the 2006 rubric: what stayed behind is there again, the latest levels carried
    # back, a level cleared meanwhile cleared there too.
    self_assessments.save_entry(session, actor=teacher, assessment_id=current.id, item_id="collaboration", level=2)
    self_assessments.save_entry(session, actor=teacher, assessment_id=current.id, item_id="results", level=None)
    back = self_assessments.change_rubric(session, actor=teacher, assessment_id=current.id, rubric_id="etwinning-2006")
    session.commit()
    assert back.id == first.id
    assert {k: v.level for k, v in back.entries.items()} == {
        "innovation": 3, "collaboration": 2, "sustainability": 2, "results": None}
    assert self_assessments.current(session, actor=teacher, project_id=project.id).rubric.id == "etwinning-2006"


def test_a_change_without_anything_given_loses_nothing(session, teacher):
    project = make_project(session, owner=teacher)
    first = start(session, teacher, project, "etwinning-2021")
    change = self_assessments.rubric_change(session, actor=teacher, assessment_id=first.id, rubric_id="etwinning-2014")
    assert (change.kept, change.left_behind, change.loses_anything) == ((), (), False)


def test_another_teacher_cannot_change_the_rubric(session, teacher, other_teacher):
    project = make_project(session, owner=teacher)
    first = start(session, teacher, project, "etwinning-2006")
    with pytest.raises(ServiceError):
        self_assessments.change_rubric(session, actor=other_teacher, assessment_id=first.id, rubric_id="etwinning-2021")
    with pytest.raises(ServiceError):
        self_assessments.rubric_change(session, actor=other_teacher, assessment_id=first.id, rubric_id="etwinning-2021")


# -- eligibility: yes, no, not answered ----------------------------------------------------------

def test_no_is_stored_apart_from_not_answered(session, teacher):
    project = make_project(session, owner=teacher)
    assessment = start(session, teacher, project)
    self_assessments.save_eligibility(session, actor=teacher, assessment_id=assessment.id,
                                      answers={"shared_plan": True, "finished": False})
    session.commit()
    saved = self_assessments.current(session, actor=teacher, project_id=project.id).eligibility
    assert (saved["shared_plan"], saved["finished"], saved["data_protection"]) == (True, False, None)

    self_assessments.save_eligibility(session, actor=teacher, assessment_id=assessment.id, answers={"finished": None})
    session.commit()
    assert self_assessments.current(session, actor=teacher, project_id=project.id).eligibility["finished"] is None

    with pytest.raises(InvalidInput):
        self_assessments.save_eligibility(session, actor=teacher, assessment_id=assessment.id, answers={"finished": "no"})


def test_a_no_keeps_the_project_from_being_ready(session, teacher):
    project = make_project(session, owner=teacher)
    assessment = start(session, teacher, project, "etwinning-2006")
    for criterion in assessment.rubric.criteria:
        self_assessments.save_entry(session, actor=teacher, assessment_id=assessment.id, item_id=criterion.id, level=5)
    yes = {q: True for q in assessment.eligibility}
    ready = self_assessments.save_eligibility(session, actor=teacher, assessment_id=assessment.id, answers=yes)
    assert is_ready(readiness(score=ready.score, eligibility=ready.eligibility))

    with_no = self_assessments.save_eligibility(session, actor=teacher, assessment_id=assessment.id,
                                                answers={"data_protection": False})
    checks = readiness(score=with_no.score, eligibility=with_no.eligibility)
    assert not is_ready(checks)
    assert answered_no(with_no.eligibility) == ("data_protection",)
    [no] = [c for c in checks if c.kind is CheckKind.ELIGIBILITY and c.subject == "data_protection"]
    assert no.ok is False
    assert t(state_key(no), "en") == "Answered no: no label with this answer"
    assert t(state_key(no), "fr") == "Réponse\u00a0: non (aucun label avec cette réponse)"

    unanswered = self_assessments.save_eligibility(session, actor=teacher, assessment_id=assessment.id,
                                                   answers={"data_protection": None})
    [blank] = [c for c in readiness(score=unanswered.score, eligibility=unanswered.eligibility)
               if c.subject == "data_protection"]
    assert blank.ok is None and t(state_key(blank), "en") == "Not answered yet"


def test_the_pdf_report_says_no_in_words(session, teacher):
    from assess.reports.self_assessment import render_self_assessment_pdf
    from tests.survey_results.test_pdf import pdf_text

    project = make_project(session, owner=teacher)
    assessment = start(session, teacher, project)
    self_assessments.save_eligibility(session, actor=teacher, assessment_id=assessment.id,
                                      answers={"finished": False, "shared_plan": True})
    session.commit()
    report = self_assessments.report(session, actor=teacher, project_id=project.id)
    for lang, no, yes, blank in [
        ("en", "Answered no: no label with this answer", "Answered yes", "Not answered yet"),
        ("fr", "Réponse : non (aucun label avec cette réponse)", "Réponse : oui", "Pas encore de réponse"),
    ]:
        text = " ".join(pdf_text(render_self_assessment_pdf(report, lang=lang)).split())
        assert no in text and yes in text and blank in text, lang


def test_the_report_of_a_project_not_assessed_uses_the_proposed_rubric(session, teacher):
    project = make_project(session, owner=teacher, end_date=date(2026, 5, 30).isoformat())
    assert self_assessments.report(session, actor=teacher, project_id=project.id).rubric.id == "etwinning-2021"
