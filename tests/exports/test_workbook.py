"""The statistics workbook on real databases, read back with openpyxl and checked against
the database: sheets, headers, layout, row counts, figures, pseudonyms, filters."""

from __future__ import annotations

import io
import itertools
import re
import zipfile

import openpyxl
import pytest
from sqlalchemy import func, select

from assess.domain import permissions
from assess.domain.permissions import Actor, PermissionDenied, Rule
from assess.reports import workbook
from assess.services import _settings_values, exports, jury, rubrics, survey_results
from assess.services.errors import InvalidInput, NotFound
from assess.services.national._tables import agreement, juror_labels, pseudonym_codes
from assess.storage.models import (
    Application,
    Assignment,
    AuditLog,
    Decision,
    JurorScore,
    RubricVersion,
    SurveyAnswer,
    SurveyCampaign,
    User,
)
from tests.exports.helpers import FORMULA, filters_of
from tests.services.helpers import make_user

SHEETS = ["Summary", "Applications", "Scores", "Criteria", "Jurors", "Surveys", "Responses", "Regions", "Age groups"]


def export(session, tmp_path=None, **options):
    """Write the workbook (as the office unless told otherwise); (summary, openpyxl book, bytes)."""
    out = io.BytesIO()
    options.setdefault("actor", Actor.system())
    options["filters"] = filters_of(options)
    summary = exports.write_workbook(session, out=out, **options)
    exports.record_export(session, actor=options["actor"], summary=summary)
    data = out.getvalue()
    return summary, openpyxl.load_workbook(io.BytesIO(data)), data


def rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(min_row=2, values_only=True))


def header(sheet) -> list[str]:
    return [c.value for c in next(sheet.iter_rows(max_row=1))]


def by_header(sheet) -> list[dict]:
    names = header(sheet)
    return [dict(zip(names, row, strict=True)) for row in rows(sheet)]


def facts(book, name="Summary") -> dict:
    """The summary's label-value rows (from row 3 to the first blank row)."""
    found = {}
    for label, value, *_ in book[name].iter_rows(min_row=3, values_only=True):
        if label is None:
            break
        found[label] = value
    return found


def count(session, query) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery()))


def submitted_scores(session, *where):
    return (select(JurorScore.id).join(Assignment, Assignment.id == JurorScore.assignment_id)
            .join(Application, Application.id == Assignment.application_id)
            .where(Assignment.submitted_at.is_not(None), Application.status == "submitted", *where))


def test_sheets_headers_and_layout(session, data):
    summary, book, raw = export(session)
    assert book.sheetnames == SHEETS
    assert [s.name for s in summary.sheets] == SHEETS
    assert header(book["Responses"]) == ["Response", "Project", "Audience", "Question id", "Question", "Themes", "Month", "Language",
                                         "Score", "Don't know", "Choices", "Text"]
    assert header(book["Scores"]) == ["Application", "Round", "Rubric", "Project", "Juror", "Criterion id", "Criterion",
                                      "Level"]
    for name in SHEETS[1:]:
        sheet = book[name]
        last = openpyxl.utils.get_column_letter(len(header(sheet)))
        assert sheet.freeze_panes == "A2", name
        assert sheet.auto_filter.ref == f"A1:{last}{len(rows(sheet)) + 1}", name
        assert all(c.font.b for c in next(sheet.iter_rows(max_row=1))), name
        assert sheet.column_dimensions["A"].width > 0, name
    applications = book["Applications"]
    share = header(applications).index("Share of maximum") + 1
    assert applications.cell(2, share).number_format == "0.0%"
    assert book["Criteria"].cell(2, 11).number_format == "0.00"
    assert book["Responses"].cell(2, 7).number_format == "yyyy-mm"
    assert len(book["Summary"]._charts) == 2
    for xml in (zipfile.ZipFile(io.BytesIO(raw)).read(n).decode() for n in zipfile.ZipFile(io.BytesIO(raw)).namelist()
                if n.startswith("xl/worksheets/sheet")):
        assert "<f>" not in xml


