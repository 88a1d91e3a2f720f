"""The gettext catalogues: the template is what ``pybabel extract`` makes of the English
source, every registered language translates every message with the same placeholders and
the plural forms its rule needs, and what a language lacks shows in English."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from assess import i18n
from assess.i18n import Plural, catalogue, languages, placeholders, registry, source, t, translated

ROOT = Path(__file__).resolve().parents[2]
POT = ROOT / "assess" / "i18n" / "locale" / "messages.pot"

#: Translations that may leave out a placeholder the English text has (French letters open
#: with "Madame, Monsieur," where English names the reader).
MAY_DROP = {"letters.salutation": {"name"}}


def makefile_pot_options() -> list[str]:
    """The options of `make messages`' extraction, read from the Makefile (one place)."""
    for line in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines():
        if line.startswith("POT_OPTIONS :="):
            return shlex.split(line.split(":=", 1)[1].replace("\\#", "#"))
    raise AssertionError("the Makefile has no POT_OPTIONS")


def without_dates(text: str) -> list[str]:
    return [line for line in text.splitlines()
            if not line.startswith(('"POT-Creation-Date:', '"Generated-By:'))]


def test_the_template_is_what_pybabel_extract_makes_of_the_english_source(tmp_path):
    made = tmp_path / "messages.pot"
    run = subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "extract", *makefile_pot_options(),
                          "-o", str(made), "."], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert without_dates(made.read_text(encoding="utf-8")) == without_dates(POT.read_text(encoding="utf-8")), (
        "assess/i18n/locale/messages.pot is out of step with assess/i18n/en: run `make messages`")


def test_the_template_names_each_message_by_its_key_at_its_line():
    with open(POT, "rb") as handle:
        template = read_po(handle)
    entries = {entry.context: entry for entry in template if entry.id}
    assert set(entries) == set(source())
    entry = entries["cli.id.invalid"]
    assert entry.id == source()["cli.id.invalid"]
    [(path, line)] = entry.locations
    assert path == "assess/i18n/en/cli.toml"
    assert 'invalid = "' in (ROOT / path).read_text(encoding="utf-8").splitlines()[line - 1]


@pytest.mark.parametrize("lang", [code for code in languages() if code != "en"])
def test_every_message_is_translated_with_its_placeholders_and_plural_forms(lang):
    with open(registry().get(lang).catalogue, "rb") as handle:
        po = read_po(handle)
    problems = []
    done = translated(lang)
    for key, english in source().items():
        if key not in done:
            problems.append(f"{key}: not translated (missing, fuzzy, empty or made for another English text)")
            continue
        mine = done[key]
        if isinstance(english, Plural):
            assert isinstance(mine, Plural) and len(mine) == po.num_plurals, key
        forms = mine if isinstance(mine, Plural) else (mine,)
        english_names = set().union(*(placeholders(text) for text in (english if isinstance(english, Plural)
                                                                     else (english,))))
        names = set().union(*(placeholders(text) for text in forms))
        # A translation may leave out a placeholder MAY_DROP allows (French letters open with
        # "Madame, Monsieur,"), never add one nor lose another.
        if not english_names - MAY_DROP.get(key, set()) <= names <= english_names:
            problems.append(f"{key}: placeholders {sorted(names)}, English has {sorted(english_names)}")
    assert not problems, "\n".join(problems)


def write_language(folder: Path, code: str, entries: str, *, plural_forms: str = "nplurals=2; plural=(n != 1);"):
    (folder / code / "LC_MESSAGES").mkdir(parents=True)
    (folder / "languages.toml").write_text(f'[[languages]]\ncode = "{code}"\nname = "Test {code}"\nlocale = "de"\n',
                                           encoding="utf-8")
    (folder / code / "LC_MESSAGES" / "messages.po").write_text(
        f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n"Plural-Forms: {plural_forms}\\n"\n\n'
        + entries, encoding="utf-8")


@pytest.fixture
def extra_language(tmp_path, monkeypatch):
    def make(code: str, entries: str, **kwargs):
        write_language(tmp_path, code, entries, **kwargs)
        monkeypatch.setenv("ASSESS_LANGUAGE_DIRS", str(tmp_path))
        i18n.reload()
        return code
    yield make
    monkeypatch.delenv("ASSESS_LANGUAGE_DIRS", raising=False)
    i18n.reload()


def test_a_stale_fuzzy_missing_or_broken_translation_shows_english_never_a_key(extra_language):
    english_led = source()["certificates.led_by"]
    lang = extra_language("qq", f'''
msgctxt "certificates.title"
msgid "{source()["certificates.title"]}"
msgstr "Zertifikat"

msgctxt "certificates.label"
msgid "An older English text"
msgstr "Veraltet"

#, fuzzy
msgctxt "certificates.programme"
msgid "{source()["certificates.programme"]}"
msgstr "Unsicher"

msgctxt "certificates.led_by"
msgid "{english_led}"
msgstr "geleitet von {{lehrer}}"
''')
    assert lang in languages()
    assert t("certificates.title", lang) == "Zertifikat"
    assert t("certificates.label", lang) == source()["certificates.label"]
    assert t("certificates.programme", lang) == source()["certificates.programme"]
    assert t("certificates.led_by", lang, teacher="Ana") == english_led.format(teacher="Ana")
    assert t("certificates.awarded_to", lang) == source()["certificates.awarded_to"]
    assert set(catalogue(lang)) == set(source())
    assert set(translated(lang)) == {"certificates.title"}


def test_an_unknown_language_reads_the_default_one():
    assert t("certificates.title", "xx") == t("certificates.title", registry().default)
