"""Single-use survey codes as people read and type them.

Pure text rules, shared by the services that make and check codes and by the slips the
codes are printed on (a report must not reach up into the services for them).
"""

from __future__ import annotations

#: Letters and digits that cannot be mistaken for one another on a printed slip
#: (no 0/O, 1/I/L, 5/S, 8/B, 2/Z).
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 10  # 25^10, about 2^46: guessing one code among thousands stays hopeless


def normalise_code(code: str) -> str:
    """What the respondent typed, as stored: upper case, no spaces or dashes."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def format_code(code: str) -> str:
    """A code as printed: two groups of five, easier to copy."""
    return f"{code[:5]}-{code[5:]}"
