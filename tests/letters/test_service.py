"""Letters from published decisions in the database: ``assess.services.letters``."""

from __future__ import annotations

import pytest

from assess.domain.permissions import Actor, PermissionDenied
from assess.i18n import t
from assess.reports.verdict import render_verdict_letter_pdf
from assess.services import letters, settings
from assess.services.errors import NotFound
from tests.letters.conftest import SECRET, make_published_round, make_round, pdf_text
from tests.services.helpers import make_user

OFFICE = {
    "name": "Bureau d'assistance national eTwinning France",
    "address": "Réseau Canopé\n1 avenue du Futuroscope\n86961 Chasseneuil-du-Poitou",
    "signatory": "Anne Lefèvre",
    "place": "Chasseneuil-du-Poitou",
}


@pytest.fixture
def round_with_decisions(session, rubric):
    return make_published_round(session, rubric)


def test_one_view_per_published_decision_in_the_teachers_language(session, round_with_decisions):
    round_, made = round_with_decisions
    views = letters.verdict_letters(session, actor=Actor.system(), round_id=round_.id)
    assert [v.application_id for v in views] == sorted([made["Our rivers, our future"], made["Stars over Europe"]])
    by_title = {v.project.title: v for v in views}
    marie, paul = by_title["Our rivers, our future"], by_title["Stars over Europe"]
    assert (marie.language, marie.outcome, marie.project.teacher) == ("fr", "label", "Marie Dupont")
    assert (paul.language, paul.outcome, paul.project.teacher) == ("en", "no_label", "Paul Martin")
    assert marie.round_name == "Labels juin 2026" and marie.published_at is not None
    # Scored on the decision's aggregate levels, fractional: 4.5 everywhere, weights 1+2+1+1+1.
    assert marie.score.total == pytest.approx(4.5 * 6)
    assert {f.criterion_id: f.level for f in marie.feedback}["partner-activity"] == 4.5
    comments = {f.criterion_id: f.comments for f in marie.feedback}
    assert comments["innovation"] == ("Juror A for Our rivers, our future on innovation",
                                      "Juror B for Our rivers, our future on innovation")


def test_private_notes_and_drafts_never_reach_the_letter_the_consensus_note_does(session, round_with_decisions):
    # Issue 13: the office's consensus note is the jury's summary the teacher reads once
    # published; the jurors' private notes and drafts never leave the database.
    round_, _ = round_with_decisions
    views = letters.verdict_letters(session, actor=Actor.system(), round_id=round_.id)
    assert SECRET not in repr(views) and "DRAFT" not in repr(views)
    for view in views:
        text = pdf_text(render_verdict_letter_pdf(view))
        assert SECRET not in text and "DRAFT" not in text and "CONSENSUS note of the jury" in text
        assert f"Juror A for {view.project.title} on innovation" in text


def test_the_office_letterhead_comes_from_the_settings(session, round_with_decisions):
    round_, _ = round_with_decisions
    settings.put_many(session, actor=Actor.system(), values={f"office.{field}": value for field, value in OFFICE.items()})
    view = letters.verdict_letters(session, actor=Actor.system(), round_id=round_.id)[0]
    assert view.office.name == OFFICE["name"] and view.office.address == OFFICE["address"]
    text = pdf_text(render_verdict_letter_pdf(view))
    for value in (OFFICE["name"], "1 avenue du Futuroscope", "86961 Chasseneuil-du-Poitou", OFFICE["signatory"]):
        assert value in text
    assert "Chasseneuil-du-Poitou, le 12 juin 2026" in text
    assert t("letters.verdict.awarded", "fr") in text


def test_without_the_office_setting_the_letter_uses_defaults(session, round_with_decisions):
    round_, _ = round_with_decisions
    view = letters.verdict_letters(session, actor=Actor.system(), round_id=round_.id)[0]
    assert view.office.name == "" and view.office.logo is None
    assert t("letters.default_office", "fr") in pdf_text(render_verdict_letter_pdf(view))


def test_a_round_without_published_decision_has_no_letter(session, rubric):
    round_ = make_round(session, rubric, name="Empty")
    assert letters.verdict_letters(session, actor=Actor.system(), round_id=round_.id) == []


def test_unknown_round(session):
    with pytest.raises(NotFound):
        letters.verdict_letters(session, actor=Actor.system(), round_id=404)


@pytest.mark.parametrize("roles", [{"teacher"}, {"juror"}, {"teacher", "juror"}])
def test_only_the_office_gets_the_letters(session, round_with_decisions, roles):
    round_, _ = round_with_decisions
    someone = make_user(session, email="someone@example.org", roles=roles)
    with pytest.raises(PermissionDenied):
        letters.verdict_letters(session, actor=someone, round_id=round_.id)
    office = make_user(session, email="office@example.org", roles={"admin"})
    assert len(letters.verdict_letters(session, actor=office, round_id=round_.id)) == 2
