"""Rubric files: what `assess rubric check` tells the person who edits one."""

from __future__ import annotations

import json
import textwrap

import pytest
from click.testing import CliRunner

from assess import resources
from assess.cli import cli
from assess.domain.rubric import RubricCatalogue

LEVELS = "\n".join(
    f"      - {{level: {n}, label: {{en: L{n}, fr: N{n}}}, descriptor: {{en: d{n}, fr: e{n}}}}}" for n in range(6)
)

VALID = textwrap.dedent(
    """\
    id: sample
    version: "1.0"
    title: {en: Sample, fr: Exemple}
    period: "2024"
    description: {en: A sample., fr: Un exemple.}
    criteria:
      - id: collaboration
        name: {en: Collaboration, fr: Collaboration}
        guidance: {en: Partners work together., fr: Les partenaires travaillent ensemble.}
        levels:
    LEVELS
      - id: technology
        name: {en: Technology, fr: Technologie}
        guidance: {en: Tools serve the goals., fr: Les outils servent les objectifs.}
        weight: 2
        levels:
    LEVELS
    gates:
      - id: safety
        name: {en: Safety, fr: Sécurité}
        guidance: {en: Privacy respected., fr: Vie privée respectée.}
        criterion: technology
        minimum: 3
        levels:
    LEVELS
    verdict: {pass_mark: 8}
    eql: {nomination_threshold: 10}
    """
).replace("LEVELS", LEVELS)


def check(tmp_path, text: str):
    path = tmp_path / "sample.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["rubric", "check", str(path)])
    return result.exit_code, result.output.replace(str(path), "FILE").strip().splitlines()


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if fragment in line]
    return lines[occurrence - 1]


def test_a_valid_file_prints_ok(tmp_path):
    assert check(tmp_path, VALID) == (0, ["ok"])


def test_the_shipped_rubrics_are_valid():
    files = sorted(str(p) for p in resources.rubrics_dir().glob("*.yaml"))
    assert len(files) == 3
    result = CliRunner().invoke(cli, ["rubric", "check", *files])
    assert (result.exit_code, result.output) == (0, "ok\n")


@pytest.mark.parametrize(
    ("old", "new", "anchor", "message"),
    [
        ("    weight: 2\n", "    weight: 2\n    colour: red\n", "colour: red", "unknown key 'colour' in criteria.1"),
        ("  - id: technology", "  - id: collaboration", "- id: collaboration|2", "duplicate id 'collaboration'"),
        ("    weight: 2\n", "    weight: 0\n", "weight: 0", "weight of 'technology' must be above 0, not 0"),
        ("    weight: 2\n", "    weight: -1\n", "weight: -1", "weight of 'technology' must be above 0"),
        ("{en: Technology, fr: Technologie}", "{fr: Technologie}", "{fr: Technologie}",
         "missing translation 'en' in criteria.1.name"),
        ("    name: {en: Technology, fr: Technologie}\n",
         "    name:\n      en: Technology\n      fr: Technologie\n      EN: Technology\n", "EN: Technology",
         "unknown language 'EN' in criteria.1.name (known: en, fr, de)"),
        ("criterion: technology", "criterion: ict", "criterion: ict", "gate 'safety' refers to unknown criterion 'ict'"),
        ("pass_mark: 8", "pass_mark: 16", "pass_mark: 16", "pass mark 16 is outside 0..15"),
        ("title: {en: Sample, fr: Exemple}", "title: {en: Sample, fr: Exemple", "verdict", "YAML syntax error"),
    ],
)
def test_each_problem_is_reported_with_its_line(tmp_path, old, new, anchor, message):
    text = VALID.replace(old, new, 1)
    assert text != VALID
    code, output = check(tmp_path, text)
    assert code == 1
    fragment, _, occurrence = anchor.partition("|")
    if message == "YAML syntax error":
        assert len(output) == 1 and output[0].startswith("FILE:") and message in output[0]
        return
    assert f"FILE:{line_of(text, fragment, int(occurrence or 1))}: {message}" in output[0], output


def test_levels_out_of_order_or_missing_are_reported(tmp_path):
    swapped = VALID.replace("{level: 2,", "{level: 9,", 1)
    code, output = check(tmp_path, swapped)
    assert code == 1
    assert output == [
        f"FILE:{line_of(swapped, '- id: collaboration') + 3}: levels of 'collaboration' must be 0, 1, 2, 3, 4, 5, "
        "each once, in increasing order (found 0, 1, 9, 3, 4, 5)"
    ]


