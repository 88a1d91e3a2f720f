"""Issue 11, findings 4, 5 and 7: dates read in the order the whole column proves, imports
that would store no answer refused (storing nothing), and the same responses recognised
when exported again by another route or re-saved by a spreadsheet program."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update

from assess.cli import cli
from assess.domain import imports
from assess.domain.questionnaire import Audience
from assess.services import _settings_values, campaigns, survey_imports
from assess.services.errors import ServiceError, message_of
from assess.services.survey_imports import preview_import, run_import
from assess.services.survey_imports.rows import RowKeys
from assess.storage.db import make_engine, make_session_factory
from assess.storage.models import Base, SurveyResponse
from tests.imports.helpers import SAMPLES, sample
from tests.services.helpers import make_project, make_user

SAME_ANSWERS = ("google-families-forms.csv", "google-families-sheets.csv", "google-families-excel.csv")


def counts(session) -> dict[str, int]:
    return {table.name: session.scalar(select(func.count()).select_from(table)) for table in Base.metadata.sorted_tables}


def do_import(session, teacher, project, name: str, data: bytes | None = None, **options):
    return run_import(session, actor=teacher, project_id=project.id, audience="families", file_name=name,
                      data=sample(name) if data is None else data, **options)


def months(session) -> list[str]:
    return sorted(m.isoformat() for m in session.scalars(select(SurveyResponse.submitted_month)))


def read_sample(name: str) -> survey_imports.Upload:
    """The Excel re-save is a ';' file whose question texts hold commas: read by the
    separator detection (finding 1)."""
    return survey_imports.read_upload(file_name=name, data=sample(name))


# --- dates -------------------------------------------------------------------------------


def plan_of(name: str):
    table = imports.read_table(file_name=name, data=sample(name))
    questionnaire = campaigns.questionnaire_for(audience=Audience("families"), age_max=12)
    return table, imports.plan_columns(table.headers, questionnaire=questionnaire, file_format="google"), questionnaire


def test_a_day_first_date_in_the_column_decides_the_order_of_all_its_dates():
    table, plan, questionnaire = plan_of("google-families-ie-dayfirst.csv")
    assert imports.date_order(table, plan) == imports.DateOrder(True, "values")
    rows = imports.read_rows(table, replace(plan, day_first=True), questionnaire=questionnaire)
    assert [r.submitted_on for r in rows] == [date(2025, 6, 2), date(2025, 5, 28), date(2025, 6, 5), date(2025, 5, 30)]


def test_the_heading_language_decides_when_the_values_do_not():
    table, plan, _ = plan_of("google-families-ie-dayfirst.csv")
    ambiguous = replace(table, rows=[(n, c) for n, c in table.rows if c[0][:2] in ("02", "05")])
    assert imports.date_order(ambiguous, plan) == imports.DateOrder(False, "assumed")
    assert imports.date_order(ambiguous, plan).undecided
    french = replace(plan, headers=("Horodateur", *plan.headers[1:]))
    assert imports.date_order(ambiguous, french) == imports.DateOrder(True, "heading")
    assert imports.date_order(ambiguous, plan, day_first=True) == imports.DateOrder(True, "choice")
    # ISO dates (Google's own CSV) leave nothing to decide.
    forms, forms_plan, _ = plan_of("google-families-forms.csv")
    assert imports.date_order(forms, forms_plan).basis == "unambiguous"


def test_day_first_dates_under_an_english_heading_land_in_their_month(session, teacher, project):
    report = do_import(session, teacher, project, "google-families-ie-dayfirst.csv")
    assert (report.rows_imported, report.day_first, report.date_basis) == (4, True, "values")
    assert "day first" in report.date_message("en") and "jour d'abord" in report.date_message("fr")
    assert months(session) == ["2025-05-01", "2025-05-01", "2025-06-01", "2025-06-01"]


def test_an_undecided_column_is_reported_and_the_choice_overrides_it(session, teacher, project):
    lines = sample("google-families-ie-dayfirst.csv").decode().splitlines()
    ambiguous = "\r\n".join([lines[0], lines[1], lines[3]]).encode()  # 02/06 and 05/06 only
    preview = preview_import(session, actor=teacher, project_id=project.id, audience="families",
                             file_name="ie.csv", data=ambiguous)
    assert preview.date_undecided and not preview.day_first
    assert "could be read either way" in preview.date_message("en")
    report = do_import(session, teacher, project, "ie.csv", ambiguous, day_first=True)
    assert (report.date_basis, report.date_undecided) == ("choice", False)
    assert months(session) == ["2025-06-01", "2025-06-01"]


# --- imports that would store no answer ----------------------------------------------------


@pytest.mark.parametrize(("name", "key"), [
    ("google-families-header-only.csv", "imports.errors.no_rows"),
    ("limesurvey-families.csv", "imports.errors.no_columns"),  # codes as headings, no mapping
])
def test_an_import_that_would_store_no_answer_is_refused_and_stores_nothing(session, teacher, project, name, key):
    session.commit()
    before = counts(session)
    preview = preview_import(session, actor=teacher, project_id=project.id, audience="families",
                             file_name=name, data=sample(name))
    assert preview.refusal is not None and preview.refusal[0] == key
    with pytest.raises(ServiceError) as refused:
        do_import(session, teacher, project, name)
    assert refused.value.key == key
    session.rollback()
    assert counts(session) == before  # no campaign, no import log, no audit row
    message = message_of(refused.value, "en")
    assert name in message and "nothing was saved" in message
    assert name in message_of(refused.value, "fr")


def test_every_row_skipped_is_refused_too(session, teacher, project):
    data = sample("google-families-ie-dayfirst.csv").decode().replace(",Agree,", ",Maybe,")
    data = data.replace(",Strongly agree,", ",Maybe,").replace(",Neutral,", ",Maybe,")
    with pytest.raises(ServiceError) as refused:
        do_import(session, teacher, project, "bad.csv", data.encode())
    assert refused.value.key == "imports.errors.no_valid_rows"


# --- the same answers again ----------------------------------------------------------------


def test_the_same_answers_give_the_same_response_content_whatever_the_export():
    contents = []
    for name in SAME_ANSWERS[:2]:
        table, plan, questionnaire = plan_of(name)
        plan = replace(plan, day_first=imports.date_order(table, plan).day_first)
        contents.append([imports.response_content(r) for r in imports.read_rows(table, plan, questionnaire=questionnaire)])
    assert contents[0] == contents[1] and len(set(contents[0])) == 5  # two families answered alike in one minute


@pytest.mark.parametrize("again", SAME_ANSWERS[1:])
def test_a_re_export_or_re_save_of_imported_answers_is_recognised(session, teacher, project, again):
    upload = read_sample(again)
    first = do_import(session, teacher, project, SAME_ANSWERS[0])
    session.commit()
    assert (first.rows_read, first.rows_imported, first.rows_skipped) == (6, 6, 0)
    preview = preview_import(session, actor=teacher, project_id=project.id, audience="families", upload=upload)
    assert (preview.rows_imported, preview.rows_repeated) == (0, 6)
    assert "6 were already imported before" in preview.message("en")
    report = run_import(session, actor=teacher, project_id=project.id, audience="families", upload=upload)
    assert (report.rows_imported, report.rows_repeated) == (0, 6)
    assert session.scalar(select(func.count()).select_from(SurveyResponse)) == 6


def test_a_re_save_imported_first_recognises_the_original_export(session, teacher, project):
    do_import(session, teacher, project, "google-families-sheets.csv")
    session.commit()
    again = do_import(session, teacher, project, "google-families-forms.csv")
    assert (again.rows_imported, again.rows_repeated) == (0, 6)


def test_rows_keyed_the_old_way_are_still_recognised(session, teacher, project):
    """Rows stored before the keys changed carry the key of their raw cells: a file imported
    then is still found repeated when imported again (new rows are keyed the new way)."""
    report = do_import(session, teacher, project, SAME_ANSWERS[0])
    table, _plan, _questionnaire = plan_of(SAME_ANSWERS[0])
    old_key = RowKeys(_settings_values.secret_key(session), report.campaign_id)
    headers = tuple(imports.normalise(h) for h in table.headers)
    old_keys = [old_key(imports.fingerprint(headers, cells)) for _n, cells in table.rows]
    ids = sorted(session.scalars(select(SurveyResponse.id)))
    for response_id, key in zip(ids, old_keys, strict=True):  # what an import before this change stored
        session.execute(update(SurveyResponse).where(SurveyResponse.id == response_id).values(import_key=key))
    session.commit()
    again = do_import(session, teacher, project, SAME_ANSWERS[0])
    assert (again.rows_imported, again.rows_repeated) == (0, 6)


# --- the command line ----------------------------------------------------------------------


@pytest.fixture
def cli_project(sqlite_database_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, int]:
    monkeypatch.setenv("ASSESS_DATABASE_URL", sqlite_database_url)
    engine = make_engine(sqlite_database_url)
    try:
        with make_session_factory(engine).begin() as session:
            owner = make_user(session, email="claire@example.org")
            return sqlite_database_url, make_project(session, owner=owner).id
    finally:
        engine.dispose()


def stored(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            return {k: v for k, v in counts(session).items() if k in ("survey_campaigns", "survey_responses",
                                                                      "survey_imports", "audit_log")}
    finally:
        engine.dispose()


@pytest.mark.parametrize("dry_run", [(), ("--dry-run",)])
@pytest.mark.parametrize("name", ["google-families-header-only.csv", "limesurvey-families.csv"])
def test_the_cli_refuses_an_import_that_would_store_no_answer(cli_project, name, dry_run):
    url, project_id = cli_project
    before = stored(url)
    result = CliRunner().invoke(cli, ["survey", "import", str(SAMPLES / name), "--project", str(project_id),
                                      "--audience", "families", *dry_run])
    assert result.exit_code != 0
    assert "nothing was saved" in result.output
    assert stored(url) == before


def test_the_cli_reads_dates_in_the_order_chosen(cli_project):
    _url, project_id = cli_project
    result = CliRunner().invoke(cli, ["survey", "import", str(SAMPLES / "google-families-ie-dayfirst.csv"),
                                      "--project", str(project_id), "--audience", "families", "--month-first"])
    assert result.exit_code == 0, result.output
    assert "dates: Dates read month first" in result.output
