"""The European label: the office confirms or overrides each proposal, exports the
nominations, and reads application ids everywhere."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from assess.domain.permissions import Actor, PermissionDenied
from assess.services import eql
from assess.services.errors import InvalidInput, NotFound
from assess.storage.models import AuditLog
from tests.jury.test_eql import labelled  # noqa: F401  (the fixture)
from tests.services.helpers import make_user

SYSTEM = Actor.system()


@pytest.fixture
def eligible(session, labelled):  # noqa: F811
    made, projects = labelled
    for p in projects[:4]:
        eql.record_partner_label(session, actor=SYSTEM, project_id=p, country="IE")
    return made


def test_the_office_confirms_or_overrides_with_a_reason(session, eligible):
    office = make_user(session, email="office@example.org", roles={"admin"})
    listed = eql.nominations(session, actor=office, round_id=eligible.id)
    assert [n.state for n in listed] == ["proposed", "not_proposed", "not_proposed", "not_proposed"]
    best, second = listed[0], listed[1]
    confirmed = eql.decide_nomination(session, actor=office, round_id=eligible.id,
                                      application_id=best.application_id, nominate=True)
    assert (confirmed.state, confirmed.nominated) == ("confirmed", True)
    with pytest.raises(InvalidInput) as refused:
        eql.decide_nomination(session, actor=office, round_id=eligible.id, application_id=second.application_id,
                              nominate=True)
    assert [e.field for e in refused.value.errors] == ["reason"]
    added = eql.decide_nomination(session, actor=office, round_id=eligible.id, application_id=second.application_id,
                                  nominate=True, reason="Outstanding partnership with the Irish school")
    assert (added.state, added.nominated, added.reason) == ("overridden", True,
                                                            "Outstanding partnership with the Irish school")
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "eql.nomination.override")).one()
    assert entry.actor_id == office.id and entry.entity_id == str(second.application_id)
    assert entry.details["reason"] == "Outstanding partnership with the Irish school"
    assert session.scalars(select(AuditLog).where(AuditLog.action == "eql.nomination.confirm")).one()
    assert [n.application_id for n in eql.nominations(session, actor=office, round_id=eligible.id)
            if n.nominated] == [best.application_id, second.application_id]
    with pytest.raises(NotFound):
        eql.decide_nomination(session, actor=office, round_id=eligible.id, application_id=999_999, nominate=True)
    with pytest.raises(PermissionDenied):
        eql.decide_nomination(session, actor=make_user(session, email="t@example.org"), round_id=eligible.id,
                              application_id=best.application_id, nominate=False, reason="no")


def test_nominations_export_as_csv_and_xlsx_with_no_formula(session, eligible):
    listed = eql.nominations(session, actor=SYSTEM, round_id=eligible.id)
    eql.decide_nomination(session, actor=SYSTEM, round_id=eligible.id, application_id=listed[1].application_id,
                          nominate=True, reason="=HYPERLINK(\"http://x\")")
    text = io.StringIO(newline="")
    assert eql.export_nominations(session, actor=SYSTEM, round_id=eligible.id, kind="csv", out=text) == 4
    rows = list(csv.DictReader(io.StringIO(text.getvalue(), newline="")))
    assert [int(r["Application"]) for r in rows] == [n.application_id for n in listed]
    assert rows[1]["Office's decision"] == "Overridden" and rows[1]["Reason"] == "'=HYPERLINK(\"http://x\")"
    assert rows[0]["Nominated"] == "true" and float(rows[0]["Total"]) == 30
    binary = io.BytesIO()
    eql.export_nominations(session, actor=SYSTEM, round_id=eligible.id, kind="xlsx", out=binary, lang="fr")
    sheet = openpyxl.load_workbook(io.BytesIO(binary.getvalue()))["Nominations"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Candidature" and values[2][-1] == "=HYPERLINK(\"http://x\")"
    assert sheet.cell(3, 12).data_type == "s", "a text, never a formula"



def test_nominations_already_read_are_written_as_the_export_writes_them(session, eligible):
    listed = eql.nominations(session, actor=SYSTEM, round_id=eligible.id)
    exported, written = io.StringIO(newline=""), io.StringIO(newline="")
    assert eql.export_nominations(session, actor=SYSTEM, round_id=eligible.id, kind="csv", out=exported) == 4
    assert eql.write_nominations(listed, kind="csv", out=written) == 4
    assert written.getvalue() == exported.getvalue()
    with pytest.raises(InvalidInput):
        eql.write_nominations(listed, kind="pdf", out=io.BytesIO())


def test_nominations_from_proposals_already_read_are_the_same(session, eligible):
    found = eql.proposals(session, actor=SYSTEM, round_id=eligible.id)
    assert (eql.nominations(session, actor=SYSTEM, round_id=eligible.id, read=found)
            == eql.nominations(session, actor=SYSTEM, round_id=eligible.id))
    with pytest.raises(PermissionDenied):
        eql.nominations(session, actor=make_user(session, email="t@example.org"), round_id=eligible.id, read=found)

def test_the_command_shows_application_ids_and_takes_the_office_s_word(sqlite_database_url, monkeypatch, tmp_path):
    from assess.cli import cli
    from assess.storage.db import make_engine, make_session_factory
    from tests.jury.helpers import apply, decide_round, make_juror, make_round
    from tests.services.helpers import make_project

    monkeypatch.setenv("ASSESS_DATABASE_URL", sqlite_database_url)
    engine = make_engine(sqlite_database_url)
    try:
        with make_session_factory(engine).begin() as session:
            jurors = {j.id: j for j in (make_juror(session, f"j{i}@example.org") for i in range(2))}
            made = make_round(session)
            apps = []
            for i in range(2):
                teacher = make_user(session, email=f"t{i}@example.org")
                p = make_project(session, owner=teacher, title=f"Project {i}", school={"name": f"S{i}", "country": "FR"})
                apps.append(apply(session, teacher=teacher, round_id=made.id, project_id=p.id))
            decide_round(session, round_id=made.id, jurors=jurors, levels={apps[0].id: 5, apps[1].id: 4})
            for a in apps:
                eql.record_partner_label(session, actor=SYSTEM, project_id=a.project_id, country="IE")
            round_id, first, second = made.id, (apps[0].id, apps[0].project_id), (apps[1].id, apps[1].project_id)
    finally:
        engine.dispose()

    def ok(*args: str) -> str:
        result = CliRunner().invoke(cli, ["eql", "--round", str(round_id), *args])
        assert result.exit_code == 0, result.output
        return result.output

    output = ok()
    assert f"* application #{first[0]} (project #{first[1]}) Project 0 (T0): 30 / 30" in output
    assert f"application #{second[0]} (project #{second[1]})" in output and "Proposed, to confirm" in output
    refused = CliRunner().invoke(cli, ["eql", "--round", str(round_id), "--override", str(second[0])])
    assert refused.exit_code == 1 and "Say why" in refused.output
    output = ok("--override", str(second[0]), "--reason", "Outstanding partnership")
    assert f"Application #{second[0]}: Overridden." in output
    assert "1 proposal confirmed." in ok("--confirm", "all")
    out = tmp_path / "nominations.xlsx"
    assert "2 eligible projects" in ok("--export", str(out))
    rows = list(openpyxl.load_workbook(out)["Nominations"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[9], r[10]) for r in rows] == [(first[0], "Confirmed", True), (second[0], "Overridden", True)]
