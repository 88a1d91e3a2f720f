"""Label certificates: one A4 landscape page per labelled project, made to be framed,
read back with pypdf as the teacher would print it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from io import BytesIO

import pytest
from pypdf import PdfReader

from assess.domain.permissions import Actor, PermissionDenied
from assess.i18n import t
from assess.i18n.formats import country_name
from assess.reports.certificate import render_certificate_html, render_certificate_pdf
from assess.reports.views import CertificateView, PartnerView
from assess.services import letters
from tests.letters.conftest import OFFICE, make_published_round
from tests.services.helpers import make_user

TITLE = "Cheffe du Bureau d'assistance national"


def flat(text: str) -> str:
    return " ".join(text.split())


def make_certificate(*, language: str = "en", title: str = "Our rivers, our future",
                     partners: tuple[PartnerView, ...] = (PartnerView("Liceo Galileo Galilei", "IT"),
                                                          PartnerView("Szkoła Podstawowa nr 3", "PL"))) -> CertificateView:
    return CertificateView(
        application_id=42, language=language, office=replace(OFFICE, signatory_title=TITLE), project_title=title,
        teacher="Marie Dupont", schools=(PartnerView("Collège Jean Moulin", "FR"), *partners),
        school_year="2025-2026", round_name="Labels juin 2026", published_at=datetime(2026, 6, 12, 9, tzinfo=UTC),
    )


def read(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(BytesIO(data))
    return reader, flat(" ".join(page.extract_text() for page in reader.pages))


@pytest.mark.parametrize("lang", ["en", "fr", "de"])
def test_one_a4_landscape_page_with_the_label_project_schools_year_and_signatory(lang):
    view = make_certificate(language=lang)
    reader, text = read(render_certificate_pdf(view))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4, landscape
    for expected in (t("certificates.label", lang), t("certificates.title", lang), view.project_title,
                     "Collège Jean Moulin", "Liceo Galileo Galilei", "Szkoła Podstawowa nr 3",
                     country_name("FR", lang), country_name("IT", lang), country_name("PL", lang),
                     "2025-2026", OFFICE.name, "Anne Lefèvre, cheffe du bureau", TITLE, OFFICE.place):
        assert flat(expected).casefold() in text.casefold(), expected  # the heading is in capitals


@pytest.mark.parametrize("lang", ["en", "fr", "de"])
def test_a_long_title_and_thirty_partner_schools_still_fit_on_one_page(lang):
    partners = tuple(PartnerView(f"Istituto Comprensivo Statale numero {n} di Roma", "IT") for n in range(30))
    view = make_certificate(title="The rivers of our towns and the seas of our continent, " * 4, partners=partners,
                            language=lang)
    reader, text = read(render_certificate_pdf(view))
    assert len(reader.pages) == 1
    assert "Istituto Comprensivo Statale numero 29 di Roma" in text


def test_user_text_is_shown_literally():
    hostile = "<script>alert(1)</script> {{ 7*7 }} <img src='file:///etc/passwd'>"
    view = make_certificate(title=hostile, partners=(PartnerView("<b>School</b> {% raw %}", "IT"),))
    html = render_certificate_html(view)
    assert "<script>" not in html and "&lt;script&gt;" in html and "{{ 7*7 }}" in html
    _, text = read(render_certificate_pdf(view))
    assert "<script>alert(1)</script> {{ 7*7 }}" in text and "49" not in text
    assert "<b>School</b> {% raw %}" in text


def test_the_office_name_defaults_and_our_logo_when_none_uploaded():
    view = replace(make_certificate(language="fr"), office=replace(OFFICE, name="", signatory="", signatory_title=""))
    html = render_certificate_html(view)
    assert "office-logo.svg" in html
    _, text = read(render_certificate_pdf(view))
    assert flat(t("letters.default_office", "fr")) in text


def test_certificates_of_a_round_only_for_published_labels(session, rubric):
    round_, made = make_published_round(session, rubric)
    views = letters.certificates(session, actor=Actor.system(), round_id=round_.id)
    # "Stars over Europe" got no label; "Not yet published" is not published.
    assert [v.application_id for v in views] == [made["Our rivers, our future"]]
    [view] = views
    assert (view.project_title, view.language, view.school_year, view.teacher) == (
        "Our rivers, our future", "fr", "2025-2026", "Marie Dupont")
    # The applicant's school first, then its partners, each with its country.
    assert [(s.school, s.country) for s in view.schools] == [
        ("École Jean Jaurès", "FR"), ("Scoil Mhuire", "IE"), ("Szkoła Podstawowa nr 3", "PL")]


@pytest.mark.parametrize("roles", [{"teacher"}, {"juror"}])
def test_only_the_office_gets_a_rounds_certificates(session, rubric, roles):
    round_, _ = make_published_round(session, rubric)
    someone = make_user(session, email="someone@example.org", roles=roles)
    with pytest.raises(PermissionDenied):
        letters.certificates(session, actor=someone, round_id=round_.id)


def test_the_largest_project_allowed_still_fits_on_one_page_counting_the_schools_not_named():
    """300-character title, 50 partners of 300-character names (the project form's limits)."""
    partners = tuple(PartnerView(f"School {n} " + "x" * 290, "IT" if n % 2 else "PL") for n in range(50))
    view = make_certificate(title="T" * 300, partners=partners)
    reader, text = read(render_certificate_pdf(view))
    assert len(reader.pages) == 1
    assert "Collège Jean Moulin" in text and "School 0 " in text
    assert "other partner schools (Italy, Poland)" in text
