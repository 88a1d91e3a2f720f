"""``assess round deadline``, ``assess round progress`` and ``assess round late``, run as
the office would, on a SQLite file of the test's own."""

from __future__ import annotations

import json
from datetime import timedelta

from assess.domain.permissions import Actor
from assess.i18n.formats import format_date
from assess.services import jury, rounds
from tests.jury.helpers import TODAY, apply, close, make_juror, make_round, score_all
from tests.jury.test_cli import build, database, ok, run  # noqa: F401 (the database fixture)
from tests.services.helpers import make_project, make_user


def a_round_at_work(session) -> dict:
    teacher = make_user(session, email="claire@example.org")
    ana, ben = make_juror(session, "ana@example.org"), make_juror(session, "ben@example.org")
    made = make_round(session, name="Labels spring", per_application=2)
    ids = [apply(session, teacher=teacher, round_id=made.id,
                 project_id=make_project(session, owner=teacher, title=f"Project {n}").id).id for n in (1, 2)]
    close(session, made.id)
    for application_id in ids:
        for juror in (ana, ben):
            jury.assign_juror(session, actor=Actor.system(), application_id=application_id, juror_id=juror.id)
        score_all(session, juror=ben, application_id=application_id)
    score_all(session, juror=ana, application_id=ids[0])
    return {"round": made.id}


def test_the_office_sets_and_removes_the_deadline(database):  # noqa: F811
    made = build(database, a_round_at_work)
    closing_day = (TODAY - timedelta(days=1)).isoformat()
    refused = run("round", "deadline", "--round", str(made["round"]), closing_day)
    assert refused.exit_code == 1 and "scoring deadline must come after the closing date" in refused.output

    later = TODAY + timedelta(days=4)
    assert "Round Labels spring: scoring deadline" in ok("round", "deadline", "--round", str(made["round"]),
                                                         later.isoformat())
    listed = json.loads(ok("round", "list", "--json"))
    assert listed[0]["scoring_deadline"] == later.isoformat()
    assert "no scoring deadline any more" in ok("round", "deadline", "--round", str(made["round"]), "--clear")
    assert run("round", "deadline", "--round", str(made["round"])).exit_code == 2, "a date or --clear"


def test_the_round_list_shows_the_scoring_deadline_in_the_readers_language(database):  # noqa: F811
    made = build(database, a_round_at_work)
    assert "deadline" not in ok("round", "list")  # none set: nothing said

    later = TODAY + timedelta(days=4)
    ok("round", "deadline", "--round", str(made["round"]), later.isoformat())

    assert f"scoring deadline {format_date(later, 'en')}" in ok("round", "list")
    assert f"date limite de notation le {format_date(later, 'fr')}" in ok("round", "list", "--lang", "fr")
    assert f"Bewertungsfrist {format_date(later, 'de')}" in ok("round", "list", "--lang", "de")
    assert later.isoformat() not in ok("round", "list", "--lang", "fr")


def test_progress_and_the_late_list(database):  # noqa: F811
    made = build(database, a_round_at_work)
    build(database, lambda session: rounds.update_round(session, actor=Actor.system(), round_id=made["round"],
                                                        scoring_deadline=TODAY + timedelta(days=2)))
    printed = ok("round", "progress", "--round", str(made["round"]))
    assert "Ana <ana@example.org>: 1 of 2 submitted, 1 left  due in 2 days" in printed
    assert "Ben <ben@example.org>: 2 of 2 submitted, 0 left" in printed

    assert "Nobody is late" in ok("round", "late", "--within", "1")
    late = json.loads(ok("round", "late", "--json"))
    assert [(p["email"], p["left"], p["days_left"], p["state"]) for p in late] == [
        ("ana@example.org", 1, 2, "due_soon")]
    assert "Labels spring (#" in ok("round", "late", "--lang", "fr") and "échéance dans 2 jours" in \
        ok("round", "late", "--lang", "fr")
