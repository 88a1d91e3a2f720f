"""The command line speaks the operator's language, read once from the locale
(``LC_ALL``, then ``LC_MESSAGES``, then ``LANG``, as gettext does): an operator whose
terminal is in French reads French refusals, French results and French service errors;
any other locale reads English."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from assess.cli import cli
from assess.domain.rubric import RubricCatalogue
from assess.i18n import language_of_environment

FRENCH = {"LANG": "fr_BE.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
ENGLISH = {"LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}


@pytest.fixture
def database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ASSESS_DATABASE_URL", database_url)
    return database_url


def run(env: dict[str, str], *args: str):
    return CliRunner().invoke(cli, list(args), env=env)


def test_a_refused_id_is_explained_in_french_on_a_french_terminal(tmp_path):
    result = run(FRENCH, "report", "self-assessment", "--project", "abc", "--out", str(tmp_path / "r.pdf"))
    assert result.exit_code == 2
    assert "n'est pas un identifiant" in result.stderr
    assert "is not an id" not in result.stderr


def test_a_service_refusal_is_in_french_on_a_french_terminal(database, tmp_path):
    result = run(FRENCH, "report", "self-assessment", "--project", "999", "--out", str(tmp_path / "r.pdf"))
    assert result.exit_code == 1
    assert "Erreur" in result.stderr
    assert "not found" not in result.stderr.lower()
    assert "Error" not in result.stderr


def test_an_unknown_setting_is_refused_in_french(database):
    result = run(FRENCH, "settings", "get", "no.such.key")
    assert result.exit_code == 1
    assert "paramètre inconnu" in result.stderr


def test_a_refused_setting_value_names_the_problem_in_french(database):
    result = run(FRENCH, "settings", "set", "triangulation_gap", "99")
    assert result.exit_code == 1
    assert result.stderr.startswith("Erreur\u00a0: ")


def test_an_unknown_rubric_is_refused_in_french():
    result = run(FRENCH, "rubric", "score", "no-such-rubric", "--level", "collaboration=3")
    assert result.exit_code == 2
    assert "Erreur\u00a0: Valeur non valable pour RUBRIC_ID\u00a0: grille inconnue «\u00a0no-such-rubric\u00a0»" in result.stderr


def test_a_manual_score_prints_french_words_and_a_decimal_comma():
    levels = [arg for c in RubricCatalogue.from_directory().get("etwinning-2006").criteria
              for arg in ("--level", f"{c.id}=4")]
    result = run(FRENCH, "rubric", "score", "etwinning-2006", *levels)
    assert result.exit_code == 0, result.output
    assert "Total\u00a0: 24 / 30 (80\u00a0%), seuil de réussite 15" in result.stdout
    assert "Au-dessus du seuil de nomination au label européen (20)." in result.stdout
    assert "80.0" not in result.stdout and "level" not in result.stdout


def test_the_same_commands_stay_english_elsewhere(database, tmp_path):
    result = run(ENGLISH, "settings", "get", "no.such.key")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: unknown setting")


@pytest.mark.parametrize(("environ", "expected"), [
    ({"LANG": "fr_BE.UTF-8"}, "fr"),
    ({"LANG": "en_GB.UTF-8", "LC_MESSAGES": "fr_FR.UTF-8"}, "fr"),
    ({"LANG": "fr_FR.UTF-8", "LC_ALL": "C"}, "en"),
    ({"LANG": "fr_FR.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}, "fr"),
    ({"LANG": "de_DE.UTF-8"}, "de"),
    ({"LANG": "es_ES.UTF-8"}, "en"),  # a language the suite does not speak
    ({}, "en"),
])
def test_the_operator_language_follows_the_locale_variables_in_gettext_order(environ, expected):
    assert language_of_environment(environ) == expected


def test_the_operations_commands_speak_french_on_a_french_terminal(tmp_path, monkeypatch):
    """`assess ready`, `assess backup`, `assess mail` and `assess letters` used to print
    English whatever the locale, while every other command followed it."""
    monkeypatch.setenv("ASSESS_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    result = run(FRENCH, "ready")
    assert result.exit_code != 0
    assert "base de données" in result.output
    assert "database" not in result.output.lower()
