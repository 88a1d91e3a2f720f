"""The logs carry no personal data: a whole survey runs through the real code path with
every logger at DEBUG (the root, SQLAlchemy's engine and pool, Alembic, Streamlit...), and
no record holds a respondent's code, a link token, an answer's free text, an e-mail
address, a password or a session cookie. Logs are kept longer and seen by more people
(hosting staff, a log service) than the database: what they hold must not need protecting."""

from __future__ import annotations

import logging
import traceback
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import streamlit.logger as streamlit_logger
from streamlit.testing.v1 import AppTest

from assess import clock
from assess.domain.permissions import Actor
from assess.services import (
    accounts,
    campaigns,
    link_guard,
    projects,
    responding,
    settings,
    sign_in,
    survey_imports,
    web_sessions,
)
from assess.storage import db
from assess.storage.models import utcnow
from tests.imports.helpers import FAMILIES_EN
from tests.services.helpers import families_answers, project_fields
from tests.ui.conftest import ROOT
from tests.ui.test_respond_page import DONT_KNOW, answer, respondent, send
from tests.ui.test_sign_in_page import submit

TEACHER_EMAIL = "claire.fontaine@example.org"
TEACHER_PASSWORD = "Vert-Pomme-Sous-La-Pluie-42"
WRONG_PASSWORD = "Rouge-Cerise-Au-Soleil-17"
IMPORTED_EMAIL = "anne.martin@example.net"
EMAIL_IN_A_COMMENT = "parent.secret@example.net"


@dataclass
class Captured(logging.Handler):
    """Every record any logger emits, whatever its level."""

    records: list[logging.LogRecord] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(logging.DEBUG)

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def __hash__(self) -> int:  # a dataclass is unhashable; logging keeps handlers in sets
        return id(self)


