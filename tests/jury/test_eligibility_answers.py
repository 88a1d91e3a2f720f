"""An application's eligibility answers (issue 10, finding 6): "no" and "not answered" are
two answers, both refused, each said in its own words; all yes is accepted."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assess.domain.readiness import ELIGIBILITY_QUESTIONS
from assess.services.errors import InvalidInput
from assess.storage.models import Application
from tests.jury.helpers import apply, make_round, yes


def test_no_and_not_answered_are_refused_in_their_own_words(session, teacher, project):
    made = make_round(session)
    with pytest.raises(InvalidInput) as refused:
        apply(session, teacher=teacher, round_id=made.id, project_id=project.id,
              eligibility={**yes(), "finished": False, "data_protection": None})
    errors = {e.field: e for e in refused.value.errors}
    assert set(errors) == {"eligibility.finished", "eligibility.data_protection"}
    assert errors["eligibility.finished"].message("en") == "To apply, the project must be finished or about to finish."
    assert errors["eligibility.data_protection"].message("en") == (
        "Not answered yet: were data protection and copyright taken care of? Answer yes or no.")
    assert errors["eligibility.data_protection"].message("fr").startswith("Pas encore de réponse")
    assert session.scalar(select(Application)) is None


def test_a_question_left_out_counts_as_not_answered(session, teacher, project):
    made = make_round(session)
    with pytest.raises(InvalidInput) as refused:
        apply(session, teacher=teacher, round_id=made.id, project_id=project.id, eligibility={})
    assert {e.key for e in refused.value.errors} == {f"jury.errors.eligibility_unanswered.{q}" for q in ELIGIBILITY_QUESTIONS}


def test_all_yes_is_accepted(session, teacher, project):
    made = make_round(session)
    apply(session, teacher=teacher, round_id=made.id, project_id=project.id, eligibility=yes())
    assert session.scalar(select(Application)) is not None
