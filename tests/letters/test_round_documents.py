"""A published round's letters and certificates together: one batch, one progress, the
same files whether written into a folder (``assess letters --certificates``) or zipped
for the Decisions page's download; every PDF inside readable."""

from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PdfReader

from assess.reports import batch
from assess.reports.documents import round_documents_zip, write_round_documents
from assess.services.letters import certificate_of
from tests.letters.conftest import make_view, pdf_text

TITLES = ("Our rivers, our future", "Stars over Europe", "Bread of the world")


@pytest.fixture(scope="module")
def letters(rubric):
    return [make_view(rubric, application_id=n, title=title, language="fr" if n == 2 else "en",
                      outcome="no_label" if n == 3 else "label")
            for n, title in enumerate(TITLES, start=1)]


@pytest.fixture(scope="module")
def certificates(letters):
    return [certificate_of(letter) for letter in letters if letter.outcome == "label"]


@pytest.mark.parametrize("workers", [1, 2])
def test_the_zip_holds_each_letter_and_each_labels_certificate_readable(letters, certificates, workers, monkeypatch):
    monkeypatch.setattr(batch, "POOL_FROM", 1)  # two workers: through the process pool, both kinds
    calls = []

    zipped = round_documents_zip(letters, certificates, workers=workers, progress=lambda d, t: calls.append((d, t)))

    assert calls == [(n, 5) for n in range(6)]
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        names = archive.namelist()
        assert names == [
            "quality-label-letter-our-rivers-our-future-en.pdf",
            "quality-label-letter-stars-over-europe-fr.pdf",
            "quality-label-letter-bread-of-the-world-en.pdf",
            "quality-label-certificate-our-rivers-our-future-en.pdf",
            "quality-label-certificate-stars-over-europe-fr.pdf",
        ]
        for name in names:
            data = archive.read(name)
            assert len(PdfReader(io.BytesIO(data)).pages) >= 1
        certificate = pdf_text(archive.read("quality-label-certificate-stars-over-europe-fr.pdf"))
        assert "Stars over Europe" in certificate and "Collège Jean Moulin" in certificate
        assert "Bread of the world" in pdf_text(archive.read("quality-label-letter-bread-of-the-world-en.pdf"))


def test_the_folder_gets_the_same_files_as_the_zip(letters, certificates, tmp_path):
    written, certified = write_round_documents(letters, certificates, out_dir=tmp_path, workers=1)

    zipped = round_documents_zip(letters, certificates, workers=1)
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        assert sorted(archive.namelist()) == sorted(p.name for p in tmp_path.iterdir())
        assert [p.name for p in written + certified] == archive.namelist()
    assert len(written) == 3 and len(certified) == 2