@pytest.fixture
def every_log() -> Iterator[Captured]:
    """Every logger at DEBUG, the root's records and those of loggers that do not pass
    theirs on (Streamlit's) captured, warnings included; all put back afterwards."""
    captured = Captured()
    loggers = [logging.getLogger(), *(logger for logger in logging.root.manager.loggerDict.values()
                                      if isinstance(logger, logging.Logger))]
    for name in ("sqlalchemy", "sqlalchemy.engine", "sqlalchemy.pool", "sqlalchemy.orm", "alembic", "streamlit",
                 "assess", "psycopg", "argon2", "openpyxl", "weasyprint", "py.warnings"):
        logger = logging.getLogger(name)
        if logger not in loggers:
            loggers.append(logger)
    saved = [(logger, logger.level, logger.disabled) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
        if logger is logging.root or not logger.propagate:
            logger.addHandler(captured)
    logging.captureWarnings(True)
    # Streamlit's loggers made from now on take this level, and do not pass records on:
    # each gets our handler as it is made (streamlit.logger.get_logger).
    streamlit_level = streamlit_logger._global_log_level
    streamlit_logger.set_log_level(logging.DEBUG)
    made = streamlit_logger.get_logger

    def get_logger(name: str) -> logging.Logger:
        logger = made(name)
        logger.addHandler(captured)
        if logger not in loggers:
            saved.append((logger, streamlit_level, logger.disabled))
        return logger

    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(streamlit_logger, "get_logger", get_logger)
            yield captured
    finally:
        streamlit_logger.set_log_level(streamlit_level)
        logging.captureWarnings(False)
        for logger, level, disabled in saved:
            logger.setLevel(level)
            logger.disabled = disabled
            logger.removeHandler(captured)


def text_of(record: logging.LogRecord) -> str:
    """All a log line could show: the message with its values, the raw arguments, the
    traceback and any extra attributes."""
    try:
        message = record.getMessage()
    except Exception:  # a broken format: the parts themselves are still written somewhere
        message = f"{record.msg} {record.args!r}"
    parts = [message, repr(record.args), str(record.msg)]
    if record.exc_info and record.exc_info[1] is not None:
        parts.append("".join(traceback.format_exception(*record.exc_info)))
    if record.exc_text:
        parts.append(record.exc_text)
    if record.stack_info:
        parts.append(record.stack_info)
    standard = set(vars(logging.makeLogRecord({})))
    parts.extend(repr(value) for key, value in vars(record).items() if key not in standard)
    return "\n".join(parts)


def families_csv(*, comment: str) -> bytes:
    """A Google Forms export of the families questionnaire: an e-mail column (never stored)
    and a comment holding an e-mail address."""
    headers = ["Timestamp", "Email Address", *FAMILIES_EN]
    row = ["2025/10/03 9:41:12 AM GMT+2", IMPORTED_EMAIL, "Strongly agree", "Agree", "Agree", "Agree", "Neutral",
           "I don't know", "Agree", "From my child", comment]
    quoted = (",".join(f'"{v}"' for v in line) for line in (headers, row))
    return ("\n".join(quoted) + "\n").encode()


def run_a_whole_survey(url: str) -> dict[str, str]:
    """What a teacher, their pupils' families and the office do in a survey campaign, on a
    new engine made while every logger is at DEBUG; returns the personal values used."""
    secrets = {"teacher's e-mail": TEACHER_EMAIL, "password": TEACHER_PASSWORD, "wrong password": WRONG_PASSWORD,
               "imported e-mail": IMPORTED_EMAIL, "e-mail in a comment": EMAIL_IN_A_COMMENT}
    engine = db.make_engine(url)
    sessions = db.make_session_factory(engine)
    try:
        settings.make_secret_key(sessions)
        with db.writing(sessions) as session:
            user = accounts.create_user(session, actor=Actor.system(), email=TEACHER_EMAIL, display_name="Claire F.",
                                        roles={"teacher"}, password=TEACHER_PASSWORD)
            teacher = accounts.actor_of(user)
        # Sign-in: once with a wrong password (a refusal, counted), then rightly.
        assert sign_in.sign_in(sessions, email=TEACHER_EMAIL, password=WRONG_PASSWORD, client="192.0.2.44").actor \
            is None
        assert sign_in.sign_in(sessions, email=TEACHER_EMAIL.upper(), password=TEACHER_PASSWORD,
                               client="192.0.2.44").actor is not None
        with db.writing(sessions) as session:
            secrets["session cookie"] = web_sessions.start(session, user_id=user.id).cookie
            assert web_sessions.user_for(session, cookie=secrets["session cookie"]) is not None

        with db.writing(sessions) as session:
            project = projects.create_project(session, actor=teacher, raw=project_fields())
            opens_on, closes_on = clock.today() - timedelta(days=1), clock.today() + timedelta(days=30)
            by_code = campaigns.create_campaign(session, actor=teacher, project_id=project.id, audience="families",
                                                mode="codes", languages=["fr", "en"], opens_on=opens_on,
                                                closes_on=closes_on)
            codes = campaigns.issue_codes(session, actor=teacher, campaign_id=by_code.id, count=3)
            by_link = campaigns.create_campaign(session, actor=teacher, project_id=project.id, audience="families",
                                                mode="link", languages=["fr", "en"], opens_on=opens_on,
                                                closes_on=closes_on)
            token = campaigns.public_link(session, actor=teacher, campaign_id=by_link.id).split("?survey=", 1)[1]
            (secrets["code slip link"],) = campaigns.slip_links(session, actor=teacher, campaign_id=by_code.id,
                                                                codes=codes[:1])
        secrets |= {f"code {n}": code for n, code in enumerate(codes)}
        secrets |= {f"code {n} as typed": campaigns.format_code(code) for n, code in enumerate(codes)}
        secrets["link token"] = token

        # A family answers by code: visits, saves a draft, comes back, sends.
        draft_text = "Notre fils Léon en parle tous les soirs au dîner"
        sent_text = "Merci à Mme Fontaine, Léon a adoré les lettres de Cracovie"
        secrets |= {"draft's free text": draft_text, "answer's free text": sent_text}
        with db.writing(sessions) as session:
            assert responding.visit_by_code(session, code=campaigns.format_code(codes[0])).status.name == "OPEN"
            responding.save_draft(session, code=codes[0], answers={"child-talked": 5, "comment": draft_text},
                                  language="fr")
        with db.writing(sessions) as session:
            assert responding.visit_by_code(session, code=codes[0]).draft
            assert responding.submit_with_code(session, code=codes[0], answers=families_answers(comment=sent_text),
                                               language="fr").stored
        with db.writing(sessions) as session:  # the same code again, and a code that does not exist
            assert not responding.submit_with_code(session, code=codes[0], answers=families_answers(),
                                                   language="fr").stored
            secrets["mistyped code"] = "ZZZZ-9999-QQQQ"
            assert not responding.submit_with_code(session, code=secrets["mistyped code"],
                                                   answers=families_answers(), language="fr").stored
        # A family answers by the public link, one with an invalid answer first.
        link_text = "Écrivez-moi : " + EMAIL_IN_A_COMMENT
        secrets["link answer's free text"] = link_text
        with db.writing(sessions) as session:
            browser = link_guard.new_browser_id(session)
            secrets["browser id"] = browser
            assert responding.visit_by_link(session, token=token, browser_id=browser).status.name == "OPEN"
            refused = responding.submit_with_link(session, token=token, nonce=uuid.uuid4().hex, browser_id=browser,
                                                  answers=families_answers(**{"child-talked": 9, "comment": link_text}),
                                                  language="en", now=utcnow())
            assert not refused.stored
            assert responding.submit_with_link(session, token=token, nonce=uuid.uuid4().hex, browser_id=browser,
                                               answers=families_answers(comment=link_text), language="en",
                                               now=utcnow()).stored

        # The teacher imports a form's export whose comment holds an e-mail address.
        imported_text = f"Contact me at {EMAIL_IN_A_COMMENT} about the trip"
        secrets["imported free text"] = imported_text
        upload = survey_imports.read_upload(file_name="families.csv", data=families_csv(comment=imported_text))
        report = survey_imports.import_upload(sessions, actor=teacher, project_id=project.id, audience="families",
                                              upload=upload)
        assert report.stored and report.rows_imported == 1, report.skipped
    finally:
        engine.dispose()
    return secrets


def test_the_logs_of_a_whole_survey_hold_no_personal_data(database_url: str, every_log: Captured):
    secrets = run_a_whole_survey(database_url)

    assert every_log.records, "the capture works: SQLAlchemy alone logs every statement at INFO"
    assert any(r.name.startswith("sqlalchemy.engine") for r in every_log.records)
    leaks = [
        f"{what} in {record.name} ({record.levelname}): {text_of(record)[:300]!r}"
        for record in every_log.records
        for what, value in secrets.items()
        if value.lower() in text_of(record).lower()
    ]
    assert not leaks, "personal data in the logs:\n" + "\n".join(leaks[:20])


@pytest.mark.xdist_group("ui")
def test_the_logs_of_the_pages_hold_no_personal_data(sqlite_database_url: str, monkeypatch, every_log: Captured):
    """The same through the app's pages (Streamlit's AppTest): a wrong password on the
    sign-in page, then a family answering with a code, a draft saved as they go."""
    monkeypatch.setenv("ASSESS_DATABASE_URL", sqlite_database_url)
    engine = db.make_engine(sqlite_database_url)
    sessions = db.make_session_factory(engine)
    try:
        settings.make_secret_key(sessions)
        with db.writing(sessions) as session:
            office = accounts.create_first_admin(session, email="office@example.org", display_name="Office",
                                                 password=TEACHER_PASSWORD + "-office")
            teacher = accounts.actor_of(accounts.create_user(
                session, actor=office, email=TEACHER_EMAIL, display_name="Claire F.", roles={"teacher"},
                password=TEACHER_PASSWORD))
            project = projects.create_project(session, actor=teacher, raw=project_fields())
            campaign = campaigns.create_campaign(
                session, actor=teacher, project_id=project.id, audience="families", mode="codes",
                languages=["fr", "en"], opens_on=clock.today() - timedelta(days=1),
                closes_on=clock.today() + timedelta(days=30))
            [code] = campaigns.issue_codes(session, actor=teacher, campaign_id=campaign.id, count=1)
    finally:
        engine.dispose()
    comment = "Léon a adoré les lettres de Cracovie, écrivez à " + EMAIL_IN_A_COMMENT
    secrets = {"teacher's e-mail": TEACHER_EMAIL, "password": TEACHER_PASSWORD, "wrong password": WRONG_PASSWORD,
               "code": code, "code as typed": campaigns.format_code(code), "answer's free text": comment,
               "e-mail in a comment": EMAIL_IN_A_COMMENT}

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["lang"] = "en"
    at.run()
    at = submit(at, TEACHER_EMAIL, WRONG_PASSWORD)
    assert at.error, "the wrong password was refused"

    at = respondent(code=campaigns.format_code(code))
    at = answer(at, code, {"child-talked": 5, "learned-other-countries": 4, "project-visible": DONT_KNOW,
                           "heard-about": "event", "comment": comment})
    at = send(at)
    assert [t.value for t in at.title] == ["Your answers are sent"]

    leaks = [
        f"{what} in {record.name} ({record.levelname}): {text_of(record)[:300]!r}"
        for record in every_log.records
        for what, value in secrets.items()
        if value.lower() in text_of(record).lower()
    ]
    assert any(r.name.startswith("streamlit") for r in every_log.records), "Streamlit's own loggers are captured"
    assert not leaks, "personal data in the logs:\n" + "\n".join(leaks[:20])
