"""Every message the code asks for exists, with the placeholders the call fills and the
plural forms every registered language needs; read from the code with ``ast``.

A key is read where the code names one: the first argument of ``t(...)`` and ``_(...)``,
of an error carrying a catalogue key (``ServiceError``, ``Conflict``... any class whose name
ends in ``Error`` or that the errors module defines), the second of ``FieldError(field,
key, params)`` and of app.py's ``page(name, title, icon)``, and a class's ``key = "..."``. A key built at run time (an f-string) is
checked by its literal start: some message must begin with it."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from assess import errors as error_module
from assess.i18n import Plural, languages, placeholders, source, translated

ROOT = Path(__file__).resolve().parents[2]
KEY = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+$")
MESSAGE_FUNCTIONS = {"t", "_", "said"}  # said: the respond page's _ in the audience's form of address
#: Errors whose first argument is not a message key (the permission refused).
NOT_KEYS = {"PermissionDenied"}
ERROR_CLASSES = {name for name in dir(error_module) if isinstance(getattr(error_module, name), type)}


@dataclass(frozen=True)
class Use:
    key: str
    where: str
    #: The keyword arguments the call passes; None when it also passes **params.
    given: frozenset[str] | None
    prefix: bool = False


def sources() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "assess").rglob("*.py"))]


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _keywords(call: ast.Call) -> frozenset[str] | None:
    if any(keyword.arg is None for keyword in call.keywords):
        return None
    return frozenset(keyword.arg for keyword in call.keywords if keyword.arg)


def _key_argument(node: ast.expr | None, where: str, given: frozenset[str] | None) -> Use | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and KEY.match(node.value):
        return Use(node.value, where, given)
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        start = str(node.values[0].value)
        if "." in start:
            return Use(start, where, None, prefix=True)
    return None


@cache
def uses() -> list[Use]:
    found: list[Use] = []
    for path in sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call):
                name = _name(node.func)
                argument = None
                if name in ("FieldError", "page"):
                    # FieldError(field, key, params); app.py's page(name, title key, icon)
                    argument = node.args[1] if len(node.args) >= 2 else None
                elif name in MESSAGE_FUNCTIONS or ((name.endswith("Error") or name in ERROR_CLASSES) and name not in NOT_KEYS):
                    argument = node.args[0] if node.args else None
                use = _key_argument(argument, where, _keywords(node))
                if use and name in ("FieldError", "page"):
                    use = Use(use.key, where, None, use.prefix)  # its params are a dict; page's are not the title's
                if use:
                    found.append(use)
            elif isinstance(node, ast.ClassDef):
                for statement in node.body:
                    if (isinstance(statement, ast.Assign) and any(isinstance(target, ast.Name) and target.id == "key"
                                                                  for target in statement.targets)):
                        use = _key_argument(statement.value, f"{path.relative_to(ROOT)}:{statement.lineno}", None)
                        if use:
                            found.append(use)
    return found


def test_the_scan_finds_the_keys():
    keys = {use.key for use in uses()}
    assert len(keys) > 900
    assert {"letters.cli.written", "errors.invalid_input", "jury.errors.at_capacity", "nav.users"} <= keys
    assert "exports.sheets." in {use.key for use in uses() if use.prefix}


def test_every_key_used_exists_in_the_english_source():
    english = source()
    missing = sorted(f"{use.key} ({use.where})" for use in uses() if not use.prefix and use.key not in english)
    unmatched = sorted(f"{use.key}... ({use.where})" for use in uses()
                       if use.prefix and not any(key.startswith(use.key) for key in english))
    assert not missing and not unmatched, "\n".join(missing + unmatched)


def _names(message) -> set[str]:
    texts = message if isinstance(message, Plural) else (message,)
    return set().union(*(placeholders(text) for text in texts))


def test_each_call_fills_the_placeholders_of_its_message():
    english = source()
    problems = []
    for use in uses():
        if use.prefix or use.given is None or use.key not in english:
            continue
        lacking = _names(english[use.key]) - use.given
        if lacking:
            problems.append(f"{use.where}: {use.key} needs {sorted(lacking)}, the call gives {sorted(use.given)}")
    assert not problems, "\n".join(problems)


def test_each_call_passes_only_values_its_message_shows():
    """A value passed and never shown is a sentence that lost its information (a closed
    survey's date, whether scores were submitted): show it or stop passing it."""
    english = source()
    problems = []
    for use in uses():
        if use.prefix or use.given is None or use.key not in english:
            continue
        unused = use.given - _names(english[use.key]) - {"count"}  # count also picks a plural form
        if unused:
            problems.append(f"{use.where}: {use.key} is given {sorted(unused)} and shows none of it")
    assert not problems, "\n".join(problems)


def test_a_plural_message_is_asked_for_with_a_count():
    english = source()
    problems = [f"{use.where}: {use.key} is plural; pass count=" for use in uses()
                if not use.prefix and use.given is not None and isinstance(english.get(use.key), Plural)
                and "count" not in use.given]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", languages())
def test_every_key_used_is_translated_in_every_registered_language(lang):
    done = translated(lang)
    missing = sorted({use.key for use in uses() if not use.prefix and use.key in source() and use.key not in done})
    assert not missing, f"{lang} lacks {missing}"
