"""``assess survey codes`` and ``assess survey reissue`` as an operator runs them: the slips
carry the configured public address (read back from the PDF), a guessed or loopback address
is a warning in words on standard error, and a campaign's unused codes are replaced by a new
sheet."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from assess import clock
from assess.cli import cli
from assess.domain.permissions import Actor
from assess.services import campaigns, responding, settings
from assess.services.responding import VisitStatus
from tests.services.helpers import families_answers, in_database, make_project, make_user

FORMATTED_CODE = re.compile(r"\b[A-Z0-9]{5}-[A-Z0-9]{5}\b")


@pytest.fixture
def database(sqlite_database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ASSESS_DATABASE_URL", sqlite_database_url)
    monkeypatch.delenv(settings.PUBLIC_URL_VARIABLE, raising=False)
    monkeypatch.delenv(settings.SERVED_URL_VARIABLE, raising=False)
    return sqlite_database_url


@pytest.fixture
def project_id(database) -> int:
    return in_database(database, lambda session: make_project(
        session, owner=make_user(session, email="claire@example.org")).id)


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def ok(*args: str):
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result


def slips_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(path.read_bytes())).pages)


def make_codes(project_id: int, out, count: int = 3):
    result = ok("survey", "codes", "--project", str(project_id), "--audience", "families", "--count", str(count),
                "--out", str(out))
    return result, int(re.search(r"campaign (\d+)", result.stdout).group(1))


def test_slips_with_no_address_set_warn_on_standard_error(project_id, tmp_path):
    result, _ = make_codes(project_id, tmp_path / "slips.pdf")
    assert "Warning: Slips and links would carry http://127.0.0.1:8501, an address that only the server's own " \
           "computer can open" in result.stderr
    assert "assess settings set public_url" in result.stderr
    assert "Warning" not in result.stdout
    assert slips_text(tmp_path / "slips.pdf").count("http://127.0.0.1:8501") == 3, "the slips say what they carry"


def test_slips_carry_the_address_the_office_set(project_id, tmp_path):
    ok("settings", "set", "public_url", "https://label.example.org/")
    result, _ = make_codes(project_id, tmp_path / "slips.pdf")
    assert result.stderr == ""
    text = slips_text(tmp_path / "slips.pdf")
    assert text.count("https://label.example.org") == 3 and "127.0.0.1" not in text


def test_reissue_voids_the_unused_codes_and_writes_a_new_sheet(database, project_id, tmp_path):
    first = tmp_path / "first.pdf"
    _, campaign_id = make_codes(project_id, first, count=4)
    old = FORMATTED_CODE.findall(slips_text(first))
    assert len(old) == 4
    in_database(database, lambda session: responding.submit_with_code(
        session, code=old[0], answers=families_answers(), language="fr"))
    ok("settings", "set", "public_url", "https://label.example.org")

    again = tmp_path / "again.pdf"
    result = ok("survey", "reissue", str(campaign_id), "--out", str(again), "--lang", "en")
    assert result.stdout.splitlines() == [f"campaign {campaign_id}: 3 unused codes voided",
                                          f"wrote {again}: 3 slips"]
    assert result.stderr == ""
    text = slips_text(again)
    new = FORMATTED_CODE.findall(text)
    assert len(new) == 3 and not set(new) & set(old)
    assert text.count("https://label.example.org") == 3
    for code in new:
        assert code not in result.output and code.replace("-", "") not in result.output, "codes are never printed"

    def statuses(session):
        return ([responding.visit_by_code(session, code=c).status for c in old],
                [responding.visit_by_code(session, code=c).status for c in new],
                campaigns.list_campaigns(session, actor=Actor.system(), project_id=project_id)[0])

    before, after, summary = in_database(database, statuses)
    assert before == [VisitStatus.USED] + [VisitStatus.VOIDED] * 3
    assert after == [VisitStatus.OPEN] * 3
    assert (summary.codes_issued, summary.codes_used) == (4, 1)


def test_reissue_refused_leaves_no_file(database, project_id, tmp_path):
    folder = tmp_path / "print"
    folder.mkdir()
    out = folder / "slips.pdf"
    result = run("survey", "reissue", "999", "--out", str(out))
    assert result.exit_code == 1 and result.stderr.startswith("Error: ") and "Traceback" not in result.output
    link_id = in_database(database, lambda session: campaigns.create_campaign(
        session, actor=Actor.system(), project_id=project_id, audience="families", mode="link", languages=["fr"],
        opens_on=clock.today(), closes_on=clock.today()).id)
    result = run("survey", "reissue", str(link_id), "--out", str(out))
    assert result.exit_code == 1 and "single-use codes" in result.stderr
    assert list(folder.iterdir()) == [], "no slips, no temporary file"
