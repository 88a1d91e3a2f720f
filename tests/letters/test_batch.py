"""A round's letters at once: one file per view, rendered by two processes, with progress."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from assess.reports import batch, verdict
from assess.reports.filenames import batch_filenames
from assess.reports.verdict import render_verdict_letter_pdf, verdict_letters_zip, write_verdict_letters
from tests.letters.conftest import make_view, pdf_text


@pytest.fixture(autouse=True)
def pool_for_few_letters(monkeypatch):
    """These tests use a handful of letters: let them go through the process pool anyway."""
    monkeypatch.setattr(batch, "POOL_FROM", 1)


def test_a_small_batch_renders_in_this_process(views, tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "POOL_FROM", 8)
    monkeypatch.setattr(batch, "_pool", lambda workers, preload: pytest.fail("a pool for 5 letters costs more than it saves"))
    assert len(write_verdict_letters(views, out_dir=tmp_path, workers=2)) == 5


@pytest.fixture(scope="module")
def views(rubric):
    return [
        make_view(rubric, application_id=n, language="fr" if n % 2 else "en", outcome="label" if n % 3 else "no_label",
                  teacher=f"Teacher {n}")
        for n in range(1, 6)
    ]


def test_two_workers_write_one_file_per_view_and_report_progress(views, tmp_path):
    calls = []
    paths = write_verdict_letters(views, out_dir=tmp_path / "letters", workers=2,
                                  progress=lambda done, total: calls.append((done, total)))
    # Five letters of one title: each name gets its application id.
    title = "our-rivers-our-future"
    assert [p.name for p in paths] == [f"quality-label-letter-{title}-{'fr' if n % 2 else 'en'}-{n}.pdf" for n in range(1, 6)]
    assert sorted(p.name for p in (tmp_path / "letters").iterdir()) == sorted(p.name for p in paths)  # no leftovers
    for view, path in zip(views, paths, strict=True):
        text = pdf_text(path.read_bytes())
        assert view.project.teacher in text
    assert calls == [(n, 5) for n in range(0, 6)]


def test_parallel_letters_are_the_letters_of_one_process(views):
    day = date(2026, 6, 30)
    zipped = verdict_letters_zip(views[:2], workers=2, today=day)
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        for view, name in zip(views[:2], batch_filenames(views[:2], verdict.letter_filename), strict=True):
            alone = render_verdict_letter_pdf(view, today=day)
            assert pdf_text(archive.read(name)) == pdf_text(alone)


def test_the_zip_holds_the_same_files(views, tmp_path):
    calls = []
    zipped = verdict_letters_zip(views, workers=2, progress=lambda done, total: calls.append(done))
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        names = archive.namelist()
        assert names == batch_filenames(views, verdict.letter_filename)
        assert all(archive.read(name).startswith(b"%PDF-") for name in names)
        assert archive.testzip() is None
    assert calls == list(range(0, 6))


def test_one_worker_renders_in_this_process(views, tmp_path, monkeypatch):
    def no_pool(workers, preload):
        raise AssertionError("no process pool for one worker")

    monkeypatch.setattr(batch, "_pool", no_pool)
    calls = []
    paths = write_verdict_letters(views[:2], out_dir=tmp_path, workers=1, progress=lambda d, t: calls.append((d, t)))
    assert len(paths) == 2 and calls == [(0, 2), (1, 2), (2, 2)]
    # A single letter needs no pool either, whatever the number of workers.
    assert len(write_verdict_letters(views[:1], out_dir=tmp_path, workers=4)) == 1


def test_no_views_no_files(tmp_path):
    calls = []
    assert write_verdict_letters([], out_dir=tmp_path / "none", progress=lambda d, t: calls.append((d, t))) == []
    assert calls == [(0, 0)]
    with zipfile.ZipFile(io.BytesIO(verdict_letters_zip([]))) as archive:
        assert archive.namelist() == []


def test_a_failing_letter_stops_the_batch_with_its_error(views, tmp_path, rubric):
    broken = make_view(rubric, application_id=99)
    object.__setattr__(broken, "rubric", None)  # the template cannot read it
    with pytest.raises(AttributeError):  # the template reads the missing rubric
        write_verdict_letters([views[0], broken], out_dir=tmp_path, workers=2)


def test_a_pool_started_from_a_streamlit_page_does_not_run_the_page_again(views, tmp_path, monkeypatch):
    """Streamlit runs each page as the module ``__main__``: workers must not import it
    again as theirs (multiprocessing's spawn and forkserver would), running the page."""
    import types

    marker = tmp_path / "page-ran"
    page = tmp_path / "page.py"
    page.write_text(f"open({str(marker)!r}, 'w').close()\nraise SystemExit(3)\n", encoding="utf-8")
    main = types.ModuleType("__main__")
    main.__file__ = str(page)
    monkeypatch.setitem(__import__("sys").modules, "__main__", main)
    paths = write_verdict_letters(views[:2], out_dir=tmp_path / "letters", workers=2)
    assert len(paths) == 2 and not marker.exists()
    assert __import__("sys").modules["__main__"] is main  # the page's module is back
