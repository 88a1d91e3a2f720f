"""The decisions list at scale: searched by the database (school, teacher, id), and the
proposals of a filtered list staged at once after a confirmation, audited one by one."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assess.services import decisions
from assess.storage.models import AuditLog
from tests.ui import test_office_jury_pages as jury_pages
from tests.ui.test_office_jury_pages import click, texts
from tests.ui.test_teacher_pages import no_exception

pytestmark = pytest.mark.xdist_group("ui")
applied, scored = jury_pages.applied, jury_pages.scored  # the same round, scored (fixtures)


def test_the_office_finds_applications_by_teacher_or_school(app_for, people, scored):
    second = scored["applications"][1]
    at = no_exception(app_for(people.admin, page="decisions"))
    at.text_input(key="decisions_find").set_value("JONAS")  # the teacher of the second
    at = no_exception(at.run())
    assert [e.label.split(":")[0] for e in at.expander] == [f"Application {second}"]
    at.text_input(key="decisions_find").set_value("jean jaurès")  # both teachers' school
    at = no_exception(at.run())
    assert len(at.expander) == 2


def test_the_proposals_of_the_filtered_list_are_staged_after_a_confirmation(app_for, people, scored, ui_database):
    second = scored["applications"][1]
    at = no_exception(app_for(people.admin, page="decisions"))
    at.text_input(key="decisions_find").set_value("rivers")
    at = no_exception(at.run())
    at = click(at, "stage_shown")
    assert any("Stage the proposal of the 1 application shown?" in w for w in texts(at.warning))
    with ui_database() as session:
        assert decisions.list_staged(session, actor=people.admin, round_id=scored["round"]) == []
    at = click(at, "stage_shown_yes")
    with ui_database() as session:
        staged = decisions.list_staged(session, actor=people.admin, round_id=scored["round"])
        assert [s.application_id for s in staged] == [second]
        audited = session.scalars(select(AuditLog.entity_id).where(AuditLog.action == "decision.stage")).all()
        assert [str(a) for a in audited] == [str(second)]
