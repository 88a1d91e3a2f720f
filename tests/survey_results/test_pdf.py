"""Real PDFs read back with pypdf: the survey results, the survey section of the
self-assessment report, and the code slips."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from io import BytesIO

import pytest
from pypdf import PdfReader

from assess.reports.pdf import render_html
from assess.reports.self_assessment import render_self_assessment_pdf
from assess.reports.slips import PER_PAGE, render_slips_pdf, slips_context
from assess.reports.survey import distribution_svg, levels_svg, render_survey_results_pdf
from assess.services import campaigns, rubrics, self_assessments, survey_results
from tests.survey_results.helpers import (
    FAMILIES,
    all_agree,
    make_campaign,
    questionnaire_of,
    respond_by_link,
    respond_with_codes,
)

FORMATTED_CODE = re.compile(r"\b[A-Z0-9]{5}-[A-Z0-9]{5}\b")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def surveyed(session, teacher, project):
    """Five families (five comments, one is markup), four pupils (hidden apart, released by
    closing their campaign)."""
    families = make_campaign(session, owner=teacher, project=project, audience="families", mode="codes")
    answers = [dict(a) for a in FAMILIES]
    answers[2]["comment"], answers[4]["comment"] = "Très bien", "Super"  # five comments: shown
    respond_with_codes(session, teacher, families, answers)
    campaigns.issue_codes(session, actor=teacher, campaign_id=families.id, count=3)
    pupils = make_campaign(session, owner=teacher, project=project, audience="pupils", mode="link")
    for n in range(4):
        respond_by_link(session, pupils, all_agree(questionnaire_of(pupils), 4, comment=f"secret pupil comment {n}"))
    campaigns.close_campaign(session, actor=teacher, campaign_id=pupils.id)
    session.commit()
    return project


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_results_pdf(session, teacher, surveyed, lang):
    results = survey_results.project_results(session, actor=teacher, project_id=surveyed.id,
                                             rubric=rubrics.installed_rubric("etwinning-2021"))
    data = render_survey_results_pdf(results, lang=lang)
    assert data.startswith(b"%PDF-")
    text = flat(pdf_text(data))
    assert surveyed.title in text
    hidden = {"en": "Fewer than 5 respondents: not shown apart.", "fr": "Moins de 5 répondants : non présenté à part."}
    assert hidden[lang] in text
    # Families' items in the reader's language, their figures and their comments (escaped).
    item = {"en": "My child talked about the project at home.", "fr": "Mon enfant a parlé du projet à la maison."}
    assert item[lang] in text
    assert "<img src=x>" in text and "Bravo aux élèves" in text and "Merci !" in text
    assert "5 / 8" in text, "codes used / issued"
    # results: 49/13 (showed-work, answered once, is shown nowhere and pooled nowhere)
    level = {"en": "Level 3.5 · mean 3.8 · n = 13", "fr": "Niveau 3,5 · moyenne 3,8 · n = 13"}
    assert level[lang] in text
    # Nothing of the hidden pupils apart: no item, no comment.
    assert "secret pupil comment" not in text
    showed = {"en": "My child showed me things they made", "fr": "Mon enfant m'a montré"}
    assert showed[lang] not in text, "one answer: no figure"
    assert "I worked in a team with pupils" not in text and "J'ai travaillé en équipe" not in text


def test_hostile_comments_are_text_and_fetch_nothing(session, teacher, project, server):
    base, hits = server
    families = make_campaign(session, owner=teacher, project=project, audience="families", mode="codes")
    hostile = [f'<img src="{base}/a">', f'<link rel=stylesheet href="{base}/b">', '<img src="file:///etc/passwd">',
               f"<style>@import '{base}/c';</style>", "</td></tr></table><h1>forged</h1>"]
    respond_with_codes(session, teacher, families, [{**answers, "comment": comment}
                                                      for answers, comment in zip(FAMILIES, hostile, strict=True)])
    results = survey_results.project_results(session, actor=teacher, project_id=project.id)
    text = flat(pdf_text(render_survey_results_pdf(results, lang="en")))
    assert hits == []
    for comment in hostile:
        assert comment in text
    assert "root:x:0:0" not in text


def test_self_assessment_report_with_a_survey_section(session, teacher, project):
    rubric = rubrics.installed_rubric("etwinning-2021")
    families = make_campaign(session, owner=teacher, project=project, audience="families", mode="codes")
    respond_with_codes(session, teacher, families, FAMILIES)
    assessment = self_assessments.start(session, actor=teacher, project_id=project.id, rubric_id=rubric.id)
    for criterion_id, level in {"technology": 1, "results": 3}.items():
        self_assessments.save_entry(session, actor=teacher, assessment_id=assessment.id, item_id=criterion_id, level=level)
    report = self_assessments.report(session, actor=teacher, project_id=project.id)
    text = flat(pdf_text(render_self_assessment_pdf(report, lang="en")))
    assert "Self-assessment and surveys" in text
    assert "A gap of 1.5 or more either way is flagged." in text
    assert "Families: 5 respondents" in text
    # technology: families' level 3.3 against 1: flagged, with the item behind it.
    assert "Gap +2.3" in text
    assert f"Questions behind {rubric.criterion('technology').name.en}" in text
    assert "The school respected privacy and image rights" in text
    french = flat(pdf_text(render_self_assessment_pdf(report, lang="fr")))
    assert "Auto-évaluation et enquêtes" in french and "Écart +2,3" in french


def test_self_assessment_report_without_survey_answers_has_no_survey_section(session, teacher, project):
    make_campaign(session, owner=teacher, project=project, audience="families", mode="codes")
    report = self_assessments.report(session, actor=teacher, project_id=project.id)
    assert report.surveys is None
    assert "Self-assessment and surveys" not in flat(pdf_text(render_self_assessment_pdf(report, lang="en")))


# --- slips ------------------------------------------------------------------------------------------


def slip_codes(count: int) -> list[str]:
    import secrets

    return ["".join(secrets.choice(campaigns.CODE_ALPHABET) for _ in range(campaigns.CODE_LENGTH)) for _ in range(count)]


SLIP_ARGS = dict(address="https://assess.example.org", project_title="Our rivers <b>& streams</b>", audience="families")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_each_slip_has_its_code_the_address_and_the_instruction(lang):
    codes = slip_codes(PER_PAGE + 2)
    links = [f"https://assess.example.org/?code={code}" for code in codes]
    data = render_slips_pdf(codes=codes, links=links, lang=lang, languages=["fr", "en"], **SLIP_ARGS)
    reader = PdfReader(BytesIO(data))
    assert len(reader.pages) == 2, "21 slips a sheet"
    text = pdf_text(data)
    assert sorted(FORMATTED_CODE.findall(text)) == sorted(campaigns.format_code(c) for c in codes)
    assert text.count("https://assess.example.org") == len(codes)
    assert flat(text).count("Scan the QR code, or type the address then the code.") == len(codes)
    assert flat(text).count("Scannez le QR code ou tapez l'adresse puis le code.") == len(codes)
    assert "Our rivers <b>& streams</b>" in text


def test_each_slip_carries_an_inline_qr_svg():
    codes = slip_codes(4)
    links = [f"https://assess.example.org/?code={code}" for code in codes]
    html = render_html(template="slips.html", lang="en",
                       context=slips_context(codes=codes, links=links, lang="en", **SLIP_ARGS))
    assert html.count('<svg viewBox="0 0 ') == 4 and html.count('class="qr"') == 4
    assert "&lt;b&gt;&amp; streams&lt;/b&gt;" in html, "the title is escaped"
    for code in codes:
        assert campaigns.format_code(code) in html
    with pytest.raises(ValueError):
        slips_context(codes=codes, links=links[:3], lang="en", **SLIP_ARGS)


# --- charts ----------------------------------------------------------------------------------------


def test_level_chart_escapes_text_and_is_well_formed():
    svg = levels_svg(labels=["<script>x</script>", "Fish & chips"], lang="fr",
                     series=[("Self <b>", "#000", [3, None]), ("Pupils", "#111", [2.5, 4.5])], title="R&D <i>")
    root = ET.fromstring(svg)
    assert "<script>" not in svg and "<b>" not in svg and "<i>" not in svg
    texts = ["".join(node.itertext()) for node in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "<script>x</script>" in texts and "Fish & chips" in texts and "Self <b>" in texts
    assert "4,5" in texts and "2,5" in texts and "3" in texts
    assert "–" in texts, "a missing value is a dash"
    assert len([r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("class") == "value"]) == 3


def test_distribution_bar_is_well_formed():
    root = ET.fromstring(distribution_svg((0, 1, 0, 2, 1), 1))
    assert len(list(root.iter("{http://www.w3.org/2000/svg}rect"))) == 4 + 1  # 3 scores, don't know, the frame
    with pytest.raises(ValueError):
        distribution_svg((1, 2, 3))
