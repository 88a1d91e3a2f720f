"""`assess rubric score`: a jury checks a score by hand."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assess.cli import cli
from assess.domain.rubric import RubricCatalogue

GEN_A = "etwinning-2006"


def levels_for(rubric_id: str, value: int) -> list[str]:
    rubric = RubricCatalogue.from_directory().get(rubric_id)
    return [arg for c in rubric.criteria for arg in ("--level", f"{c.id}={value}")]


def run(*args: str):
    return CliRunner().invoke(cli, ["rubric", "score", *args])


def test_score_prints_total_percentage_and_verdict():
    result = run(GEN_A, *levels_for(GEN_A, 4))
    assert result.exit_code == 0, result.output
    assert "Total: 24 / 30 (80%), pass mark 15" in result.output
    assert "Verdict: pass" in result.output
    assert "Above the European-label nomination threshold (20)." in result.output


def test_score_json_names_the_criterion_below_its_minimum():
    args = levels_for(GEN_A, 5)
    args[args.index("collaboration=5")] = "collaboration=1"
    result = run(GEN_A, *args, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["total"] == 26
    assert data["verdict"]["outcome"] == "fail"
    assert data["verdict"]["reasons"] == [{"code": "below_minimum", "subject": "collaboration", "level": 1, "minimum": 2}]


def test_gates_are_required_by_generation_c():
    rubric_id = "etwinning-2021"
    result = run(rubric_id, *levels_for(rubric_id, 4))
    assert result.exit_code == 2
    assert "missing --gate for online-collaboration, digital-tools, safety" in result.output
    ok = run(rubric_id, *levels_for(rubric_id, 4), "--gate", "online-collaboration=3", "--gate", "digital-tools=3",
             "--gate", "safety=2", "--lang", "fr")
    assert ok.exit_code == 0, ok.output
    assert "Verdict\u00a0: fail" in ok.output and "inférieur au minimum de 3" in ok.output


def test_bad_input_exits_2_with_a_clear_message():
    cases = {
        ("nope",): "unknown rubric 'nope'",
        (GEN_A, "--level", "innovation=3"): "missing --level for curricular-integration",
        (GEN_A, *levels_for(GEN_A, 3), "--level", "teleportation=3"): "unknown criterion 'teleportation'",
        (GEN_A, *levels_for(GEN_A, 3)[:-1], "results=7"): "level of criterion 'results' must be a whole number from 0 to 5",
        (GEN_A, "--level", "innovation"): "'innovation' is not ID=LEVEL",
        (GEN_A, "--level", "innovation=high"): "must be a whole number from 0 to 5",
    }
    for args, message in cases.items():
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output, (args, result.output)
        assert "Traceback" not in result.output


@pytest.mark.parametrize(("lang", "level_word"), [("en", "level"), ("fr", "niveau"), ("de", "Stufe")])
def test_criteria_and_gates_line_up_in_columns_in_every_language(lang, level_word):
    rubric_id = "etwinning-2021"
    result = run(rubric_id, *levels_for(rubric_id, 4), "--gate", "online-collaboration=3", "--gate", "digital-tools=1",
                 "--gate", "safety=2", "--lang", lang)
    assert result.exit_code == 0, result.output
    rows = [line for line in result.output.splitlines() if f"  {level_word} " in line]
    assert len(rows) == 5 + 3  # the criteria, then the gates
    assert len({row.index(f"  {level_word} ") for row in rows}) == 1, "\n".join(rows)
    criteria = rows[:5]
    assert len({row.index("4/5") + len("4/5") for row in criteria}) == 1  # the names start in one column too
