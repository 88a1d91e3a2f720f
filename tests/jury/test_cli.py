"""The jury commands, run as the office would, on a SQLite file of the test's own."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assess.cli import cli
from assess.domain.permissions import Actor
from assess.services import eql, jury
from assess.storage.db import make_engine, make_session_factory
from tests.jury.helpers import apply, decide_round, make_juror, make_round, other_project, score_all
from tests.services.helpers import make_project, make_user


@pytest.fixture
def database(sqlite_database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ASSESS_DATABASE_URL", sqlite_database_url)
    return sqlite_database_url


def build(database: str, fill):
    engine = make_engine(database)
    try:
        with make_session_factory(engine).begin() as session:
            return fill(session)
    finally:
        engine.dispose()


def run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    return result


def ok(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.output


def test_round_list(database):
    assert "No round yet." in ok("round", "list")
    round_id = build(database, lambda s: make_round(s, name="Labels 2026").id)
    output = ok("round", "list")
    assert f"{round_id}  Labels 2026 [Label session]" in output and "Open for applications" in output
    assert "Candidatures ouvertes" in ok("round", "list", "--lang", "fr")
    (listed,) = json.loads(ok("round", "list", "--json"))
    assert (listed["id"], listed["status"], listed["rubric"]["id"], listed["applications"]) == \
        (round_id, "open", "etwinning-2006", 0)


def test_jury_assign_prints_loads_and_shortages(database):
    def fill(session):
        teacher = make_user(session, email="claire@example.org")
        made = make_round(session)
        first = apply(session, teacher=teacher, round_id=made.id, project_id=make_project(session, owner=teacher).id)
        other = other_project(session, teacher)
        apply(session, teacher=teacher, round_id=made.id, project_id=other.id)
        make_juror(session, "colleague@example.org", school_name="École Jean Jaurès")
        make_juror(session, "ana@example.org")
        return made.id, first.id

    round_id, first_id = build(database, fill)
    output = ok("jury", "assign", "--round", str(round_id))
    assert f"Round {round_id}: 3 new assignments; jurors per application: 2." in output
    assert "1 new conflict of interest found and recorded." in output
    assert "Colleague (#" in output and "Ana (#" in output
    assert f"Application {first_id} lacks 1 juror (it wants 2 and has 1); jurors without a conflict: only 1." in output
    document = json.loads(ok("jury", "assign", "--round", str(round_id), "--per-application", "1", "--json"))
    assert document["created"] == [] and document["short"] == []
    assert sorted(load["load"] for load in document["loads"]) == [1, 2]
    refused = run("jury", "assign", "--round", "999")
    assert refused.exit_code == 1 and "does not exist" in refused.output
    assert run("jury", "assign", "--round", str(round_id), "--per-application", "0").exit_code == 2


def scored_round(session):
    teacher = make_user(session, email="claire@example.org")
    made = make_round(session)
    apps = []
    for i in range(3):
        p = make_project(session, owner=teacher, title=f"Project {i}",
                         school={"name": f"School {i}", "country": "FR"})
        apps.append(apply(session, teacher=teacher, round_id=made.id, project_id=p.id))
    harsh, fair = make_juror(session, "harsh@example.org"), make_juror(session, "fair@example.org")
    for application in apps:
        for juror in (harsh, fair):
            jury.assign_juror(session, actor=Actor.system(), application_id=application.id, juror_id=juror.id)
        score_all(session, juror=fair, application_id=application.id, level=4)
        score_all(session, juror=harsh, application_id=application.id, level=2)
    return made.id


def test_stats_reliability(database):
    round_id = build(database, scored_round)
    output = ok("stats", "reliability", "--round", str(round_id))
    assert f"Round {round_id}: agreement between jurors per criterion" in output
    assert "Pedagogical innovation and creativity: " in output and "(unreliable)" in output
    assert "Harsh: -2 (comparisons: 18, applications: 3)  [FLAGGED]" in output
    assert "Fair: +2 (comparisons: 18," in output
    document = json.loads(ok("stats", "reliability", "--round", str(round_id), "--json"))
    assert document["criteria"][0]["reading"] == "unreliable"
    assert {j["name"]: j["flagged"] for j in document["jurors"]} == {"Harsh": True, "Fair": True}
    empty = build(database, lambda s: make_round(s, name="Empty").id)
    output = ok("stats", "reliability", "--round", str(empty))
    assert "(cannot be computed)" in output and "No submitted scores yet." in output
    assert "    no submitted scores yet" in output, "why alpha is undefined, under each criterion"


def test_stats_reliability_says_why_alpha_is_undefined_in_french(database):
    """A French operator read "no submitted scores yet" (and then the bare code) in English."""
    empty = build(database, lambda s: make_round(s, name="Vide").id)
    output = ok("stats", "reliability", "--round", str(empty), "--lang", "fr")
    assert "    aucune note envoyée pour l'instant" in output
    assert "no submitted" not in output and "no_scores" not in output
    # Alpha undefined because all the levels given are equal: the sentence names how many.
    round_id = build(database, equal_round)
    output = ok("stats", "reliability", "--round", str(round_id), "--lang", "fr")
    assert "les 4 valeurs comparables sont toutes égales (3)" in output


def equal_round(session) -> int:
    """Two applications, two jurors, every level 3: alpha undefined, all values equal."""
    made = make_round(session)
    jurors = [make_juror(session, f"same{i}@example.org") for i in range(2)]
    for i in range(2):
        teacher = make_user(session, email=f"same-t{i}@example.org")
        p = make_project(session, owner=teacher, title=f"Same {i}", school={"name": f"Same school {i}", "country": "FR"})
        application = apply(session, teacher=teacher, round_id=made.id, project_id=p.id)
        for juror in jurors:
            jury.assign_juror(session, actor=Actor.system(), application_id=application.id, juror_id=juror.id)
            score_all(session, juror=juror, application_id=application.id, level=3)
    return made.id


def test_eql_command(database):
    def fill(session):
        jurors = {j.id: j for j in (make_juror(session, f"j{i}@example.org") for i in range(2))}
        made = make_round(session)
        apps = []
        for i in range(3):
            teacher = make_user(session, email=f"t{i}@example.org")
            p = make_project(session, owner=teacher, title=f"Project {i}", school={"name": f"S{i}", "country": "FR"})
            apps.append(apply(session, teacher=teacher, round_id=made.id, project_id=p.id))
        decide_round(session, round_id=made.id, jurors=jurors, levels={a.id: lvl for a, lvl in zip(apps, (5, 4, 1), strict=True)})
        for a in apps:
            eql.record_partner_label(session, actor=Actor.system(), project_id=a.project_id, country="IE")
        return made.id, [a.project_id for a in apps], [a.id for a in apps]

    round_id, projects, applications = build(database, fill)
    output = ok("eql", "--round", str(round_id))
    assert f"Round {round_id}: European label proposals (rule: top_share)" in output
    assert "At most 1 of the 2 eligible projects (25%)" in output
    assert (f"  * application #{applications[0]} (project #{projects[0]}) Project 0 (T0): 30 / 30, threshold 20; "
            "labels in FR, IE") in output
    assert f"    application #{applications[1]} (project #{projects[1]}) Project 1 (T1): 24 / 30" in output
    assert f"#{applications[2]} " not in output, "refused here: not eligible, not listed"
    document = json.loads(ok("eql", "--round", str(round_id), "--json"))
    assert document["proposed"] == [applications[0]] and len(document["eligible"]) == 2


def test_eql_command_lists_and_removes_a_wrong_partner_label(database):
    def fill(session):
        teacher = make_user(session, email="t@example.org")
        p = make_project(session, owner=teacher, title="Project 0", school={"name": "S0", "country": "FR"})
        eql.record_partner_label(session, actor=Actor.system(), project_id=p.id, country="IE")
        eql.record_partner_label(session, actor=Actor.system(), project_id=p.id, country="PL")
        return p.id

    project_id = build(database, fill)
    output = ok("eql", "--labels-list")
    assert f"#{project_id} Project 0: IE (manual)" in output and f"#{project_id} Project 0: PL (manual)" in output
    output = ok("eql", "--remove-label", f"{project_id}:pl")
    assert f"Partner label removed: project #{project_id}, PL." in output
    assert "PL" not in ok("eql", "--labels-list")
    refused = run("eql", "--remove-label", f"{project_id}:PL")
    assert refused.exit_code == 1 and "does not exist" in refused.output
    french = ok("eql", "--remove-label", f"{project_id}:IE", "--lang", "fr")
    assert f"Label partenaire retiré\u00a0: projet n°\u00a0{project_id}, IE." in french


def test_jury_assign_explains_a_shortage_in_the_operators_language(database, monkeypatch):
    """Issue 12, "What was seen" 4: the shortage explanation was an English sentence built
    in the domain (Shortage.describe), printed as is whatever the operator's language."""
    def fill(session):
        teacher = make_user(session, email="claire@example.org")
        made = make_round(session)
        first = apply(session, teacher=teacher, round_id=made.id, project_id=make_project(session, owner=teacher).id)
        make_juror(session, "colleague@example.org", school_name="École Jean Jaurès")
        make_juror(session, "ana@example.org")
        return made.id, first.id

    round_id, first_id = build(database, fill)
    monkeypatch.setenv("LANG", "fr_BE.UTF-8")
    output = ok("jury", "assign", "--round", str(round_id), "--lang", "fr")
    assert (f"Il manque 1 juré à la candidature {first_id} (elle en demande 2 et en a 1)\u202f; "
            "jurés sans conflit d'intérêts\u00a0: seulement 1.") in output
    assert "lacks" not in output
