"""The workbook as a ministry reads it: each rubric generation's criteria under their own
headings, a decision status, rounded figures, the rules behind each verdict, question
texts, region and age-group summaries, and the raw answers apart at national scale."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from sqlalchemy import select

from assess.domain.permissions import Actor
from assess.services import exports
from assess.storage.models import Decision
from tests.exports.test_workbook import by_header, export, facts, header, rows

SYSTEM = Actor.system()


def test_generations_a_and_c_each_keep_their_own_criteria(session, data):
    """Round A (generation A, 2006) and round B (generation C, 2021) together: C's
    "Results, documentation and dissemination" shares its id with A's "Results and
    benefits" but never sits under A's heading."""
    _, book, _ = export(session)
    names = header(book["Applications"])
    assert "Rubric" in names
    found = {r["Application"]: r for r in by_header(book["Applications"])}
    a1, b5 = found[data.applications["a1"]], found[data.applications["b5"]]
    assert (a1["Rubric"], b5["Rubric"]) == ("etwinning-2006 1.0", "etwinning-2021 1.0")
    results_a = next(n for n in names if n.startswith("Results and benefits"))
    results_c = next(n for n in names if n.startswith("Results, documentation and dissemination"))
    assert results_a != results_c
    assert b5[results_a] is None and b5[results_c] == 3.0, "generation C's level under generation C's heading"
    assert a1[results_c] is None and a1[results_a] is not None
    collaboration = [n for n in names if n.startswith("Collaboration between partner schools")]
    assert len(collaboration) == 2, "one column per generation, even under the same name"


def test_each_level_and_survey_figure_names_its_rubric(session, data):
    """The long sheets too: "collaboration" is a criterion of both generations, and a
    pivot of the Scores sheet on the criterion alone would put them together."""
    _, book, _ = export(session)
    scores = by_header(book["Scores"])
    rubric_of = {r["Application"]: r["Rubric"] for r in by_header(book["Applications"])}
    collaboration = {(r["Rubric"], r["Application"]) for r in scores if r["Criterion id"] == "collaboration"}
    assert {rubric for rubric, _ in collaboration} == {"etwinning-2006 1.0", "etwinning-2021 1.0"}
    assert all(rubric_of[application] == rubric for rubric, application in collaboration)
    surveys = by_header(book["Surveys"])
    assert surveys and len({r["Rubric"] for r in surveys}) == 1, "one rubric the answers are read against"
    assert surveys[0]["Rubric"] in set(rubric_of.values())


def test_one_generation_keeps_plain_headings(session, data):
    _, book, _ = export(session, round_id=data.round_a)
    names = header(book["Applications"])
    assert "Results and benefits" in names and not any("2021" in n for n in names)


def test_decided_applications_are_not_shown_as_submitted(session, data):
    _, book, _ = export(session)
    status = {r["Application"]: r["Status"] for r in by_header(book["Applications"])}
    assert status[data.applications["a1"]] == "Decided"
    assert status[data.applications["b1"]] == "Decision staged"
    assert status[data.applications["b5"]] == "Submitted"
    assert status[data.applications["a4"]] == "Withdrawn"


def test_figures_are_rounded_to_two_decimals(session, data):
    decision = session.scalar(select(Decision).where(Decision.application_id == data.applications["a1"]))
    decision.levels = {**decision.levels, "innovation": 4.333333333333333}
    decision.percentage = 68.33333333333333
    session.flush()
    _, book, _ = export(session)
    a1 = next(r for r in by_header(book["Applications"]) if r["Application"] == data.applications["a1"])
    assert a1["Pedagogical innovation and creativity (etwinning-2006)"] == 4.33
    assert a1["Share of maximum"] == 0.6833
    out = io.StringIO(newline="")
    exports.write_csv(session, actor=SYSTEM, what="applications", out=out)
    table = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    row = next(r for r in table if r["Application"] == str(data.applications["a1"]))
    assert row["Share of maximum"] == "0.6833" and row["Pedagogical innovation and creativity (etwinning-2006)"] == "4.33"
    # The summary's table of levels too (shares under its chart: 0.1667, not 0.16666666666666666).
    for sheet in ("Criteria", "Jurors", "Surveys", "Summary"):
        for values in rows(book[sheet]):
            for value in values:
                if isinstance(value, float):
                    assert value == round(value, 4), (sheet, value)


