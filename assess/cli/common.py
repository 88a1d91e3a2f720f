"""What the command groups share: the database session and error reporting."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import click
from sqlalchemy.orm import Session

from assess.domain.permissions import PermissionDenied
from assess.services.errors import InvalidInput, ServiceError, message_of
from assess.storage.db import database_url, make_engine, make_session_factory, upgrade_database


@contextmanager
def transaction(*, migrate: bool = True) -> Iterator[Session]:
    """A unit of work on ``ASSESS_DATABASE_URL``, migrated first. Refusals from the services
    become plain messages (exit 1, no traceback) and nothing is stored."""
    engine = make_engine(database_url())
    try:
        if migrate:
            upgrade_database(engine)
        with make_session_factory(engine).begin() as session:
            yield session
    except InvalidInput as error:
        lines = [message_of(error, "en")] + [f"  {e.field}: {e.message('en')}" for e in error.errors]
        raise click.ClickException("\n".join(lines)) from None
    except (ServiceError, PermissionDenied) as error:
        raise click.ClickException(message_of(error, "en")) from None
    finally:
        engine.dispose()
