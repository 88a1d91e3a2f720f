"""What the command groups share: the database session, error reporting and progress bars."""

from __future__ import annotations

import os
import re
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import partial
from typing import IO, Any

import click
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session, sessionmaker

from assess.cli.types import LANGUAGE
from assess.domain.content import ContentError, check_files
from assess.domain.permissions import PermissionDenied
from assess.i18n import language_of_environment, t
from assess.services import settings
from assess.services.errors import InvalidInput, ServiceError, message_of
from assess.storage.db import database_url, make_engine, make_session_factory, upgrade_database, writing
from assess.storage.db import reading as db_reading

#: Set to 1 to let unexpected errors through with their traceback (for developers).
DEBUG_VARIABLE = "ASSESS_DEBUG"
#: Signals that end a command the way Ctrl-C does: as an exception, so that every
#: ``finally`` runs (the transaction rolls back, partial files are removed).
ENDING_SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s)


def operator_language() -> str:
    """The operator's language: what every message of the command line is written in.

    Read from the locale (``LC_ALL``, else ``LC_MESSAGES``, else ``LANG``; see
    :func:`assess.i18n.language_of_environment`) each time a command speaks, so a French
    terminal reads French. A command's ``--lang`` (:data:`LANGUAGE_OPTION`) chooses the
    language of what it writes or prints and defaults to this one."""
    return language_of_environment()


#: ``--lang`` for a command whose output (a PDF, a result printed) has a language: the
#: operator's by default, so one locale decides everything a command shows.
LANGUAGE_OPTION = click.option(
    "--lang", type=LANGUAGE, default=operator_language, show_default="the operator's locale",
    help="Language of the output (default: LC_ALL, LC_MESSAGES or LANG).")


def _hint(error: click.ClickException) -> str:
    """What a refused parameter is called, as click says it ('--project', 'RUBRIC_ID')."""
    if not isinstance(error, click.BadParameter):
        return ""
    if error.param_hint is not None:
        hint = error.param_hint
        return hint if isinstance(hint, str) else " / ".join(repr(h) for h in hint)
    return error.param.get_error_hint(error.ctx) if error.param is not None and error.ctx is not None else ""


def show_error(error: click.ClickException, file: IO[Any] | None = None) -> None:
    """click's ``Error: ...`` (with the usage line for a usage error) in the operator's
    language: click's own words are English only."""
    lang = operator_language()
    context = error.ctx if isinstance(error, click.UsageError) else None
    if context is not None:
        names = context.command.get_help_option_names(context)
        hint = t("cli.click.try_help", lang, command=context.command_path, option=max(names, key=len)) if names else ""
        click.echo(f"{context.get_usage()}\n{hint}\n" if hint else f"{context.get_usage()}\n", file=file, err=True,
                   color=context.color)
    message = error.message
    if isinstance(error, click.BadParameter):
        hint = _hint(error)
        message = t("cli.click.invalid_value_for", lang, param=hint, message=message) if hint else t(
            "cli.click.invalid_value", lang, message=message)
    elif type(error) is not click.ClickException and not isinstance(error, click.UsageError):
        message = error.format_message()  # click's FileError and others build their own
    click.echo(t("cli.click.error", lang, message=message), file=file, err=True)


#: The exit status of a command whose reader went away (``assess mail list | head``): the
#: status of a Unix tool that SIGPIPE ended, 128 + 13.
PIPE_CLOSED = 128 + getattr(signal, "SIGPIPE", 13)


class PipeClosed(SystemExit):
    """The reader of the output closed it early: stop, quietly, with :data:`PIPE_CLOSED`."""


