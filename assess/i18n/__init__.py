"""Translations: every string a person reads comes from the FR/EN catalogues here.

Catalogues are TOML files, one folder per language (``en/``, ``fr/``), one file per area
(``verdict.toml``, ``ui.toml``, ``report.toml``...), with nested tables; a message is
looked up by its dotted key, e.g. ``t("verdict.outcome.pass", "fr")``. Both languages hold
the same keys (a test checks it), so a missing translation is caught before release.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES: tuple[str, ...] = ("en", "fr")
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}

_HERE = Path(__file__).parent


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{dotted}."))
        else:
            flat[dotted] = str(value)
    return flat


@cache
def catalogue(lang: str) -> dict[str, str]:
    """All messages of one language, by dotted key, merged from every file of its folder."""
    messages: dict[str, str] = {}
    for path in sorted((_HERE / lang).glob("*.toml")):
        with open(path, "rb") as handle:
            flat = _flatten(tomllib.load(handle))
        clash = messages.keys() & flat.keys()
        if clash:
            raise ValueError(f"{path}: keys already defined in another file: {', '.join(sorted(clash))}")
        messages.update(flat)
    return messages


def normalise_language(value: str | None) -> str:
    """Pick a supported language from a locale or Accept-Language value ('fr-BE', 'fr_FR', 'en;q=0.8')."""
    for part in (value or "").replace("_", "-").split(","):
        code = part.split(";")[0].strip().split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


#: The locale variables that name the language of messages, strongest first (as gettext
#: and every POSIX program read them): the first one set and not empty decides.
LOCALE_VARIABLES: tuple[str, ...] = ("LC_ALL", "LC_MESSAGES", "LANG")


def language_of_environment(environ: Mapping[str, str] | None = None) -> str:
    """The operator's language from the locale: ``LC_ALL``, else ``LC_MESSAGES``, else
    ``LANG`` ('fr_BE.UTF-8' -> 'fr'); English for any other language, 'C' or none.

    The command line reads it once per command, so an operator whose terminal is in
    French reads French messages, results and refusals."""
    found = os.environ if environ is None else environ
    for variable in LOCALE_VARIABLES:
        value = found.get(variable)
        if value:
            return normalise_language(value.split(".")[0])
    return DEFAULT_LANGUAGE


def t(key: str, lang: str, /, **params: Any) -> str:
    """The message ``key`` in ``lang``, with ``{name}`` placeholders filled from ``params``.

    An unknown key returns the key itself, so a mistake shows on screen instead of
    breaking the page; the catalogue test makes sure none ships.
    """
    messages = catalogue(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    template = messages.get(key)
    if template is None:
        return key
    return template.format(**params) if params else template
