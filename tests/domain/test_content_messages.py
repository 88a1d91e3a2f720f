"""The problems of a content file are read in the reader's language: every problem carries a
catalogue key (``content.*``) and its parameters, and the sentence is made where it is shown
(``assess rubric check --lang fr``, the import page). English stays the text of logs."""

from __future__ import annotations

from typing import Literal

import pytest
from click.testing import CliRunner
from pydantic import Field

from assess.cli import cli
from assess.domain import imports
from assess.domain.content import (
    SCHEMA_MESSAGES,
    CatalogueError,
    ContentError,
    LocalizedText,
    Problem,
    StrictModel,
    load_content,
)
from assess.domain.questionnaire import Questionnaire, QuestionnaireCatalogue, check_questionnaire
from assess.domain.rubric import RubricCatalogue, parse_rubric
from assess.services.survey_imports import MappingError
from tests.domain.test_questionnaires import VALID as QUESTIONNAIRE
from tests.domain.test_rubric_files import VALID as RUBRIC
from tests.domain.test_rubric_files import line_of


def rubric_check(tmp_path, text: str, *args: str, env: dict[str, str] | None = None) -> list[str]:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["rubric", "check", str(path), *args], env=env)
    assert result.exit_code == 1
    return result.output.replace(str(path), "FILE").strip().splitlines()


def test_a_broken_rubric_checked_with_lang_fr_names_the_file_and_line_in_french(tmp_path):
    text = RUBRIC.replace("weight: 2", "weight: -1").replace("criterion: technology", "criterion: technologie")
    weight, gate = line_of(text, "weight: -1"), line_of(text, "criterion: technologie")
    assert rubric_check(tmp_path, text, "--lang", "fr") == [
        f"FILE:{weight}: le poids de «\u00a0technology\u00a0» doit être supérieur à 0, et non -1",
        f"FILE:{gate}: le sous-critère éliminatoire «\u00a0safety\u00a0» renvoie au critère inconnu "
        "«\u00a0technologie\u00a0»",
        f"FILE:{line_of(text, 'pass_mark')}: le seuil de réussite 8 est hors de 0..0, le total maximal de la grille",
        f"FILE:{line_of(text, 'nomination_threshold')}: le seuil de nomination EQL 10 est hors de 0..0, le total "
        "maximal de la grille",
    ]


def test_the_operator_locale_chooses_the_language_when_no_lang_is_given(tmp_path):
    text = RUBRIC.replace("    weight: 2\n", "    weight: 2\n    colour: blue\n")
    line = line_of(text, "colour: blue")
    assert rubric_check(tmp_path, text, env={"LC_ALL": "de_DE.UTF-8"}) == [
        f"FILE:{line}: unbekannter Schlüssel „colour“ in criteria.1"]
    assert rubric_check(tmp_path, text, env={"LC_ALL": "C"}) == [f"FILE:{line}: unknown key 'colour' in criteria.1"]


