"""Slips lost or printed with a wrong address: the campaign's unused codes are voided and as
many new ones issued, shown once; the old slips say they were replaced, answers already
sent stay, and participation counts only codes that can still be answered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from assess import clock
from assess.domain.permissions import Actor
from assess.services import campaigns, responding, survey_results
from assess.services import national as statistics
from assess.services.errors import InvalidInput, NotFound
from assess.services.responding import VisitStatus
from assess.storage.models import AuditLog, SurveyCode, SurveyDraft, SurveyResponse, SurveyVoidedCode
from tests.services.helpers import families_answers, make_campaign, make_user


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def campaign_with_slips(session, teacher, project):
    """A codes campaign of 8 slips: 3 answered, 1 half answered (a draft), 4 not touched."""
    campaign = make_campaign(session, owner=teacher, project=project)
    codes = campaigns.issue_codes(session, actor=teacher, campaign_id=campaign.id, count=8)
    for code in codes[:3]:
        assert responding.submit_with_code(session, code=code, answers=families_answers(), language="fr").stored
    responding.save_draft(session, code=codes[3], answers={"child-talked": 4}, language="fr")
    session.commit()
    return campaign, codes


def test_unused_codes_are_voided_and_as_many_new_ones_issued(session, teacher, campaign_with_slips):
    campaign, old = campaign_with_slips
    new = campaigns.reissue_codes(session, actor=teacher, campaign_id=campaign.id)
    session.commit()

    assert len(new) == len(set(new)) == 5 and not set(new) & set(old)
    assert all(responding.visit_by_code(session, code=code).status is VisitStatus.OPEN for code in new)
    # The old slips: answered ones still say so, the others say they were replaced.
    assert [responding.visit_by_code(session, code=code).status for code in old] == [VisitStatus.USED] * 3 + [
        VisitStatus.VOIDED] * 5
    refused = responding.submit_with_code(session, code=old[4], answers=families_answers(), language="fr")
    assert (refused.stored, refused.status) == (False, VisitStatus.VOIDED)
    assert responding.save_draft(session, code=old[5], answers={"child-talked": 4}, language="fr") == ()
    assert count(session, SurveyDraft) == 0, "the draft of the voided code is gone"
    assert count(session, SurveyResponse) == 3, "answers already sent are kept"
    # Hashes only, in both tables.
    stored = set(session.scalars(select(SurveyCode.code_hash))) | set(session.scalars(select(SurveyVoidedCode.code_hash)))
    assert not stored & ({*old, *new} | {campaigns.normalise_code(c) for c in [*old, *new]})
    assert {campaigns.hash_code(c) for c in old[3:]} == set(session.scalars(select(SurveyVoidedCode.code_hash)))
    # A typo is still a typo, not a replaced code.
    assert responding.visit_by_code(session, code="AAAAA-AAAAA").status is VisitStatus.UNKNOWN


def test_participation_does_not_count_voided_codes(session, teacher, project, campaign_with_slips):
    campaign, _ = campaign_with_slips
    campaigns.reissue_codes(session, actor=teacher, campaign_id=campaign.id)
    session.commit()
    (summary,) = campaigns.list_campaigns(session, actor=teacher, project_id=project.id)
    assert (summary.codes_issued, summary.codes_used) == (8, 3)
    families = survey_results.project_results(session, actor=teacher, project_id=project.id).audience("families")
    assert (families.codes_issued, families.codes_used) == (8, 3)
    national = {p.audience: p for p in statistics.survey_participation(session, actor=Actor.system())}
    assert (national["families"].codes_issued, national["families"].codes_used) == (8, 3)


def test_reissuing_is_recorded_in_the_audit_log(session, teacher, campaign_with_slips):
    campaign, _ = campaign_with_slips
    campaigns.reissue_codes(session, actor=teacher, campaign_id=campaign.id)
    session.commit()
    entry = session.scalar(select(AuditLog).where(AuditLog.action == "survey.codes_reissue"))
    assert (entry.actor_id, entry.entity_id, entry.details) == (teacher.id, str(campaign.id), {"voided": 5, "issued": 5})


def test_only_the_projects_teacher_and_the_office_reissue(session, teacher, campaign_with_slips):
    campaign, old = campaign_with_slips
    other = make_user(session, email="jonas@example.org")
    with pytest.raises(NotFound):
        campaigns.reissue_codes(session, actor=other, campaign_id=campaign.id)
    assert responding.visit_by_code(session, code=old[7]).status is VisitStatus.OPEN, "nothing voided"
    assert len(campaigns.reissue_codes(session, actor=Actor.system(), campaign_id=campaign.id)) == 5


def test_nothing_to_reissue_is_refused_in_words(session, teacher, project):
    link = make_campaign(session, owner=teacher, project=project, mode="link")
    with pytest.raises(InvalidInput) as refused:
        campaigns.reissue_codes(session, actor=teacher, campaign_id=link.id)
    assert refused.value.errors[0].key == "errors.survey.codes_mode"

    answered = make_campaign(session, owner=teacher, project=project)
    (code,) = campaigns.issue_codes(session, actor=teacher, campaign_id=answered.id, count=1)
    assert responding.submit_with_code(session, code=code, answers=families_answers(), language="en").stored
    with pytest.raises(InvalidInput) as refused:
        campaigns.reissue_codes(session, actor=teacher, campaign_id=answered.id)
    assert refused.value.errors[0].key == "errors.survey.nothing_to_reissue"

    closed = make_campaign(session, owner=teacher, project=project)
    (kept,) = campaigns.issue_codes(session, actor=teacher, campaign_id=closed.id, count=1)
    campaigns.close_campaign(session, actor=teacher, campaign_id=closed.id)
    with pytest.raises(InvalidInput) as refused:
        campaigns.reissue_codes(session, actor=teacher, campaign_id=closed.id)
    assert refused.value.errors[0].key == "errors.survey.reissue_closed"
    assert session.scalar(select(SurveyCode.code_hash).where(SurveyCode.campaign_id == closed.id)) == \
        campaigns.hash_code(kept)


def test_a_campaign_not_yet_open_can_be_reissued(session, teacher, project):
    today = clock.today()
    later = campaigns.create_campaign(
        session, actor=teacher, project_id=project.id, audience="families", mode="codes", languages=["fr"],
        opens_on=today + timedelta(days=3), closes_on=today + timedelta(days=10),
    )
    campaigns.issue_codes(session, actor=teacher, campaign_id=later.id, count=2)
    assert len(campaigns.reissue_codes(session, actor=teacher, campaign_id=later.id)) == 2


def test_codes_sent_while_they_are_replaced_are_either_answered_or_voided(session, session_factory, teacher, project):
    """Respondents sending at the instant the teacher replaces the slips: each old code ends
    answered (its response stored) or voided (nothing stored), never both, never neither.
    Eight of twelve send: the replacement always finds unused codes."""
    from tests.services.test_surveys import run_together

    campaign = make_campaign(session, owner=teacher, project=project)
    old = campaigns.issue_codes(session, actor=teacher, campaign_id=campaign.id, count=12)
    session.commit()
    results = run_together(session_factory, [
        *[(lambda own, code=code: responding.submit_with_code(own, code=code, answers=families_answers(),
                                                               language="fr")) for code in old[:8]],
        lambda own: campaigns.reissue_codes(own, actor=teacher, campaign_id=campaign.id),
    ])
    *sent, new = results
    session.expire_all()
    answered = {code for code, result in zip(old[:8], sent, strict=True) if result.stored}
    statuses = {code: responding.visit_by_code(session, code=code).status for code in old}
    assert {code for code, status in statuses.items() if status is VisitStatus.USED} == answered
    assert {code for code, status in statuses.items() if status is VisitStatus.VOIDED} == set(old) - answered
    assert len(new) == 12 - len(answered) and count(session, SurveyResponse) == len(answered)
    assert {r.status for r in sent if not r.stored} <= {VisitStatus.USED, VisitStatus.VOIDED}
