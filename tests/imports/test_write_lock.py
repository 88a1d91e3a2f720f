"""An import checks its rows with no transaction open and writes them in one short
transaction (survey_imports.import_upload), on SQLite and PostgreSQL: survey answers go
on meanwhile, a failure while inserting stores nothing, two imports of the same file at
once store its rows once."""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from assess.services import _settings_values, campaigns, link_guard, responding, survey_imports
from assess.storage import db
from assess.storage.models import Base, SurveyCampaign, SurveyResponse, utcnow
from tests.imports.helpers import FAMILIES_EN
from tests.services.helpers import families_answers, make_campaign, public_link_token

ROWS = 3000


@pytest.fixture(autouse=True)
def installation_secret(session_factory) -> None:
    """Made when the app or the CLI opens the database; an import only reads it."""
    with db.writing(session_factory) as session:
        _settings_values.secret_key(session)


def families_export(rows: int) -> bytes:
    """A Google Forms CSV of ``rows`` distinct, valid rows of the families' questionnaire."""
    words = ["Strongly agree", "Agree", "Neutral", "Disagree", "I don't know"]
    header = "Timestamp,Email Address," + ",".join(f'"{t}"' for t in FAMILIES_EN[:7])
    lines = [header] + [
        f"2025/10/{1 + n % 28:02d} {n % 12 + 1}:{n // 60 % 60:02d}:{n % 60:02d} AM GMT+2,p{n}@example.org,"
        + ",".join(words[(n + i) % 5] for i in range(7))
        for n in range(rows)
    ]
    return "\n".join(lines).encode()


def counts(session_factory) -> dict[str, int]:
    with db.reading(session_factory) as session:
        return {t.name: session.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def import_file(session_factory, teacher, project, upload, **options):
    return survey_imports.import_upload(session_factory, actor=teacher, project_id=project.id, audience="families",
                                        upload=upload, **options)


def imported_responses(session_factory, project) -> int:
    with db.reading(session_factory) as session:
        return session.scalar(
            select(func.count()).select_from(SurveyResponse).join(SurveyCampaign)
            .where(SurveyCampaign.project_id == project.id, SurveyCampaign.mode == "import"))


_MINUTES = itertools.count()


def send_by_link(session, token: str, language: str):
    """A new respondent each time: a browser of their own, in a minute of their own (the
    link's rate bound, assess.services.link_guard, is not what these tests are about)."""
    return responding.submit_with_link(session, token=token, nonce=uuid.uuid4().hex, answers=families_answers(),
                                       language=language, browser_id=link_guard.new_browser_id(session),
                                       now=utcnow() + timedelta(minutes=next(_MINUTES)))


def test_survey_answers_go_on_while_a_file_is_imported(session_factory, teacher, project):
    """A respondent submits every few milliseconds, in a thread of their own, while a file
    of a few thousand rows is imported: every submission is stored, some of them while the
    import checks its rows (on SQLite, no write lock is held then), and the import is whole."""
    with db.writing(session_factory) as session:
        web = make_campaign(session, owner=teacher, project=project, mode="link")
        token = public_link_token(session, owner=teacher, campaign_id=web.id)
    upload = survey_imports.read_upload(file_name="big.csv", data=families_export(ROWS))
    stop, submitted, failures = threading.Event(), [], []

    def respondent() -> None:
        while not stop.is_set():
            try:
                with db.writing(session_factory) as session:
                    done = send_by_link(session, token, "fr")
                (submitted if done.stored else failures).append((time.perf_counter(), done))
            except Exception as error:  # reported in the test's thread
                failures.append((time.perf_counter(), error))
            time.sleep(0.003)

    checking: list[float] = []
    thread = threading.Thread(target=respondent)
    thread.start()
    try:
        time.sleep(0.05)
        report = import_file(session_factory, teacher, project, upload,
                             progress=lambda done, total: checking.append(time.perf_counter()))
        time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=60)
    assert failures == []
    assert (report.rows_imported, report.rows_skipped) == (ROWS, 0)
    assert imported_responses(session_factory, project) == ROWS
    with db.reading(session_factory) as session:
        assert session.scalar(select(func.count()).where(SurveyResponse.campaign_id == web.id)) == len(submitted)
    during_check = [at for at, _ in submitted if checking[0] <= at <= checking[-1]]
    assert during_check, "no answer was stored while the import checked its rows"