def test_a_questionnaire_and_a_yaml_error_speak_french_too(tmp_path):
    path = tmp_path / "survey.yaml"
    path.write_text(QUESTIONNAIRE.replace("themes: [technology]", "themes: [ict]"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["survey", "check", "--lang", "fr", str(path)])
    line = line_of(QUESTIONNAIRE, "themes: [technology]")
    assert result.exit_code == 1
    assert result.output.startswith(f"{path}:{line}: la question «\u00a0tools\u00a0» est liée au thème inconnu "
                                    "«\u00a0ict\u00a0» (connus\u00a0: innovation, ")
    path.write_text("id: [unclosed\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["survey", "check", "--lang", "fr", str(path)])
    assert result.output.startswith(f"{path}:2: erreur de syntaxe YAML\u00a0: ")


class Limits(StrictModel):
    """A model of the kind load_content serves, with the constraints no shipped model uses."""

    at_least: int = Field(default=1, ge=1)
    at_most: int = Field(default=5, le=5)
    above: float = Field(default=1, gt=0)
    below: float = Field(default=0, lt=1)
    pick: Literal["a", "b"] = "a"
    some: list[int] = Field(default_factory=lambda: [1], min_length=1)
    code: str = Field(default="ab", pattern="^[a-z]+$")


def rubric(old: str, new: str) -> tuple[str, type, list]:
    text = RUBRIC.replace(old, new, 1)
    assert text != RUBRIC
    return text, parse_rubric, []


def questionnaire(old: str, new: str) -> tuple[str, type, list]:
    text = QUESTIONNAIRE.replace(old, new, 1)
    assert text != QUESTIONNAIRE
    return text, Questionnaire, [check_questionnaire]


#: A file the schema refuses, for every pydantic error type a content file can meet: the
#: catalogue key it gets and its English sentence.
SCHEMA_CASES = {
    "missing": (*rubric("eql: {nomination_threshold: 10}\n", ""), "missing key 'eql'"),
    "missing_in": (*rubric("verdict: {pass_mark: 8}", "verdict: {}"), "missing key 'pass_mark' in verdict"),
    "extra_forbidden": (*rubric("period:", "colour: blue\nperiod:"), "unknown key 'colour'"),
    "extra_forbidden_in": (*rubric("    weight: 2\n", "    weight: 2\n    colour: blue\n"),
                           "unknown key 'colour' in criteria.1"),
    "missing_item": (*questionnaire("ages: [8, 12]", "ages: [8]"), "ages: item 2 is missing"),
    "string_type": (*rubric("id: sample", "id: 5"), "id: text is needed here"),
    "int_type": (*rubric("{level: 0,", "{level: [0],"), "criteria.0.levels.0.level: a whole number is needed here"),
    "int_parsing": (*rubric("{level: 0,", "{level: abc,"), "'abc' is not a whole number"),
    "int_from_float": (*rubric("{level: 0,", "{level: 1.5,"), "1.5 is not a whole number"),
    "float_type": (*rubric("weight: 2", "weight: [2]"), "criteria.1.weight: a number is needed here"),
    "float_parsing": (*rubric("weight: 2", "weight: heavy"), "'heavy' is not a number"),
    "bool_type": (*rubric('period: "2024"', 'period: "2024"\ndefault: [true]'), "default: true or false is needed"),
    "bool_parsing": (*rubric('period: "2024"', 'period: "2024"\ndefault: maybe'), "'maybe' is not true or false"),
    "list_type": (*rubric("gates:\n", "gates: 5\nx:\n"), "gates: a list is needed here"),
    "tuple_type": (*questionnaire("ages: [8, 12]", "ages: 8"), "ages: a list is needed here"),
    "dict_type": (*rubric("title: {en: Sample, fr: Exemple}", "title: Sample"), "title: a mapping of keys"),
    "model_type": (*rubric("verdict: {pass_mark: 8}", "verdict: 8"), "verdict: a mapping of keys"),
    "too_long": (*questionnaire("ages: [8, 12]", "ages: [8, 12, 14]"), "ages: at most 2 items are allowed, not 3"),
    "enum": (*questionnaire("audience: pupils", "audience: parents"),
             "audience: 'parents' is not one of the values allowed: pupils, families, teachers"),
    "unknown_language_in": (*rubric("{en: Sample, fr: Exemple}", "{en: Sample, xx: Exemple}"),
                            "unknown language 'xx' in title (known: en, fr, de"),
    "unknown_language": ("en: Sample\nxx: Exemple\n", LocalizedText, [], "unknown language 'xx' (known: en, fr, de"),
    "missing_translation": ("fr: Exemple\n", LocalizedText, [], "missing translation 'en'"),
    "missing_translation_in": (*rubric("{en: Sample, fr: Exemple}", "{fr: Exemple}"), "missing translation 'en' in title"),
    "empty_translation": (*rubric("{en: Sample, fr: Exemple}", "{en: Sample, fr: ' '}"), "title.fr: empty translation"),
    "invalid_id": (*rubric("id: sample", "id: Sample"), "id: 'Sample' is not a valid id (lower-case letters"),
    "yaml_boolean": ("answers: {Maybe: true}\n", imports.ImportMapping, [],
                     "answers.Maybe: yes/no/true/false is not an answer"),
    "greater_than_equal": ("at_least: 0\n", Limits, [], "at_least: 0 is too small: 1 or more"),
    "less_than_equal": ("at_most: 6\n", Limits, [], "at_most: 6 is too large: 5 or less"),
    "greater_than": ("above: 0\n", Limits, [], "above: 0 is too small: more than 0"),
    "less_than": ("below: 1\n", Limits, [], "below: 1 is too large: less than 1"),
    "literal_error": ("pick: c\n", Limits, [], "pick: 'c' is not one of the values allowed: a, b"),
    "too_short": ("some: []\n", Limits, [], "some: at least 1 item is needed, not 0"),
}


def problems_of(text: str, model, checks) -> list[Problem]:
    with pytest.raises(ContentError) as refused:
        if model is parse_rubric:
            parse_rubric(text, file="f.yaml")
        else:
            load_content(text=text, file="f.yaml", model=model, checks=checks)
    return refused.value.problems


@pytest.mark.parametrize("case", SCHEMA_CASES)
def test_each_schema_error_has_a_sentence_of_its_own_in_every_language(case):
    text, model, checks, english = SCHEMA_CASES[case]
    problems = problems_of(text, model, checks)
    found = [p for p in problems if p.key == f"content.schema.{case}"]
    assert found, [p.key for p in problems]
    problem = found[0]
    assert english in problem.message("en")
    assert str(problem) == f"f.yaml:{problem.line}: {problem.message('en')}"
    for lang in ("fr", "de"):
        said = problem.message(lang)
        assert said != problem.message("en") and "Input should" not in said and "{" not in said, said


def test_every_schema_message_is_met_by_a_file():
    """SCHEMA_MESSAGES lists no type a content file cannot produce (each has a case above)."""
    assert set(SCHEMA_CASES) >= SCHEMA_MESSAGES


def test_an_error_type_without_a_message_shows_pydantic_english_text():
    (problem,) = problems_of("code: AB\n", Limits, [])
    assert problem.key == "content.schema.other"
    assert problem.message("fr") == "code\u00a0: String should match pattern '^[a-z]+$'"
    assert str(problem) == "f.yaml:1: code: String should match pattern '^[a-z]+$'"


def test_a_missing_or_empty_folder_is_said_in_the_readers_language(tmp_path):
    with pytest.raises(CatalogueError) as missing:
        RubricCatalogue.from_directory(tmp_path / "none")
    assert str(missing.value) == f"{tmp_path / 'none'}: no such folder; it must hold the rubric files (*.yaml)"
    assert missing.value.message("fr") == (f"{tmp_path / 'none'}\u00a0: ce dossier n'existe pas\u202f; il doit "
                                           "contenir les fichiers de grilles (*.yaml)")
    with pytest.raises(CatalogueError) as empty:
        QuestionnaireCatalogue.from_directory(tmp_path)
    assert empty.value.message("de") == f"{tmp_path}: keine Fragebogen-Dateien (*.yaml) in diesem Ordner"


def test_two_files_with_one_id_are_named_in_french(tmp_path):
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(RUBRIC, encoding="utf-8")
    with pytest.raises(CatalogueError) as twice:
        RubricCatalogue.from_directory(tmp_path)
    assert twice.value.message("fr") == (f"{tmp_path / 'b.yaml'}\u00a0: l'identifiant «\u00a0sample\u00a0» est déjà "
                                         f"celui de {tmp_path / 'a.yaml'}")


def test_a_mapping_file_refused_on_the_import_page_is_listed_in_french():
    with pytest.raises(ContentError) as refused:
        imports.parse_mapping("answers:\n  Peut-être: 7\n", file="map.yaml")
    error = MappingError(refused.value.problems)
    assert "map.yaml:2: réponse «\u00a0Peut-être\u00a0»\u00a0: 7 n'est pas sur l'échelle de 1 à 5" in error.message("fr")
    assert "map.yaml:2: answer 'Peut-être': 7 is not on the scale 1 to 5" in str(error)
