"""Storage: SQLAlchemy models, engine set-up and Alembic migrations.

- ``assess.storage.db``: engines (SQLite tuned for concurrent writers, PostgreSQL),
  sessions, and ``upgrade_database`` to migrate on start-up.
- ``assess.storage.models``: the tables, as SQLAlchemy 2 declarative classes.
- ``assess/storage/migrations``: Alembic scripts, configured in code (no alembic.ini).
"""
