"""Real verdict letters read back with pypdf: what the teacher receives."""

from __future__ import annotations

import pickle
from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader

from assess.i18n import t
from assess.i18n.formats import format_date, format_number
from assess.reports.verdict import letter_filename, render_verdict_letter_html, render_verdict_letter_pdf
from assess.reports.views import OfficeView
from tests.letters.conftest import COMMENTS, OFFICE, make_view, pdf_pages, pdf_text


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module", params=[("en", "label"), ("fr", "no_label")], ids=["en-label", "fr-no_label"])
def letter(request, rubric):
    lang, outcome = request.param
    view = make_view(rubric, language=lang, outcome=outcome)
    data = render_verdict_letter_pdf(view)
    return lang, view, data, pdf_text(data)


def test_a_one_page_pdf(letter):
    _, _, data, _ = letter
    assert data.startswith(b"%PDF-")
    assert pdf_pages(data) == 1


def test_letterhead_place_date_and_signatory_from_the_office(letter):
    lang, _, _, text = letter
    assert OFFICE.name in text
    for line in OFFICE.address.splitlines():
        assert line in text
    assert OFFICE.signatory in text
    dateline = t("letters.place_date", lang, place=OFFICE.place, date=flat(format_date(date(2026, 6, 12), lang)))
    assert flat(dateline) in text


def test_teacher_school_project_round_and_reference(letter):
    lang, view, _, text = letter
    for value in (view.project.teacher, view.project.school, view.project.title, view.round_name):
        assert value in text
    assert flat(t("letters.reference_value", lang, id=42)) in text
    assert flat(t("letters.subject", lang)) in text


def test_verdict_in_the_letters_language(letter):
    lang, view, _, text = letter
    awarded = view.outcome == "label"
    assert flat(t("letters.verdict.awarded" if awarded else "letters.verdict.not_awarded", lang)) in text
    assert flat(t("letters.verdict.not_awarded" if awarded else "letters.verdict.awarded", lang)) not in text
    closing = flat(t("letters.closing.awarded" if awarded else "letters.closing.not_awarded", lang))
    assert closing in text


def test_wording_is_english_or_french(letter):
    lang, _, _, text = letter
    if lang == "en":
        assert "Dear Marie Dupont," in text and "Yours sincerely," in text
        assert "National Quality Label" in text and "Label de qualité" not in text
    else:
        assert "Madame, Monsieur," in text and "salutations distinguées" in text
        assert "label de qualité national" in text.lower() and "Dear " not in text  # lower case in a sentence


def test_total_and_percentage(letter):
    lang, view, _, text = letter
    score = view.score
    assert score.total == 22 and score.maximum == 30  # 4.5 + 2x3 + 5 + 2.5 + 4, weights as the rubric says
    total = t("letters.result.total_value", lang, total=format_number(score.total, lang),
              maximum=format_number(score.maximum, lang))
    assert flat(total) in text
    assert ("73.3%" if lang == "en" else "73,3 %") in text


def test_each_criterion_with_its_level_and_every_comment(letter):
    lang, view, _, text = letter
    for criterion in view.rubric.criteria:
        assert criterion.name.get(lang) in text
        for comment in COMMENTS[criterion.id]:
            assert flat(comment) in text
    assert format_number(4.5, lang) + " / 5" in text
    assert flat(t("letters.criteria.between", lang, low="Very good" if lang == "en" else "Très bien",
                  high="Excellent")) in text
    assert view.rubric.gates[0].name.get(lang) in text and "Every partner's pupils took part." in text


def test_line_breaks_in_comments_are_kept(rubric):
    data = render_verdict_letter_pdf(make_view(rubric))
    raw = PdfReader(BytesIO(data)).pages[0].extract_text()
    assert "Original theme,\nwell carried out." in raw


def test_radar_of_the_aggregate_levels(rubric):
    html = render_verdict_letter_html(make_view(rubric))
    assert html.count("<svg") == 1 and 'class="value"' in html


def test_criteria_without_comment_or_level(rubric):
    view = make_view(rubric, levels={"innovation": 3, "curriculum": 3, "collaboration": 3, "technology": 3},
                     comments={}, gate_level=None, outcome="no_label")
    text = pdf_text(render_verdict_letter_pdf(view))
    assert t("letters.criteria.no_comment", "en") in text
    assert t("letters.criteria.no_level", "en") in text


def test_empty_office_settings_print_the_default_office(rubric):
    view = make_view(rubric, office=OfficeView(name=""), language="fr", published_at=None)
    text = pdf_text(render_verdict_letter_pdf(view, today=date(2026, 7, 1)))
    assert t("letters.default_office", "fr") in text
    assert flat(t("letters.date_only", "fr", date=format_date(date(2026, 7, 1), "fr"))) in text
    assert "1er juillet 2026" in text


def test_a_teacher_language_with_a_region_and_an_unknown_one(rubric):
    assert letter_filename(make_view(rubric, language="fr-BE")) == "quality-label-letter-our-rivers-our-future-fr.pdf"
    assert letter_filename(make_view(rubric, language="es")) == "quality-label-letter-our-rivers-our-future-en.pdf"  # a language the suite does not speak: English


def test_views_survive_pickling(rubric):
    view = make_view(rubric)
    assert pickle.loads(pickle.dumps(view)) == view
