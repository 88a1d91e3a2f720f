"""The purge: what is past its retention period goes, in short transactions, after a dry
run that lists it and changes nothing. Never a response, an application or a decision."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from assess.domain.permissions import PermissionDenied
from assess.services import privacy, settings, web_sessions
from assess.storage.db import reading, writing
from assess.storage.models import (
    Application,
    AuditLog,
    Decision,
    JurorScore,
    SignInThrottle,
    SurveyCode,
    SurveyDraft,
    SurveyImport,
    SurveyResponse,
    WebSession,
    utcnow,
)
from tests.privacy.helpers import make_world

NOW = utcnow()
OLD, RECENT = "old", "recent"


def months_ago(months: int):
    return privacy.months_before(NOW, months)


@pytest.fixture
def world(session):
    """The world of the other tests, plus one old and one recent row of each kind the purge
    knows, and a response, an application and a decision from long ago."""
    made = make_world(session)
    codes = session.scalars(select(SurveyCode.id).order_by(SurveyCode.id)).all()
    campaign_id = session.get(SurveyCode, codes[0]).campaign_id
    session.add_all([
        SurveyDraft(code_id=codes[0], answers={"child-talked": 4}, updated_at=months_ago(13)),
        SurveyDraft(code_id=codes[1], answers={"child-talked": 2}, updated_at=months_ago(1)),
        SurveyImport(campaign_id=campaign_id, file_name="old.csv", file_format="csv", rows_imported=5, rows_skipped=0,
                     rows_repeated=0, created_at=months_ago(30)),
        SurveyImport(campaign_id=campaign_id, file_name="new.csv", file_format="csv", rows_imported=5, rows_skipped=0,
                     rows_repeated=0, created_at=months_ago(2)),
        WebSession(token_hash="a" * 64, user_id=made.marie.id, created_at=NOW - timedelta(days=9),
                   expires_at=NOW - timedelta(days=2), last_seen_at=NOW - timedelta(days=3)),
        WebSession(token_hash="b" * 64, user_id=made.marie.id, created_at=NOW - timedelta(hours=1),
                   expires_at=NOW + timedelta(days=6), last_seen_at=NOW - timedelta(minutes=1)),
        SignInThrottle(key_hash="c" * 64, failures=3, last_failure_at=NOW - timedelta(hours=2)),
        SignInThrottle(key_hash="d" * 64, failures=3, last_failure_at=NOW - timedelta(minutes=5)),
        AuditLog(action="user.sign_in", entity_type="user", entity_id="1", at=months_ago(40), details={}),
        AuditLog(action="user.sign_in", entity_type="user", entity_id="1", at=months_ago(35), details={}),
        SurveyResponse(campaign_id=campaign_id, submitted_month=date(2019, 1, 1), source="web"),
    ])
    for application in session.scalars(select(Application)):
        application.submitted_at = months_ago(60)
    for decision in session.scalars(select(Decision)):
        decision.staged_at = months_ago(60)
    session.commit()
    return made


def counts(session) -> dict[str, int]:
    models = {"drafts": SurveyDraft, "imports": SurveyImport, "sessions": WebSession, "throttles": SignInThrottle,
              "audit": AuditLog, "responses": SurveyResponse, "applications": Application, "decisions": Decision,
              "scores": JurorScore}
    return {name: session.scalar(select(func.count()).select_from(model)) for name, model in models.items()}


def test_the_dry_run_lists_what_would_go_and_changes_nothing(session_factory, world):
    with reading(session_factory) as session:
        before = counts(session)
        report = privacy.purge_report(session, actor=world.office, now=NOW)
    assert report.counts() == {"survey_drafts": 1, "survey_imports": 1, "web_sessions": 1, "sign_in_throttles": 1,
                               "audit_log": 1}
    assert (report.retention_months, report.audit_retention_months) == (12, 36)
    by_kind = {kind.kind: kind for kind in report.kinds}
    assert by_kind["survey_drafts"].by_age == {"12-24": 1}
    assert by_kind["survey_imports"].by_age == {"24-36": 1}
    assert by_kind["audit_log"].by_age == {"36+": 1}
    assert by_kind["survey_drafts"].oldest == months_ago(13)
    with reading(session_factory) as session:
        assert counts(session) == before


def test_the_purge_deletes_exactly_what_is_old(session_factory, world):
    with reading(session_factory) as session:
        before = counts(session)
    done = privacy.purge(session_factory, actor=world.office, now=NOW)
    assert done.total == 5 and not done.dry_run
    with reading(session_factory) as session:
        after = counts(session)
        assert session.scalars(select(SurveyDraft.answers)).all() == [{"child-talked": 2}]
        assert session.scalars(select(SurveyImport.file_name)).all() == ["new.csv"]
        assert session.scalars(select(WebSession.token_hash)).all() == ["b" * 64]
        assert session.scalars(select(SignInThrottle.key_hash)).all() == ["d" * 64]
        assert session.scalar(select(func.min(AuditLog.at))) == months_ago(35)
        [entry] = session.scalars(select(AuditLog).where(AuditLog.action == "privacy.purge")).all()
        assert entry.details == {"deleted": {"survey_drafts": 1, "survey_imports": 1, "web_sessions": 1,
                                             "sign_in_throttles": 1, "audit_log": 1},
                                 "retention_months": 12, "audit_retention_months": 36}
    expected = dict(before, drafts=before["drafts"] - 1, imports=before["imports"] - 1, sessions=before["sessions"] - 1,
                    throttles=before["throttles"] - 1, audit=before["audit"] - 1 + 1)  # + the purge's own entry
    assert after == expected, "responses, applications, decisions and scores are never purged"
    with reading(session_factory) as session:
        assert privacy.purge_report(session, actor=world.office, now=NOW).total == 0


def test_many_rows_go_in_several_short_transactions(session_factory, world, monkeypatch):
    monkeypatch.setattr(privacy, "BATCH", 2)
    with writing(session_factory) as session:
        session.add_all(AuditLog(action="user.sign_in", entity_type="user", entity_id=str(n), at=months_ago(50),
                                 details={}) for n in range(7))
    seen = []
    done = privacy.purge(session_factory, actor=world.office, now=NOW,
                         progress=lambda kind, deleted: seen.append((kind, deleted)))
    assert done.counts()["audit_log"] == 8
    assert [d for kind, d in seen if kind == "audit_log"] == [2, 4, 6, 8]


def test_the_retention_is_the_offices_setting(session_factory, world):
    with writing(session_factory) as session:
        settings.put_many(session, actor=world.office, values={"retention_months": 24, "audit_retention_months": 48})
    with reading(session_factory) as session:
        report = privacy.purge_report(session, actor=world.office, now=NOW)
    assert report.counts() == {"survey_drafts": 0, "survey_imports": 1, "web_sessions": 1, "sign_in_throttles": 1,
                               "audit_log": 0}


def test_only_the_office_purges(session_factory, world):
    with reading(session_factory) as session, pytest.raises(PermissionDenied):
        privacy.purge_report(session, actor=world.marie)
    with pytest.raises(PermissionDenied):
        privacy.purge(session_factory, actor=world.juror)
    with reading(session_factory) as session:
        assert session.scalar(select(func.count()).select_from(SurveyDraft)) == 2


def test_months_are_calendar_months():
    from datetime import UTC, datetime

    assert privacy.months_before(datetime(2026, 3, 31, 12, tzinfo=UTC), 1) == datetime(2026, 2, 28, 12, tzinfo=UTC)
    assert privacy.months_before(datetime(2026, 1, 15, tzinfo=UTC), 13) == datetime(2024, 12, 15, tzinfo=UTC)
    assert timedelta(days=3) > web_sessions.IDLE_TIMEOUT  # the expired session above is dead by idleness too
