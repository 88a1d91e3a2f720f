"""The teacher's applications page offers the letter and, for a label, the certificate,
once the round is published; nothing before (Streamlit's AppTest, a real SQLite file)."""

from __future__ import annotations

import pytest

from assess.services import decisions, jury
from tests.jury.helpers import apply, close, make_juror, make_round, score_all
from tests.services.helpers import make_project
from tests.ui.conftest import app_for, people, ui_database  # noqa: F401 (fixtures)
from tests.ui.test_teacher_pages import no_exception

pytestmark = pytest.mark.xdist_group("ui")

TITLE = "Rivers of Europe"
LETTER, CERTIFICATE = "Download the letter (PDF)", "Download the certificate (PDF)"


def decided_round(session, everyone, *, level: int, outcome: str | None = None) -> int:
    co_juror = make_juror(session, "bo.cojuror@example.org")
    made = make_round(session, office=everyone.admin)
    application = apply(session, teacher=everyone.teacher, round_id=made.id,
                        project_id=make_project(session, owner=everyone.teacher, title=TITLE).id)
    close(session, made.id)
    for juror in (everyone.juror, co_juror):
        jury.assign_juror(session, actor=everyone.admin, application_id=application.id, juror_id=juror.id)
        score_all(session, juror=juror, application_id=application.id, level=level, comment="A comment")
    decisions.stage_decision(session, actor=everyone.admin, application_id=application.id,
                             **({"outcome": outcome} if outcome else {}))
    return made.id


def buttons(at) -> dict[str, object]:
    return {b.label: b for b in at.download_button}


def test_the_letter_and_the_certificate_once_published(app_for, people, ui_database):  # noqa: F811
    with ui_database.begin() as session:
        round_id = decided_round(session, people, level=4)
    before = no_exception(app_for(people.teacher, page="applications"))
    assert LETTER not in buttons(before) and CERTIFICATE not in buttons(before)

    with ui_database.begin() as session:
        decisions.publish_round(session, actor=people.admin, round_id=round_id)
    after = no_exception(app_for(people.teacher, page="applications"))
    assert {LETTER, CERTIFICATE} <= set(buttons(after))
    french = no_exception(app_for(people.teacher, page="applications", lang="fr"))
    assert {"Télécharger la lettre (PDF)", "Télécharger le certificat (PDF)"} <= set(buttons(french))


def test_a_refusal_has_its_letter_and_no_certificate(app_for, people, ui_database):  # noqa: F811
    with ui_database.begin() as session:
        round_id = decided_round(session, people, level=1, outcome="no_label")
        decisions.publish_round(session, actor=people.admin, round_id=round_id)
    at = no_exception(app_for(people.teacher, page="applications"))
    assert LETTER in buttons(at) and CERTIFICATE not in buttons(at)
