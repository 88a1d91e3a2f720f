"""``assess jury reassign``, run as the office would, on a SQLite file of the test's own:
the filtered list, the refusal naming each application, the confirmation for scores."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from assess.domain.permissions import Actor
from assess.services import jury
from assess.storage.models import Assignment, JurorScore
from tests.jury.helpers import apply, make_juror, make_round, other_project, score_all
from tests.jury.test_cli import build, database, run  # noqa: F401 (fixture)
from tests.services.helpers import make_project, make_user


def fill(session):
    made = make_round(session, per_application=1)
    applied = []
    for i, word in enumerate(("Rivers", "Stars", "Forests")):
        teacher = make_user(session, email=f"t{i}@example.org", name=f"Claire {word}")
        applied.append(apply(session, teacher=teacher, round_id=made.id,
                             project_id=make_project(session, owner=teacher, title=f"Project {word}").id).id)
    teacher = make_user(session, email="jonas@example.org", name="Jonas Weber")
    conflicted = apply(session, teacher=teacher, round_id=made.id,
                       project_id=other_project(session, teacher, title="School trip", school_name="Lycée Nord").id).id
    ana = make_juror(session, "ana@example.org")
    ben = make_juror(session, "ben@example.org", school_name="Lycée Nord")
    for application_id in (*applied, conflicted):
        jury.assign_juror(session, actor=Actor.system(), application_id=application_id, juror_id=ana.id)
    score_all(session, juror=ana, application_id=applied[0])
    return made.id, applied, conflicted, ana.id, ben.id


def holders(url: str) -> dict[int, int]:
    return build(url, lambda s: dict(s.execute(select(Assignment.application_id, Assignment.juror_id)).all()))


def test_the_office_lists_then_moves_a_filtered_list(database):  # noqa: F811
    round_id, applied, conflicted, ana, ben = build(database, fill)
    base = ["jury", "reassign", "--round", str(round_id), "--from", str(ana)]

    listed = run(*base, "--state", "not_started", "--list")
    assert listed.exit_code == 0, listed.output
    assert listed.output.splitlines() == [
        f"  {applied[1]}  Project Stars (Claire Stars): scores saved: 0, not started",
        f"  {applied[2]}  Project Forests (Claire Forests): scores saved: 0, not started",
        f"  {conflicted}  School trip (Jonas Weber): scores saved: 0, not started",
    ]

    refused = run(*base, "--to", str(ben), "--state", "not_started")
    assert refused.exit_code == 1
    assert "Nothing was moved: 1 application cannot go to Ben." in refused.stderr
    assert f"Application {conflicted} (School trip): This juror may not judge this application." in refused.stderr
    assert "Traceback" not in refused.output
    assert set(holders(database).values()) == {ana}

    moved = run(*base, "--to", str(ben), "--find", "claire", "--state", "not_started")
    assert moved.exit_code == 0, moved.output
    assert moved.stdout.strip() == f"2 applications moved from Ana to Ben: {applied[1]}, {applied[2]}."
    assert holders(database) == {applied[0]: ana, applied[1]: ben, applied[2]: ben, conflicted: ana}


def test_scores_are_dropped_only_with_confirm_and_french_is_spoken(database):  # noqa: F811
    round_id, applied, _, ana, ben = build(database, fill)
    base = ["jury", "reassign", "--round", str(round_id), "--from", str(ana), "--to", str(ben),
            "--application", str(applied[0])]

    asked = run(*base, "--lang", "fr")
    assert asked.exit_code == 1
    assert "Ana a enregistré des notes sur 1 de ces candidatures (1 d'entre elles envoyées\u202f; notes enregistrées\xa0: 6)" in asked.stderr
    assert "Ajoutez --confirm pour les déplacer quand même." in asked.stderr
    assert build(database, lambda s: s.scalar(select(func.count()).select_from(JurorScore))) == 6

    done = run(*base, "--confirm", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["moved"] == [applied[0]] and json.loads(done.stdout)["scores_dropped"] == 6
    assert holders(database)[applied[0]] == ben


def test_usage_mistakes_are_said_without_a_traceback(database):  # noqa: F811
    round_id, applied, _, ana, ben = build(database, fill)
    base = ["jury", "reassign", "--round", str(round_id), "--from", str(ana)]
    assert run(*base, "--to", str(ben), "--application", str(applied[1]), "--find", "x").exit_code == 2
    missing = run(*base)
    assert missing.exit_code == 2 and "'--to'" in missing.stderr
    none = run(*base, "--to", str(ben), "--find", "nothing like it")
    assert none.exit_code == 1 and f"No application of juror #{ana} in this round matches." in none.stderr
    same = run(*base, "--to", str(ana), "--application", str(applied[1]))
    assert same.exit_code == 1 and "Choose another juror" in same.stderr