def test_row_counts_are_the_databases(session, data):
    summary, book, _ = export(session)
    assert len(rows(book["Applications"])) == count(session, select(Application.id)) == 6
    assert len(rows(book["Scores"])) == count(session, submitted_scores(session))
    assert len(rows(book["Responses"])) == count(session, select(SurveyAnswer.id))
    assert len(rows(book["Jurors"])) == count(session, select(Assignment.juror_id).join(
        Application, Application.id == Assignment.application_id).where(Application.status == "submitted").distinct())
    assert {s.name: s.rows for s in summary.sheets[1:]} == {name: len(rows(book[name])) for name in SHEETS[1:]}
    assert summary.rows == sum(len(rows(book[name])) for name in SHEETS[1:])
    facts_ = facts(book)
    assert facts_["Applications (not withdrawn)"] == 5 and facts_["Applications withdrawn"] == 1
    assert (facts_["Published verdicts"], facts_["Labels awarded"]) == (3, 2)
    assert facts_["Survey answers"] == len(rows(book["Responses"]))
    rate = next(r for r in book["Summary"].iter_rows(min_row=3) if r[0].value == "Share of published verdicts "
                "awarding the label")[1]
    assert (rate.value, rate.number_format) == (pytest.approx(2 / 3, abs=1e-4), "0.0%")


def test_application_rows(session, data):
    _, book, _ = export(session)
    found = {r["Application"]: r for r in by_header(book["Applications"])}
    a1, a3, a4, b1, b5 = (found[data.applications[k]] for k in ("a1", "a3", "a4", "b1", "b5"))
    decision = session.scalar(select(Decision).where(Decision.application_id == data.applications["a1"]))
    assert a1["Collaboration between partner schools (etwinning-2006)"] == decision.levels["collaboration"] == 5.0
    assert (a1["Total"], a1["Share of maximum"]) == (pytest.approx(decision.total, abs=0.005),
                                                     pytest.approx(decision.percentage / 100, abs=5e-5))
    assert (a1["Verdict"], a3["Verdict"]) == ("Label", "No label")
    assert (a1["Round"], a1["School year"], a1["Project title"], a1["Region"]) == (
        "Labels 2024-2025", "2024-2025", "Our rivers, our future", "Occitanie")
    assert (a1["Age group"], a1["Partner countries"]) == ("Primary (6-10)", "IE, PL")
    assert (a4["Status"], a4["Verdict"], a4["Total"]) == ("Withdrawn", "Withdrawn", None)
    assert b1["Verdict"] == "Pending", "a staged decision is not a verdict"
    # b5 has no decision: its aggregates are its one submitted juror's levels (the draft does not count).
    levels = session.execute(
        select(JurorScore.item_id, func.avg(JurorScore.level))
        .join(Assignment, Assignment.id == JurorScore.assignment_id)
        .where(Assignment.application_id == data.applications["b5"], Assignment.submitted_at.is_not(None))
        .group_by(JurorScore.item_id)).all()
    assert levels
    older, newer = rubrics.installed_rubric("etwinning-2006"), rubrics.installed_rubric("etwinning-2021")
    for item_id, mean in levels:
        # Each generation's criteria are columns of their own, named with their rubric.
        name = newer.item(item_id).name.get("en")
        assert b5[f"{name} (etwinning-2021)"] == pytest.approx(float(mean), abs=0.005)
        if item_id in jury.items_of(older):
            assert b5[f"{older.item(item_id).name.get('en')} (etwinning-2006)"] is None
    assert b5["Verdict"] == "Pending" and b5["Total"] == pytest.approx(15.0)
    # Items of both rubrics are columns; an item of the other rubric is blank.
    assert b5["Pedagogical innovation and creativity (etwinning-2006)"] is None
    assert a1["Use of ICT (etwinning-2021)"] is None


