"""Names of the files the office and the teachers download: what the document is, for
which project and school year, in which language, e.g.
``quality-label-letter-our-rivers-our-future-2025-2026-fr.pdf``.

ASCII letters, digits and hyphens only: the name survives every mail client, file system
and ZIP tool, and a title such as ``../../etc`` or ``C:\\x`` never becomes a path.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Protocol

from assess.i18n import normalise_language

SLUG_MAX = 60
_NOT_WORD = re.compile(r"[^a-z0-9]+")


class _Named(Protocol):
    """What a name is made of: a letter's or a certificate's view."""

    @property
    def application_id(self) -> int: ...
    @property
    def language(self) -> str: ...
    @property
    def school_year(self) -> str: ...
    @property
    def project_title(self) -> str: ...


def slug(text: str, *, max_length: int = SLUG_MAX, empty: str = "document") -> str:
    """``text`` as lower-case ASCII words joined by hyphens, at most ``max_length``
    characters, cut at a word when it can be; ``empty`` when nothing ASCII is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = _NOT_WORD.sub("-", ascii_text).strip("-")
    if len(words) > max_length:
        cut = words[: max_length + 1]
        words = cut[: cut.rfind("-")] if "-" in cut and not cut.endswith("-") else cut[:max_length]
        words = words.strip("-")
    return words or empty


def _document_filename(kind: str, view: _Named) -> str:
    parts = [f"quality-label-{kind}", slug(view.project_title)]
    if view.school_year:
        parts.append(slug(view.school_year, empty=""))
    parts.append(normalise_language(view.language))
    return "-".join(p for p in parts if p) + ".pdf"


def letter_filename(view: _Named) -> str:
    """``quality-label-letter-<project>-<school year>-<lang>.pdf``."""
    return _document_filename("letter", view)


def certificate_filename(view: _Named) -> str:
    """``quality-label-certificate-<project>-<school year>-<lang>.pdf``."""
    return _document_filename("certificate", view)


def batch_filenames(views: Sequence[_Named], name: Callable[[_Named], str]) -> list[str]:
    """``name`` of each view; where two views would share a name (two projects with one
    title), each of them gets its application id before the extension."""
    names = [name(view) for view in views]
    counts = Counter(names)
    return [
        f"{named.removesuffix('.pdf')}-{int(view.application_id)}.pdf" if counts[named] > 1 else named
        for view, named in zip(views, names, strict=True)
    ]


def round_zip_filename(kind: str, round_name: str) -> str:
    """``quality-label-<letters|certificates|documents>-<round>.zip`` (documents: the
    letters and the certificates together)."""
    return f"quality-label-{kind}-{slug(round_name, empty='round')}.zip"
