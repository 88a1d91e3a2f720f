"""Importing answers through the service, on a real database (sqlite and postgresql)."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import re
import threading
import time
from datetime import date

import pytest
from sqlalchemy import JSON, String, Text, func, select

from assess.domain.imports import MappingFile, Skipped
from assess.domain.permissions import Actor, PermissionDenied
from assess.services import campaigns, responding, survey_imports
from assess.services.errors import Conflict, InvalidInput, NotFound, ServiceError
from assess.services.survey_imports import MappingError, preview_import, run_import
from assess.services.survey_imports.rows import RowKeys
from assess.storage.models import (
    AuditLog,
    Base,
    SurveyAnswer,
    SurveyCampaign,
    SurveyImport,
    SurveyResponse,
)
from tests.imports.helpers import FAMILIES_EN, IDENTIFYING_VALUES, msforms_families, sample
from tests.services.helpers import families_answers, make_campaign, make_user

MAPPING = "tests/imports/samples/limesurvey-families-mapping.yaml"


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def counts(session) -> dict[str, int]:
    return {table.name: session.scalar(select(func.count()).select_from(table)) for table in Base.metadata.sorted_tables}


def do_import(session, teacher, project, name: str, data: bytes | None = None, **options):
    return run_import(session, actor=teacher, project_id=project.id, audience="families", file_name=name,
                      data=sample(name) if data is None else data, **options)


def limesurvey_mapping() -> MappingFile:
    return MappingFile(name=MAPPING, text=open(MAPPING, "rb").read())


def test_a_google_forms_export_becomes_responses_of_the_import_campaign(session, teacher, project):
    report = do_import(session, teacher, project, "google-families-en.csv")
    session.commit()
    assert (report.file_format, report.rows_read, report.rows_imported, report.rows_repeated, report.rows_skipped) == (
        "google", 6, 3, 0, 3)
    assert report.stored and report.questionnaire_id == "families"
    assert [(s.row, s.column, s.key) for s in report.skipped] == [
        (4, "D", "imports.skip.agreement"), (5, "", "imports.skip.empty"), (6, "E", "imports.skip.out_of_scale")]
    assert report.unmatched_columns == ("Which class is your child in?",)
    assert report.dropped_columns == ("Timestamp", "Email Address")
    assert report.matched_columns[FAMILIES_EN[0]] == "child-talked"
    assert report.message("en") == "Google Forms: 6 rows read, 3 imported, 0 already imported before, 3 skipped."
    assert report.message("fr").startswith("Google Forms\u00a0: 6 lignes lues, 3 importées")
    assert report.skipped_messages("en")[2] == "row 6, column E: '7' is not on the 1 to 5 scale"
    assert report.skipped_messages("fr")[1] == "ligne 5\u00a0: ligne vide"

    campaign = session.get(SurveyCampaign, report.campaign_id)
    assert (campaign.project_id, campaign.audience, campaign.mode) == (project.id, "families", "import")
    responses = list(session.scalars(select(SurveyResponse).order_by(SurveyResponse.id)))
    # The month of each row's timestamp, never the day.
    assert [(r.source, r.submitted_month, r.language) for r in responses] == [("google", date(2025, 10, 1), None)] * 3
    assert all(len(r.import_key) == 64 for r in responses)
    first = {a.item_id: (a.score, a.dont_know, a.choices, a.text) for a in responses[0].answers}
    assert first["child-talked"] == (5, False, None, None)
    assert first["privacy-respected"] == (None, True, None, None)
    assert first["heard-about"] == (None, False, ["child"], None)
    assert first["comment"] == (None, False, None, "Great project, thank you!")
    log = session.scalar(select(SurveyImport))
    assert (log.file_name, log.file_format, log.rows_imported, log.rows_skipped, log.rows_repeated, log.created_by) == (
        "google-families-en.csv", "google", 3, 3, 0, teacher.id)
    event = session.scalar(select(AuditLog).where(AuditLog.action == "survey.import"))
    assert event.details == {"import": log.id, "format": "google", "rows_read": 6, "imported": 3, "repeated": 0,
                             "skipped": 3}


def test_french_microsoft_and_limesurvey_exports(session, teacher, project):
    french = do_import(session, teacher, project, "google-families-fr.csv")
    assert (french.file_format, french.rows_imported, french.rows_skipped) == ("google", 2, 3)
    ms = do_import(session, teacher, project, "Families.xlsx", msforms_families())
    assert (ms.file_format, ms.rows_imported, ms.rows_skipped) == ("msforms", 2, 3)
    lime = do_import(session, teacher, project, "limesurvey-families.csv", mapping=limesurvey_mapping())
    assert (lime.file_format, lime.rows_imported, lime.rows_skipped, lime.ignored_columns) == ("limesurvey", 2, 3, ("Q10",))
    assert lime.languages == {"fr": 1, "en": 1}
    session.commit()
    by_source = dict(session.execute(select(SurveyResponse.source, func.count()).group_by(SurveyResponse.source)).all())
    assert by_source == {"google": 2, "msforms": 2, "limesurvey": 2}
    assert sorted(session.scalars(select(SurveyResponse.language).where(SurveyResponse.source == "limesurvey"))) == ["en", "fr"]
    assert count(session, SurveyCampaign) == 1, "one import campaign per project and audience"
    assert count(session, SurveyImport) == 3


def test_nothing_identifying_reaches_the_database(session, teacher, project):
    do_import(session, teacher, project, "google-families-en.csv")
    do_import(session, teacher, project, "google-families-fr.csv")
    do_import(session, teacher, project, "Families.xlsx", msforms_families())
    do_import(session, teacher, project, "limesurvey-families.csv", mapping=limesurvey_mapping())
    session.commit()
    assert count(session, SurveyResponse) == 9
    found = []
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text, JSON))]
        for row in session.execute(select(*columns)) if columns else ():
            text = " ".join(str(value) for value in row)
            found += [(table.name, value) for value in IDENTIFYING_VALUES if value.lower() in text.lower()]
    assert found == []
    # Nor the times of day (the month only is kept) or the ids of the source tools: a
    # row is recognised by an opaque keyed digest. (Not "no 2025 in the key": a random
    # hex digest holds those four digits about once in a hundred runs.)
    keys = set(session.scalars(select(SurveyResponse.import_key)))
    assert len(keys) == 9 and all(re.fullmatch("[0-9a-f]{64}", key) for key in keys)


def test_importing_the_same_file_twice_adds_nothing_and_reports_repeats(session, teacher, project):
    first = do_import(session, teacher, project, "google-families-en.csv")
    session.commit()
    answers = count(session, SurveyAnswer)
    again = do_import(session, teacher, project, "google-families-en.csv")
    session.commit()
    assert (again.rows_imported, again.rows_repeated, again.rows_skipped) == (0, 3, 3)
    assert again.campaign_id == first.campaign_id
    assert (count(session, SurveyResponse), count(session, SurveyAnswer)) == (3, answers)
    assert again.message("en").endswith("0 imported, 3 already imported before, 3 skipped.")


def test_a_later_export_with_new_rows_and_a_new_question_adds_the_new_rows_only(session, teacher, project):
    do_import(session, teacher, project, "google-families-en.csv")
    session.commit()
    rows = list(csv.reader(io.StringIO(sample("google-families-en.csv").decode())))
    rows[0].append("Would you take part again?")  # a question added to the form since
    for row in rows[1:]:
        row.append("")
    rows.append(["2025/11/02 8:00:00 AM GMT+1", "zoe.late@example.org", "Agree", *[""] * 9, "Yes"])
    rows.append([*rows[1][:-1], ""])  # a row repeated within the file
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    later = do_import(session, teacher, project, "later.csv", out.getvalue().encode())
    assert (later.rows_read, later.rows_imported, later.rows_repeated, later.rows_skipped) == (8, 1, 4, 3)
    assert "Would you take part again?" in later.unmatched_columns
    assert count(session, SurveyResponse) == 4


def test_preview_and_dry_run_store_nothing_and_give_the_real_figures(session, teacher, project):
    session.commit()
    before = counts(session)
    preview = preview_import(session, actor=teacher, project_id=project.id, audience="families",
                             file_name="google-families-en.csv", data=sample("google-families-en.csv"))
    dry = do_import(session, teacher, project, "google-families-en.csv", dry_run=True)
    session.commit()
    assert counts(session) == before, "no campaign, no response, no log, no secret, no audit event"
    assert not preview.stored and not dry.stored and preview.campaign_id is None
    assert preview.message("en").endswith("Nothing has been saved yet.")
    real = do_import(session, teacher, project, "google-families-en.csv")
    session.commit()
    for report in (preview, dry):
        assert (report.rows_read, report.rows_imported, report.rows_repeated, report.skipped, report.matched_columns) == (
            real.rows_read, real.rows_imported, real.rows_repeated, real.skipped, real.matched_columns)
    # Once rows are stored, a preview recognises them as repeats, still storing nothing.
    before = counts(session)
    preview = preview_import(session, actor=teacher, project_id=project.id, audience="families",
                             file_name="google-families-en.csv", data=sample("google-families-en.csv"))
    session.commit()
    assert (preview.rows_imported, preview.rows_repeated, preview.campaign_id) == (0, 3, real.campaign_id)
    assert counts(session) == before


def test_a_bad_mapping_stores_nothing(session, teacher, project):
    session.commit()
    before = counts(session)
    bad = MappingFile(name="map.yaml", text="columns:\n  Q1: child-talked\n  Q2: not-an-item\n")
    with pytest.raises(MappingError) as caught:
        do_import(session, teacher, project, "limesurvey-families.csv", mapping=bad)
    session.rollback()
    assert counts(session) == before
    assert [str(p) for p in caught.value.problems] == [
        "map.yaml:3: column 'Q2' is mapped to unknown item 'not-an-item' (items of 'families': child-talked, "
        "learned-other-countries, showed-work, project-visible, family-took-part, privacy-respected, more-curious, "
        "heard-about, comment)"]
    assert "map.yaml:3:" in caught.value.message("fr")


def test_a_failure_in_the_middle_of_an_import_stores_nothing(session, teacher, project):
    """2,500 rows: the progress callback (a UI that stops the import, say) fails while rows
    are checked; the caller's rollback leaves no trace of the file. (A failure while rows
    are inserted: tests/imports/test_write_lock.py.)"""
    do_import(session, teacher, project, "google-families-en.csv")
    session.commit()
    before = counts(session)
    lines = ["Timestamp,Email Address," + FAMILIES_EN[0]]
    lines += [f"2025/10/03 9:{n // 60 % 60:02d}:{n % 60:02d} AM GMT+2,p{n}@example.org,Agree" for n in range(2500)]
    calls = []

    def progress(done, total):
        calls.append((done, total))
        if done >= 2000:
            raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        do_import(session, teacher, project, "big.csv", "\n".join(lines).encode(), progress=progress)
    assert calls[:3] == [(0, 2500), (1000, 2500), (2000, 2500)]
    session.rollback()
    assert counts(session) == before


def test_progress_is_reported_as_rows_are_processed(session, teacher, project):
    calls = []
    do_import(session, teacher, project, "google-families-en.csv", progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 6), (6, 6)]


def test_imported_answers_sit_next_to_web_answers(session, teacher, project):
    web = make_campaign(session, owner=teacher, project=project, audience="families")
    code, later = campaigns.issue_codes(session, actor=teacher, campaign_id=web.id, count=2)
    assert responding.submit_with_code(session, code=code, answers=families_answers(), language="fr").stored
    report = do_import(session, teacher, project, "google-families-en.csv")
    session.commit()
    # The import takes response ids of its own (see survey_imports.writer.Writer): the web's
    # next response still gets a free one.
    assert responding.submit_with_code(session, code=later, answers=families_answers(), language="fr").stored
    session.commit()
    summaries = {s.mode: s for s in campaigns.list_campaigns(session, actor=teacher, project_id=project.id)}
    assert (summaries["codes"].responses, summaries["import"].responses) == (2, 3)
    assert summaries["import"].id == report.campaign_id
    scores = session.execute(
        select(SurveyResponse.source, SurveyAnswer.score)
        .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
        .join(SurveyCampaign, SurveyCampaign.id == SurveyResponse.campaign_id)
        .where(SurveyCampaign.project_id == project.id, SurveyCampaign.audience == "families",
               SurveyAnswer.item_id == "child-talked")
        .order_by(SurveyResponse.id)
    ).all()
    assert scores == [("web", 5), ("google", 5), ("google", 5), ("google", 1), ("web", 5)]
    # Stored alike, whichever path wrote them (ORM for the web, bulk statements or COPY here):
    # an agreement answer's empty choices are the same kind of null.
    empty_choices = session.execute(
        select(SurveyResponse.source, SurveyAnswer.__table__.c.choices.is_(None))
        .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
        .where(SurveyAnswer.item_id == "child-talked")
    ).all()
    assert len({is_null for _source, is_null in empty_choices}) == 1, empty_choices


def test_only_the_project_owner_may_import_or_preview(session, teacher, project):
    other = make_user(session, email="someone.else@example.org")
    admin = make_user(session, email="office@example.org", roles={"admin"})
    session.commit()
    before = counts(session)
    for actor in (other, admin):
        for call in (run_import, preview_import):
            with pytest.raises((NotFound, PermissionDenied)):
                call(session, actor=actor, project_id=project.id, audience="families",
                     file_name="google-families-en.csv", data=sample("google-families-en.csv"))
    session.rollback()
    assert counts(session) == before
    # The command line's operator may.
    assert run_import(session, actor=Actor.system(), project_id=project.id, audience="families",
                      file_name="x.csv", data=sample("google-families-en.csv")).rows_imported == 3


def test_refusals_name_the_field_or_the_file(session, teacher, project):
    with pytest.raises(InvalidInput) as caught:
        run_import(session, actor=teacher, project_id=project.id, audience="parents", file_name="x.csv",
                   data=b"x", file_format="typeform")
    assert {e.field for e in caught.value.errors} == {"audience", "file_format"}
    with pytest.raises(ServiceError) as caught:
        do_import(session, teacher, project, "class.csv", b"Pupil,Age\nJeanne,9\n")
    assert caught.value.key == "imports.errors.unknown_format"
    assert "Horodateur" in caught.value.message("fr")
    with pytest.raises(ServiceError) as caught:
        do_import(session, teacher, project, "broken.xlsx", b"PK\x03\x04broken")
    assert caught.value.key == "imports.errors.unreadable"
    session.rollback()
    assert count(session, SurveyCampaign) == 0


def test_an_explicit_format_reads_a_file_detection_does_not_recognise(session, teacher, project):
    data = ("Submitted on,Email," + FAMILIES_EN[0] + "\n2025-10-03 10:00,a.b@example.org,Agree\n").encode()
    with pytest.raises(ServiceError):
        do_import(session, teacher, project, "renamed.csv", data)
    report = do_import(session, teacher, project, "renamed.csv", data, file_format="google")
    assert (report.file_format, report.rows_imported, report.dropped_columns) == ("google", 1, ("Email",))
    assert report.unmatched_columns == ("Submitted on",)


def test_skipped_entries_are_tuples_of_row_column_key_params(session, teacher, project):
    report = preview_import(session, actor=teacher, project_id=project.id, audience="families",
                            file_name="google-families-en.csv", data=sample("google-families-en.csv"))
    row, column, key, params = report.skipped[0][:4]
    assert (row, column, key, dict(params)) == (4, "D", "imports.skip.agreement", {"value": "Maybe"})
    assert isinstance(report.skipped[0], Skipped)
    assert survey_imports.describe_skipped(report.skipped[0], "en") == (
        "row 4, column D: 'Maybe' is not an answer of the agreement scale (Strongly agree to Strongly disagree, "
        "I don't know, or 1 to 5)")


@pytest.mark.parametrize("rows", [100_000])
def test_a_hundred_thousand_rows_are_imported_whole_and_recognised_again(session, teacher, project, rows):
    """All of a large export is stored, and importing it again repeats nothing. How long it
    takes is measured by bench/bench_import.py (figures in bench/RESULTS.md): a time limit
    here failed on a busy machine without anything being wrong."""
    header = "Timestamp,Email Address," + ",".join(f'"{text}"' for text in FAMILIES_EN[:7]) + ",\"" + FAMILIES_EN[7] + '"'
    words = ["Strongly agree", "Agree", "Neutral", "Disagree", "I don't know"]
    lines = [header] + [
        f"2025/10/{1 + n % 28:02d} {n % 12 + 1}:{n // 60 % 60:02d}:{n % 60:02d} AM GMT+2,p{n}@example.org,"
        + ",".join(words[(n + i) % 5] for i in range(7)) + ",From my child"
        for n in range(rows)
    ]
    data = "\n".join(lines).encode()
    report = do_import(session, teacher, project, "big.csv", data)
    session.commit()
    assert report.rows_imported == rows
    assert count(session, SurveyAnswer) == rows * 8
    again = do_import(session, teacher, project, "big.csv", data)
    assert again.rows_repeated == rows
    assert count(session, SurveyAnswer) == rows * 8


def test_row_keys_are_made_as_those_stored_by_earlier_imports():
    """import_key is HMAC-SHA256 of ``[campaign id, fingerprint]`` as compact JSON; the keys
    already stored were made with json.dumps, so the import must make them byte for byte
    alike, or a file imported before would be imported again."""
    secret = b"an installation's secret key, 32"
    fingerprint = (
        ("anything else", 'Il a dit "bravo" \\ à tous\n\tmerci \x01 \u2028 \U0001f600'),
        ("email address", "anne.martin@example.org"),
        ("timestamp", "2025/10/03 9:41:12 AM GMT+2"),
    )
    for campaign_id, cells in ((7, fingerprint), (12345, ())):
        message = json.dumps([campaign_id, cells], ensure_ascii=False, separators=(",", ":"))
        expected = hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()
        assert RowKeys(secret, campaign_id)(cells) == expected


def test_cells_are_stored_exactly_as_written(session, teacher, project):
    """Answers are written by COPY on PostgreSQL and by plain executemany on SQLite: text
    with tabs, line breaks, backslashes, quotes and accents comes back unchanged."""
    comment = 'Line one\nLine two\twith a tab, a backslash \\N and "quotes" \u2014 très bien \U0001f600'
    rows = [["Timestamp", FAMILIES_EN[0], FAMILIES_EN[7], FAMILIES_EN[8]],
            ["2025/10/03 9:41:12 AM GMT+2", "Agree", "The school website, the TwinSpace or social media", comment]]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    report = do_import(session, teacher, project, "comment.csv", out.getvalue().encode())
    session.commit()
    assert report.rows_imported == 1
    stored = {a.item_id: (a.score, a.dont_know, a.choices, a.text) for a in session.scalars(select(SurveyAnswer))}
    assert stored == {"child-talked": (4, False, None, None), "heard-about": (None, False, ["website"], None),
                      "comment": (None, False, None, comment)}


def test_the_same_file_imported_twice_at_the_same_moment_is_stored_once(session, session_factory, teacher, project):
    """Two imports of the same rows overlapping in time: on PostgreSQL the second finds the
    first's rows on committing them (Conflict, nothing of it stored); on SQLite it waits for
    the first to end (BEGIN IMMEDIATE), then finds its rows repeated."""
    do_import(session, teacher, project, "google-families-fr.csv")  # the import campaign exists
    session.commit()
    first_done, outcomes = threading.Event(), {}

    def first():
        with session_factory.begin() as own:
            outcomes["first"] = do_import(own, teacher, project, "google-families-en.csv")
            first_done.set()
            time.sleep(0.5)  # the second is under way meanwhile

    def second():
        first_done.wait(timeout=30)
        try:
            with session_factory.begin() as own:
                outcomes["second"] = do_import(own, teacher, project, "google-families-en.csv")
        except Conflict as error:
            outcomes["second"] = error

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes["first"].rows_imported == 3
    second_outcome = outcomes["second"]
    if isinstance(second_outcome, Conflict):
        assert second_outcome.key == "imports.errors.concurrent"
    else:
        assert (second_outcome.rows_imported, second_outcome.rows_repeated) == (0, 3)
    session.expire_all()
    assert count(session, SurveyResponse) == 2 + 3
