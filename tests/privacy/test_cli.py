"""``assess privacy purge|export|requests|delete`` as an operator runs them, on both databases."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from assess.cli import cli
from assess.services import privacy
from assess.storage.models import DeletionRequest, SurveyCode, SurveyDraft, User
from tests.privacy.helpers import make_world, read_zip


@pytest.fixture
def world(session, database_url, monkeypatch):
    monkeypatch.setenv("ASSESS_DATABASE_URL", database_url)
    made = make_world(session)
    code = session.scalars(select(SurveyCode.id)).first()
    session.add(SurveyDraft(code_id=code, answers={}, updated_at=privacy.months_before(privacy.utcnow(), 14)))
    session.commit()
    return made


def run(*args: str):
    return CliRunner().invoke(cli, ["privacy", *args])


def drafts(session) -> int:
    found = session.scalar(select(func.count()).select_from(SurveyDraft))
    session.commit()  # no transaction left open while the command runs
    return found


def test_purge_dry_run_then_purge(session, world):
    result = run("purge", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["dry_run"] is True and report["total"] == 1
    assert {k["kind"]: k["by_age_months"] for k in report["kinds"]}["survey_drafts"] == {"12-24": 1}
    assert drafts(session) == 1

    result = run("purge", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run: 1 items would be deleted" in result.stdout
    assert "Unfinished survey answers (drafts): 1 (12-24 months: 1)" in result.stdout

    result = run("purge")
    assert result.exit_code == 0, result.output
    assert "1 items deleted" in result.stdout
    assert drafts(session) == 0


def test_export_writes_a_zip_of_one_persons_data(world, tmp_path):
    out = tmp_path / "marie.zip"
    result = run("export", "--user", str(world.marie.id), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"{out} written: 11 files." in result.stdout
    documents, pdfs, everything = read_zip(out.read_bytes())
    assert documents["account.json"]["email"] == "marie@example.org" and len(pdfs) == 3
    assert "paul@example.org" not in everything
    assert [p.name for p in tmp_path.iterdir()] == ["marie.zip"], "no partial file left"


def test_export_of_an_unknown_account_is_one_line(world, tmp_path):
    result = run("export", "--user", "999999", "--out", str(tmp_path / "x.zip"))
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_requests_and_delete(session, world):
    privacy.request_deletion(session, actor=world.paul)
    session.commit()
    result = run("requests", "--json")
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    assert (row["user"], row["status"], row["counts"]["projects_kept"]) == (world.paul.id, "pending", 1)

    result = run("delete", "--request", str(row["id"]))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"Request {row['id']} carried out: 0 projects deleted, 1 kept."
    session.commit()
    # Read again from the database: the test's session may still hold Paul as it loaded him
    # (whether it does depends on the garbage collector; it failed once on PostgreSQL).
    assert session.get(User, world.paul.id, populate_existing=True).email.startswith(f"deleted-{world.paul.id}-")
    assert session.get(DeletionRequest, row["id"], populate_existing=True).status == "done"
    session.commit()

    again = run("delete", "--request", str(row["id"]))
    assert again.exit_code == 1 and "already carried out or cancelled" in again.output
