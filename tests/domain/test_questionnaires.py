"""Questionnaire files: what `assess survey check` tells the person who edits one, and the shipped set."""

from __future__ import annotations

import textwrap

import pytest
from click.testing import CliRunner

from assess import resources
from assess.cli.survey_check import check as survey_check
from assess.domain.questionnaire import (
    Audience,
    Display,
    ItemType,
    QuestionnaireCatalogue,
)
from assess.domain.rubric import THEMES, RubricCatalogue

VALID = textwrap.dedent(
    """\
    id: sample
    version: "1.0"
    audience: pupils
    ages: [8, 12]
    display: form
    title: {en: Sample, fr: Exemple}
    intro: {en: Anonymous., fr: Anonyme.}
    thanks: {en: Thank you!, fr: Merci !}
    items:
      - id: team
        type: agreement
        required: true
        text: {en: I worked in a team with partners., fr: J'ai travaillé en équipe avec des partenaires.}
        help: {en: A mixed team., fr: Une équipe mixte.}
        themes: [collaboration]
      - id: tools
        type: agreement
        text: {en: I used digital tools., fr: J'ai utilisé des outils numériques.}
        themes: [technology]
      - id: how-often
        type: single
        text: {en: "How often?", fr: "Combien de fois ?"}
        themes: [communication]
        options:
          - {id: never, text: {en: Never, fr: Jamais}}
          - {id: weekly, text: {en: Every week, fr: Chaque semaine}}
      - id: activities
        type: multiple
        text: {en: "Which activities?", fr: "Quelles activités ?"}
        options:
          - {id: calls, text: {en: Video calls, fr: Visioconférences}}
          - {id: forum, text: {en: Forum, fr: Forum}}
      - id: comment
        type: text
        text: {en: "Anything else?", fr: "Autre chose ?"}
    """
)

SHIPPED = sorted(resources.surveys_dir().glob("*.yaml"))


def check(tmp_path, text: str):
    path = tmp_path / "sample.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(survey_check, [str(path)])
    return result.exit_code, result.output.replace(str(path), "FILE").strip().splitlines()


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if fragment in line]
    return lines[occurrence - 1]


def test_a_valid_file_prints_ok(tmp_path):
    assert check(tmp_path, VALID) == (0, ["ok"])


def test_the_shipped_questionnaires_are_valid():
    assert [p.name for p in SHIPPED] == ["families.yaml", "pupils-young.yaml", "pupils.yaml", "teachers.yaml"]
    result = CliRunner().invoke(survey_check, [str(p) for p in SHIPPED])
    assert (result.exit_code, result.output) == (0, "ok\n")


def test_the_command_needs_at_least_one_file():
    result = CliRunner().invoke(survey_check, [])
    assert result.exit_code == 2


def test_the_shipped_questionnaires_are_as_described():
    catalogue = QuestionnaireCatalogue.from_directory()
    young, pupils = catalogue.get("pupils-young"), catalogue.get("pupils")
    families, teachers = catalogue.get("families"), catalogue.get("teachers")
    assert [q.audience for q in (young, pupils, families, teachers)] == [
        Audience.PUPILS,
        Audience.PUPILS,
        Audience.FAMILIES,
        Audience.TEACHERS,
    ]
    assert (young.ages, young.display) == ((4, 7), Display.ONE_AT_A_TIME)
    assert (pupils.ages, pupils.display) == ((8, 19), Display.FORM)
    assert {item.type for item in young.items} == {ItemType.AGREEMENT, ItemType.TEXT}
    assert 6 <= sum(item.type is ItemType.AGREEMENT for item in young.items) <= 8
    assert [item.type for item in pupils.items].count(ItemType.SINGLE) == 1
    assert [item.type for item in pupils.items].count(ItemType.MULTIPLE) == 1
    for questionnaire in catalogue:
        assert questionnaire.version == "1.0"
        required = [item for item in questionnaire.items if item.required]
        assert 2 <= len(required) <= 3, questionnaire.id
        assert all(item.type is ItemType.AGREEMENT for item in required), questionnaire.id
        # Every questionnaire ends with an optional free comment.
        assert questionnaire.items[-1].type is ItemType.TEXT and not questionnaire.items[-1].required
        for lang in ("en", "fr"):
            intro = questionnaire.intro.get(lang).lower()
            assert "e-mail" in intro and ("anonym" in intro), (questionnaire.id, lang)