def test_criteria_figures_are_the_sql_aggregates(session, data):
    _, book, _ = export(session)
    found = {(r["Rubric"], r["Criterion id"]): r for r in by_header(book["Criteria"])}
    versions = {v.id: f"{v.rubric_id} {v.version}" for v in session.scalars(select(RubricVersion))}
    expected = session.execute(
        select(JurorScore.rubric_version_id, JurorScore.item_id, func.count(), func.avg(JurorScore.level))
        .join(Assignment, Assignment.id == JurorScore.assignment_id)
        .join(Application, Application.id == Assignment.application_id)
        .where(Assignment.submitted_at.is_not(None), Application.status == "submitted", JurorScore.level.is_not(None))
        .group_by(JurorScore.rubric_version_id, JurorScore.item_id)).all()
    assert len(found) == len(expected) == 14
    for version_id, item_id, n, mean in expected:
        row = found[(versions[version_id], item_id)]
        assert row["Levels given"] == n and row["Mean"] == pytest.approx(float(mean), abs=0.005)
        assert sum(row[f"Level {level}"] for level in range(6)) == n


def test_jurors_sheet(session, data):
    _, book, _ = export(session, round_id=data.round_a)
    labels = juror_labels(session, secret=_settings_values.secret_key(session), names=False, lang="en")
    found = {r["Juror"]: r for r in by_header(book["Jurors"])}
    reliability = jury.reliability(session, actor=Actor.system(), round_id=data.round_a)
    assert len(found) == len(reliability.jurors)
    for juror in reliability.jurors:
        row = found[labels[juror.juror_id]]
        assert row["Mean deviation"] == pytest.approx(juror.mean_deviation, abs=0.005)
        assert (row["Levels compared"], row["Flagged"]) == (juror.compared, juror.flagged)
        assert row["Assigned"] == row["Submitted"] == juror.applications
        # Two jurors one level apart on a1 and a2 agree; two levels apart on a3 they do not.
        scored = set(session.scalars(select(Assignment.application_id).join(Application).where(
            Assignment.juror_id == juror.juror_id, Application.round_id == data.round_a)))
        agreeing = len(scored & {data.applications["a1"], data.applications["a2"]})
        assert row["Agreement"] == pytest.approx(agreeing / len(scored), abs=5e-5)


def test_agreement_is_the_share_within_one_level_of_the_co_jurors_mean():
    rows_ = [("A", 1, "x", 3), ("B", 1, "x", 4), ("C", 1, "x", 5), ("A", 2, "x", 2), ("B", 2, "x", 2),
             ("C", 3, "x", 1), ("A", 3, "y", None)]
    # On 1/x: A is 1.5 from 4.5, B 0 from 4, C 1.5 from 3.5. On 2/x: A and B agree. C alone on 3.
    assert agreement(rows_) == {"A": (1, 2), "B": (2, 2), "C": (0, 1)}


def test_survey_figures_match_the_results_service_and_small_groups_are_blank(session, data):
    _, book, _ = export(session)
    found = {(r["Project"], r["Audience"], r["Criterion id"]): r for r in by_header(book["Surveys"])}
    rubric = rubrics.installed_rubric("etwinning-2021")  # the newest round's
    results = survey_results.project_results(session, actor=Actor.system(), project_id=data.projects["p1"],
                                             rubric=rubric)
    for criterion in rubric.criteria:
        families = found[(data.projects["p1"], "Families", criterion.id)]
        figures = results.audience("families").group.criteria[criterion.id]
        assert families["Respondents"] == 5 and families["Answers"] == figures.answered
        assert families["Mean"] == (None if figures.mean is None else pytest.approx(figures.mean, abs=0.005))
        assert families["Comparable level (0-5)"] == (None if figures.level is None else pytest.approx(figures.level, abs=0.005))
        pupils = found[(data.projects["p1"], "Pupils", criterion.id)]
        assert (pupils["Respondents"], pupils["Answers"], pupils["Mean"]) == (4, None, None), "under 5: blank"
        together = found[(data.projects["p1"], "All audiences", criterion.id)]
        # The four pupils' items count in no total: all audiences are the families alone.
        assert together["Respondents"] == 9 and together["Mean"] == families["Mean"], "no pupil's answer in it"
    assert any(r["Mean"] is not None for r in found.values() if r["Project"] == data.projects["p6"])
    assert len(found) == (3 + 2) * len(rubric.criteria)


