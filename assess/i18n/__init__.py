"""Translations: every string a person reads comes from the catalogues here.

English is the source language: its messages are TOML files in ``en/``, one per area
(``verdict.toml``, ``report.toml``...), with nested tables; a message is looked up by its
dotted key, e.g. ``t("verdict.outcome.pass", "fr")``. Every other language is a gettext
catalogue, ``locale/<code>/LC_MESSAGES/messages.po``, whose entries carry the key as
``msgctxt`` and the English text as ``msgid`` (made by ``pybabel extract`` with
:mod:`assess.i18n.extract`, kept in step by ``pybabel update``; translators use Poedit or
Weblate). The languages themselves are registered once, in ``languages.toml``
(:mod:`assess.i18n.language_registry`).

A translation is used when it is there, not fuzzy, and made for the current English text
(the same ``msgid``) with the same placeholders; otherwise the English text shows, never
a key. A plural message (``t(key, lang, count=n)``) takes the form the language's
``Plural-Forms`` rule gives for ``n`` (French: 0 and 1 singular).

The .po files are read at run time with Babel (as fast as the TOML they replaced, about
70 ms for 2,000 messages, once per process): no compiled file can be out of step with them.
"""

from __future__ import annotations

import gettext
import os
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from babel.messages.pofile import read_po

from assess.i18n.extract import SOURCE_FOLDER, Message, Plural, english_forms, read_source
from assess.i18n.language_registry import (
    SOURCE_LANGUAGE,
    Language,
    LanguageError,
    _babel_locale,
    default_language,
    language_names,
    languages,
    registry,
)

__all__ = [
    "SOURCE_LANGUAGE", "Language", "LanguageError", "Message", "Plural", "catalogue", "default_language",
    "language_names", "language_of_environment", "languages", "normalise_language", "placeholders", "registry",
    "reload", "source", "t", "translated",
]


def __getattr__(name: str) -> Any:
    """``LANGUAGES``, ``DEFAULT_LANGUAGE`` and ``LANGUAGE_NAMES`` as they were: read from the
    registry (prefer the functions: a name imported once does not follow :func:`reload`)."""
    if name == "LANGUAGES":
        return languages()
    if name == "DEFAULT_LANGUAGE":
        return default_language()
    if name == "LANGUAGE_NAMES":
        return language_names()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def source() -> dict[str, Message]:
    """The English messages by dotted key (a plural message as ``Plural((one, other))``),
    merged from every file of ``en/``."""
    messages: dict[str, Message] = {}
    for path in sorted(SOURCE_FOLDER.glob("*.toml")):
        found = {message.key: english_forms(message) for message in read_source(path)}
        clash = messages.keys() & found.keys()
        if clash:
            raise ValueError(f"{path}: keys already defined in another file: {', '.join(sorted(clash))}")
        messages.update(found)
    return messages


def placeholders(text: str) -> set[str]:
    """The names of a message's ``{placeholders}`` (``{count:,}`` -> count); for a mail
    template, written for Jinja2 (``{{ name }}``, ``{% if days %}``), the variables it reads."""
    if "{{" in text or "{%" in text:
        from jinja2 import Environment, TemplateSyntaxError, meta

        try:
            return set(meta.find_undeclared_variables(Environment().parse(text)))
        except TemplateSyntaxError:
            return {"<not a template>"}
    found = set()
    for _, name, _, _ in string.Formatter().parse(text):
        if name is not None and name != "":
            found.add(name.split(".")[0].split("[")[0])
    return found


def _placeholders_of(message: Message) -> set[str]:
    texts = message if isinstance(message, Plural) else (message,)
    return set().union(*(placeholders(text) for text in texts))


def _english_plural(n: int) -> int:
    return int(n != 1)


@dataclass(frozen=True)
class _Catalogue:
    #: The messages that are translated and up to date, by key.
    messages: dict[str, Message]
    #: The language's Plural-Forms rule: a count -> the index of its form.
    plural: Callable[[int], int]
    forms: int


