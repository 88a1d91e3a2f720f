"""Content texts as a mapping from language to text, and the digest that covers the scoring
structure, not the wording: a translation fix or a new language keeps a file's version, a
change of levels, weights or rules does not."""

from __future__ import annotations

import re

import pytest
import yaml

from assess import resources
from assess.domain.content import LocalizedText, content_languages
from assess.domain.questionnaire import Questionnaire, QuestionnaireCatalogue
from assess.domain.rubric import Rubric, RubricCatalogue, parse_rubric
from tests.domain.test_questionnaires import VALID as QUESTIONNAIRE
from tests.domain.test_rubric_files import VALID as RUBRIC

# --- the mapping and its fallback -------------------------------------------------------------


def test_a_missing_language_falls_back_to_english():
    text = LocalizedText.model_validate({"en": "Collaboration", "fr": "Collaboration entre écoles"})
    assert text.get("fr") == "Collaboration entre écoles"
    assert text.get("de") == "Collaboration", "no German: the default language"
    assert text.get("xx") == "Collaboration", "a language the suite does not know: the default language"
    assert text.languages == ("en", "fr")
    assert "fr" in text and "de" not in text
    with pytest.raises(KeyError):
        text["de"]  # the exact lookup, for checks and tools, does not fall back


def test_texts_are_stripped_and_compare_by_content():
    one = LocalizedText.model_validate({"en": "  Safety ", "de": "Sicherheit"})
    other = LocalizedText.model_validate({"de": "Sicherheit", "en": "Safety"})
    assert one.get("en") == "Safety"
    assert one == other and hash(one) == hash(other)
    assert one.texts() == ("Safety", "Sicherheit")


# --- what the digest covers ------------------------------------------------------------------


def rubric(text: str) -> Rubric:
    return parse_rubric(text, file="sample.yaml")


def questionnaire(text: str) -> Questionnaire:
    from assess.domain.content import load_content
    from assess.domain.questionnaire import check_questionnaire

    return load_content(text=text, file="sample.yaml", model=Questionnaire, checks=[check_questionnaire])


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # a French descriptor fixed
        ("descriptor: {en: d2, fr: e2}", "descriptor: {en: d2, fr: e2 corrigé}"),
        # German added to a title, a level label and a criterion's guidance
        ("title: {en: Sample, fr: Exemple}", "title: {en: Sample, fr: Exemple, de: Beispiel}"),
        ("label: {en: L3, fr: N3}", "label: {en: L3, fr: N3, de: D3}"),
        ("guidance: {en: Tools serve the goals., fr: Les outils servent les objectifs.}",
         "guidance: {en: Tools serve the goals., fr: Les outils servent les objectifs., de: Werkzeuge dienen den Zielen.}"),
        # the English wording reworded, French dropped (it falls back to English)
        ("name: {en: Safety, fr: Sécurité}", "name: {en: Safety and privacy}"),
        # advice added, the period and the default flag changed: not scored either
        ("    weight: 2\n", "    weight: 2\n    advice:\n      - {en: Keep it small., de: Klein halten.}\n"),
        ('period: "2024"', 'period: "2024-2026"'),
        ("verdict:", "default: true\nverdict:"),
    ],
)
def test_wording_keeps_the_digest(old, new):
    changed = RUBRIC.replace(old, new, 1)
    assert changed != RUBRIC
    assert rubric(changed).digest == rubric(RUBRIC).digest


GUIDANCE = "    guidance: {en: Partners work together., fr: Les partenaires travaillent ensemble.}\n"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("    weight: 2\n", "    weight: 3\n"),  # a weight
        ("    minimum: 3\n", "    minimum: 2\n"),  # a gate's minimum
        (GUIDANCE, GUIDANCE + "    minimum: 1\n"),  # a criterion's minimum level
        ("pass_mark: 8", "pass_mark: 9"),  # the verdict rule
        ("nomination_threshold: 10", "nomination_threshold: 11"),  # the European label threshold
        ("  - id: technology", "  - id: ict"),  # a criterion's id (the gate follows it below)
        ("criterion: technology", "criterion: collaboration"),  # which criterion a gate belongs to
        ("    levels:\n", "    themes: [collaboration]\n    levels:\n"),  # the survey themes a criterion reads
        (GUIDANCE, GUIDANCE + "    independent: true\n"),  # recorded, not counted
        ('version: "1.0"', 'version: "1.1"'),
    ],
)
def test_a_change_of_the_scoring_structure_changes_the_digest(old, new):
    changed = RUBRIC.replace(old, new, 1)
    if "id: ict" in changed:
        changed = changed.replace("criterion: technology", "criterion: ict")
    assert changed != RUBRIC
    assert rubric(changed).digest != rubric(RUBRIC).digest


@pytest.mark.parametrize(
    ("old", "new", "same"),
    [
        ("{en: Never, fr: Jamais}", "{en: Never, fr: Jamais, de: Nie}", True),
        ("text: {en: \"How often?\", fr: \"Combien de fois ?\"}", "text: {en: \"How often?\", fr: \"À quelle fréquence ?\"}",
         True),
        ("help: {en: A mixed team., fr: Une équipe mixte.}", "help: {en: A mixed team of pupils., de: Ein gemischtes Team.}",
         True),
        ("{id: never,", "{id: not-ever,", False),  # an option's id: stored answers name it
        ("    type: agreement\n    text: {en: I used", "    type: text\n    text: {en: I used", False),
        ("themes: [technology]", "themes: [safety]", False),
        ("ages: [8, 12]", "ages: [8, 14]", False),
        ("  - id: tools", "  - id: digital-tools", False),
    ],
)
def test_a_questionnaire_digest_covers_items_types_themes_and_options(old, new, same):
    changed = QUESTIONNAIRE.replace(old, new, 1)
    if "type: text\n    text: {en: I used" in changed:
        changed = changed.replace("    themes: [technology]\n", "", 1)  # a text item informs no theme
    assert changed != QUESTIONNAIRE
    assert (questionnaire(changed).digest == questionnaire(QUESTIONNAIRE).digest) is same


