"""Which tool made an export: Google Forms, Microsoft Forms or LimeSurvey, recognised by
its header row (the headings of each tool are in ``vocabularies/<tool>.toml``)."""

from __future__ import annotations

import re

from assess.domain.imports.errors import ImportFileError
from assess.domain.imports.reading import Table, read_table
from assess.domain.imports.text import normalise, quote
from assess.domain.imports.vocabulary import SHIPPED, TOOLS, Vocabulary

#: The export formats read, by the name stored as the response's ``source``.
FORMATS: tuple[str, ...] = TOOLS
#: The order tools are tried in: the more particular beginnings first (LimeSurvey's four
#: headings before Microsoft's ``ID`` and two times).
_DETECTION_ORDER = ("google", "limesurvey", "msforms")


def _detect(headers: tuple[str, ...], vocabulary: Vocabulary) -> str | None:
    norm = tuple(normalise(h) for h in headers)
    return next((name for name in _DETECTION_ORDER if vocabulary.tools[name].begins(norm)), None)


def detect_format(*, file_name: str, data: bytes) -> str:
    """``"google"``, ``"msforms"`` or ``"limesurvey"``, recognised by the file's header row
    (CSV or XLSX alike). Raises :class:`ImportFileError` naming what was expected."""
    return format_of(read_table(file_name=file_name, data=data), file_name=file_name)


def format_of(table: Table, *, file_name: str = "", vocabulary: Vocabulary = SHIPPED) -> str:
    found = _detect(table.headers, vocabulary)
    if found is None:
        raise ImportFileError(
            "imports.errors.unknown_format", name=re.split(r"[\\/]", file_name or "")[-1],
            first=quote(table.headers[0]) if table.headers else "",
        )
    return found
