"""Reports carry text typed by teachers: it must never make the server fetch anything."""

from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from assess.reports.fetcher import FetchRefused, LocalOnlyFetcher
from assess.reports.pdf import REPORTS_DIR, html_to_pdf
from assess.reports.self_assessment import render_self_assessment_pdf
from assess.reports.views import EntryView
from tests.reports.conftest import make_report


def pdf_text(data: bytes) -> str:
    return " ".join("\n".join(p.extract_text() for p in PdfReader(BytesIO(data)).pages).split())


def test_server_fixture_does_count(server):
    from urllib.request import urlopen

    base, hits = server
    urlopen(f"{base}/probe").read()
    assert len(hits) == 1


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_hostile_report_makes_no_request_and_shows_markup_as_text(server, rubric, lang):
    base, hits = server
    title = f'<img src="{base}/x">'
    note = f'<link rel=stylesheet href="{base}/y">\n<img src="file:///etc/passwd">\n<style>@import "{base}/z";</style>'
    report = make_report(
        rubric,
        title=title,
        entries={"innovation": EntryView(4, note, (f"{base}/link",))},
    )
    data = render_self_assessment_pdf(report, lang=lang)
    assert hits == []
    text = pdf_text(data)
    assert title in text
    assert f'<link rel=stylesheet href="{base}/y">' in text
    assert '<img src="file:///etc/passwd">' in text
    assert "root:x:0:0" not in text


def test_fetcher_blocks_raw_markup_too(server):
    """Second wall: even unescaped HTML (a template bug) cannot reach out."""
    base, hits = server
    html = f"""<!DOCTYPE html><html><head>
      <link rel="stylesheet" href="{base}/a.css">
      <link rel="stylesheet" href="styles/report.css">
      <style>
        @import url("{base}/b.css");
        @font-face {{ font-family: X; src: url("{base}/c.woff") }}
        body {{ background: url("{base}/d.png"); font-family: X }}
      </style></head><body>
      <p>visible</p>
      <img src="{base}/e.png"><img src="file:///etc/passwd"><img src="../pyproject.toml">
      <object data="{base}/f.svg"></object><embed src="{base}/g.svg">
      <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">
        <image href="{base}/h.png" width="10" height="10"/><image xlink:href="{base}/i.png" width="10" height="10"/>
      </svg>
      <a href="{base}/j">link</a>
    </body></html>"""
    data = html_to_pdf(html)
    assert data.startswith(b"%PDF-") and "visible" in pdf_text(data)
    assert hits == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:1/x",
        "https://example.org/x.css",
        "ftp://example.org/x",
        "data:text/css,body{}",
        "file://evil.example/etc/passwd",
        (REPORTS_DIR / "assets").as_uri() + "/../../pyproject.toml",
        (REPORTS_DIR / "styles").as_uri() + "/%2e%2e/%2e%2e/pyproject.toml",
        (REPORTS_DIR / "templates" / "base.html").as_uri(),  # inside reports/, but not served
        (REPORTS_DIR / "styles").as_uri() + "/missing.css",
        (REPORTS_DIR / "styles").as_uri(),  # a folder, not a file
    ],
)
def test_fetcher_refuses(url):
    with pytest.raises(FetchRefused):
        LocalOnlyFetcher().fetch(url)


def test_fetcher_serves_the_report_stylesheet():
    css = REPORTS_DIR / "styles" / "report.css"
    response = LocalOnlyFetcher().fetch(css.as_uri())
    assert response.read() == css.read_bytes()
    assert response.content_type == "text/css"
    # The same file reached through a harmless '..' is fine: the resolved path counts.
    assert LocalOnlyFetcher().fetch((REPORTS_DIR / "assets").as_uri() + "/../styles/report.css").read()


def test_fetcher_does_not_follow_symlinks_out(tmp_path: Path):
    served = tmp_path / "assets"
    served.mkdir()
    (served / "logo.svg").write_text("<svg/>")
    (served / "escape").symlink_to("/etc/passwd")
    fetcher = LocalOnlyFetcher(served=(served,))
    assert fetcher.fetch((served / "logo.svg").as_uri()).content_type == "image/svg+xml"
    with pytest.raises(FetchRefused):
        fetcher.fetch((served / "escape").as_uri())
