"""Parameter types every command shares: database ids and output paths, checked before
any work starts, so a typo is a one-line message instead of a traceback half-way."""

from __future__ import annotations

import os
from pathlib import Path

import click

from assess.domain.ids import ID_MAX, parse_id
from assess.i18n import language_of_environment, languages, t

__all__ = ["ID", "ID_MAX", "LANGUAGE", "OUTPUT_FILE", "OUTPUT_FOLDER", "DatabaseId", "LanguageCode", "OutputPath",
           "check_output_file"]



def shortened(value: str, keep: int = 40) -> str:
    """``value`` cut to a readable length for a message (the start says which it was)."""
    return value if len(value) <= keep else value[:keep] + "…"


class DatabaseId(click.ParamType):
    """A database id (:func:`assess.domain.ids.parse_id`): ASCII digits, 1 to 2^63-1."""

    name = "ID"

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= ID_MAX:
            return value
        number = parse_id(str(value))
        if number is None:
            self.fail(t("cli.id.invalid", language_of_environment(), value=shortened(str(value)), max=ID_MAX), param, ctx)
        return number


ID = DatabaseId()


class LanguageCode(click.ParamType):
    """A registered language's code (``assess/i18n/languages.toml``, and those
    ``ASSESS_LANGUAGE_DIRS`` adds), read when the command runs: every ``--lang`` takes it,
    so a language registered once is a choice of every command."""

    name = "LANG"

    def get_metavar(self, param, ctx=None) -> str:
        return "[" + "|".join(languages()) + "]"

    def convert(self, value, param, ctx) -> str:
        found = {code.lower(): code for code in languages()}.get(str(value).strip().lower().replace("-", "_"))
        if found is None:
            self.fail(t("cli.lang.invalid", language_of_environment(), value=shortened(str(value)),
                        languages=", ".join(languages())), param, ctx)
        return found

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem

        return [CompletionItem(code) for code in languages() if code.startswith(incomplete)]


LANGUAGE = LanguageCode()


def check_output_file(path: Path) -> None:
    """Raise :class:`click.BadParameter` unless ``path`` can be written as a file: not a
    folder, in a folder that exists and that we may write to."""
    folder = path.parent
    if path.is_dir():
        raise click.BadParameter(t("cli.out.is_folder", language_of_environment(), path=path))
    _check_folder(path, folder)


def _check_folder(path: Path, folder: Path) -> None:
    if not folder.exists():
        raise click.BadParameter(t("cli.out.no_folder", language_of_environment(), path=path, folder=folder))
    if not folder.is_dir():
        raise click.BadParameter(t("cli.out.not_folder", language_of_environment(), path=path, folder=folder))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise click.BadParameter(t("cli.out.not_writable", language_of_environment(), path=path, folder=folder))


class OutputPath(click.ParamType):
    """Where a command writes: a file (``folder=False``) whose folder exists and is
    writable, or a folder that exists and is writable or that can be created in such a
    folder. Checked when the command line is read, before any work."""

    name = "PATH"

    def __init__(self, *, folder: bool = False):
        self.folder = folder

    def convert(self, value, param, ctx) -> Path:
        path = Path(value).expanduser()
        try:
            if not self.folder:
                check_output_file(path)
            elif path.exists():
                if not path.is_dir():
                    raise click.BadParameter(t("cli.out.is_file", language_of_environment(), path=path))
                _check_folder(path, path)
            else:
                _check_folder(path, path.parent)
        except click.BadParameter as error:
            self.fail(error.message, param, ctx)
        return path


OUTPUT_FILE = OutputPath()
OUTPUT_FOLDER = OutputPath(folder=True)
