"""Texts compared as a person would compare them (case, accents, punctuation and spaces do
not count), spreadsheet column letters, and cell values quoted back in a report."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from assess.domain.alphabet import letters_for

#: Cell values quoted back in a report are cut to this length.
QUOTE_LENGTH = 60


_PUNCTUATION = re.compile(r"[\W_]+")
#: Symbols kept as answers, outside ASCII: emoji faces and pictures (So), maths (Sm) and
#: currency (Sc). ASCII signs (+ < = $...) stay punctuation, as they always were here, and
#: so do modifier symbols (Sk): the backquote and acute accent used as apostrophes.
_KEPT_SYMBOLS = frozenset(("So", "Sm", "Sc"))
#: Left out of a picture, as they do not change its meaning: variation selectors (text or
#: emoji presentation of the same character) and emoji skin-tone modifiers.
_PRESENTATION = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef\U0001f3fb-\U0001f3ff]")


def _kept(ch: str) -> bool:
    return not ch.isascii() and unicodedata.category(ch) in _KEPT_SYMBOLS


def _symbol(ch: str) -> str:
    return f" {ch} " if _kept(ch) else ch


def normalise(text: Any) -> str:
    """Compare texts as a person would: no case, no accents, punctuation and runs of spaces
    as one space. ``"Tout à fait d’accord !"`` -> ``"tout a fait d accord"``.

    Symbols are kept, each as a word of its own: ``"😀"`` and ``"🙁"`` are different
    answers (a form for young pupils answers with faces), and ``"★★"`` stays two stars.
    Variation selectors and skin tones are left out (``"🙂\ufe0f"`` is ``"🙂"``)."""
    decomposed = unicodedata.normalize("NFKD", _PRESENTATION.sub("", str(text)))
    plain = "".join(_symbol(ch) for ch in decomposed if not unicodedata.combining(ch)).casefold()
    if plain.isascii():  # the usual case: no symbol to keep
        return " ".join(_PUNCTUATION.sub(" ", plain).split())
    return " ".join(_PUNCTUATION.sub(_keep_symbols, plain).split())


def _keep_symbols(found: re.Match[str]) -> str:
    """A run of punctuation becomes a space, the kept symbols in it stay (spaced)."""
    return " " + " ".join(ch for ch in found.group() if _kept(ch)) + " "


_QUOTES = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"}


def _fold_char(ch: str) -> str:
    ch = _QUOTES.get(ch, ch)
    base = next((c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)), ch)
    lowered = base.lower()
    return lowered if len(lowered) == 1 else ch


def fold(text: str) -> str:
    """Like :func:`normalise` but keeping punctuation, one character for one: used to find
    option texts inside a cell listing several."""
    return "".join(_fold_char(ch) for ch in " ".join(text.split()))


def fold_each(text: str) -> str:
    """Like :func:`fold`, spaces kept as they are: the same length as ``text``, so that a
    position found in it is the same position in ``text``."""
    return "".join(_fold_char(ch) for ch in text)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, as spreadsheets name columns."""
    return letters_for(index)


def quote(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= QUOTE_LENGTH else value[: QUOTE_LENGTH - 1] + "\u2026"
