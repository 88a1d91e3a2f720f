"""Reasons for every verdict: each rule that decided it (pass mark, per-criterion minimums,
gates), met or not, with its figures, and the jury's summary, as the teacher and the
office read them, and in the verdict letter (read back from the PDF).

The case seen in the field: 15.5/25 against a pass mark of 13 got "No label", because the
safety gate had 2.5 against a minimum of 3, and nothing said so.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from assess.domain.permissions import Actor
from assess.domain.scoring import Outcome, RuleKind
from assess.services import decisions, jury, letters
from assess.services.errors import NotFound
from tests.jury.helpers import apply, close, make_juror, make_office, make_round, score_all
from tests.services.helpers import make_project, make_user

RUBRIC = "etwinning-2021"
CRITERIA_2021 = ("collaboration", "technology", "pedagogy", "curricular-integration", "results")
GATES_2021 = ("online-collaboration", "digital-tools", "safety")
#: Two jurors: every criterion 3 but results (3 and 4: 3.5), so a total of 15.5 of 25;
#: the safety gate 2 and 3 (2.5, below its minimum of 3); the other gates 3.
FIRST = {"results": 3, "safety": 2}
SECOND = {"results": 4, "safety": 3}
SUMMARY = "The jury agreed that image rights were not asked for: see the safety gate."


def decided(session, *, publish: bool = True, note: str = SUMMARY) -> dict:
    office = make_office(session)
    teacher = make_user(session, email="teacher@example.org", roles={"teacher"}, name="Marie Dupont")
    made = make_round(session, office=office, rubric_id=RUBRIC)
    project = make_project(session, owner=teacher, title="Our rivers")
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id,
                        texts={c: f"What we did for {c}." for c in CRITERIA_2021}, language="en")
    jurors = [make_juror(session, "a.juror@example.org"), make_juror(session, "b.juror@example.org")]
    close(session, made.id)
    jury.auto_assign(session, actor=office, round_id=made.id)
    for juror, overrides in zip(jurors, (FIRST, SECOND), strict=True):
        score_all(session, juror=juror, application_id=application.id, level=3, overrides=overrides,
                  items=CRITERIA_2021 + GATES_2021, private_note="Only for the office.")
    decisions.stage_decision(session, actor=office, application_id=application.id, consensus_note=note)
    if publish:
        decisions.publish_round(session, actor=office, round_id=made.id)
    return {"office": office, "teacher": teacher, "round": made.id, "application": application.id}


def test_the_failed_gate_is_the_reason_with_its_figures(session):
    made = decided(session)

    reasons = decisions.decision_reasons(session, actor=made["teacher"], application_id=made["application"])

    assert reasons.outcome == "no_label" and reasons.proposal is Outcome.FAIL and not reasons.overridden
    pass_mark, *gates = reasons.rules
    assert (pass_mark.kind, pass_mark.value, pass_mark.threshold, pass_mark.met) == (RuleKind.PASS_MARK, 15.5, 13, True)
    assert [(g.kind, g.subject, g.value, g.threshold, g.met) for g in gates] == [
        (RuleKind.GATE, "online-collaboration", 3, 2, True),
        (RuleKind.GATE, "digital-tools", 3, 2, True),
        (RuleKind.GATE, "safety", 2.5, 3, False),
    ]
    assert [r.subject for r in reasons.failed] == ["safety"]


def test_the_teacher_reads_nothing_before_publication_and_another_teacher_never(session):
    made = decided(session, publish=False)
    stranger = make_user(session, email="other@example.org", roles={"teacher"})

    with pytest.raises(NotFound):
        decisions.decision_reasons(session, actor=made["teacher"], application_id=made["application"])
    assert decisions.published_verdict(session, actor=made["teacher"], application_id=made["application"]) is None
    # The office reads them while it decides.
    assert decisions.decision_reasons(session, actor=made["office"], application_id=made["application"]).failed

    decisions.publish_round(session, actor=made["office"], round_id=made["round"])
    verdict = decisions.published_verdict(session, actor=made["teacher"], application_id=made["application"])
    assert verdict is not None and verdict.summary == SUMMARY
    for call in (decisions.decision_reasons, decisions.published_verdict):
        with pytest.raises(NotFound):
            call(session, actor=stranger, application_id=made["application"])


def test_a_round_s_reasons_come_in_one_call_for_the_workbook(session):
    made = decided(session)

    found = decisions.round_reasons(session, actor=Actor.system(), round_id=made["round"])

    assert list(found) == [made["application"]]
    assert found[made["application"]].to_dict()["rules"][-1] == {
        "kind": "gate", "subject": "safety", "value": 2.5, "threshold": 3, "met": False}


def test_the_office_overriding_the_rules_is_said(session):
    made = decided(session, publish=False)
    decisions.stage_decision(session, actor=made["office"], application_id=made["application"], outcome="label")

    reasons = decisions.decision_reasons(session, actor=made["office"], application_id=made["application"])

    assert reasons.outcome == "label" and reasons.overridden


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["Total of 15.5 against a pass mark of 13 — met",
            "GDPR, copyright and eSafety (required for any label): level 2.5 against a minimum of 3 — not met"]),
    ("fr", ["Total de 15,5 pour un seuil de réussite de 13 — atteint",
            "RGPD, droits d'auteur et sécurité en ligne (exigé pour tout label) : niveau 2,5 pour un minimum de 3 "
            "— non atteint"]),
])
def test_the_letter_states_the_rules_and_the_jury_s_summary(session, lang, expected):
    from assess.reports.verdict import render_verdict_letter_pdf
    from tests.letters.conftest import pdf_text

    made = decided(session)
    [view] = letters.verdict_letters(session, actor=made["office"], round_id=made["round"])

    pdf = render_verdict_letter_pdf(replace(view, language=lang))
    text = pdf_text(pdf)

    for line in expected:
        assert line in text
    assert SUMMARY in text
    assert "Only for the office." not in text


def test_who_reads_a_decision_s_reasons_is_a_rule_about_publication():
    from assess.domain.permissions import DecisionFacts, can

    owner = Actor(id=1, email="t@example.org", display_name="T", roles=frozenset({"teacher"}))
    other = Actor(id=2, email="o@example.org", display_name="O", roles=frozenset({"teacher"}))
    juror = Actor(id=3, email="j@example.org", display_name="J", roles=frozenset({"juror"}))
    admin = Actor(id=4, email="a@example.org", display_name="A", roles=frozenset({"admin"}))
    for published in (False, True):
        facts = DecisionFacts(owner_id=owner.id, published=published)
        allowed = {name for name, actor in (("owner", owner), ("other", other), ("juror", juror), ("admin", admin),
                                            ("system", Actor.system())) if can(actor, "decision.view", facts)}
        assert allowed == ({"owner", "admin", "system"} if published else {"admin", "system"})


@pytest.mark.parametrize(("lang", "outcome"), [("en", "label"), ("fr", "label"), ("en", "no_label")])
def test_a_typical_letter_with_its_reasons_and_a_summary_holds_on_one_page(lang, outcome):
    from assess.domain.rubric import parse_rubric
    from assess.reports.verdict import render_verdict_letter_pdf
    from tests.letters.conftest import make_view, pdf_pages, pdf_text
    from tests.reports.conftest import rubric_yaml

    view = replace(make_view(parse_rubric(rubric_yaml()), language=lang, outcome=outcome), summary=SUMMARY * 2)

    pdf = render_verdict_letter_pdf(view)

    assert pdf_pages(pdf) == 1 and SUMMARY in pdf_text(pdf)