@pytest.mark.parametrize(
    ("old", "new", "anchor", "message"),
    [
        (
            "themes: [technology]",
            "themes: [ict]",
            "themes: [ict]",
            "item 'tools' is tied to unknown theme 'ict' (known: " + ", ".join(THEMES) + ")",
        ),
        (
            "    required: true\n",
            "    required: true\n    colour: red\n",
            "colour: red",
            "unknown key 'colour' in items.0",
        ),
        ("  - id: tools", "  - id: team", "- id: team|2", "duplicate item id 'team'"),
        (  # English, the default language, is required; the others fall back to it
            "{en: I used digital tools., fr: J'ai utilisé des outils numériques.}",
            "{fr: J'ai utilisé des outils numériques.}",
            "{fr: J'ai utilisé des outils numériques.}",
            "missing translation 'en' in items.1.text",
        ),
        (  # an unknown language code, on a line of its own: that line
            "    text: {en: I used digital tools., fr: J'ai utilisé des outils numériques.}\n",
            "    text:\n      en: I used digital tools.\n      fr: J'ai utilisé des outils numériques.\n"
            "      xx: Something.\n",
            "xx: Something.",
            "unknown language 'xx' in items.1.text (known: en, fr, de)",
        ),
        (
            "{en: Never, fr: Jamais}",
            "{en: Never, fr: '  '}",
            "{en: Never, fr: '  '}",
            "items.2.options.0.text.fr: empty translation",
        ),
        (
            "      - {id: weekly, text: {en: Every week, fr: Chaque semaine}}\n",
            "",
            "options:",
            "single-choice item 'how-often' needs at least two options",
        ),
        (
            "    themes: [technology]\n",
            "    themes: [technology]\n    options:\n      - {id: a, text: {en: A, fr: A}}\n"
            "      - {id: b, text: {en: B, fr: B}}\n",
            "options:",
            "agreement item 'tools' takes no options",
        ),
        (
            "display: form",
            "display: one_at_a_time",
            "type: single",
            "item 'how-often': the one-at-a-time (faces) display takes agreement and text items only",
        ),
        (
            "    type: text\n",
            "    type: text\n    themes: [results]\n",
            "themes: [results]",
            "text item 'comment' cannot be scored, so it informs no theme",
        ),
        ("{id: forum,", "{id: calls,", "{id: calls,|2", "duplicate option id 'calls' in item 'activities'"),
        ("ages: [8, 12]", "ages: [12, 8]", "ages:", "ages must be two ages from 2 to 21, youngest first, not [12, 8]"),
        ("audience: pupils", "audience: parents", "audience:", "audience: 'parents' is not one of the values allowed: pupils, families, teachers"),
        ("title: {en: Sample, fr: Exemple}", "title: {en: Sample, fr: Exemple", "intro:", "YAML syntax error"),
    ],
)
def test_each_problem_is_reported_with_its_line(tmp_path, old, new, anchor, message):
    text = VALID.replace(old, new, 1)
    assert text != VALID
    code, output = check(tmp_path, text)
    assert code == 1
    if message == "YAML syntax error":
        assert len(output) == 1 and output[0].startswith("FILE:") and message in output[0], output
        return
    fragment, _, occurrence = anchor.partition("|")
    assert output[0].startswith(f"FILE:{line_of(text, fragment, int(occurrence or 1))}: {message}"), output


def test_every_problem_of_several_files_is_listed(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(VALID, encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        VALID.replace("themes: [technology]", "themes: [ict]").replace("{id: forum,", "{id: calls,"), encoding="utf-8"
    )
    result = CliRunner().invoke(survey_check, [str(good), str(bad)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 2  # unknown theme, duplicate option
    assert all(line.startswith(f"{bad}:") for line in lines)


@pytest.mark.parametrize("questionnaire_id", ["pupils", "teachers"])
def test_every_theme_is_informed_by_the_pupils_and_teachers_questionnaires(questionnaire_id):
    questionnaire = QuestionnaireCatalogue.from_directory().get(questionnaire_id)
    assert set(THEMES) - questionnaire.themes == set()


def test_every_theme_asked_about_is_covered_by_a_criterion_of_every_rubric():
    asked = {theme for questionnaire in QuestionnaireCatalogue.from_directory() for theme in questionnaire.themes}
    rubrics = list(RubricCatalogue.from_directory())
    assert len(rubrics) >= 3
    for rubric in rubrics:
        covered = {theme for criterion in rubric.criteria for theme in criterion.themes}
        assert asked - covered == set(), rubric.id
