"""``assess ready``: the readiness check of an installation, for an operator, a load
balancer's health script or monitoring (docs/backups.md, "Health").

Ready means: the database of ``ASSESS_DATABASE_URL`` answers, and it is at the latest
revision of this version's migrations (an app server started after an upgrade migrates it;
until then the others may fail on a missing column). Exit 0 when ready, 1 otherwise with
the reason; ``--json`` prints one object for a machine. It never creates nor migrates
anything, and waits at most a few seconds for a database that does not answer.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import click
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from assess.cli.common import operator_language
from assess.i18n import t
from assess.storage.db import alembic_config, current_revision, database_url, head_revision, make_engine

#: Seconds to wait for a database server that does not answer.
CONNECT_TIMEOUT = 5


@dataclass(frozen=True)
class Readiness:
    ready: bool
    #: ready, unreachable, no_database, never_migrated, behind, unknown_revision
    state: str
    revision: str | None
    expected: str | None
    message: str


def readiness(url: str) -> Readiness:
    """Whether the database at ``url`` answers and is at the latest revision."""
    expected = head_revision()
    parsed = make_url(url)
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite and parsed.database not in (None, "", ":memory:") and not Path(parsed.database).is_file():
        # Opening it would create an empty file: say there is none instead.
        return _outcome("no_database", None, expected, path=parsed.database)
    connect_args = {"timeout": CONNECT_TIMEOUT} if is_sqlite else {"connect_timeout": CONNECT_TIMEOUT}
    engine = make_engine(url, connect_args=connect_args)
    try:
        revision = current_revision(engine)
    except DBAPIError as error:
        reason = str(error.orig or error).strip().splitlines() or ["-"]
        return _outcome("unreachable", None, expected, reason=reason[0][:300])
    finally:
        engine.dispose()
    if revision is None:
        return _outcome("never_migrated", None, expected)
    if revision == expected:
        return _outcome("ready", revision, expected)
    if not _is_known(revision):
        return _outcome("unknown_revision", revision, expected)
    return _outcome("behind", revision, expected)


def _is_known(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def _outcome(state: str, revision: str | None, expected: str | None, **params: str) -> Readiness:
    message = t(f"ops.ready.{state}", operator_language(), revision=revision or "-", expected=expected or "-", **params)
    return Readiness(ready=state == "ready", state=state, revision=revision, expected=expected, message=message)


@click.command("ready")
@click.option("--json", "as_json", is_flag=True, help="One JSON object: ready, state, revision, expected, message.")
def ready_command(as_json: bool) -> None:
    """Exit 0 when the database answers and its migrations are current, 1 otherwise (with why)."""
    found = readiness(database_url())
    if as_json:
        click.echo(json.dumps(asdict(found), ensure_ascii=False))
    else:
        click.echo(found.message, err=not found.ready)
    if not found.ready:
        raise SystemExit(1)
