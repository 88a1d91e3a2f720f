"""One form of address per audience on the answering page (issue 15): pupils are spoken to
as "tu" (French) and "du" (German), families and partner teachers as "vous" and "Sie".

A sentence that speaks to the respondent has two messages: the key itself, said to families
and teachers, and its pupils' variant in the area's ``pupils`` table (``respond.saved`` ->
``respond.pupils.saved``, ``respond.closed.text`` -> ``respond.pupils.closed_text``).
The answering page's ``said()`` chooses between them; the tests read the same names."""

from __future__ import annotations


def pupils_key(key: str) -> str:
    """The key of the pupils' variant of a sentence said to a respondent."""
    area, _dot, rest = key.partition(".")
    return f"{area}.pupils.{rest.replace('.', '_')}"


def is_pupils_key(key: str) -> bool:
    """Whether a message is a pupils' variant (spoken to as "tu"); every other message of the
    interface speaks to adults (teachers, families, jurors, the office) as "vous"."""
    return key.split(".")[1:2] == ["pupils"]