def test_responses_are_every_answer_with_text_typed_as_text(session, data):
    _, book, raw = export(session)
    sheet = book["Responses"]
    answers = session.execute(select(SurveyAnswer.response_id, SurveyAnswer.item_id, SurveyAnswer.score,
                                     SurveyAnswer.dont_know, SurveyAnswer.text).order_by(SurveyAnswer.id)).all()
    written = rows(sheet)
    assert [(r[0], r[3], r[8], r[9]) for r in written] == [tuple(a)[:4] for a in answers]
    texts = [a.text for a in answers if a.text is not None]
    assert [r[11] for r in written if r[11] is not None] == texts, "every comment of the groups of 5 or more"
    formula = next(row for row in sheet.iter_rows(min_row=2) if row[11].value == FORMULA)
    assert formula[11].data_type == "s"
    assert {r[2] for r in written} == {"Families", "Pupils", "Teachers"}
    heard = next(r for r in written if r[3] == "heard-about")
    assert heard[10] == "child" and heard[5] == "documentation"
    assert next(r for r in written if r[3] == "child-talked")[5] == "results"
    xml = zipfile.ZipFile(io.BytesIO(raw)).read("xl/worksheets/sheet7.xml").decode()
    assert "<f>" not in xml and f"<t>{FORMULA}</t>" in xml


def test_a_group_under_5_is_listed_without_its_project_or_its_words(session, data):
    """The pupils of p1 are four: their answers count (every answer is listed) but nothing
    on their rows leads back to their project, nor their free text."""
    pupils_campaign = session.scalar(select(SurveyCampaign.id).where(
        SurveyCampaign.project_id == data.projects["p1"], SurveyCampaign.audience == "pupils"))
    small = set(session.scalars(select(SurveyAnswer.response_id).where(SurveyAnswer.campaign_id == pupils_campaign)))
    assert len({r for r in small}) == 4
    _, book, _ = export(session)
    pupils_rows = [r for r in rows(book["Responses"]) if r[0] in small]
    assert pupils_rows and all(r[1] is None and r[11] is None for r in pupils_rows)
    assert all(r[1] is not None for r in rows(book["Responses"]) if r[0] not in small)


def test_pseudonyms_are_stable_whatever_the_filters(session, data):
    _, everything, _ = export(session)
    _, round_b, _ = export(session, round_id=data.round_b)
    _, year, _ = export(session, school_year="2024-2025")

    def pairs(book, applications):
        return {(r[0], r[4]) for r in rows(book["Scores"]) if r[0] in applications}

    in_b = {data.applications["b1"], data.applications["b5"]}
    in_a = {data.applications[k] for k in ("a1", "a2", "a3")}
    assert pairs(everything, in_b) == pairs(round_b, in_b) and pairs(round_b, in_b)
    assert pairs(everything, in_a) == pairs(year, in_a) and pairs(year, in_a)
    names = set(session.scalars(select(User.display_name)))
    shown = {r[4] for r in rows(everything["Scores"])} | {r[0] for r in rows(everything["Jurors"])}
    assert all(re.fullmatch(r"Juror [A-Z2-7]{6}", label) for label in shown) and not shown & names


def test_pseudonym_codes_depend_on_the_juror_alone():
    first = pseudonym_codes(b"secret", [3, 7, 9])
    assert pseudonym_codes(b"secret", [7, 1, 2, 3, 9]) | {} == {**pseudonym_codes(b"secret", [1, 2]), **first}
    assert pseudonym_codes(b"other", [3])[3] != first[3]
    lengthened = pseudonym_codes(b"secret", list(range(1, 400)), length=1)  # forced collisions
    assert len(set(lengthened.values())) == 399


def test_names_only_when_asked_and_allowed(session, data, monkeypatch):
    _, book, _ = export(session, juror_names=True)
    names = {j.display_name for j in data.jurors.values()}
    assert {r[4] for r in rows(book["Scores"])} <= names and {r[0] for r in rows(book["Jurors"])} <= names
    facts_ = facts(book)
    assert facts_["Jurors shown as"] == "names"
    assert session.scalars(select(AuditLog.details).where(AuditLog.action == "statistics.export")).all()[-1][
        "juror_names"] is True

    monkeypatch.setitem(permissions.PERMISSIONS, "statistics.juror_names", Rule(lambda a, o: False, "never"))
    with pytest.raises(PermissionDenied):
        export(session, actor=data.office, juror_names=True)
    export(session, actor=data.office)  # pseudonyms stay allowed


