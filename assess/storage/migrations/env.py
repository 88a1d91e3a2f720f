"""Alembic environment, configured in code by ``assess.storage.db.alembic_config``.

The connection comes from ``config.attributes["connection"]`` when the caller gives
one (``upgrade_database``, tests); otherwise from the ``sqlalchemy.url`` option, else
from ``ASSESS_DATABASE_URL`` / the default URL, through ``make_engine`` so SQLite gets
its pragmas.
"""

from typing import Any

from alembic import context

from assess.storage.db import database_url, make_engine
from assess.storage.models import Base

config = context.config
target_metadata = Base.metadata

OPTIONS: dict[str, Any] = dict(
    target_metadata=target_metadata,
    # SQLite cannot ALTER most things: batch mode copies the table instead.
    render_as_batch=True,
    compare_type=True,
)


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or database_url()


def run_migrations_offline() -> None:
    context.configure(url=_url(), literal_binds=True, **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, **OPTIONS)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            context.configure(connection=connection, **OPTIONS)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
