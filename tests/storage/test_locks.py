"""Reading and writing units of work (assess.storage.db.reading / writing), on SQLite and
PostgreSQL: a long read never stops survey respondents or jurors from saving, a write
in a read is refused, and the database keeps no text it should not (NUL characters,
deleted rows, values in error messages)."""

from __future__ import annotations

import csv
import io
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from assess import clock
from assess.domain.permissions import Actor
from assess.services import campaigns, exports, jury, projects, responding, self_assessments
from assess.services.errors import InvalidInput
from assess.storage import db
from assess.storage.models import (
    AuditLog,
    JurorScore,
    Project,
    SelfAssessment,
    SurveyAnswer,
    SurveyDraft,
    SurveyResponse,
    User,
)
from tests.jury.helpers import CRITERIA, apply, close, make_juror, make_round
from tests.services.helpers import families_answers, make_campaign, make_project, make_user, project_fields

#: How long the long read holds (the issue's figure). The writers' work must end inside it.
HOLD_SECONDS = 30
SUBMISSIONS = 50
WRITER_THREADS = 5


def _survey_codes(session_factory, teacher: Actor, project_id: int) -> list[str]:
    with db.writing(session_factory) as session:
        project = session.get(Project, project_id)
        campaign = make_campaign(session, owner=teacher, project=project)
        return campaigns.issue_codes(session, actor=teacher, campaign_id=campaign.id, count=SUBMISSIONS)


def _juror_at_work(session_factory) -> tuple[Actor, int]:
    """A juror with an assignment in a closed round: (juror, assignment id)."""
    with db.writing(session_factory) as session:
        office = make_user(session, email="office@example.org", roles={"admin"})
        owner = make_user(session, email="owner@example.org")
        project = make_project(session, owner=owner, title="Rivers of Europe")
        round_ = make_round(session, office=office)
        application = apply(session, teacher=owner, round_id=round_.id, project_id=project.id)
        close(session, round_.id)
        juror = make_juror(session, "juror@example.org")
        jury.assign_juror(session, actor=office, application_id=application.id, juror_id=juror.id)
        assignment = jury.assignment_of(session, actor=juror, application_id=application.id)
        return juror, assignment.id


def test_a_long_read_does_not_stop_survey_answers_nor_jurors(session_factory, teacher, project):
    """While a read-only transaction stays open for HOLD_SECONDS (the statistics workbook
    takes about a minute at national scale), 50 survey submissions from several threads
    and a juror's saves all succeed, none of them waiting for the read."""
    codes = _survey_codes(session_factory, teacher, project.id)
    juror, assignment_id = _juror_at_work(session_factory)
    holding, reader_errors = threading.Event(), []

    def long_read() -> None:
        try:
            with db.reading(session_factory) as session:
                session.scalar(select(func.count(SurveyAnswer.id)))  # the snapshot is taken
                holding.set()
                time.sleep(HOLD_SECONDS)
                session.scalar(select(func.count(User.id)))
        except BaseException as error:  # reported in the test's thread
            reader_errors.append(error)
            holding.set()

    reader = threading.Thread(target=long_read)
    reader.start()
    assert holding.wait(10)
    started = time.monotonic()
    failures: list[BaseException] = []
    stored: list[bool] = []

    def submit(mine: list[str]) -> None:
        for code in mine:
            try:
                with db.writing(session_factory) as session:
                    stored.append(responding.submit_with_code(
                        session, code=code, answers=families_answers(comment="Merci"), language="fr").stored)
            except BaseException as error:
                failures.append(error)

    writers = [threading.Thread(target=submit, args=(codes[i::WRITER_THREADS],), daemon=True)
               for i in range(WRITER_THREADS)]
    for writer in writers:
        writer.start()
    for level, item in enumerate(CRITERIA):  # the juror saves meanwhile, criterion by criterion
        try:
            with db.writing(session_factory) as session:
                jury.save_score(session, actor=juror, assignment_id=assignment_id, item_id=item, level=level % 6,
                                comment=f"Seen for {item}.")
        except BaseException as error:
            failures.append(error)
    deadline = started + HOLD_SECONDS - 5  # all done well inside the read
    for writer in writers:
        writer.join(max(0.0, deadline - time.monotonic()))

    assert sorted({str(f).splitlines()[0] for f in failures}) == []
    assert not any(writer.is_alive() for writer in writers), "submissions still waiting"
    assert stored == [True] * SUBMISSIONS
    assert reader.is_alive(), f"the read ended before the writers did ({reader_errors})"
    reader.join(HOLD_SECONDS + 10)
    assert reader_errors == []
    with db.reading(session_factory) as session:
        assert session.scalar(select(func.count(SurveyResponse.id))) == SUBMISSIONS
        assert session.scalar(select(func.count(JurorScore.id)).where(
            JurorScore.assignment_id == assignment_id, JurorScore.comment.like("Seen for %"))) == len(CRITERIA)


