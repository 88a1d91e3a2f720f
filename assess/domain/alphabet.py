"""Letters for a position, as spreadsheets name their columns: 0 -> A, 25 -> Z, 26 -> AA.

Used for import messages that point at a column ("column C") and for the letters jurors
are named by to each other ("Juror A"): one counting, so both go on past Z the same way."""

from __future__ import annotations


def letters_for(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA", 701 -> "ZZ", 702 -> "AAA" (bijective base 26)."""
    if index < 0:
        raise ValueError(f"a position starts at 0, not {index}")
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
