"""``assess report verdicts``, run as an operator would, on a real SQLite file."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from assess.cli import cli
from assess.storage.db import make_engine, make_session_factory
from tests.letters.conftest import SECRET, make_published_round, make_round, pdf_text


@pytest.fixture
def database(sqlite_database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ASSESS_DATABASE_URL", sqlite_database_url)
    return sqlite_database_url


def _build(database: str, rubric, *, published: bool) -> tuple[int, dict]:
    engine = make_engine(database)
    try:
        with make_session_factory(engine).begin() as session:
            if published:
                round_, made = make_published_round(session, rubric)
            else:
                round_, made = make_round(session, rubric, name="Nothing yet"), {}
            return round_.id, made
    finally:
        engine.dispose()


def run(*args: str):
    return CliRunner().invoke(cli, ["report", "verdicts", *args])


def test_writes_one_letter_per_published_decision_with_a_progress_bar(database, rubric, tmp_path):
    round_id, _made = _build(database, rubric, published=True)
    out = tmp_path / "letters"
    result = run("--round", str(round_id), "--out", str(out), "--workers", "2")
    assert result.exit_code == 0, result.output
    expected = sorted(["quality-label-letter-our-rivers-our-future-2025-2026-fr.pdf",
                       "quality-label-letter-stars-over-europe-2025-2026-en.pdf"])
    assert sorted(p.name for p in out.iterdir()) == expected
    assert result.stdout.strip() == f"Wrote 2 verdict letters to {out}"
    assert "Writing verdict letters" in result.stderr
    for path in out.iterdir():
        text = pdf_text(path.read_bytes())
        assert SECRET not in text and "Juror A for" in text


def test_a_round_without_published_decision_says_so(database, rubric, tmp_path):
    round_id, _ = _build(database, rubric, published=False)
    result = run("--round", str(round_id), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert f"Round {round_id} has no published decision yet" in result.stderr
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


def test_an_unknown_round(database, tmp_path):
    result = run("--round", "404", "--out", str(tmp_path))
    assert result.exit_code == 1
    assert "There is no round 404." in result.stderr


def test_workers_must_be_positive(database, tmp_path):
    assert run("--round", "1", "--out", str(tmp_path), "--workers", "0").exit_code == 2


def test_certificates_too_under_assess_letters(database, rubric, tmp_path):
    round_id, _ = _build(database, rubric, published=True)
    out = tmp_path / "documents"
    result = CliRunner().invoke(cli, ["letters", "--round", str(round_id), "--out", str(out), "--certificates"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "quality-label-certificate-our-rivers-our-future-2025-2026-fr.pdf",  # the one published label
        "quality-label-letter-our-rivers-our-future-2025-2026-fr.pdf",
        "quality-label-letter-stars-over-europe-2025-2026-en.pdf",
    ]
    assert result.stdout.splitlines() == [f"Wrote 2 verdict letters to {out}", f"Wrote 1 label certificate to {out}"]
    assert "Writing verdict letters and label certificates" in result.stderr  # one batch, one bar
    certificate = pdf_text((out / "quality-label-certificate-our-rivers-our-future-2025-2026-fr.pdf").read_bytes())
    assert "Label de qualité national" in certificate and "Our rivers, our future" in certificate