def test_a_write_in_a_reading_transaction_is_refused(session_factory, teacher):
    with pytest.raises(DBAPIError, match=r"(?i)read-?only"), db.reading(session_factory) as session:
        projects.create_project(session, actor=teacher, raw=project_fields(title="Written while reading"))
    with pytest.raises(DBAPIError, match=r"(?i)read-?only"), db.reading(session_factory) as session:
        session.execute(text("UPDATE users SET display_name = 'changed'"))
    # The connection goes back to the pool writable: the next writing works, reads see it.
    with db.writing(session_factory) as session:
        projects.create_project(session, actor=teacher, raw=project_fields(title="Written while writing"))
    with db.reading(session_factory) as session:
        assert session.scalars(select(Project.title)).all() == ["Written while writing"]
        assert session.scalar(select(User.display_name).where(User.id == teacher.id)) != "changed"


def test_what_a_reading_transaction_read_stays_readable_after_it(session_factory, teacher):
    with db.reading(session_factory) as session:
        user = session.get(User, teacher.id)
    assert user.email == "claire@example.org"  # not expired by the end of the transaction


def test_on_sqlite_only_writing_takes_the_write_lock(sqlite_engine):
    statements: list[str] = []
    event.listen(sqlite_engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *args: statements.append(statement))
    factory = db.make_session_factory(sqlite_engine)
    with db.reading(factory) as session:
        session.scalar(select(func.count(User.id)))
    with db.writing(factory) as session:
        session.scalar(select(func.count(User.id)))
    begins = [s for s in statements if s.startswith("BEGIN")]
    assert begins == ["BEGIN", "BEGIN IMMEDIATE"]
    # Set for the read, put back for the write on the same pooled connection.
    assert [s for s in statements if "query_only" in s] == ["PRAGMA query_only=ON", "PRAGMA query_only=OFF"]


# --- exports: a long read, then a short write for the audit row ------------------------------


def test_an_export_reads_in_a_read_only_transaction_and_records_itself_apart(session_factory, teacher, project):
    out = io.StringIO(newline="")
    read_only: list[bool] = []

    def write(session):
        try:
            session.execute(text("DELETE FROM audit_log WHERE 1 = 0"))
        except DBAPIError:
            read_only.append(True)
            raise
        return exports.write_csv(session, actor=Actor.system(), what="applications", out=out)

    with pytest.raises(DBAPIError):
        exports.run_export(session_factory, write, actor=Actor.system())
    assert read_only == [True]

    summary = exports.run_export(session_factory, lambda session: exports.write_csv(
        session, actor=Actor.system(), what="applications", out=out), actor=Actor.system())
    assert summary.rows == 0 and next(csv.reader(io.StringIO(out.getvalue())))[0] == "Application"
    with db.reading(session_factory) as session:
        recorded = session.scalars(select(AuditLog).where(AuditLog.action == "statistics.export")).all()
    assert [(r.entity_id, r.details["rows"]) for r in recorded] == [("csv:applications", 0)]


# --- NUL characters: refused by field, the same on both databases ---------------------------


def _refused(error: pytest.ExceptionInfo, field: str) -> None:
    assert [(e.field, e.key) for e in error.value.errors] == [(field, "errors.nul_byte")]
    message = error.value.errors[0].message("fr")
    assert "NUL" in message and "errors." not in message


