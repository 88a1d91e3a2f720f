"""The words of the survey tools are data (assess/domain/imports/vocabularies/*.toml): a
word added to a file is recognised with no change to the code, and a broken file is
refused naming the file and the key, not found wrong on a teacher's upload."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from assess.domain import imports
from assess.domain.imports import vocabulary
from assess.domain.imports.vocabulary import VocabularyError
from tests.imports.helpers import FAMILIES_EN, families


@pytest.fixture
def words(tmp_path: Path) -> Path:
    """A copy of the shipped vocabularies, to change."""
    folder = tmp_path / "vocabularies"
    shutil.copytree(vocabulary.FOLDER, folder)
    return folder


def add(path: Path, after: str, text: str) -> None:
    content = path.read_text(encoding="utf-8")
    assert after in content
    path.write_text(content.replace(after, after + text, 1), encoding="utf-8")


def csv_bytes(*rows: list[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def read(data: bytes, words: imports.Vocabulary | None = None):
    table = imports.read_table(file_name="export.csv", data=data)
    given = {"vocabulary": words} if words else {}
    plan = imports.plan_columns(table.headers, questionnaire=families(),
                                file_format=imports.format_of(table, **given), **given)
    return plan, list(imports.read_rows(table, plan, questionnaire=families(), **given))


def test_the_shipped_vocabulary_is_the_one_in_use():
    assert vocabulary.load().identifying == imports.IDENTIFYING
    assert vocabulary.load().agreement == imports.AGREEMENT_WORDS
    assert {path.stem for path in vocabulary.FOLDER.glob("*.toml")} == {*imports.FORMATS, "other", "answers"}


def test_an_agreement_word_added_to_the_file_is_recognised(words):
    data = csv_bytes(["Timestamp", FAMILIES_EN[0]], ["2025/10/03 9:41:12 AM GMT+2", "Plutôt oui"])
    _plan, (row,) = read(data)
    assert row.problems[0].key == "imports.skip.agreement"  # not a word of the shipped scale
    add(words / "answers.toml", '4 = [\n', '    "Plutôt oui",\n')
    _plan, (row,) = read(data, vocabulary.load(words))
    assert {k: a.to_raw() for k, a in row.answers.items()} == {"child-talked": 4}


def test_a_tools_heading_in_another_language_added_to_the_file_is_recognised(words):
    # Google Forms in Spanish (not shipped): "Marca temporal" for the timestamp,
    # "Dirección de correo electrónico" for the e-mail.
    data = csv_bytes(["Marca temporal", "Dirección de correo electrónico", FAMILIES_EN[0]],
                     ["03/10/2025 9:41:12", "ana@example.org", "Agree"])
    with pytest.raises(imports.ImportFileError) as caught:
        read(data)
    assert caught.value.key == "imports.errors.unknown_format"
    google = words / "google.toml"
    add(google, 'first_heading = ["Timestamp", "Horodateur"', ', "Marca temporal"')
    add(google, 'identifying = [\n', '    "Marca temporal", "Dirección de correo electrónico",\n')
    add(google, 'timestamps = [["Timestamp", "Horodateur"', ', "Marca temporal"')
    add(google, 'day_first = ["Horodateur"', ', "Marca temporal"')
    plan, (row,) = read(data, vocabulary.load(words))
    assert plan.file_format == "google"
    assert plan.identifying == ("Marca temporal", "Dirección de correo electrónico")  # dropped, never read
    assert (row.answers["child-talked"].score, row.submitted_on.isoformat()) == (4, "2025-10-03")


def test_a_ticked_box_word_added_to_the_file_is_recognised(words):
    assert "si" not in vocabulary.SHIPPED.checked
    add(words / "answers.toml", 'checked = ["Y"', ', "Sí"')
    assert "si" in vocabulary.load(words).checked


@pytest.mark.parametrize(
    ("file", "before", "change", "named"),
    [
        ("google.toml", "[headings]\n", "identifyng = [\"Email\"]\n", "google.toml: headings.identifyng:"),
        ("limesurvey.toml", "[headings]\n", "day_first = \"Date de début\"\n", "limesurvey.toml: headings.day_first:"),
        ("answers.toml", "[agreement]\n", "6 = [\"Absolutely\"]\n", "answers.toml: agreement.6:"),
        ("answers.toml", "4 = [\n", "    \"Strongly agree\",\n", "answers.toml: agreement.4.0:"),
        ("answers.toml", "3 = [\n", "    \"?!\",\n", "answers.toml: agreement.3.0:"),
        ("answers.toml", 'unchecked = ["N"', ', "Yes"', "answers.toml: checkbox:"),
        ("answers.toml", "before_text = [", '"(:)", ', "answers.toml: other.before_text.0:"),
        ("google.toml", "[detect]\n", "first_headings = 3\n", "google.toml: detect.first_headings:"),
        ("other.toml", "[headings]\n", "quiz_scores = [\n", "other.toml: not a TOML file"),
    ],
)
def test_a_broken_vocabulary_file_is_refused_naming_the_file_and_the_key(words, file, before, change, named):
    add(words / file, before, change)
    with pytest.raises(VocabularyError) as caught:
        vocabulary.load(words)
    assert named in str(caught.value)
    assert str(words / file) in str(caught.value)


def test_a_missing_or_oversized_vocabulary_file_is_refused(words):
    (words / "msforms.toml").unlink()
    with pytest.raises(VocabularyError, match=r"msforms\.toml: cannot read file"):
        vocabulary.load(words)
    shutil.copy(vocabulary.FOLDER / "msforms.toml", words / "msforms.toml")
    add(words / "other.toml", "[headings]\n", "# " + "x" * vocabulary.MAX_FILE_BYTES + "\n")
    with pytest.raises(VocabularyError, match=r"other\.toml: the file is larger than 256 KB"):
        vocabulary.load(words)


def test_an_other_word_added_to_the_file_is_recognised(words):
    # Spanish (not shipped): "Otro: ..." typed into a choice question.
    data = csv_bytes(["Timestamp", "How did you first hear about the project?"],
                     ["2025/10/03 9:41:12 AM GMT+2", "Otro: la vecina"])
    _plan, (row,) = read(data)
    assert row.problems[0].key == "imports.skip.option"  # not an "Other" word of the shipped files
    add(words / "answers.toml", 'before_text = [', '"Otro", ')
    _plan, (row,) = read(data, vocabulary.load(words))
    assert row.answers["comment"].to_raw() == "la vecina"
