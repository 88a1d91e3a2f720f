"""The registry of languages: each one is registered once, everything else reads it.

The suite's languages are listed in ``assess/i18n/languages.toml`` (code, own name, optional
Babel locale) with the default language. Their messages are gettext catalogues in
``assess/i18n/locale/<code>/LC_MESSAGES/messages.po``; English, the source language, is the
TOML files of ``assess/i18n/en`` and needs none.

An installation may add languages from files alone: ``ASSESS_LANGUAGE_DIRS`` names one or
more folders (separated like ``PATH``: ``:`` on Linux), each laid out like
``assess/i18n/locale``: a ``languages.toml`` listing its languages (the same fields, no
``default``) and ``<code>/LC_MESSAGES/messages.po`` for each. See docs/languages.md.

The registry is read once per process (:func:`registry`); :func:`reload` reads it again
(tests that change ``ASSESS_LANGUAGE_DIRS``).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError

#: The environment variable naming folders of extra languages (separated by os.pathsep).
LANGUAGE_DIRS_VARIABLE = "ASSESS_LANGUAGE_DIRS"

#: The language the messages are written in (``assess/i18n/en/*.toml``), and the one any
#: missing or stale translation falls back to.
SOURCE_LANGUAGE = "en"

HERE = Path(__file__).parent
REGISTRY_FILE = HERE / "languages.toml"
LOCALE_FOLDER = HERE / "locale"
CATALOGUE_NAME = "messages.po"

_CODE = re.compile(r"^[a-z]{2,3}(?:_[A-Z]{2}|_[A-Z][a-z]{3})?$")


class LanguageError(ValueError):
    """A registry file or a language folder that cannot be used; the message names it."""


@dataclass(frozen=True)
class Language:
    """One registered language."""

    code: str
    #: The language's own name ("Français"), as the language switch shows it.
    name: str
    #: The Babel locale of its dates, numbers and country names ("fr", "fr_BE").
    locale: str
    #: Its gettext catalogue; None for the source language (English).
    catalogue: Path | None


@dataclass(frozen=True)
class Registry:
    languages: tuple[Language, ...]
    default: str

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(language.code for language in self.languages)

    def get(self, code: str) -> Language | None:
        return next((language for language in self.languages if language.code == code), None)


def _read(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise LanguageError(f"{path}: cannot read the language registry ({error.strerror or error})") from None
    except tomllib.TOMLDecodeError as error:
        raise LanguageError(f"{path}: not valid TOML ({error})") from None


def _languages_of(path: Path, folder: Path) -> list[Language]:
    data = _read(path)
    entries = data.get("languages")
    if not isinstance(entries, list) or not entries:
        raise LanguageError(f"{path}: no [[languages]] entry")
    found = []
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: language {number}"
        if not isinstance(entry, dict):
            raise LanguageError(f"{where}: not a table")
        unknown = set(entry) - {"code", "name", "locale"}
        if unknown:
            raise LanguageError(f"{where}: unknown field(s) {', '.join(sorted(unknown))} (code, name, locale)")
        code, name = entry.get("code"), entry.get("name")
        if not isinstance(code, str) or not _CODE.match(code):
            raise LanguageError(f"{where}: code {code!r} is not a language code such as 'de' or 'pt_BR'")
        if not isinstance(name, str) or not name.strip():
            raise LanguageError(f"{where} ({code}): no name")
        locale = entry.get("locale", code)
        try:
            Locale.parse(locale)
        except (UnknownLocaleError, ValueError, TypeError):
            raise LanguageError(f"{where} ({code}): Babel knows no locale {locale!r}") from None
        catalogue = None
        if code != SOURCE_LANGUAGE:
            catalogue = folder / code / "LC_MESSAGES" / CATALOGUE_NAME
            if not catalogue.is_file():
                raise LanguageError(f"{where} ({code}): its catalogue {catalogue} is missing")
        found.append(Language(code=code, name=name.strip(), locale=locale, catalogue=catalogue))
    return found


def extra_folders(environ: dict[str, str] | None = None) -> list[Path]:
    """The folders ``ASSESS_LANGUAGE_DIRS`` names, in order."""
    value = (os.environ if environ is None else environ).get(LANGUAGE_DIRS_VARIABLE, "")
    return [Path(part).expanduser() for part in value.split(os.pathsep) if part.strip()]


@cache
def registry() -> Registry:
    """The registered languages: the shipped ones, then those of ``ASSESS_LANGUAGE_DIRS``."""
    data = _read(REGISTRY_FILE)
    languages = _languages_of(REGISTRY_FILE, LOCALE_FOLDER)
    for folder in extra_folders():
        path = folder / "languages.toml"
        if not path.is_file():
            raise LanguageError(f"{LANGUAGE_DIRS_VARIABLE}: {path} is missing (each folder lists its languages there)")
        if "default" in _read(path):
            raise LanguageError(f"{path}: the default language is chosen in {REGISTRY_FILE.name} of the suite only")
        languages += _languages_of(path, folder)
    codes = [language.code for language in languages]
    twice = sorted({code for code in codes if codes.count(code) > 1})
    if twice:
        raise LanguageError(f"language(s) registered twice: {', '.join(twice)}")
    if SOURCE_LANGUAGE not in codes:
        raise LanguageError(f"{REGISTRY_FILE}: English ({SOURCE_LANGUAGE}), the source language, must be registered")
    default = data.get("default", SOURCE_LANGUAGE)
    if default not in codes:
        raise LanguageError(f"{REGISTRY_FILE}: the default language {default!r} is not registered")
    return Registry(languages=tuple(languages), default=default)


def languages() -> tuple[str, ...]:
    """The codes of the registered languages, in the registry's order."""
    return registry().codes


def default_language() -> str:
    return registry().default


def language_names() -> dict[str, str]:
    """Each language's own name by code ("fr" -> "Français")."""
    return {language.code: language.name for language in registry().languages}


def babel_locale(code: str) -> Locale:
    """The Babel locale that formats dates, numbers and names for a language (the default
    language's for a code not registered)."""
    return _babel_locale(code if code in registry().codes else registry().default)


@cache
def _babel_locale(code: str) -> Locale:
    found = registry().get(code)
    return Locale.parse(found.locale if found else code)