@cache
def _catalogue(lang: str) -> _Catalogue:
    if lang == SOURCE_LANGUAGE:
        return _Catalogue(messages=source(), plural=_english_plural, forms=2)
    found = registry().get(lang)
    if found is None or found.catalogue is None:
        raise LanguageError(f"no catalogue for the language {lang!r}")
    with open(found.catalogue, "rb") as handle:
        po = read_po(handle, locale=found.locale, abort_invalid=False)
    expression = po.plural_expr
    try:
        plural = gettext.c2py(expression)
    except ValueError as error:
        raise LanguageError(f"{found.catalogue}: Plural-Forms {expression!r} cannot be read ({error})") from None
    english = source()
    messages: dict[str, Message] = {}
    for entry in po:
        key = entry.context
        if not entry.id or key is None or entry.fuzzy or key not in english:
            continue
        original = english[key]
        if isinstance(original, Plural):
            strings = entry.string if isinstance(entry.string, tuple | list) else ()
            if (not entry.pluralizable or tuple(entry.id) != tuple(original) or len(strings) != po.num_plurals
                    or not all(strings)):
                continue
            translation: Message = Plural(strings)
        else:
            if entry.pluralizable or entry.id != original or not entry.string or not isinstance(entry.string, str):
                continue
            translation = entry.string
        if _placeholders_of(translation) <= _placeholders_of(original):
            messages[key] = translation
    return _Catalogue(messages=messages, plural=plural, forms=po.num_plurals)


def translated(lang: str) -> dict[str, Message]:
    """The messages ``lang`` has translated for the current English source (English: all of
    them); what is missing here shows in English."""
    return _catalogue(lang).messages


@cache
def catalogue(lang: str) -> dict[str, Message]:
    """Every message as ``lang`` shows it: its translation, else the English text."""
    return {**source(), **translated(_supported(lang))}


def _supported(lang: str) -> str:
    return lang if lang in languages() else default_language()


def _form(message: Message, plural: Callable[[int], int], params: Mapping[str, Any]) -> str:
    if not isinstance(message, Plural):
        return message
    count = params.get("count")
    if isinstance(count, bool) or not isinstance(count, int):
        return message[-1]
    return message[min(max(plural(abs(count)), 0), len(message) - 1)]


def t(key: str, lang: str, /, **params: Any) -> str:
    """The message ``key`` in ``lang``, with ``{name}`` placeholders filled from ``params``.

    A plural message picks its form by ``count`` (an int) and the language's plural rule;
    ``{count}`` shows it with the language's thousands separator. A message the language
    lacks (or whose translation cannot be filled) shows in English; an unknown key returns
    the key itself, so a mistake shows on screen instead of breaking the page (the
    catalogue tests make sure none ships)."""
    lang = _supported(lang)
    found = _catalogue(lang)
    message = found.messages.get(key)
    shown = params
    if isinstance(params.get("count"), int) and not isinstance(params.get("count"), bool):
        original = source().get(key)
        if isinstance(original, Plural):
            from assess.i18n.formats import format_count

            shown = {**params, "count": format_count(params["count"], lang)}
    if message is not None:
        text = _form(message, found.plural, params)
        try:
            return text.format(**shown) if shown else text
        except (KeyError, IndexError, ValueError):
            pass  # a translation naming a placeholder the code does not give: English instead
    english = source().get(key)
    if english is None:
        return key
    text = _form(english, _english_plural, params)
    return text.format(**shown) if shown else text


def reload() -> None:
    """Read the registry and the catalogues again (after ``ASSESS_LANGUAGE_DIRS`` changed)."""
    registry.cache_clear()
    _babel_locale.cache_clear()
    _catalogue.cache_clear()
    catalogue.cache_clear()


def normalise_language(value: str | None) -> str:
    """Pick a registered language from a locale or Accept-Language value ('fr-BE', 'fr_FR',
    'en;q=0.8', 'pt-BR'): the first part naming one, region first, else the default."""
    codes = languages()
    by_lower = {code.lower(): code for code in codes}
    for part in (value or "").replace("_", "-").split(","):
        tag = part.split(";")[0].strip().lower()
        if not tag:
            continue
        pieces = tag.split("-")
        for candidate in (f"{pieces[0]}_{pieces[1]}" if len(pieces) > 1 else None, pieces[0]):
            if candidate and candidate in by_lower:
                return by_lower[candidate]
    return default_language()


#: The locale variables that name the language of messages, strongest first (as gettext
#: and every POSIX program read them): the first one set and not empty decides.
LOCALE_VARIABLES: tuple[str, ...] = ("LC_ALL", "LC_MESSAGES", "LANG")


def language_of_environment(environ: Mapping[str, str] | None = None) -> str:
    """The operator's language from the locale: ``LC_ALL``, else ``LC_MESSAGES``, else
    ``LANG`` ('fr_BE.UTF-8' -> 'fr'); the default language for any other language, 'C' or none.

    The command line reads it once per command, so an operator whose terminal is in
    French reads French messages, results and refusals."""
    found = os.environ if environ is None else environ
    for variable in LOCALE_VARIABLES:
        value = found.get(variable)
        if value:
            return normalise_language(value.split(".")[0].split("@")[0])
    return default_language()
