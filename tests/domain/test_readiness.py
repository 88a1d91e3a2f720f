"""Readiness: one checklist of what still stands between a project and a label."""

from __future__ import annotations

import pytest

from assess.domain.readiness import ELIGIBILITY_QUESTIONS, CheckKind, describe_check, is_ready, readiness
from assess.domain.scoring import score
from tests.factories import criterion, gate, make_rubric

ALL_YES = dict.fromkeys(ELIGIBILITY_QUESTIONS, True)


@pytest.fixture(scope="module")
def rubric():
    return make_rubric(
        criteria=[
            criterion("innovation"),
            criterion("collaboration", minimum=2),
            criterion("technology", minimum=3),
            criterion("safety", independent=True),
        ],
        gates=[gate("online-work", criterion_id="collaboration", minimum=2)],
        pass_mark=9,
    )


def checks_for(rubric, *, levels=None, gates=None, eligibility=None):
    result = score(rubric, levels=levels or {}, gates=gates or {})
    return result, readiness(score=result, eligibility=eligibility or {})


def test_eligibility_comes_first_then_gates_then_minimums_then_the_pass_mark(rubric):
    _, checks = checks_for(rubric)
    assert [(c.kind, c.subject) for c in checks] == [
        *((CheckKind.ELIGIBILITY, q) for q in
          ("shared_plan", "finished", "full_participation", "collaborative_activities", "data_protection")),
        (CheckKind.GATE, "online-work"),
        (CheckKind.MINIMUM, "collaboration"),
        (CheckKind.MINIMUM, "technology"),
        (CheckKind.PASS_MARK, None),
    ]


def test_nothing_is_decided_while_not_assessed(rubric):
    _, checks = checks_for(rubric)
    assert [c.ok for c in checks] == [None] * len(checks)
    assert not is_ready(checks)


def test_a_partly_assessed_project_has_its_pass_mark_still_open(rubric):
    _, checks = checks_for(rubric, levels={"innovation": 5, "collaboration": 5, "technology": 5},
                           eligibility={"shared_plan": True, "finished": False})
    ok = {(c.kind, c.subject): c.ok for c in checks}
    assert ok[(CheckKind.ELIGIBILITY, "shared_plan")] is True
    assert ok[(CheckKind.ELIGIBILITY, "finished")] is False
    assert ok[(CheckKind.ELIGIBILITY, "data_protection")] is None
    assert ok[(CheckKind.MINIMUM, "technology")] is True
    assert ok[(CheckKind.GATE, "online-work")] is None, "the gate is not assessed yet"
    assert ok[(CheckKind.PASS_MARK, None)] is None, "15 points already, but the verdict is incomplete"


def test_a_fully_met_checklist_is_ready(rubric):
    _, checks = checks_for(rubric, levels={"innovation": 3, "collaboration": 3, "technology": 3, "safety": 0},
                           gates={"online-work": 2}, eligibility=ALL_YES)
    assert all(c.ok is True for c in checks)
    assert is_ready(checks)


def test_each_failing_line_blocks_readiness(rubric):
    levels = {"innovation": 1, "collaboration": 1, "technology": 2, "safety": 5}
    _, checks = checks_for(rubric, levels=levels, gates={"online-work": 1}, eligibility={**ALL_YES, "data_protection": False})
    failing = [(c.kind, c.subject) for c in checks if c.ok is False]
    assert failing == [
        (CheckKind.ELIGIBILITY, "data_protection"),
        (CheckKind.GATE, "online-work"),
        (CheckKind.MINIMUM, "collaboration"),
        (CheckKind.MINIMUM, "technology"),
        (CheckKind.PASS_MARK, None),
    ]
    assert not is_ready(checks)


def test_a_no_to_eligibility_alone_blocks_an_otherwise_perfect_project(rubric):
    _, checks = checks_for(rubric, levels={"innovation": 5, "collaboration": 5, "technology": 5, "safety": 5},
                           gates={"online-work": 5}, eligibility={**ALL_YES, "finished": False})
    assert [c.subject for c in checks if not c.ok] == ["finished"]
    assert not is_ready(checks)


def test_checklist_lines_read_in_the_readers_language(rubric):
    result, checks = checks_for(rubric)
    lines = {lang: [describe_check(c, score=result, rubric=rubric, lang=lang) for c in checks] for lang in ("en", "fr")}
    assert len(set(lines["en"])) == len(checks), "every line says something different"
    assert lines["en"] != lines["fr"]
    assert "9" in lines["en"][-1] and "9" in lines["fr"][-1], "the pass mark is named"
    assert "Technology" in lines["en"][-2] and "3" in lines["en"][-2]
    assert "Technology (fr)" in lines["fr"][-2]
    assert "Online-Work" in lines["en"][5] and "2" in lines["en"][5]


def test_weakest_criteria_are_the_lowest_counted_ones_heaviest_first():
    from assess.domain.readiness import weakest_criteria
    from assess.domain.scoring import score
    from tests.factories import criterion, make_rubric

    rubric = make_rubric(criteria=[criterion("a"), criterion("b", weight=2), criterion("c"), criterion("d", independent=True),
                                   criterion("e")])
    result = score(rubric, levels={"a": 2, "b": 2, "c": 5, "d": 0, "e": 3})
    assert [c.criterion_id for c in weakest_criteria(result)] == ["b", "a", "e"]
    assert result.assessed == (5, 5)


def test_a_no_fails_its_check_and_reads_no_while_unanswered_is_still_open(rubric):
    """Issue 10, finding 6: "no" is an answer of its own, not a blank and not "to do"."""
    from assess.domain.readiness import answered_no, state_key
    from assess.i18n import t

    levels = {"innovation": 5, "collaboration": 5, "technology": 5, "safety": 5}
    _, ready = checks_for(rubric, levels=levels, gates={"online-work": 5}, eligibility=ALL_YES)
    assert is_ready(ready)
    eligibility = {**ALL_YES, "finished": False, "data_protection": None}
    _, checks = checks_for(rubric, levels=levels, gates={"online-work": 5}, eligibility=eligibility)
    assert not is_ready(checks)
    by_subject = {c.subject: c for c in checks if c.kind is CheckKind.ELIGIBILITY}
    assert (by_subject["finished"].ok, by_subject["data_protection"].ok, by_subject["shared_plan"].ok) == (False, None, True)
    assert answered_no(eligibility) == ("finished",)
    words = {q: t(state_key(c), "en") for q, c in by_subject.items()}
    assert (words["finished"], words["data_protection"], words["shared_plan"]) == (
        "Answered no: no label with this answer", "Not answered yet", "Answered yes")
    gate_check = next(c for c in checks if c.kind is CheckKind.GATE)
    assert t(state_key(gate_check), "en") == "Done"  # other checks keep their words