def test_an_answer_saved_while_rows_are_checked_does_not_wait_for_the_import(session_factory, teacher, project):
    """The import's own thread saves an answer each time it reports progress: had the
    import's transaction been writing then, SQLite would have kept this save waiting for
    the busy timeout, then refused it ("database is locked")."""
    with db.writing(session_factory) as session:
        web = make_campaign(session, owner=teacher, project=project, mode="link")
        token = public_link_token(session, owner=teacher, campaign_id=web.id)
    upload = survey_imports.read_upload(file_name="big.csv", data=families_export(ROWS))
    waits = []

    def progress(done: int, total: int) -> None:
        started = time.perf_counter()
        with db.writing(session_factory) as session:
            assert send_by_link(session, token, "en").stored
        waits.append(time.perf_counter() - started)

    report = import_file(session_factory, teacher, project, upload, progress=progress)
    assert report.rows_imported == ROWS
    assert len(waits) == 4  # rows 0, 1000, 2000, 3000
    assert max(waits) < 5, waits  # generous: a save takes milliseconds; the busy timeout is 10 s


@pytest.fixture
def insert_fails(engine):
    """A database that refuses one answer in 2,500 (as a full disk would, part way through):
    a trigger, dropped afterwards."""
    postgresql = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        if postgresql:
            connection.execute(text(
                "CREATE FUNCTION test_import_fails() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "IF NEW.response_id % 2500 = 0 THEN RAISE EXCEPTION 'no space left'; END IF; RETURN NEW; END $$"))
            connection.execute(text("CREATE TRIGGER test_import_fails BEFORE INSERT ON survey_answers "
                                    "FOR EACH ROW EXECUTE FUNCTION test_import_fails()"))
        else:
            connection.execute(text("CREATE TRIGGER test_import_fails BEFORE INSERT ON survey_answers "
                                    "WHEN NEW.response_id % 2500 = 0 BEGIN SELECT RAISE(ABORT, 'no space left'); END"))
    yield
    with engine.begin() as connection:
        connection.execute(text("DROP TRIGGER test_import_fails" + (" ON survey_answers" if postgresql else "")))
        if postgresql:
            connection.execute(text("DROP FUNCTION test_import_fails()"))


def test_a_failure_while_inserting_stores_nothing(session_factory, teacher, project, insert_fails):
    """A first import (its campaign made in the same transaction) that the database stops
    part way through its inserts: no campaign, response, answer, tally, log or audit entry
    is left."""
    before = counts(session_factory)
    upload = survey_imports.read_upload(file_name="big.csv", data=families_export(ROWS))
    checked = []
    with pytest.raises(Exception):  # noqa: B017 - the database's refusal (or Conflict, as SQLite calls it a constraint)
        import_file(session_factory, teacher, project, upload, progress=lambda done, total: checked.append(done))
    assert checked[-1] == ROWS, "every row was checked: the failure came while inserting"
    assert counts(session_factory) == before


def test_two_imports_of_the_same_file_at_once_store_its_rows_once(session_factory, teacher, project):
    """Two first imports of one file, both done checking before either writes: one stores
    the rows (and makes the campaign), the other finds them and counts them as repeated."""
    upload = survey_imports.read_upload(file_name="big.csv", data=families_export(ROWS))
    both_checked = threading.Barrier(2, timeout=60)
    reports, errors = [], []

    def importer() -> None:
        def progress(done: int, total: int) -> None:
            if done == total:
                both_checked.wait()

        try:
            reports.append(import_file(session_factory, teacher, project, upload, progress=progress))
        except Exception as error:  # reported in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=importer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted((r.rows_imported, r.rows_repeated) for r in reports) == [(0, ROWS), (ROWS, 0)]
    assert reports[0].campaign_id == reports[1].campaign_id
    assert imported_responses(session_factory, project) == ROWS
    with db.reading(session_factory) as session:
        assert session.scalar(select(func.count()).select_from(SurveyCampaign)
                              .where(SurveyCampaign.project_id == project.id)) == 1


def test_rows_keyed_before_another_campaign_was_made_are_keyed_for_their_own(session_factory, teacher, project):
    """Between checking and writing, another project's first import takes the campaign id
    this import foresaw: its rows are keyed again for the campaign they go to, so importing
    the file again finds every row repeated."""
    data = families_export(50)
    upload = survey_imports.read_upload(file_name="small.csv", data=data)
    with db.reading(session_factory) as session:
        context = survey_imports.import_context_for_import(session, actor=teacher, project_id=project.id,
                                                           audience="families")
    prepared = survey_imports.prepare_import(context, upload)
    with db.writing(session_factory) as session:
        from tests.services.helpers import make_project
        other = make_project(session, owner=teacher, title="Another project")
        made = campaigns.import_campaign(session, actor=teacher, project_id=other.id, audience="families")
        assert made.id == context.key_campaign_id  # the id this import foresaw is taken
    with db.writing(session_factory) as session:
        first = survey_imports.store_import(session, prepared, actor=teacher)
    assert first.rows_imported == 50 and first.campaign_id != made.id
    again = import_file(session_factory, teacher, project, upload)
    assert (again.rows_imported, again.rows_repeated) == (0, 50)
