"""How answers were collected (codes, link, import and its tool), how many each way, and the
responses that arrived in bursts: for the teacher, the office and the application's jurors."""

from __future__ import annotations

from datetime import timedelta

import pytest

from assess.services import collection, jury, link_guard, responding, survey_imports
from assess.services.errors import NotFound
from assess.storage.models import utcnow
from tests.imports.helpers import sample
from tests.jury.helpers import apply, make_juror, make_office, make_round
from tests.services.helpers import families_answers, public_link_token
from tests.survey_results.helpers import FAMILIES, make_campaign, make_user, respond_with_codes


@pytest.fixture
def collected(session, session_factory, teacher, project):
    """Families: 5 by codes, 23 by a public link (21 of them in one minute: a burst), and
    the 3 rows of a Google Forms export that are kept."""
    codes = make_campaign(session, owner=teacher, project=project)
    respond_with_codes(session, teacher, codes, FAMILIES)
    link = make_campaign(session, owner=teacher, project=project, mode="link")
    token = public_link_token(session, owner=teacher, campaign_id=link.id)
    minute = utcnow().replace(second=1)
    for index in range(23):
        now = minute + timedelta(minutes=5) if index >= 2 else minute  # 2, then 21 in one minute
        assert responding.submit_with_link(session, token=token, nonce=f"page-{index}", answers=families_answers(),
                                           language="fr", browser_id=link_guard.new_browser_id(session), now=now).stored
    session.commit()
    upload = survey_imports.read_upload(file_name="google-families-en.csv", data=sample("google-families-en.csv"))
    report = survey_imports.import_upload(session_factory, actor=teacher, project_id=project.id, audience="families",
                                          upload=upload)
    assert report.rows_imported == 3
    session.expire_all()
    return project


def test_the_teacher_reads_each_way_and_the_bursts(session, teacher, collected):
    found = collection.project_collection(session, actor=teacher, project_id=collected.id)
    assert [(w.audience, w.way, w.tool, w.responses) for w in found.ways] == [
        ("families", "codes", None, 5), ("families", "link", None, 23), ("families", "import", "google", 3)]
    link = found.ways[1]
    assert (link.in_bursts, link.several_per_device) == (21, False)
    assert (found.responses, found.in_bursts) == (31, 21)


def test_a_link_allowing_several_responses_per_device_says_so(session, teacher, project):
    link = make_campaign(session, owner=teacher, project=project, mode="link")
    link_guard.set_one_response_per_device(session, actor=teacher, campaign_id=link.id, one_per_device=False)
    token = public_link_token(session, owner=teacher, campaign_id=link.id)
    assert responding.submit_with_link(session, token=token, nonce="n", answers=families_answers(), language="fr").stored
    (way,) = collection.project_collection(session, actor=teacher, project_id=project.id).ways
    assert (way.way, way.responses, way.several_per_device) == ("link", 1, True)


def test_the_office_reads_it_and_another_teacher_does_not(session, teacher, collected):
    office = make_office(session)
    assert collection.project_collection(session, actor=office, project_id=collected.id).responses == 31
    stranger = make_user(session, email="jonas@example.org")
    with pytest.raises(NotFound):
        collection.project_collection(session, actor=stranger, project_id=collected.id)


def test_an_assigned_juror_reads_it_for_the_application_and_no_other_juror_does(session, teacher, collected):
    office = make_office(session)
    round_ = make_round(session, office=office)
    application = apply(session, teacher=teacher, round_id=round_.id, project_id=collected.id)
    juror = make_juror(session, "juror@example.org")
    other = make_juror(session, "other.juror@example.org")
    jury.assign_juror(session, actor=office, application_id=application.id, juror_id=juror.id)
    found = collection.application_collection(session, actor=juror, application_id=application.id)
    assert (found.responses, found.in_bursts) == (31, 21)
    with pytest.raises(NotFound):
        collection.application_collection(session, actor=other, application_id=application.id)