def test_refused_to_anyone_but_the_office(session, data):
    teacher = make_user(session, email="curious@example.org")
    juror = next(iter(data.jurors.values()))
    for actor in (teacher, juror):
        with pytest.raises(PermissionDenied):
            exports.write_workbook(session, actor=actor, out=io.BytesIO())


def test_filters_by_round_and_by_year(session, data):
    _, round_a, _ = export(session, round_id=data.round_a)
    assert {r[1] for r in rows(round_a["Applications"])} == {"Labels 2024-2025"}
    assert len(rows(round_a["Applications"])) == 4
    assert len(rows(round_a["Scores"])) == count(session, submitted_scores(session,
                                                                           Application.round_id == data.round_a))
    p1_answers = count(session, select(SurveyAnswer.id).where(SurveyAnswer.campaign_id.in_(
        select(SurveyCampaign.id).where(SurveyCampaign.project_id == data.projects["p1"]))))
    assert len(rows(round_a["Responses"])) == p1_answers, "the surveys of the projects in the round"
    assert {r[0] for r in rows(round_a["Surveys"])} == {data.projects["p1"]}

    _, year, _ = export(session, school_year="2024-2025")
    assert {r[0] for r in rows(year["Applications"])} == {r[0] for r in rows(round_a["Applications"])}
    later = session.scalar(select(Application.school_year).where(Application.round_id == data.round_b))
    _, both, _ = export(session, round_id=data.round_a, school_year=later)
    assert rows(both["Applications"]) == []
    # Surveys as on the dashboard: the campaigns of the round's projects that opened in
    # the school year (P1's, this year), whatever year the project applied in.
    assert len(rows(both["Responses"])) == p1_answers
    facts_ = facts(both)
    assert facts_["School year"] == later and facts_["Round"] == f"Labels 2024-2025 ({data.round_a})"


def test_unknown_round_and_malformed_year(session, data):
    with pytest.raises(NotFound):
        export(session, round_id=404)
    for year in ("2025", "2025-2027", "twenty", "2025/2026"):
        with pytest.raises(InvalidInput) as refused:
            export(session, school_year=year)
        assert [e.field for e in refused.value.errors] == ["school_year"]


def test_continuation_sheets_with_a_lower_limit(session, data, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_ROWS", 10)
    summary, book, _ = export(session)
    answers = count(session, select(SurveyAnswer.id))
    continued = [n for n in book.sheetnames if n.startswith("Responses")]
    assert continued == ["Responses"] + [f"Responses ({n})" for n in range(2, len(continued) + 1)]
    assert len(continued) == -(-answers // 9)
    ids = [r[0] for name in continued for r in rows(book[name])]
    assert len(ids) == answers and ids == sorted(ids)
    assert all(header(book[name])[0] == "Response" and book[name].freeze_panes == "A2" for name in continued)
    assert "Scores (2)" in book.sheetnames
    facts_ = facts(book)
    assert facts_["Rows on sheet Responses (2)"] == 9 and facts_["Survey answers"] == answers
    assert summary.rows == sum(len(rows(book[n])) for n in book.sheetnames[1:])


def test_progress_goes_up_to_the_total(session, data):
    told = []
    export(session, progress=lambda done, total: told.append((done, total)))
    assert told[0][0] == 0 and told[-1][0] == told[-1][1] > 0
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(told))
    assert len({total for _, total in told}) == 1


def test_in_french(session, data, tmp_path):
    path = tmp_path / "statistiques.xlsx"
    exports.write_workbook(session, actor=Actor.system(), out=str(path), lang="fr")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Synthèse", "Candidatures", "Notes", "Critères", "Jurés", "Enquêtes", "Réponses",
                               "Régions", "Tranches d'âge"]
    assert header(book["Réponses"])[:3] == ["Réponse", "Projet", "Public"]
    assert {r[-2] for r in rows(book["Candidatures"])} == {"Label", "Pas de label", "Retirée", "En attente"}
    assert all(r[4].startswith("Juré ") for r in rows(book["Notes"]))
