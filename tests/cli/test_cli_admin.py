"""The office's set-up commands, run as an operator would, on a real SQLite file."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from sqlalchemy import func, select

from assess.cli import cli
from assess.i18n import t
from assess.services import accounts
from assess.storage.db import make_engine, make_session_factory
from assess.storage.models import User

PASSWORD = "correct horse battery"


@pytest.fixture
def database(sqlite_database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ASSESS_DATABASE_URL", sqlite_database_url)
    return sqlite_database_url


def sign_in(database: str, email: str, password: str):
    """The actor for these credentials, in a transaction of its own (SQLite allows one writer)."""
    engine = make_engine(database)
    try:
        with make_session_factory(engine).begin() as session:
            return accounts.authenticate(session, email=email, password=password)
    finally:
        engine.dispose()


def user_count(database: str) -> int:
    engine = make_engine(database)
    try:
        with make_session_factory(engine)() as session:
            return session.scalar(select(func.count()).select_from(User))
    finally:
        engine.dispose()


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input)


def ok(*args: str, input: str | None = None) -> str:
    result = run(*args, input=input)
    assert result.exit_code == 0, result.output
    return result.output


def first_page_text(path) -> str:
    """The cover page (project, verdict), as a reader sees it; whitespace collapsed."""
    reader = PdfReader(BytesIO(path.read_bytes()))
    return " ".join(reader.pages[0].extract_text().split())


def test_init_creates_the_database_then_finds_it_up_to_date(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSESS_DATABASE_URL", f"sqlite:///{tmp_path / 'office' / 'assess.db'}")
    first = ok("init")
    assert first.startswith("database upgraded from empty to revision ")
    second = ok("init")
    assert second.startswith("database is up to date (revision ")
    assert first.split()[-1] == second.split()[-1].rstrip(")")


def test_user_add_reads_the_password_from_standard_input(database):
    output = ok("user", "add", "X@Example.org", "--role", "teacher", input=PASSWORD + "\n")
    assert output.strip() == "created x@example.org (teacher)"
    assert PASSWORD not in output
    actor = sign_in(database, "x@example.org", PASSWORD)
    assert actor is not None and actor.roles == {"teacher"}
    assert actor.display_name == "X"


def test_the_first_admin_added_at_the_command_line_can_sign_in(database):
    ok("user", "add", "office@example.org", "--role", "admin", "--role", "juror", "--name", "National office",
       input=PASSWORD + "\r\n")
    actor = sign_in(database, "office@example.org", PASSWORD)
    assert actor is not None
    assert (actor.display_name, actor.roles) == ("National office", {"admin", "juror"})


def test_a_short_password_is_refused_and_no_account_is_made(database):
    result = run("user", "add", "x@example.org", "--role", "teacher", input="short\n")
    assert result.exit_code != 0
    assert "The password must have at least 10 characters." in result.output
    assert "Traceback" not in result.output
    assert user_count(database) == 0


def test_adding_the_same_email_twice_is_refused_cleanly(database):
    ok("user", "add", "x@example.org", "--role", "teacher", input=PASSWORD + "\n")
    result = run("user", "add", "X@example.org", "--role", "juror", input="another password\n")
    assert result.exit_code != 0
    assert "An account with this e-mail address already exists." in result.output
    assert "Traceback" not in result.output
    assert sign_in(database, "x@example.org", PASSWORD).roles == {"teacher"}


def test_demo_loads_once_then_changes_nothing(database):
    first = ok("demo")
    assert "loaded 12 demonstration projects" in first
    password = first.split("password: ")[1].split()[0]
    teacher = first.split("password shown once): ")[1].split(",")[0].strip()
    assert sign_in(database, teacher, password) is not None

    second = ok("demo")
    assert second.strip() == "demonstration data is already loaded; nothing changed"
    assert "password" not in second


def test_project_list_json_gives_ids_and_titles(database):
    assert json.loads(ok("project", "list", "--json")) == []
    ok("demo")
    rows = json.loads(ok("project", "list", "--json"))
    assert len(rows) == 12
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    assert all(isinstance(r["id"], int) and r["title"] for r in rows)
    assert "Défis mathématiques européens" in {r["title"] for r in rows}
    first = rows[0]
    assert first["teacher"].endswith("@demo.etwinning.example") and first["partners"]

    text = ok("project", "list")
    assert f"{first['id']}\t{first['title']}\t" in text


def test_report_writes_french_pdfs_naming_the_project_and_its_verdict(database, tmp_path):
    ok("demo")
    ids = {r["title"]: r["id"] for r in json.loads(ok("project", "list", "--json"))}
    verdict = {outcome: t(f"verdict.outcome.{outcome}", "fr") for outcome in ("pass", "incomplete")}

    finished = tmp_path / "reports" / "mathematiques.pdf"
    finished.parent.mkdir()  # --out must name a file in an existing folder (a typo makes no folders)
    output = ok("report", "self-assessment", "--project", str(ids["Défis mathématiques européens"]),
                "--out", str(finished), "--lang", "fr")
    assert str(finished) in output
    assert finished.read_bytes().startswith(b"%PDF-")
    text = first_page_text(finished)
    assert "Défis mathématiques européens" in text
    assert "Collège Victor Hugo" in text
    assert verdict["pass"] in text and verdict["incomplete"] not in text

    unfinished = tmp_path / "metier.pdf"
    ok("report", "self-assessment", "--project", str(ids["Mon futur métier en Europe"]), "--out", str(unfinished), "--lang", "fr")
    text = first_page_text(unfinished)
    assert "Mon futur métier en Europe" in text
    assert verdict["incomplete"] in text and verdict["pass"] not in text


def test_an_unknown_project_gives_a_clean_error_and_no_file(database, tmp_path):
    out = tmp_path / "missing.pdf"
    result = run("report", "self-assessment", "--project", "9999", "--out", str(out))
    assert result.exit_code != 0
    assert "This item does not exist or is not yours." in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_user_add_invite_queues_the_invitation_with_the_account_and_asks_no_password(database):
    output = ok("user", "add", "jonas@example.org", "--role", "juror", "--invite")
    assert "Password" not in output, "nothing is read from standard input"
    assert output.splitlines()[0] == "created jonas@example.org (juror)"
    assert "queued for jonas@example.org" in output.splitlines()[1]
    listed = ok("mail", "list")
    [invitation] = [line.split("\t") for line in listed.splitlines() if "\tinvitation\t" in line]
    assert invitation[4] == "jonas@example.org"
    assert sign_in(database, "jonas@example.org", "") is None, "no password until the person chooses one"


def test_user_add_refuses_invite_with_single_sign_on_and_makes_nothing(database):
    result = run("user", "add", "jonas@example.org", "--role", "juror", "--invite", "--sso-only")
    assert result.exit_code == 2 and "--invite and --sso-only exclude each other" in result.output
    assert user_count(database) == 0