#: The digest of each shipped file at its version. A change of its scoring structure needs a
#: new version (the suite refuses the file at its next use otherwise): add the new version
#: here with its digest. Its texts may change freely.
SHIPPED_DIGESTS = {
    ("etwinning-2006", "1.0"): "155f7919cedccc60f16ee15db76240692f63e501be7f4e22374a60d4b092b338",
    ("etwinning-2014", "1.0"): "a98dce5b8d726851a9d318f29fd43942f7e13d1f38dce0ddc549adeeff70b884",
    ("etwinning-2021", "1.0"): "03c6f337629df354f23127990a489adb11ffa30b6b8148252b2c18182c1d3430",
    ("families", "1.0"): "8e54803f172d6f7b87d549ca2e6f56440c41d9799c0007d03bbcee4cd811bf26",
    ("pupils-young", "1.0"): "3c9be22d61769fa128bc9938b95f7a38779c99c02b9691aa569f40eaa6fa6d14",
    ("pupils", "1.0"): "727524df7144fe8ddea62920054bce9dfe332eba4d9fa7d920257999e7535557",
    ("teachers", "1.0"): "25a97df4ddd8181fc0a27ec2d6b63301869c6034faafdb6374db1a69269c843c",
}


def shipped() -> list[Rubric | Questionnaire]:
    return [*RubricCatalogue.from_directory(resources.rubrics_dir()),
            *QuestionnaireCatalogue.from_directory(resources.surveys_dir())]


def test_the_shipped_files_keep_the_structure_of_their_version():
    assert {(d.id, d.version): d.digest for d in shipped()} == SHIPPED_DIGESTS


# --- the shipped texts ----------------------------------------------------------------------


def texts_of(path) -> list[tuple[str, dict[str, str]]]:
    """Every text of a content file, as written: (dotted path, {language: text})."""
    found: list[tuple[str, dict[str, str]]] = []

    def walk(value, where):
        if isinstance(value, dict) and "en" in value and all(isinstance(v, str) for v in value.values()):
            found.append((".".join(map(str, where)), value))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, (*where, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*where, index))

    walk(yaml.safe_load(path.read_text(encoding="utf-8")), ())
    return found


SHIPPED_FILES = sorted([*resources.rubrics_dir().glob("*.yaml"), *resources.surveys_dir().glob("*.yaml")])


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.stem)
def test_every_shipped_text_is_written_in_every_language(path):
    missing = [f"{where}: {', '.join(sorted(set(content_languages()) - set(text)))}"
               for where, text in texts_of(path) if set(text) != set(content_languages())]
    assert missing == []


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.stem)
def test_french_typography(path):
    """A no-break space before : (U+00A0) and before ; ! ? (U+202F), inside « » (U+00A0);
    no straight double quotes, no three dots for an ellipsis."""
    wrong = []
    for where, text in texts_of(path):
        french = text["fr"]
        for pattern, why in ((r"(?<=\S)[ ]?[;!?]", "no narrow no-break space before ; ! ?"),
                             (r"(?<=\S)[ ]?:(?=\s|$)", "no no-break space before :"),
                             (r"«(?!\u00a0)|(?<!\u00a0)»", "« » without no-break spaces"),
                             (r'"|\.\.\.', "straight quotes or three dots")):
            for found in re.finditer(pattern, french):
                wrong.append(f"{where}: {why}: ...{french[max(0, found.start() - 15):found.end() + 5]}...")
    assert wrong == []


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.stem)
def test_german_typography(path):
    """No space before : ; ! ?, German quotation marks („…“), no three dots."""
    wrong = [f"{where}: {text['de']}" for where, text in texts_of(path)
             if re.search(r"\s[:;!?]|\"|\.\.\.|«|»", text["de"])]
    assert wrong == []


AUDIENCE_FILES = {"pupils": "pupils", "pupils-young": "pupils", "families": "families", "teachers": "teachers"}
#: Words that give away the form of address, per language: tu/du for pupils, vous/Sie for adults.
FAMILIAR = {"fr": r"\b(tu|te|t'|toi|ton|ta|tes)\b", "de": r"\b(du|dich|dir|dein\w*)\b"}
FORMAL = {"fr": r"\b(vous|votre|vos)\b", "de": r"(?<![.!?:] )(?<!^)\b(Sie|Ihnen|Ihr\w*)\b"}


@pytest.mark.parametrize("name", sorted(AUDIENCE_FILES))
def test_one_form_of_address_per_audience(name):
    """Pupils are spoken to as "tu" and "du"; families and teachers as "vous" and "Sie"."""
    texts = texts_of(resources.surveys_dir() / f"{name}.yaml")
    pupils = AUDIENCE_FILES[name] == "pupils"
    unwanted = FORMAL if pupils else FAMILIAR
    wanted = FAMILIAR if pupils else FORMAL
    wrong = [f"{where} ({lang}): {text[lang]}" for where, text in texts for lang in ("fr", "de")
             if re.search(unwanted[lang], text[lang], flags=re.IGNORECASE if lang == "fr" else 0)]
    assert wrong == []
    for lang in ("fr", "de"):
        flags = re.IGNORECASE if lang == "fr" else 0
        assert any(re.search(wanted[lang], text[lang], flags) for _, text in texts), f"no {lang} address in {name}"
