"""File names a person can file away: what the document is, for which project and year,
in which language; ASCII only, never a path (issue 13: ``verdict-6-en.pdf`` said nothing)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assess.reports.filenames import batch_filenames, certificate_filename, letter_filename, round_zip_filename, slug
from tests.letters.conftest import make_view


@pytest.mark.parametrize(("text", "expected"), [
    ("Our rivers, our future", "our-rivers-our-future"),
    ("Écoles d'Europe : l'été à Kraków", "ecoles-d-europe-l-ete-a-krakow"),
    ("../../etc/passwd", "etc-passwd"),
    ("C:\\Windows\\system32", "c-windows-system32"),
    ("Ζωή στη θάλασσα", "document"),  # nothing ASCII left: a plain word, not an empty name
    ("<script>alert(1)</script>", "script-alert-1-script"),
    ("a" * 200, "a" * 60),
])
def test_slugs_are_ascii_words_joined_by_hyphens(text, expected):
    assert slug(text) == expected


def test_a_long_title_is_cut_at_a_word():
    assert slug("The rivers of our towns and the seas of our continent, mapped by pupils of ten schools") == \
        "the-rivers-of-our-towns-and-the-seas-of-our-continent-mapped"


def test_letter_and_certificate_names_say_what_for_whom_when_and_in_which_language(rubric):
    view = replace(make_view(rubric, language="fr", title="Nos rivières, notre avenir"), school_year="2025-2026")
    assert letter_filename(view) == "quality-label-letter-nos-rivieres-notre-avenir-2025-2026-fr.pdf"
    assert certificate_filename(view) == "quality-label-certificate-nos-rivieres-notre-avenir-2025-2026-fr.pdf"


def test_names_in_a_batch_never_collide(rubric):
    views = [replace(make_view(rubric, application_id=n, title="Our rivers"), school_year="2025-2026") for n in (5, 9)]
    views.append(replace(make_view(rubric, application_id=12, title="Stars"), school_year="2025-2026"))
    assert batch_filenames(views, letter_filename) == [
        "quality-label-letter-our-rivers-2025-2026-en-5.pdf",
        "quality-label-letter-our-rivers-2025-2026-en-9.pdf",
        "quality-label-letter-stars-2025-2026-en.pdf",
    ]


def test_round_zips_are_named_after_the_round():
    assert round_zip_filename("letters", "Labels juin 2026 / session 2") == "quality-label-letters-labels-juin-2026-session-2.zip"
    assert round_zip_filename("certificates", "Labels juin 2026") == "quality-label-certificates-labels-juin-2026.zip"
