"""A document set tighter only when it must: html_to_pdf_fitting lays out each candidate
in turn and keeps the first that holds on the pages allowed (the verdict letter's
densities, assess.reports.verdict.DENSITIES). Read back from the PDFs."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader

from assess.reports.pdf import html_to_pdf_fitting


def page(marker: str, height_mm: int) -> str:
    return (f'<html><body style="margin:0"><p>{marker}</p>'
            f'<div style="height:{height_mm}mm"></div><p>end</p></body></html>')


def read(data: bytes) -> tuple[int, str]:
    reader = PdfReader(BytesIO(data))
    return len(reader.pages), reader.pages[0].extract_text()


def candidates(made: list[str], *specs: tuple[str, int]):
    for marker, height in specs:
        made.append(marker)
        yield page(marker, height)


def test_a_document_that_fits_is_laid_out_once_as_it_is():
    made: list[str] = []
    pages, text = read(html_to_pdf_fitting(candidates(made, ("ROOMY", 50), ("TIGHT", 10)), pages=1))
    assert (pages, made) == (1, ["ROOMY"]) and "ROOMY" in text


def test_the_first_tighter_setting_that_fits_is_kept():
    made: list[str] = []
    data = html_to_pdf_fitting(candidates(made, ("ROOMY", 400), ("TIGHTER", 300), ("TIGHTEST", 10)), pages=1)
    pages, text = read(data)
    assert (pages, made) == (1, ["ROOMY", "TIGHTER", "TIGHTEST"]) and "TIGHTEST" in text


def test_when_nothing_fits_the_easiest_to_read_is_kept():
    pages, text = read(html_to_pdf_fitting(iter([page("ROOMY", 600), page("TIGHT", 400)]), pages=1))
    assert pages > 1 and "ROOMY" in text


def test_no_candidate_is_a_programming_error():
    with pytest.raises(ValueError):
        html_to_pdf_fitting(iter(()), pages=1)
