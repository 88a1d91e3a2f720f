"""Letters carry text typed by teachers, jurors and the office: it is printed as text and
never makes the server fetch anything; the logo setting cannot reach outside our assets."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from assess.reports import verdict
from assess.reports.verdict import DEFAULT_LOGO, logo_path, render_verdict_letter_html, render_verdict_letter_pdf
from assess.reports.views import OfficeView
from tests.letters.conftest import COMMENTS, make_view, pdf_text

DEFAULT = (verdict.ASSETS_DIR / DEFAULT_LOGO).resolve()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_hostile_text_makes_no_request_and_prints_as_text(server, rubric, lang):
    base, hits = server
    comment = f'<img src="{base}/x">'
    multiline = f'<link rel=stylesheet href="{base}/y">\n<style>@import "{base}/z";</style>\n<img src="file:///etc/passwd">'
    office = OfficeView(
        name=f'<img src="{base}/office">', address=f'<object data="{base}/address"></object>',
        signatory="<b>not bold</b>", place=f'<svg><image href="{base}/place"/></svg>', logo_file=f"{base}/logo.svg",
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


@pytest.mark.parametrize(
    "setting",
    [
        None, "", "   ",
        "../../etc/passwd", "../templates/base.html", "../../pyproject.toml", "/etc/passwd", "~/logo.png",
        "file:///etc/passwd", "http://127.0.0.1:9/logo.svg", "https://example.org/logo.png", "C:\\logo.png",
        "missing.svg", "logo\x00.svg",
    ],
)
def test_a_logo_setting_outside_the_assets_falls_back_to_ours(setting, rubric, caplog):
    with caplog.at_level(logging.WARNING, logger="assess.reports.verdict"):
        assert logo_path(setting) == DEFAULT
    html = render_verdict_letter_html(make_view(rubric, office=OfficeView(name="Office", logo_file=setting)))
    assert f'src="{DEFAULT.as_uri()}"' in html


def test_a_logo_url_setting_is_never_fetched(server, rubric):
    base, hits = server
    for setting in (f"{base}/logo.svg", f"../../../{base}/logo.svg"):
        render_verdict_letter_pdf(make_view(rubric, office=OfficeView(name="Office", logo_file=setting)))
    assert hits == []


def test_a_logo_inside_the_assets_is_used(tmp_path: Path, monkeypatch):
    assets = tmp_path / "assets"
    (assets / "offices").mkdir(parents=True)
    (assets / "offices" / "ban-fr.png").write_bytes(b"\x89PNG")
    (assets / "office-logo.svg").write_text("<svg/>")
    (assets / "notes.txt").write_text("not an image")
    (assets / "escape.svg").symlink_to("/etc/passwd")
    monkeypatch.setattr(verdict, "ASSETS_DIR", assets)
    assert logo_path("offices/ban-fr.png") == (assets / "offices" / "ban-fr.png").resolve()
    assert logo_path("offices/../offices/ban-fr.png") == (assets / "offices" / "ban-fr.png").resolve()
    fallback = (assets / "office-logo.svg").resolve()
    assert logo_path("notes.txt") == fallback
    assert logo_path("escape.svg") == fallback  # a symlink out of the folder
    assert logo_path("offices") == fallback  # a folder


def test_the_default_logo_is_our_own_svg():
    assert DEFAULT.is_file() and DEFAULT.read_text().lstrip().startswith("<svg")
