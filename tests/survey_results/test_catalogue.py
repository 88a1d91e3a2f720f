"""The survey results and slips texts exist in both languages."""

from assess.i18n import translated


def test_same_keys_in_english_and_french():
    def keys(lang):
        return {key for key in translated(lang) if key.split(".")[0] in ("survey_results", "slips")}

    assert keys("en") and keys("en") == keys("fr")