def test_duplicate_yaml_keys_are_reported(tmp_path):
    text = VALID.replace("period: \"2024\"\n", "period: \"2024\"\nperiod: \"2025\"\n")
    code, output = check(tmp_path, text)
    line = line_of(text, '"2025"')
    assert (code, output) == (1, [f"FILE:{line}: duplicate key 'period'"])


def test_every_problem_of_several_files_is_listed(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(VALID)
    bad = tmp_path / "bad.yaml"
    bad.write_text(VALID.replace("weight: 2", "weight: 0").replace("criterion: technology", "criterion: ict").replace("pass_mark: 8", "pass_mark: 99").replace("threshold: 10", "threshold: 1"))
    result = CliRunner().invoke(cli, ["rubric", "check", str(good), str(bad)])
    assert result.exit_code == 1
    assert len(result.output.splitlines()) == 3  # weight, gate reference, pass mark
    assert all(line.startswith(f"{bad}:") for line in result.output.splitlines())


def test_list_shows_installed_rubrics():
    result = CliRunner().invoke(cli, ["rubric", "list", "--json"])
    assert result.exit_code == 0
    listed = json.loads(result.output)
    assert {r["id"] for r in listed} == {r.id for r in RubricCatalogue.from_directory()}
    assert [r["id"] for r in listed if r["default"]] == ["etwinning-2006"]
    plain = CliRunner().invoke(cli, ["rubric", "list"])
    assert "etwinning-2006\t1.0\t" in plain.output


# --- hostile YAML: refused by line, never a traceback (issue 9) ---------------------------------
#
# Rubrics and questionnaires are read by the same YAML reader as the mapping files teachers
# upload (assess/domain/safe_yaml.py). Each case is a small change to a valid rubric.

BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{n}: &{n} [" + ",".join([f"*{p}"] * 9) + "]" for p, n in zip("abcdefgh", "bcdefghi", strict=True)]
) + "\n"

HOSTILE_YAML = {
    "alias": (VALID.replace("guidance: {en: Partners", "guidance: &g {en: Partners", 1).replace(
        "guidance: {en: Tools serve the goals., fr: Les outils servent les objectifs.}", "guidance: *g", 1),
        "guidance: &g", "anchors (&g) are not allowed: write the value out"),
    "billion laughs": (BILLION_LAUGHS + VALID, "a: &a", "anchors (&a) are not allowed: write the value out"),
    "python tag": (VALID.replace('period: "2024"', 'period: !!python/object/apply:os.system ["echo hacked"]'),
                   "period:", "unknown tag '!!python/object/apply:os.system': write plain text, numbers, lists and "
                   "mappings only"),
    "custom tag": (VALID.replace("weight: 2", "weight: !foo 2"), "weight:",
                   "unknown tag '!foo': write plain text, numbers, lists and mappings only"),
    "deep nesting": (VALID.replace('period: "2024"', "period: " + "[" * 100_000 + "]" * 100_000), "period:",
                     "nested more than 32 levels deep"),
    "long integer": (VALID.replace("weight: 2", "weight: " + "9" * 5_000), "weight:",
                     "a number of 5,000 digits is too long"),
    "long text": (VALID.replace("{en: A sample.,", "{en: " + "a" * 20_001 + ",", 1), "description:",
                  "a value longer than 20,000 characters"),
    "too large": (VALID + "# " + "é" * (1024 * 1024) + "\n", None, "the file is larger than 1,024 KB"),
}


@pytest.mark.parametrize("case", list(HOSTILE_YAML))
def test_hostile_yaml_is_refused_with_its_line(tmp_path, case):
    text, anchor, message = HOSTILE_YAML[case]
    code, output = check(tmp_path, text)
    line = line_of(text, anchor) if anchor else 1
    assert (code, output) == (1, [f"FILE:{line}: {message}"])


def test_the_same_limits_hold_for_questionnaires(tmp_path):
    path = tmp_path / "families.yaml"
    path.write_text("id: !!python/object:os.system x\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["survey", "check", str(path)])
    assert result.exit_code == 1 and result.output == f"{path}:1: unknown tag '!!python/object:os.system': " \
        "write plain text, numbers, lists and mappings only\n"