def _pipe_closed() -> PipeClosed:
    """Point standard output at the null device, so that what is still buffered, and
    Python's own flush at exit, meet no closed pipe again (which would print
    "Exception ignored ... BrokenPipeError"); then end the command."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, sys.stdout.fileno())
        finally:
            os.close(null)
    except (OSError, ValueError, AttributeError):  # no file descriptor (a test's captured output)
        pass
    return PipeClosed(PIPE_CLOSED)


class Terminated(SystemExit):
    """The command was ended by a signal (SIGTERM, SIGHUP): exit 128 + the signal number."""


def _terminate(signum, _frame) -> None:
    raise Terminated(128 + signum)


@contextmanager
def _signals_end_the_command() -> Iterator[None]:
    previous = {}
    try:
        for number in ENDING_SIGNALS:
            previous[number] = signal.signal(number, _terminate)
    except ValueError:  # not the main thread: leave the signals alone
        pass
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _shortened(message: str) -> str:
    """A hostile value quoted in full (200,000 characters, 5,000 digits) would bury the
    message: cut any long run of non-space characters."""
    return re.sub(r"\S{121,}", lambda m: m.group()[:60] + "…", message)


def _detail(error: BaseException) -> str:
    """The first line of an unexpected error, without what it may quote: SQLAlchemy's own
    text adds the statement and its parameters (answers, names), so only the driver's
    message is kept."""
    if isinstance(error, StatementError) and error.orig is not None:
        error = error.orig
    lines = str(error).strip().splitlines()
    return _shortened(lines[0][:200]) if lines else "-"


class AssessGroup(click.Group):
    """The ``assess`` group: the one place where whatever a command did not expect becomes
    a one-line ``Error: ...`` and exit 1 (``ASSESS_DEBUG=1`` shows the traceback), where
    SIGTERM and SIGHUP end a command as Ctrl-C does, so nothing half-done stays, and where
    a reader that closes the output early (``| head``) ends any command quietly, exit 141
    as a Unix tool's (click alone would say nothing and exit 1; our catch-all said
    "Error: unexpected failure (BrokenPipeError...)")."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().main(*args, **kwargs)
        finally:
            # What the command wrote may still be in Python's buffer: written now, while a
            # closed pipe can still end the command quietly, not at the interpreter's exit.
            try:
                sys.stdout.flush()
            except BrokenPipeError:
                raise _pipe_closed() from None  # the reader went away: its status, not the command's
            except (OSError, ValueError):
                pass

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:  # `assess --help`, `assess --version`: written while the context is made
            return super().make_context(*args, **kwargs)
        except BrokenPipeError:
            raise _pipe_closed() from None

    def invoke(self, ctx: click.Context):
        with _signals_end_the_command():
            try:
                return super().invoke(ctx)
            except BrokenPipeError:
                # The reader stopped (``| head``, ``less`` quit). A unit of work still open
                # was rolled back by the exception on its way here.
                raise _pipe_closed() from None
            except click.ClickException as error:
                error.message = _shortened(error.message)  # type: ignore[misc]
                error.show = partial(show_error, error)  # type: ignore[method-assign]
                raise
            except (click.exceptions.Exit, click.Abort, KeyboardInterrupt, EOFError):
                raise
            except Terminated:
                click.echo(t("cli.interrupted", operator_language()), err=True)
                raise
            except Exception as error:
                if os.environ.get(DEBUG_VARIABLE) == "1":
                    raise
                if isinstance(error, OSError) and error.filename:
                    message = t("cli.cannot_access", operator_language(), path=error.filename,
                                reason=error.strerror or error)
                else:
                    message = t("cli.unexpected", operator_language(), kind=type(error).__name__, detail=_detail(error))
                refusal = click.ClickException(message)
                refusal.show = partial(show_error, refusal)  # type: ignore[method-assign]
                raise refusal from None


@contextmanager
def database(*, migrate: bool = True) -> Iterator[sessionmaker]:
    """The sessions of ``ASSESS_DATABASE_URL``, migrated first, for a command that opens
    several units of work (:func:`assess.storage.db.reading` then ``writing``). Refusals
    from the services become plain messages (exit 1, no traceback); the unit of work they
    happened in stores nothing."""
    engine = make_engine(database_url())
    try:
        if migrate:
            upgrade_database(engine)
        factory = make_session_factory(engine)
        if migrate:
            settings.make_secret_key(factory)
        yield factory
    except InvalidInput as error:
        lang = operator_language()
        lines = [message_of(error, lang)] + [f"  {e.field}: {e.message(lang)}" for e in error.errors]
        raise click.ClickException("\n".join(lines)) from None
    except (ServiceError, PermissionDenied) as error:
        raise click.ClickException(message_of(error, operator_language())) from None
    except ContentError as error:
        # The installed rubrics or questionnaires are missing, empty or broken: which folder
        # or FILE:LINE, never a traceback (see assess.resources for where they are read).
        raise click.ClickException(error.message(operator_language())) from None
    finally:
        engine.dispose()


@contextmanager
def transaction(*, migrate: bool = True) -> Iterator[Session]:
    """A unit of work that writes, on ``ASSESS_DATABASE_URL`` (see :func:`database`): all
    of it is stored, or nothing. On SQLite it holds the write lock: keep it short."""
    with database(migrate=migrate) as sessions, writing(sessions) as session:
        yield session


@contextmanager
def reading(*, migrate: bool = True) -> Iterator[Session]:
    """A unit of work that only reads (see :func:`database`): it never makes the app's
    writers wait, however long it takes."""
    with database(migrate=migrate) as sessions, db_reading(sessions) as session:
        yield session


def check_command(*, kind: str, loader) -> click.Command:
    """``check FILE...`` for a kind of content file: ``ok``, or ``FILE:LINE: message`` per
    problem and exit 1. The same command checks rubrics and questionnaires."""

    @click.command("check", help=f"Check {kind} FILES; print ok, or FILE:LINE: message per problem on standard "
                                 "error (exit 1).")
    @click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
    @LANGUAGE_OPTION
    def check(files: tuple[str, ...], lang: str) -> None:
        _, problems = check_files(files, loader=loader)
        for problem in problems:  # on standard error, as every refusal: FILE:LINE: message, in the reader's language
            click.echo(problem.located(lang), err=True)
        if problems:
            raise SystemExit(1)
        click.echo("ok")

    return check


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None]]:
    """A ``progress(done, total)`` for a long service (import, export, letters, demo) that
    draws a click progress bar on standard error (standard output stays the command's
    result). The bar appears at the first report, when the total is known, and follows
    the total if it changes; it is closed when the block ends, failed or not."""
    with ExitStack() as stack:
        bar = None
        shown = 0

        def progress(done: int, total: int) -> None:
            nonlocal bar, shown
            if bar is None:
                bar = stack.enter_context(click.progressbar(length=max(total, 1), label=label, file=sys.stderr))
            bar.length = max(total, 1)
            bar.update(done - shown)
            shown = done

        yield progress

