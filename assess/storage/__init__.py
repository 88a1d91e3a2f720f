"""Storage: SQLAlchemy models, engine set-up and Alembic migrations.

- ``assess.storage.db``: engines (SQLite tuned for concurrent writers, PostgreSQL),
  sessions opened with ``writing`` or ``reading`` (read-only, never blocking a writer),
  and ``upgrade_database`` to migrate on start-up.
- ``assess.storage.models``: the tables, as SQLAlchemy 2 declarative classes.
- ``assess/storage/migrations``: Alembic scripts, configured in code (no alembic.ini).
"""
