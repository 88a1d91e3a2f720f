"""One form of address per audience on the answering page: pupils are spoken to as "tu"
(the questionnaire and the page around it alike), families and teachers as "vous"."""

from __future__ import annotations

import re

import pytest

from assess.i18n import LANGUAGES, catalogue
from assess.i18n.address import pupils_key
from assess.services import campaigns
from tests.services.helpers import make_campaign, make_project
from tests.ui.conftest import ROOT
from tests.ui.test_respond_page import answer, key, respondent, send
from tests.ui.test_teacher_pages import page_text

pytestmark = pytest.mark.xdist_group("ui")

POLITE = re.compile(r"\b(vous|votre|vos)\b", re.IGNORECASE)
FAMILIAR = re.compile(r"\b(tu|toi|ton|tes)\b", re.IGNORECASE)


def codes_for(ui_database, people, audience: str) -> list[str]:
    with ui_database.begin() as session:
        project = make_project(session, owner=people.teacher, title=f"Project for {audience}")
        campaign = make_campaign(session, owner=people.teacher, project=project, audience=audience)
        return campaigns.issue_codes(session, actor=people.teacher, campaign_id=campaign.id, count=2)


def test_pupils_are_spoken_to_as_tu_from_the_first_question_to_the_thanks(people, ui_database):
    first, _second = codes_for(ui_database, people, "pupils")
    at = respondent(code=first, lang="fr")
    text = page_text(at)
    assert "Tu peux choisir plusieurs réponses." in text
    assert "Tes réponses sont enregistrées au fur et à mesure" in text
    assert at.text_area(key=key(first, "comment")).placeholder == "Écris ici"
    assert not POLITE.findall(text), POLITE.findall(text)

    at = send(at)  # the required questions left empty
    text = page_text(at)
    assert "Complète ou corrige 3 réponses avant d'envoyer\u00a0:" in text
    assert not POLITE.findall(text), POLITE.findall(text)

    at = answer(at, first, {"learned-new-things": 4, "international-team": 5, "talked-with-partners": 3})
    at = send(at)
    assert [t.value for t in at.title] == ["Tes réponses sont envoyées"]
    assert "Tu peux fermer cette page." in page_text(at)
    assert not POLITE.findall(page_text(at))


def test_families_are_spoken_to_as_vous(people, ui_database):
    first, _second = codes_for(ui_database, people, "families")
    at = respondent(code=first, lang="fr")
    text = page_text(at)
    assert "Vos réponses sont enregistrées au fur et à mesure\u00a0: vous pouvez revenir plus tard" in text
    assert at.text_area(key=key(first, "comment")).placeholder == "Écrivez ici"
    assert not FAMILIAR.findall(text), FAMILIAR.findall(text)


def test_english_says_the_same_to_every_audience(people, ui_database):
    pupils, _ = codes_for(ui_database, people, "pupils")
    families, _ = codes_for(ui_database, people, "families")
    for code in (pupils, families):
        assert "Your answers are saved as you go: you can come back later" in page_text(respondent(code=code, lang="en"))


SAID = re.compile(r"""\bsaid\(\s*"([a-z_]+\.[a-z_.]+)\"""")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_sentence_said_to_a_respondent_exists_in_both_forms(lang):
    """The keys the page passes to ``said`` (which the catalogue test, reading ``_(...)``
    calls, does not see) and their pupils' form, in every language."""
    source = (ROOT / "assess" / "ui" / "pages" / "respond.py").read_text(encoding="utf-8")
    keys = set(SAID.findall(source))
    assert len(keys) >= 15
    messages = catalogue(lang)
    missing = sorted(k for k in keys if k not in messages) + sorted(
        pupils_key(k) for k in keys if pupils_key(k) not in messages)
    assert missing == []
