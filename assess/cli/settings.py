"""``assess settings list|get|set|reset``: the office's settings from the command line,
checked as on the Settings page (assess/domain/settings.py). Values are typed as text and
read per setting: ``true``/``false`` for switches, ``1.5`` or ``1,5`` for numbers, JSON for
the gate minimums, a file for ``office.logo``. A refused value is one line on standard
error and exit 1; nothing is stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from assess.cli.common import operator_language, transaction
from assess.domain.permissions import Actor
from assess.domain.settings import BY_KEY, LOGO_MAX_BYTES, SETTINGS, Image
from assess.i18n import t
from assess.services import settings as service
from assess.services.errors import InvalidInput

KEYS = ", ".join(setting.key for setting in SETTINGS)


def _definition(key: str):
    found = BY_KEY.get(key)
    if found is None:
        raise click.ClickException(t("cli.settings.unknown", operator_language(), key=key[:100], keys=KEYS))
    return found


def _text(value: Any) -> str:
    """A value as ``get`` prints it: plain text for texts and numbers, JSON otherwise."""
    if isinstance(value, bool) or value is None or value == "" or isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _refused(error: InvalidInput) -> click.ClickException:
    lang = operator_language()
    return click.ClickException("; ".join(f"{e.field}: {e.message(lang)}" for e in error.errors))


def _read_logo(path_text: str) -> bytes:
    path = Path(path_text)
    if not path.is_file():
        raise click.ClickException(t("cli.settings.not_file", operator_language(), path=path_text[:300]))
    try:
        with path.open("rb") as handle:
            return handle.read(LOGO_MAX_BYTES + 1)  # one byte more is enough to refuse a large file
    except OSError as error:
        raise click.ClickException(t("cli.settings.cannot_read", operator_language(), path=path_text[:300],
                                     reason=error.strerror)) from None


def _value(session, key: str) -> Any:
    """One setting's value, read as the office reads it (the command line acts as the system)."""
    return service.for_the_office(session, actor=Actor.system()).values[key]


@click.group("settings")
def settings_group() -> None:
    """The national office's settings (see docs/settings.md)."""


@settings_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON array: key, value, default, allowed values.")
def settings_list(as_json: bool) -> None:
    """Every setting with its value; '(default)' marks those never changed."""
    lang = operator_language()
    with transaction() as session:
        current = service.for_the_office(session, actor=Actor.system()).values
    rows = [
        {
            "key": setting.key,
            "value": service.shown_value(setting.key, current[setting.key]),
            "default": service.shown_value(setting.key, setting.default),
            "allowed": t(setting.range_key, lang, **setting.range_params()),
        }
        for setting in SETTINGS
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    width = max(len(row["key"]) for row in rows)
    for row in rows:
        marker = t("cli.settings.default", lang) if row["value"] == row["default"] else ""
        click.echo(f"{row['key']:<{width}}  {_text(row['value'])!s}{marker}".replace("\n", "\\n"))


@settings_group.command("get")
@click.argument("key")
def settings_get(key: str) -> None:
    """Print one setting's value (the logo: its type, size and checksum, as JSON)."""
    _definition(key)
    with transaction() as session:
        value = _value(session, key)
    click.echo(_text(service.shown_value(key, value)))


@settings_group.command("set")
@click.argument("key")
@click.argument("value")
def settings_set(key: str, value: str) -> None:
    """Change one setting: KEY VALUE, e.g. 'triangulation_gap 1.5', 'office.name "Bureau
    national"', 'office.logo logo.png' (a PNG or JPEG file)."""
    definition = _definition(key)
    parsed = _read_logo(value) if isinstance(definition, Image) else definition.parse(value)
    with transaction() as session:
        try:
            changed = service.put_many(session, actor=Actor.system(), values={key: parsed})
        except InvalidInput as error:
            raise _refused(error) from None
        shown = _text(service.shown_value(key, _value(session, key)))
    lang = operator_language()
    line = t("cli.settings.changed", lang, key=key, value=shown) if changed else t("cli.settings.unchanged", lang, key=key)
    click.echo(line.replace("\n", "\\n"))


@settings_group.command("reset")
@click.argument("key")
def settings_reset(key: str) -> None:
    """Put one setting back to its default (the logo: the suite's own)."""
    _definition(key)
    with transaction() as session:
        service.reset(session, actor=Actor.system(), key=key)
        shown = _text(service.shown_value(key, _value(session, key)))
    click.echo(t("cli.settings.reset", operator_language(), key=key, value=shown).replace("\n", "\\n"))