def test_nul_characters_are_refused_by_field_and_nothing_is_stored(session_factory, teacher, project):
    codes = _survey_codes(session_factory, teacher, project.id)
    juror, assignment_id = _juror_at_work(session_factory)
    with db.writing(session_factory) as session:
        assessment = self_assessments.start(session, actor=teacher, project_id=project.id, rubric_id="etwinning-2006")
    attempts = {
        "title": lambda s: projects.create_project(s, actor=teacher, raw=project_fields(title="Our\x00rivers")),
        "evidence_note": lambda s: self_assessments.save_entry(
            s, actor=teacher, assessment_id=assessment.id, item_id=CRITERIA[0], evidence_note="We\x00did"),
        "comment": lambda s: jury.save_score(s, actor=juror, assignment_id=assignment_id, item_id=CRITERIA[0],
                                             level=3, comment="Fine\x00work"),
    }
    for field, attempt in attempts.items():
        with pytest.raises(InvalidInput) as error, db.writing(session_factory) as session:
            attempt(session)
        _refused(error, field)
    # A survey answer is refused by its question, as any other wrong answer: the
    # respondent sees it next to the question; the other answers of a draft are kept.
    with db.writing(session_factory) as session:
        errors = responding.save_draft(session, code=codes[0], answers={"comment": "Mer\x00ci", "child-talked": 5},
                                       language="fr")
        assert [(e.item_id, e.key) for e in errors] == [("comment", "errors.nul_byte")]
        assert session.get(SurveyDraft, session.scalar(select(SurveyDraft.code_id))).answers == {"child-talked": 5}
        result = responding.submit_with_code(session, code=codes[1], answers=families_answers(comment="Mer\x00ci"),
                                             language="fr")
        assert not result.stored and [(e.item_id, e.key) for e in result.errors] == [("comment", "errors.nul_byte")]
    # What the services write with Core statements is checked as well.
    with pytest.raises(InvalidInput) as error, db.writing(session_factory) as session:
        session.execute(SurveyAnswer.__table__.insert(), [{"response_id": 1, "campaign_id": 1, "item_id": "comment",
                                                           "text": "Mer\x00ci"}])
    _refused(error, "text")

    with db.reading(session_factory) as session:
        assert set(session.scalars(select(Project.title))) == {"Our European breakfast", "Rivers of Europe"}
        assert [e.evidence_note for e in session.get(SelfAssessment, assessment.id).entries] in ([], [""], [None])
        assert session.scalar(select(func.count(JurorScore.id))) == 0
        assert session.scalar(select(func.count(SurveyResponse.id))) == 0
    with db.writing(session_factory) as session:  # the refused submission did not use the code up
        assert responding.submit_with_code(session, code=codes[1], answers=families_answers(), language="fr").stored


def test_nul_characters_are_refused_in_bulk_writes(session_factory):
    from assess.storage.bulk import write_rows

    with pytest.raises(InvalidInput) as error, db.writing(session_factory) as session:
        write_rows(session.connection(), User.__table__, ["email", "display_name", "language", "is_active",
                                                          "created_at"],
                   [("a@example.org", "Ann\x00", "fr", True, clock.today())])
    _refused(error, "display_name")


# --- no values in error messages, no deleted text left in the file ---------------------------


def test_database_errors_do_not_show_the_values_given(session_factory):
    secret = "answer-nobody-should-read-in-a-log"
    with pytest.raises(IntegrityError) as error, db.writing(session_factory) as session:
        session.add_all([User(email="twice@example.org", display_name=secret),
                         User(email="twice@example.org", display_name=secret)])
    assert secret not in str(error.value)
    assert "hidden due to hide_parameters" in str(error.value)


def test_sqlite_deleted_rows_leave_no_readable_text(sqlite_engine, sqlite_database_url):
    marker = "Confidential-answer-0123456789"
    factory = db.make_session_factory(sqlite_engine)
    path = Path(sqlite_database_url.removeprefix("sqlite:///"))

    def file_bytes() -> bytes:
        # Outside a transaction (a checkpoint cannot run in one): the WAL's pages go to the file.
        with sqlite_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        wal = path.with_name(path.name + "-wal")
        return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")

    with db.writing(factory) as session:
        session.add_all([User(email=f"u{n}@example.org", display_name=f"{marker} {n}") for n in range(20)])
    assert marker.encode() in file_bytes()  # the check below can see the text when it is there
    with db.writing(factory) as session:
        session.execute(User.__table__.delete())
    assert marker.encode() not in file_bytes()


def test_sqlite_runs_with_secure_delete(sqlite_engine):
    with sqlite_engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1

