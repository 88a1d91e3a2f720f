"""Use cases of the suite: each function checks the actor's permission, validates input,
changes the database and writes the audit log.

Conventions: the first argument is a SQLAlchemy ``Session``; every other argument is
keyword-only; services flush but never commit: the caller (page, CLI) owns the
transaction, ``with writing(sessions) as session:`` (or ``reading`` for what only
reads: assess.storage.db), so a failure stores nothing. Errors a person should read are :class:`assess.services.errors.ServiceError`
with a catalogue key, translated where they are shown.
"""
