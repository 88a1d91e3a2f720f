"""``assess jury standing``, run as the office would, on a SQLite file of the test's own:
names not ids, the question before scores go, bad input in words, no traceback."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from assess.domain.permissions import Actor
from assess.services import jury
from assess.storage.models import JurorScore, School
from tests.jury.helpers import apply, make_juror, make_round, score_all
from tests.jury.test_cli import build, database, ok, run  # noqa: F401 (fixture)
from tests.services.helpers import make_project, make_user


def fill(session):
    teacher = make_user(session, email="claire@example.org", name="Claire Martin")
    made = make_round(session)
    application = apply(session, teacher=teacher, round_id=made.id,
                        project_id=make_project(session, owner=teacher, title="Rivers").id)
    ana = make_juror(session, "ana@example.org")
    jury.assign_juror(session, actor=Actor.system(), application_id=application.id, juror_id=ana.id)
    score_all(session, juror=ana, application_id=application.id)
    school = session.scalar(select(School.id).where(School.name == "Scoil Mhuire"))
    return ana.id, school


def test_the_office_records_lists_and_removes_standing_conflicts(database):  # noqa: F811
    ana, school = build(database, fill)
    asked = run("jury", "standing", "add", "--juror", str(ana), "--teacher", "claire@example.org",
                "--relation", "personal", "--note", "Married.")
    assert asked.exit_code == 1
    assert "Ana has already saved 6 scores on applications this conflict forbids" in asked.stderr
    assert "Add --confirm to record it anyway." in asked.stderr and "Traceback" not in asked.output
    assert build(database, lambda s: s.scalar(select(func.count()).select_from(JurorScore))) == 6

    done = ok("jury", "standing", "add", "--juror", str(ana), "--teacher", "claire@example.org",
              "--relation", "personal", "--note", "Married.", "--confirm")
    assert "Ana never judges the applications of Claire Martin." in done
    assert build(database, lambda s: s.scalar(select(func.count()).select_from(JurorScore))) == 0
    ok("jury", "standing", "add", "--juror", str(ana), "--school", str(school), "--relation", "former_colleague")

    listed = ok("jury", "standing", "list").splitlines()
    assert [line.split("  ", 1)[1] for line in listed] == [
        f"Ana (#{ana}) / Claire Martin: Personal (family, partner, friend) (The national office) - Married.",
        f"Ana (#{ana}) / Scoil Mhuire (Ireland): Former colleague (The national office)",
    ]
    french = ok("jury", "standing", "list", "--lang", "fr")
    assert "Scoil Mhuire (Irlande)\u00a0: ancien collègue (Le bureau national)" in french
    document = json.loads(ok("jury", "standing", "list", "--json"))
    assert [d["school_name"] or d["teacher_name"] for d in document] == ["Claire Martin", "Scoil Mhuire"]

    first = document[0]["id"]
    assert f"Standing conflict {first} removed." in ok("jury", "standing", "remove", str(first))
    assert len(json.loads(ok("jury", "standing", "list", "--json"))) == 1


def test_bad_input_is_refused_in_words(database):  # noqa: F811
    ana, school = build(database, fill)
    both = run("jury", "standing", "add", "--juror", str(ana), "--teacher", "1", "--school", str(school),
               "--relation", "personal")
    assert both.exit_code == 2 and "Give --teacher or --school, one of them." in both.output
    nobody = run("jury", "standing", "add", "--juror", str(ana), "--teacher", "nobody@example.org",
                 "--relation", "personal")
    assert nobody.exit_code == 1 and "No teacher account has this address or number." in nobody.stderr
    missing = run("jury", "standing", "remove", "987654")
    assert missing.exit_code == 1 and "Traceback" not in missing.output
    assert ok("jury", "standing", "list") == "No standing conflict of interest.\n"


def waiting(session):
    """A teacher's declaration against a juror who submitted their scores: it waits."""
    teacher = make_user(session, email="claire@example.org", name="Claire Martin")
    made = make_round(session)
    rivers = apply(session, teacher=teacher, round_id=made.id,
                   project_id=make_project(session, owner=teacher, title="Rivers").id)
    ana, ben = make_juror(session, "ana@example.org"), make_juror(session, "ben@example.org")
    for juror in (ana, ben):
        jury.assign_juror(session, actor=Actor.system(), application_id=rivers.id, juror_id=juror.id)
        score_all(session, juror=juror, application_id=rivers.id)
        jury.declare_conflict(session, actor=teacher, application_id=rivers.id, juror_id=juror.id, note="Neighbours.")
    return made.id, rivers.id, ana.id, [d.id for d in jury.pending_declarations(session, actor=Actor.system(),
                                                                                round_id=made.id)]


def test_the_office_answers_teachers_declarations_from_the_command_line(database):  # noqa: F811
    round_id, application, ana, (first, second) = build(database, waiting)
    listed = ok("jury", "declarations", "list", "--round", str(round_id)).splitlines()
    assert listed[0] == (f"{first}  application {application} “Rivers” (teacher Claire Martin) / Ana (#{ana}): "
                         "6 scores saved, submitted - Neighbours.")
    assert len(listed) == 2
    assert json.loads(ok("jury", "declarations", "list", "--round", str(round_id), "--json"))[0]["scores"] == 6

    asked = run("jury", "declarations", "confirm", str(first))
    assert asked.exit_code == 1 and "Add --confirm to confirm it anyway." in asked.stderr
    assert build(database, lambda s: s.scalar(select(func.count()).select_from(JurorScore))) == 12
    assert f"the juror is taken off application {application}" in ok("jury", "declarations", "confirm", str(first),
                                                                     "--confirm")
    assert build(database, lambda s: s.scalar(select(func.count()).select_from(JurorScore))) == 6
    assert "keeps the application and their scores" in ok("jury", "declarations", "dismiss", str(second))
    assert "No teacher's declaration" in ok("jury", "declarations", "list", "--round", str(round_id))
    french = run("jury", "declarations", "dismiss", str(second), "--lang", "fr")
    assert french.exit_code == 1 and "Traceback" not in french.output