def test_every_verdict_states_the_rules_that_decided_it(session, data):
    _, book, _ = export(session)
    found = {r["Application"]: r for r in by_header(book["Applications"])}
    refused, labelled = found[data.applications["a3"]], found[data.applications["a1"]]
    assert refused["Verdict"] == "No label"
    # The same words as the letter and the teacher's page (assess/reports/reasons.py).
    assert "Total of 12 against a pass mark of 15 — not met" in refused["Reasons"]
    assert "Collaboration between partner schools: level 3 against a minimum of 2 — met" in refused["Reasons"]
    assert "against a pass mark of 15 — met" in labelled["Reasons"] and "not met" not in labelled["Reasons"]
    assert found[data.applications["a4"]]["Reasons"] is None, "withdrawn: no verdict, no reason"
    _, french, _ = export(session, lang="fr")
    motifs = {r["Candidature"]: r["Motifs"] for r in by_header(french["Candidatures"])}
    assert "seuil" in motifs[data.applications["a1"]]
    # Rules apart as each language writes it: French puts a narrow no-break space before ";".
    assert "; " in refused["Reasons"] and "\u202f; " not in refused["Reasons"]
    assert "\u202f; " in motifs[data.applications["a3"]] and " ; " not in motifs[data.applications["a3"]]
    assert "; " not in motifs[data.applications["a3"]].replace("\u202f; ", "")


def test_responses_carry_the_question_text(session, data):
    _, book, _ = export(session)
    assert header(book["Responses"])[3:5] == ["Question id", "Question"]
    heard = next(r for r in by_header(book["Responses"]) if r["Question id"] == "heard-about")
    assert heard["Question"] and heard["Question"] != "heard-about" and "?" in heard["Question"]


def test_region_and_age_group_summaries(session, data):
    _, book, _ = export(session)
    regions = {r["Region"]: r for r in by_header(book["Regions"])}
    assert regions["Occitanie"]["Applications"] == 2  # p1 in rounds A and B
    assert (regions["Occitanie"]["Published verdicts"], regions["Occitanie"]["Labels"]) == (1, 1)
    assert regions["Bretagne"]["Award rate"] == 0.5
    ages = {r["Age group"]: r for r in by_header(book["Age groups"])}
    assert sum(r["Applications"] for r in ages.values()) == 5
    assert "Primary (6-10)" in ages


def test_responses_apart_when_there_are_too_many(session, data, monkeypatch, tmp_path):
    monkeypatch.setattr(exports, "RESPONSES_IN_WORKBOOK", 10)
    summary, book, _ = export(session)
    assert "Responses" not in book.sheetnames and summary.responses_apart > 10
    assert "separate" in facts(book)["Survey answers"]
    summary, book, _ = export(session, with_responses=True)
    assert "Responses" in book.sheetnames and summary.responses_apart == 0


@pytest.mark.parametrize("with_responses", [False, True])
def test_cli_writes_the_answers_beside_the_workbook(with_responses, sqlite_database_url, monkeypatch, tmp_path):
    from click.testing import CliRunner

    from assess.cli import cli
    from assess.storage.db import make_engine, make_session_factory
    from tests.exports.helpers import build

    monkeypatch.setenv("ASSESS_DATABASE_URL", sqlite_database_url)
    monkeypatch.setattr(exports, "RESPONSES_IN_WORKBOOK", 10)
    engine = make_engine(sqlite_database_url)
    try:
        with make_session_factory(engine)() as session:
            build(session)
    finally:
        engine.dispose()
    out = tmp_path / "national.xlsx"
    args = ["export", "xlsx", "--out", str(out)] + (["--with-responses"] if with_responses else [])
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    apart = tmp_path / "national-responses.csv"
    book = openpyxl.load_workbook(out)
    if with_responses:
        assert "Responses" in book.sheetnames and not apart.exists()
    else:
        assert "Responses" not in book.sheetnames and apart.exists()
        with open(apart, encoding="utf-8", newline="") as handle:
            assert next(csv.reader(handle))[:4] == ["Response", "Project", "Audience", "Question id"]
        assert str(apart) in result.stdout
