"""Why alpha is undefined reaches the office on the jury's reliability page and in
``assess jury reliability``: in the reader's language, with numbers written as they write them."""

from __future__ import annotations

from assess.stats import AlphaUndefined, krippendorff_alpha_explained, reason_text


def test_the_reason_is_a_code_not_an_english_sentence():
    assert krippendorff_alpha_explained([[3, 3, 3], [3, 3, None]]).reason is AlphaUndefined.ALL_EQUAL
    assert krippendorff_alpha_explained([[1, None], [None, 2]]).reason is AlphaUndefined.NO_PAIRS
    assert krippendorff_alpha_explained([[1, 2, 3], [1, 3, 3]]).reason is None


def test_a_french_reader_reads_the_reason_in_french_with_a_decimal_comma():
    result = krippendorff_alpha_explained([[2.5, 2.5], [2.5, 2.5]], level="interval")
    french = reason_text(result.reason, "fr", pairable_values=result.pairable_values, equal_value=result.equal_value)
    assert "4 valeurs" in french and "(2,5)" in french and "indéfini" in french
    english = reason_text(result.reason, "en", pairable_values=result.pairable_values, equal_value=result.equal_value)
    assert "all 4 pairable values are equal (2.5)" in english


def test_every_reason_has_words_in_both_languages():
    for code in AlphaUndefined:
        for lang in ("en", "fr"):
            text = reason_text(code, lang, pairable_values=3, equal_value=1)
            assert text and code.value not in text
