"""Letters carry text typed by teachers, jurors and the office: it is printed as text and
never makes the server fetch anything; the logo is our own file or the office's checked
upload, given as the one data: URI the renderer serves."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader

from assess.domain.settings import read_logo
from assess.reports import verdict
from assess.reports.verdict import DEFAULT_LOGO, render_verdict_letter_html, render_verdict_letter_pdf
from assess.reports.views import OfficeView
from tests.letters.conftest import COMMENTS, make_view, pdf_text
from tests.services.test_settings import png

DEFAULT = (verdict.ASSETS_DIR / DEFAULT_LOGO).resolve()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_hostile_text_makes_no_request_and_prints_as_text(server, rubric, lang):
    base, hits = server
    comment = f'<img src="{base}/x">'
    multiline = f'<link rel=stylesheet href="{base}/y">\n<style>@import "{base}/z";</style>\n<img src="file:///etc/passwd">'
    office = OfficeView(
        name=f'<img src="{base}/office">', address=f'<object data="{base}/address"></object>',
        signatory="<b>not bold</b>", place=f'<svg><image href="{base}/place"/></svg>', logo=read_logo(png(8, 8)),
    )
    view = make_view(
        rubric, language=lang, office=office, title=f'<img src="{base}/title">', teacher=f"<script>{base}</script>",
        comments={**COMMENTS, "innovation": (comment, multiline)},
    )
    data = render_verdict_letter_pdf(view)
    assert hits == []
    text = pdf_text(data)
    for shown in (comment, f'<img src="{base}/title">', f'<img src="{base}/office">', "<b>not bold</b>",
                  f'<link rel=stylesheet href="{base}/y">', '<img src="file:///etc/passwd">'):
        assert shown in text
    assert "root:x:0:0" not in text


def test_markup_is_escaped_in_the_html(rubric):
    view = make_view(rubric, comments={**COMMENTS, "innovation": ('<img src="http://127.0.0.1:9/x">',)})
    html = render_verdict_letter_html(view)
    assert '<img src="http://127.0.0.1:9/x">' not in html
    assert "&lt;img src=&#34;http://127.0.0.1:9/x&#34;&gt;" in html


def test_the_letter_shows_our_logo_or_the_uploaded_one(rubric):
    html = render_verdict_letter_html(make_view(rubric, office=OfficeView(name="Office")))
    assert f'src="{DEFAULT.as_uri()}"' in html
    logo = read_logo(png(8, 8))
    html = render_verdict_letter_html(make_view(rubric, office=OfficeView(name="Office", logo=logo)))
    assert f'src="{logo.data_uri}"' in html and DEFAULT.as_uri() not in html


def test_a_data_uri_in_user_text_is_printed_not_shown(rubric):
    logo = read_logo(png(8, 8))
    other = read_logo(png(8, 8, rgb=(0, 0, 0))).data_uri
    view = make_view(rubric, office=OfficeView(name=f'<img src="{other}">', logo=logo),
                     comments={**COMMENTS, "innovation": (f'<img src="{other}">',)})
    data = render_verdict_letter_pdf(view)
    assert other.split(",")[1][:40] in pdf_text(data).replace(" ", "")  # printed as text
    [image] = PdfReader(BytesIO(data)).pages[0].images  # the logo alone is an image
    assert image.image.getpixel((1, 1))[:3] == (200, 30, 30)


def test_the_default_logo_is_our_own_svg():
    assert DEFAULT.is_file() and DEFAULT.read_text().lstrip().startswith("<svg")
