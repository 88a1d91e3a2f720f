"""Real PDFs, read back with pypdf: what a teacher or a jury would see."""

from io import BytesIO

import pytest
from pypdf import PdfReader

from assess.domain.scoring import describe_outcome
from assess.i18n.formats import country_name, format_date, format_number
from assess.reports.pdf import environment
from assess.reports.self_assessment import render_self_assessment_pdf
from tests.reports.conftest import make_report


def pdf_text(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    """Whitespace (line breaks, non-breaking spaces) collapsed, for phrase matching."""
    return " ".join(text.split())


@pytest.fixture(scope="module", params=["en", "fr"])
def rendered(request, rubric):
    report = make_report(rubric)
    data = render_self_assessment_pdf(report, lang=request.param)
    return request.param, report, data, pdf_text(data)


def test_is_a_pdf_with_embedded_dejavu_fonts(rendered):
    _, _, data, _ = rendered
    assert data.startswith(b"%PDF-")
    fonts = set()
    for page in PdfReader(BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("DejaVu" in font for font in fonts), fonts


def test_contains_project_partners_and_rubric(rendered):
    lang, report, _, text = rendered
    text = flat(text)
    project = report.project
    for value in (project.title, project.teacher, project.school, "Biology, Geography"):
        assert value in text
    assert project.twinspace_url in text.replace(" ", "")  # long URLs wrap in their cell
    for partner in project.partners:
        assert partner.school in text and country_name(partner.country, lang) in text
    assert report.rubric.title.get(lang) in text and "2.1" in text
    assert flat(format_date(project.start_date, lang)) in text


def test_each_criterion_with_its_chosen_level(rendered):
    lang, report, _, text = rendered
    text = flat(text)
    for result in report.score.criteria:
        criterion = report.rubric.criterion(result.criterion_id)
        assert criterion.name.get(lang) in text
        assert criterion.level(result.level).label.get(lang) in text
        assert criterion.level(result.level).descriptor.get(lang) in text


def test_total_percentage_and_verdict(rendered):
    lang, report, _, text = rendered
    text = flat(text)
    assert report.score.total == 21 and report.score.maximum == 30
    assert "21 / 30" in text
    assert {"en": "70%", "fr": "70 %"}[lang] in text
    assert describe_outcome(report.score.verdict.outcome, lang=lang) in text


def test_language_of_the_labels(rendered):
    lang, _, _, text = rendered
    text = flat(text)
    english = ["Self-assessment report", "Partner schools", "Pupils' ages", "Weight × 2", "Readiness checklist"]
    french = ["Rapport d'auto-évaluation", "Établissements partenaires", "Âge des élèves", "Coefficient × 2",
              "Liste de contrôle", "Généré le 1er mars 2025"]
    wanted, unwanted = (english, french) if lang == "en" else (french, english)
    for phrase in wanted:
        assert phrase in text
    for phrase in unwanted:
        assert phrase not in text


def test_evidence_note_keeps_its_line_breaks(rendered):
    _, _, _, text = rendered
    lines = [line.strip() for line in text.splitlines()]
    at = lines.index("Pupils chose the rivers themselves.")
    assert lines[at + 1] == "Each team ran its own survey."
    assert "https://example.org/map" in text


def test_not_assessed_criterion_and_incomplete_verdict(rubric):
    levels = {"innovation": 4, "curriculum": None, "collaboration": 1, "technology": 2, "results": 4}
    report = make_report(rubric, levels=levels, entries={})
    for lang, not_assessed in (("en", "Not assessed"), ("fr", "Non évalué")):
        text = flat(pdf_text(render_self_assessment_pdf(report, lang=lang)))
        assert not_assessed in text
        assert "— / 10 points" in text  # no points shown as 0 for a criterion not assessed
        assert describe_outcome(report.score.verdict.outcome, lang=lang) in text
        name = rubric.criterion("curriculum").name.get(lang)
        assert {"en": f"{name}: no level chosen yet.", "fr": f"{name} : aucun niveau choisi"}[lang] in text


def test_helpers_format_per_language():
    from datetime import date

    assert format_date(date(2025, 3, 1), "fr") == "1er\u00a0mars\u00a02025"
    assert format_date(date(2025, 3, 12), "en") == "12\u00a0March\u00a02025"
    assert format_number(62.5, "fr") == "62,5" and format_number(62.5, "en") == "62.5"
    assert format_number(21.0, "en") == "21"


def test_environment_escapes_and_is_strict():
    from jinja2 import UndefinedError

    env = environment()
    assert env.from_string("{{ x }}").render(x="<b>&") == "&lt;b&gt;&amp;"
    assert env.get_template("base.html").is_up_to_date
    with pytest.raises(UndefinedError):
        env.from_string("{{ missing }}").render()
    assert {"t", "loc", "format_date"} <= env.globals.keys()


def test_report_catalogue_has_the_same_keys_in_both_languages():
    from assess.i18n import catalogue

    def keys(lang):
        return {key for key in catalogue(lang) if key.startswith("report.")}

    assert keys("en") == keys("fr")
