"""Plural messages take the form of the reader's language's rule: English "1 letter" /
"0 letters", French "0 lettre" / "1 lettre" / "2 lettres" (French counts 0 as singular)."""

from __future__ import annotations

import pytest

from assess.i18n import Plural, source, t, translated


@pytest.mark.parametrize(("lang", "count", "expected"), [
    ("en", 0, "Wrote 0 verdict letters to out"),
    ("en", 1, "Wrote 1 verdict letter to out"),
    ("en", 2, "Wrote 2 verdict letters to out"),
    ("fr", 0, "0 lettre de décision écrite dans out"),
    ("fr", 1, "1 lettre de décision écrite dans out"),
    ("fr", 2, "2 lettres de décision écrites dans out"),
])
def test_the_form_follows_the_languages_rule(lang, count, expected):
    assert t("letters.cli.written", lang, count=count, folder="out") == expected


def test_the_count_is_written_with_the_languages_thousands_separator():
    assert t("import_page.import", "en", count=12345) == "Import 12,345 responses"
    assert t("import_page.import", "fr", count=12345) == "Importer 12\u202f345 réponses"
    # A million takes French's "many" form (CLDR), written here like the plural.
    assert t("import_page.import", "fr", count=1_000_000) == "Importer 1\u202f000\u202f000 réponses"


def test_no_message_says_s_in_brackets_any_more():
    """ "champ(s)", "response(s)": a count that changes the words is a plural message."""
    for lang in ("en", "fr"):
        found = sorted(key for key, message in translated(lang).items()
                       for text in (message if isinstance(message, Plural) else (message,))
                       if "(s)" in text or "(x)" in text or "(e)s" in text)
        assert found == [], lang


def test_the_hand_made_singular_keys_are_gone():
    assert not [key for key in source() if key.endswith(("_one", ".one_day_left", ".one_day_late"))
                and key != "errors.at_least_one"]
