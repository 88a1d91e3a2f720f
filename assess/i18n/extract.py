"""The English source messages, read from ``assess/i18n/en/*.toml``, and the Babel extractor
that turns them into the gettext template (``assess/i18n/locale/messages.pot``).

English is the source language: a message is written once, in English, in a TOML file of
``assess/i18n/en/`` under a dotted key (``t("verdict.outcome.pass", lang)``). Every other
language is a gettext catalogue (``locale/<lang>/LC_MESSAGES/messages.po``) in which each
entry's ``msgctxt`` is the key and its ``msgid`` the English text, so translators work in
Poedit or Weblate with the English beside their text, and a changed English text makes the
old translation stale (``pybabel update`` marks it fuzzy) instead of silently wrong.

A plural message is a table of CLDR plural categories, English needing two::

    [letters.cli.written]
    one = "wrote {count} letter"
    other = "wrote {count} letters"

It becomes a gettext plural entry (``msgid`` = the ``one`` form, ``msgid_plural`` = the
``other`` form), and each language gives as many forms as its ``Plural-Forms`` header says.

``pybabel extract -F babel.cfg -o assess/i18n/locale/messages.pot`` runs :func:`extract_toml`
(named in ``babel.cfg``) on each English file; see docs/languages.md.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

#: The CLDR plural categories (a table whose keys are all among them, ``other`` included, is
#: one plural message, not a group of messages).
PLURAL_CATEGORIES: tuple[str, ...] = ("zero", "one", "two", "few", "many", "other")

SOURCE_FOLDER = Path(__file__).parent / "en"


class Plural(tuple[str, ...]):
    """The forms of a plural message, in the order of its language's ``Plural-Forms``
    (English: singular, plural)."""

    __slots__ = ()


Message = str | Plural


def is_plural_table(value: Mapping[str, Any]) -> bool:
    """A table of plural forms: every key a CLDR category, ``other`` among them, every value text."""
    return (
        len(value) >= 2 and "other" in value and set(value) <= set(PLURAL_CATEGORIES)
        and all(isinstance(text, str) for text in value.values())
    )


@dataclass(frozen=True)
class SourceMessage:
    """One message of a TOML catalogue file: its key, its text (a string, or the plural
    forms by CLDR category), the line it starts on and the comment lines just above it."""

    key: str
    text: str | dict[str, str]
    line: int
    comments: tuple[str, ...] = field(default=())


def flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str | dict[str, str]]:
    """Dotted keys to texts; a plural table stays one entry (its forms by category)."""
    flat: dict[str, str | dict[str, str]] = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and is_plural_table(value):
            flat[dotted] = {category: str(text) for category, text in value.items()}
        elif isinstance(value, dict):
            flat.update(flatten(value, f"{dotted}."))
        else:
            flat[dotted] = str(value)
    return flat


# A bare or quoted key, possibly dotted (a."b c".d), at the start of a line.
_KEY_PART = r'(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
_DOTTED = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_HEADER = re.compile(rf"^\s*\[\s*({_DOTTED})\s*\]\s*(?:#.*)?$")
_ASSIGNMENT = re.compile(rf"^\s*({_DOTTED})\s*=\s*(.*)$")
_PART = re.compile(_KEY_PART)


def _key_parts(dotted: str) -> list[str]:
    parts = []
    for match in _PART.finditer(dotted):
        part = match.group(0)
        if part[0] == '"':
            part = tomllib.loads(f"x = {part}")["x"]
        elif part[0] == "'":
            part = part[1:-1]
        parts.append(part)
    return parts


def _key_lines(text: str) -> dict[str, tuple[int, tuple[str, ...]]]:
    """Where each key (tables and values alike) is defined, with the comments just above it.

    A small reader of the TOML these catalogues use (tables, ``key = value``, multi-line
    strings); :func:`read_source` checks it found every message tomllib reads."""
    found: dict[str, tuple[int, tuple[str, ...]]] = {}
    table: list[str] = []
    comments: list[str] = []
    open_string: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if open_string is not None:
            if line.count(open_string) % 2 == 1:
                open_string = None
            continue
        stripped = line.strip()
        if stripped.startswith("#"):
            comments.append(stripped[1:].strip())
            continue
        if not stripped:
            comments = []
            continue
        header = _HEADER.match(line)
        if header:
            table = _key_parts(header.group(1))
            found[".".join(table)] = (number, ())
            comments = []
            continue
        assignment = _ASSIGNMENT.match(line)
        if assignment:
            key = ".".join([*table, *_key_parts(assignment.group(1))])
            found[key] = (number, tuple(comments))
            value = assignment.group(2)
            for quote in ('"""', "'''"):
                if value.startswith(quote) and value.count(quote) == 1:
                    open_string = quote
        comments = []
    return found


def read_source(path: Path) -> list[SourceMessage]:
    """The messages of one TOML catalogue file, in the file's order, each with its line."""
    text = path.read_text(encoding="utf-8")
    messages = flatten(tomllib.loads(text))
    lines = _key_lines(text)
    missing = [key for key in messages if key not in lines]
    if missing:
        raise ValueError(f"{path}: cannot tell the line of {', '.join(missing)}")
    return sorted(
        (SourceMessage(key, value, lines[key][0], lines[key][1]) for key, value in messages.items()),
        key=lambda message: message.line,
    )


def english_forms(message: SourceMessage) -> Message:
    """The English text of a source message: a string, or (singular, plural)."""
    if isinstance(message.text, str):
        return message.text
    if set(message.text) != {"one", "other"}:
        raise ValueError(f"{message.key}: an English plural has the forms 'one' and 'other', not {sorted(message.text)}")
    return Plural((message.text["one"], message.text["other"]))


def extract_toml(
    fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str], options: Mapping[str, Any]
) -> Iterator[tuple[int, str, tuple[str, ...], list[str]]]:
    """Babel extractor (``babel.cfg``: ``[assess.i18n.extract.extract_toml: assess/i18n/en/*.toml]``).

    Yields each message as Babel's ``pgettext(key, text)`` or ``npgettext(key, singular,
    plural)`` would be read from code: ``msgctxt`` the key, ``msgid`` the English text,
    located at the TOML file's line, the TOML comments above it as notes for translators."""
    path = Path(getattr(fileobj, "name", "") or "")
    text = fileobj.read().decode("utf-8")
    messages = flatten(tomllib.loads(text))
    lines = _key_lines(text)
    for key, value in sorted(messages.items(), key=lambda item: lines.get(item[0], (0, ()))[0]):
        if key not in lines:
            raise ValueError(f"{path}: cannot tell the line of {key}")
        line, comments = lines[key]
        forms = english_forms(SourceMessage(key, value, line))
        if isinstance(forms, Plural):
            yield line, "npgettext", (key, *forms), list(comments)
        else:
            yield line, "pgettext", (key, forms), list(comments)
