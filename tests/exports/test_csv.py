"""CSV exports: the same rows as the workbook, and no cell a spreadsheet would run."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from assess.domain.permissions import Actor, PermissionDenied
from assess.services import exports
from assess.services.errors import InvalidInput, NotFound
from assess.storage.models import Application, Assignment, JurorScore, SurveyAnswer
from tests.exports.helpers import DANGEROUS, FORMULA, filters_of
from tests.services.helpers import make_user


def export(session, what: str, **options) -> tuple[int, list[list[str]]]:
    out = io.StringIO(newline="")
    written = exports.write_csv(session, actor=options.pop("actor", Actor.system()), what=what, out=out,
                                filters=filters_of(options), **options).rows
    return written, list(csv.reader(io.StringIO(out.getvalue(), newline="")))


def test_row_counts_and_headers(session, data):
    written, table = export(session, "applications")
    assert written == len(table) - 1 == session.scalar(select(func.count(Application.id)))
    assert table[0][:4] == ["Application", "Round", "School year", "Status"]
    written, table = export(session, "scores")
    assert written == len(table) - 1 == session.scalar(
        select(func.count(JurorScore.id)).join(Assignment, Assignment.id == JurorScore.assignment_id)
        .join(Application, Application.id == Assignment.application_id)
        .where(Assignment.submitted_at.is_not(None), Application.status == "submitted"))
    written, table = export(session, "responses")
    assert written == len(table) - 1 == session.scalar(select(func.count(SurveyAnswer.id)))
    assert table[0] == ["Response", "Project", "Audience", "Question id", "Question", "Themes", "Month", "Language", "Score",
                        "Don't know", "Choices", "Text"]


def test_cells_starting_like_a_formula_are_prefixed(session, data):
    _, table = export(session, "responses")
    texts = [row[11] for row in table[1:] if row[11]]
    for dangerous in (FORMULA, *DANGEROUS):
        assert "'" + dangerous in texts, dangerous
        assert dangerous not in texts
    assert "Merci !" in texts, "other texts are left alone"
    _, applications = export(session, "applications")
    titles = [row[6] for row in applications[1:]]
    assert "'=HYPERLINK(\"http://x\")" in titles and "Stars over Europe" in titles


def test_values_as_data_people_expect(session, data):
    _, table = export(session, "responses")
    row = next(r for r in table[1:] if r[3] == "privacy-respected" and r[9] == "true")
    assert row[8] == "" and row[6].endswith("-01") and len(row[6]) == 10
    assert next(r for r in table[1:] if r[3] == "heard-about")[10] in {"child", "school-message"}
    _, applications = export(session, "applications")
    shares = [float(r[-3]) for r in applications[1:] if r[-3]]
    assert shares and all(0 <= s <= 1 for s in shares)


def test_filters_and_refusals(session, data):
    written, table = export(session, "applications", round_id=data.round_b)
    assert written == 2 and {r[1] for r in table[1:]} == {"Labels 2025-2026"}
    with pytest.raises(InvalidInput) as refused:
        export(session, "everything")
    assert [e.field for e in refused.value.errors] == ["what"]
    with pytest.raises(NotFound):
        export(session, "scores", round_id=404)
    with pytest.raises(InvalidInput):
        export(session, "scores", school_year="2025")
    with pytest.raises(PermissionDenied):
        export(session, "responses", actor=make_user(session, email="nosy@example.org"))


def test_scores_with_names_or_pseudonyms(session, data):
    names = {j.display_name for j in data.jurors.values()}
    _, pseudonymous = export(session, "scores")
    _, named = export(session, "scores", juror_names=True)
    assert {r[4] for r in named[1:]} <= names
    assert not {r[4] for r in pseudonymous[1:]} & names


def test_progress(session, data):
    told = []
    written, _ = export(session, "responses", progress=lambda done, total: told.append((done, total)))
    assert told[0] == (0, written) and told[-1] == (written, written)
