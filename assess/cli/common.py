"""What the command groups share: the database session and error reporting."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import click
from sqlalchemy.orm import Session

from assess.services.errors import InvalidInput, message_of
from assess.storage.db import database_url, make_engine, make_session_factory, upgrade_database


@contextmanager
def transaction(*, migrate: bool = True) -> Iterator[Session]:
    """A unit of work on ``ASSESS_DATABASE_URL``; service errors become clean messages (exit 1)."""
    engine = make_engine(database_url())
    try:
        if migrate:
            upgrade_database(engine)
        with make_session_factory(engine).begin() as session:
            yield session
    except InvalidInput as error:
        lines = [message_of(error, "en")] + [f"  {e.field}: {e.message('en')}" for e in error.errors]
        raise click.ClickException("\n".join(lines)) from None
    except click.ClickException:
        raise
    except Exception as error:  # a service refusal: say it plainly, no traceback
        from assess.domain.permissions import PermissionDenied
        from assess.services.errors import ServiceError

        if isinstance(error, (ServiceError, PermissionDenied)):
            raise click.ClickException(message_of(error, "en")) from None
        raise
    finally:
        engine.dispose()
