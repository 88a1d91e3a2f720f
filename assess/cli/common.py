"""What the command groups share: the database session, error reporting and progress bars."""

from __future__ import annotations

import sys
from contextlib import ExitStack, contextmanager
from typing import Callable, Iterator

import click
from sqlalchemy.orm import Session, sessionmaker

from assess.domain.content import check_files
from assess.domain.permissions import PermissionDenied
from assess.services.errors import InvalidInput, ServiceError, message_of
from assess.storage.db import database_url, make_engine, make_session_factory, upgrade_database, writing
from assess.storage.db import reading as db_reading


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
        yield make_session_factory(engine)
    except InvalidInput as error:
        lines = [message_of(error, "en")] + [f"  {e.field}: {e.message('en')}" for e in error.errors]
        raise click.ClickException("\n".join(lines)) from None
    except (ServiceError, PermissionDenied) as error:
        raise click.ClickException(message_of(error, "en")) from None
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

    @click.command("check", help=f"Check {kind} FILES; print ok, or FILE:LINE: message per problem (exit 1).")
    @click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
    def check(files: tuple[str, ...]) -> None:
        _, problems = check_files(files, loader=loader)
        for problem in problems:
            click.echo(str(problem))
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

