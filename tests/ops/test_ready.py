"""``assess ready``: exit 0 when the database answers and is at the latest revision, 1
otherwise with the reason, as an operator and as monitoring (``--json``) read it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner

from assess.cli import cli
from assess.storage.db import alembic_config, head_revision, upgrade_database
from tests.servers import free_port


def previous_revision() -> str:
    """The revision before the latest: a database an upgrade has not migrated yet."""
    head = head_revision()
    assert head is not None
    previous = ScriptDirectory.from_config(alembic_config()).get_revision(head).down_revision
    assert isinstance(previous, str), "one revision before the head"
    return previous


def ready(url: str, monkeypatch: pytest.MonkeyPatch, *args: str):
    monkeypatch.setenv("ASSESS_DATABASE_URL", url)
    return CliRunner().invoke(cli, ["ready", *args])


def test_a_migrated_database_is_ready(database_url: str, monkeypatch):
    result = ready(database_url, monkeypatch)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ready: the database answers and is at the latest revision")

    result = ready(database_url, monkeypatch, "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) | {"message": ""} == {
        "ready": True, "state": "ready", "revision": head_revision(), "expected": head_revision(), "message": ""}


def test_a_database_one_revision_behind_is_not_ready(empty_database_url: str, monkeypatch):
    previous = previous_revision()
    upgrade_database(empty_database_url, revision=previous)

    result = ready(empty_database_url, monkeypatch)
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"not ready: the database is at revision {previous}, the suite expects "
                                     f"{head_revision()}; start one app server to migrate it")
    found = json.loads(ready(empty_database_url, monkeypatch, "--json").stdout)
    assert (found["ready"], found["state"], found["revision"]) == (False, "behind", previous)

    upgrade_database(empty_database_url)  # what the first app server started does
    assert ready(empty_database_url, monkeypatch).exit_code == 0


def test_a_database_never_migrated_is_not_ready(empty_database_url: str, monkeypatch):
    if empty_database_url.startswith("sqlite"):
        Path(empty_database_url.removeprefix("sqlite:///")).write_bytes(b"")  # an empty SQLite file
    result = ready(empty_database_url, monkeypatch, "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["state"] == "never_migrated"


def test_a_missing_sqlite_file_is_not_ready_and_is_not_created(tmp_path: Path, monkeypatch):
    path = tmp_path / "data" / "assess.db"
    result = ready(f"sqlite:///{path}", monkeypatch)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"not ready: there is no database at {path}")
    assert not path.parent.exists()


def test_a_database_server_that_does_not_answer_is_not_ready(monkeypatch):
    port = free_port()  # a port nothing listens on
    result = ready(f"postgresql+psycopg://office:secret-word@127.0.0.1:{port}/assess", monkeypatch, "--json")
    assert result.exit_code == 1
    found = json.loads(result.stdout)
    assert (found["ready"], found["state"]) == (False, "unreachable")
    assert found["message"].startswith("not ready: the database does not answer (")
    assert "secret-word" not in result.output
