"""The letter as an official document of the office: its letterhead from the settings,
and a typical letter (the shipped rubric, two jurors' comments on every item) on ONE
page, signature included (issue 13: "Yours sincerely" used to fall alone on page 2)."""

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
}
TITLE = "Cheffe du Bureau d'assistance national"


def flat(text: str) -> str:
    return " ".join(text.split())


def typical_letter(lang: str):
    """The shipped rubric of the 2021 generation (five criteria, three gates), every item
    with a level and two jurors' comments."""
    rubric = rubrics.installed_rubric("etwinning-2021")
    levels = {c.id: 3.5 for c in rubric.criteria}
    gates = {g.id: 3.0 for g in rubric.gates}
    feedback = tuple(CriterionFeedback(item.id, {**levels, **gates}[item.id], COMMENTS[lang])
                     for item in (*rubric.criteria, *rubric.gates))
    return rubric, levels, gates, feedback


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_typical_letter_is_one_page_with_its_closing_and_signature(lang, rubric):
    shipped, levels, gates, feedback = typical_letter(lang)
    view = replace(make_view(rubric, language=lang), office=replace(OFFICE, signatory="Anne Lefèvre",
                                                                    signatory_title=TITLE),
                   rubric=shipped, feedback=feedback,
                   score=score(shipped, levels=levels, gates=gates, fractional=True))
    reader = PdfReader(BytesIO(render_verdict_letter_pdf(view)))
    assert len(reader.pages) == 1
    first = flat(reader.pages[0].extract_text())
    regards = "Yours sincerely" if lang == "en" else "agréer, Madame, Monsieur"
    assert regards in first and flat(t("letters.closing.regards", lang)) in first
    assert "Anne Lefèvre" in first and TITLE in first


def test_the_signatory_title_comes_from_the_settings(session, rubric):
    round_, _ = make_published_round(session, rubric)
    settings.put_many(session, actor=Actor.system(), values={
        "office.name": OFFICE.name, "office.signatory": "Anne Lefèvre", "office.signatory_title": TITLE})
    view = letters.verdict_letters(session, actor=Actor.system(), round_id=round_.id)[0]
    assert (view.office.signatory, view.office.signatory_title) == ("Anne Lefèvre", TITLE)
    text = flat(" ".join(p.extract_text() for p in PdfReader(BytesIO(render_verdict_letter_pdf(view))).pages))
    assert "Anne Lefèvre" in text and TITLE in text
