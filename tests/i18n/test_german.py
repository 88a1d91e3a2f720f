"""German with the care French gets (issue 15): one form of address per audience, "du" for
pupils and "Sie" for everyone else, and German typography in every message of the interface
catalogue (quotation marks „…“, no space before a colon or a question mark, one-character
ellipsis)."""

from __future__ import annotations

import re

from assess.i18n import Plural, translated
from assess.i18n.address import is_pupils_key


def german_texts() -> list[tuple[str, str]]:
    """(key, text) for every German message, each plural form apart."""
    return [(key, text) for key, message in sorted(translated("de").items())
            for text in (message if isinstance(message, Plural) else (message,))]


FAMILIAR = re.compile(r"\b(du|dich|dir|dein\w*|euch|euer\w*)\b", re.IGNORECASE)
# "Sie" speaks to the reader only with its capital; "sie" (she, they) is another word. A
# capital at a sentence's start is ambiguous, so only the forms that never start one count
# there: Ihnen, Ihr..., and "Sie" inside a sentence.
POLITE = re.compile(r"(?<![.!?:]\s)(?<!^)\bSie\b|\bIhnen\b|(?<![.!?:]\s)(?<!^)\bIhr(e[mnrs]?)?\b")


def test_pupils_are_spoken_to_as_du_everyone_else_as_sie():
    wrong = [f"{key}: {found.group(0)!r} in {text!r}" for key, text in german_texts()
             for found in [(POLITE if is_pupils_key(key) else FAMILIAR).search(text)] if found]
    assert wrong == []
    said_to_pupils = [text for key, text in german_texts() if is_pupils_key(key)]
    assert any(FAMILIAR.search(text) for text in said_to_pupils)


PLACEHOLDER_OR_CODE = re.compile(r"\{[^{}]*\}|`[^`]*`|https?://\S+")
RULES = {
    "English or straight quotation marks (German uses „…“)": re.compile(r'"|“[^„]*”'),
    "a space before a colon, semicolon, question or exclamation mark": re.compile(r"\w [:;?!](?=\s|$)"),
    "three dots (German uses …)": re.compile(r"\.\.\."),
    "a French guillemet": re.compile(r"[«»]"),
}


def test_every_german_message_follows_the_typography():
    faults = [f"{key}: {rule}: {text!r}" for key, text in german_texts()
              for rule, pattern in RULES.items() if pattern.search(PLACEHOLDER_OR_CODE.sub("x", text))]
    assert faults == []
