"""The letter as an official document of the office: its letterhead from the settings,
and a typical letter (the shipped rubric, two jurors' comments on every item) on ONE
page, signature included (issue 13: "Yours sincerely" used to fall alone on page 2), in
every language the suite speaks, for a label and for a refusal, with the jury's summary."""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO

import pytest
from pypdf import PdfReader

from assess.domain.permissions import Actor
from assess.domain.scoring import score
from assess.i18n import t
from assess.reports.verdict import render_verdict_letter_pdf
from assess.reports.views import CriterionFeedback
from assess.services import letters, rubrics, settings
from tests.letters.conftest import OFFICE, make_published_round, make_view

COMMENTS = {
    "en": ("The pupils worked in mixed international teams and every partner contributed to the final "
           "product; the TwinSpace pages show each step clearly.",
           "A well-planned project; the next one could share its results more widely."),
    "fr": ("Les élèves ont travaillé en équipes internationales mixtes et chaque partenaire a contribué au "
           "produit final ; les pages du TwinSpace montrent clairement chaque étape.",
           "Un projet bien construit ; le prochain pourrait diffuser davantage ses résultats."),
    "de": ("Die Schülerinnen und Schüler arbeiteten in gemischten internationalen Teams, und jede Partnerschule "
           "trug zum Endprodukt bei; die Seiten im TwinSpace zeigen jeden Schritt deutlich.",
           "Ein gut geplantes Projekt; das nächste könnte seine Ergebnisse breiter bekannt machen."),
}
#: The office's consensus note, which becomes the jury's summary in the letter.
SUMMARY = {
    "en": "The jury discussed the collaboration at length: the joint products are real, the evaluation with the "
          "pupils could be stronger.",
    "fr": "Le jury a longuement discuté de la collaboration : les productions communes sont réelles, l'évaluation "
          "avec les élèves pourrait être plus poussée.",
    "de": "Die Jury hat die Zusammenarbeit ausführlich besprochen: Die gemeinsamen Produkte sind echt, die "
          "Auswertung mit den Schülerinnen und Schülern könnte gründlicher sein.",
}
REGARDS = {"en": "Yours sincerely", "fr": "agréer, Madame, Monsieur", "de": "Mit freundlichen Grüßen"}
TITLE = "Cheffe du Bureau d'assistance national"


def flat(text: str) -> str:
    return " ".join(text.split())


def typical_letter(lang: str, level: float = 3.5):
    """The shipped rubric of the 2021 generation (five criteria, three gates), every item
    with a level and two jurors' comments (``level`` 2: a refusal, every gate failed)."""
    rubric = rubrics.installed_rubric("etwinning-2021")
    levels = {c.id: level for c in rubric.criteria}
    gates = {g.id: min(level, 3.0) for g in rubric.gates}
    feedback = tuple(CriterionFeedback(item.id, {**levels, **gates}[item.id], COMMENTS[lang])
                     for item in (*rubric.criteria, *rubric.gates))
    return rubric, levels, gates, feedback


@pytest.mark.parametrize("outcome", ["label", "no_label"])
@pytest.mark.parametrize("lang", ["en", "fr", "de"])
def test_a_typical_letter_is_one_page_with_its_closing_and_signature(lang, outcome, rubric):
    shipped, levels, gates, feedback = typical_letter(lang, level=3.5 if outcome == "label" else 2.0)
    view = replace(make_view(rubric, language=lang, outcome=outcome),
                   office=replace(OFFICE, signatory="Anne Lefèvre", signatory_title=TITLE),
                   rubric=shipped, feedback=feedback, summary=SUMMARY[lang],
                   score=score(shipped, levels=levels, gates=gates, fractional=True))
    reader = PdfReader(BytesIO(render_verdict_letter_pdf(view)))
    assert len(reader.pages) == 1
    first = flat(reader.pages[0].extract_text())
    assert REGARDS[lang] in first and flat(t("letters.closing.regards", lang)) in first
    assert "Anne Lefèvre" in first and TITLE in first
    assert flat(SUMMARY[lang]) in first and flat(COMMENTS[lang][0]) in first


def test_the_signatory_title_comes_from_the_settings(session, rubric):
    round_, _ = make_published_round(session, rubric)
    settings.put_many(session, actor=Actor.system(), values={
        "office.name": OFFICE.name, "office.signatory": "Anne Lefèvre", "office.signatory_title": TITLE})
    view = letters.verdict_letters(session, actor=Actor.system(), round_id=round_.id)[0]
    assert (view.office.signatory, view.office.signatory_title) == ("Anne Lefèvre", TITLE)
    text = flat(" ".join(p.extract_text() for p in PdfReader(BytesIO(render_verdict_letter_pdf(view))).pages))
    assert "Anne Lefèvre" in text and TITLE in text
