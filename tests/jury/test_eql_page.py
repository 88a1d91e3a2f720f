"""The European label page: the office confirms the proposals, overrides one with a
reason, and downloads the nominations."""

from __future__ import annotations

import pytest

from assess.services import eql
from tests.jury.helpers import apply, decide_round, make_juror, make_round
from tests.services.helpers import make_project
from tests.ui.conftest import app_for, people, ui_database  # noqa: F401  (fixtures)
from tests.ui.test_office_jury_pages import submit, texts
from tests.ui.test_teacher_pages import no_exception

pytestmark = pytest.mark.xdist_group("ui")


@pytest.fixture
def eligible(ui_database, people):  # noqa: F811
    with ui_database.begin() as session:
        jurors = {j.id: j for j in (make_juror(session, "second.juror@example.org"), people.juror)}
        made = make_round(session, office=people.admin, name="Labels 2026")
        apps = [apply(session, teacher=t, round_id=made.id,
                      project_id=make_project(session, owner=t, title=title).id)
                for t, title in ((people.teacher, "Stars over Europe"), (people.other_teacher, "Rivers of Europe"))]
        decide_round(session, round_id=made.id, jurors=jurors, levels={apps[0].id: 5, apps[1].id: 4})
        for a in apps:
            eql.record_partner_label(session, actor=people.admin, project_id=a.project_id, country="IE")
        return made.id, [a.id for a in apps]


def test_the_office_confirms_overrides_and_downloads(app_for, people, eligible, ui_database):  # noqa: F811
    round_id, (best, second) = eligible
    at = no_exception(app_for(people.admin, page="eql"))
    table = next(d.value for d in at.dataframe if "Office's decision" in d.value.columns)
    assert list(table["Application"]) == [best, second]
    assert list(table["Office's decision"]) == ["Proposed, to confirm", "Not proposed"]
    assert {b.label for b in at.get("download_button")} >= {"Nominations (CSV)", "Nominations (Excel)"}

    at.button(key="eql_confirm_all").click()
    at = no_exception(at.run())
    assert "1 proposal confirmed." in texts(at.success)

    at.selectbox(key="eql_decide_pick").set_value(second)
    at.radio(key="eql_decide_choice").set_value(True)
    at = submit(at, "Record the decision")
    assert any("Say why the office decides otherwise than the rules propose." in c for c in texts(at.caption))
    at.text_area(key="eql_decide_reason").input("Outstanding partnership")
    at = submit(at, "Record the decision")
    assert f"The decision on application #{second} is recorded." in texts(at.success)
    with ui_database.begin() as session:
        states = [(n.application_id, n.state, n.nominated) for n in
                  eql.nominations(session, actor=people.admin, round_id=round_id)]
    assert states == [(best, "confirmed", True), (second, "overridden", True)]
