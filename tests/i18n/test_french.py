"""French as a French teacher reads it (issue 15, docs/french.md): the typography of every
message of the interface catalogue, checked by tools/french_typography.py, and one form of
address per audience: "tu" for pupils, "vous" for everyone else."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assess.i18n import Plural, source, translated
from assess.i18n.address import is_pupils_key, pupils_key

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "french_typography.py"
_spec = importlib.util.spec_from_file_location("french_typography", TOOL)
assert _spec and _spec.loader
typography = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(typography)

NBSP, NNBSP = "\u00a0", "\u202f"


def french_texts() -> list[tuple[str, str]]:
    """(key, text) for every French message, each plural form apart."""
    return [(key, text) for key, message in sorted(translated("fr").items())
            for text in (message if isinstance(message, Plural) else (message,))]


def test_every_french_message_follows_the_typography():
    """No-break spaces before : ; ? ! and inside « », one-character ellipsis, straight
    apostrophe, n°, French units: the list names each message and what is wrong."""
    wrong = [f"{key}: {why}: {around!r}" for key, text in french_texts()
             for _rule, why, around in typography.problems(key, text)]
    assert wrong == [], f"{len(wrong)} faults (python tools/french_typography.py --fix):\n" + "\n".join(wrong[:60])


@pytest.mark.parametrize(("text", "fixed"), [
    ("Réponse : oui", f"Réponse{NBSP}: oui"),
    ("Envoyer vos notes ? Elles partent ; merci !", f"Envoyer vos notes{NNBSP}? Elles partent{NNBSP}; merci{NNBSP}!"),
    ('le projet "{name}" est fermé', f"le projet «{NBSP}{{name}}{NBSP}» est fermé"),
    ("le projet « {name} »", f"le projet «{NBSP}{{name}}{NBSP}»"),
    ("Chargement...", "Chargement…"),
    ("Rien n’a été déplacé", "Rien n'a été déplacé"),
    ("la candidature nº {id}", f"la candidature n°{NBSP}{{id}}"),
    ("{size} MB, {max} Kio", f"{{size}}{NBSP}Mo, {{max}}{NBSP}Ko"),
    ("({percentage} %)", f"({{percentage}}{NBSP}%)"),
    ("deux , trois .", "deux, trois."),
    ("**Installation de démonstration** : fictive", f"**Installation de démonstration**{NBSP}: fictive"),
    ("{who}: {action}", f"{{who}}{NBSP}: {{action}}"),
])
def test_the_tool_fixes_what_breaks_a_rule(text, fixed):
    assert typography.fix("some.key", text) == fixed
    assert list(typography.problems("some.key", fixed)) == []
    assert list(typography.problems("some.key", text)) != []


@pytest.mark.parametrize("text", [
    "servie sur http://{address}:{port}/ à 10:05",                       # an address, a time
    "Voir [la page](https://example.org/a?b=c;d) ou `assess mail send`",  # a link's target, code
    "Relancez avec --lang=fr ou -o {file}.",                              # command-line options
    "{id:<24} niveau {level}",                                           # a placeholder's format
    "Bonjour {{ name }},\n\n{% if count <= 1 %}une{% else %}des{% endif %}",  # Jinja2
    "un point-virgule (;), une virgule (,)",                              # marks named alone
    f"sans «{NBSP}?{NBSP}» ni «{NBSP}#{NBSP}»",
    "un fichier .csv ou .xlsx, clé:valeur",
    ":material/bookmark_added: écrit",
])
def test_the_tool_leaves_code_addresses_and_placeholders_alone(text):
    assert list(typography.problems("some.key", text)) == []
    assert typography.fix("some.key", text) == text


def test_the_tool_checks_a_catalogue_and_fixes_it(tmp_path):
    po = tmp_path / "messages.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                  'msgctxt "a.b"\nmsgid "Answer: yes"\nmsgstr "Réponse : oui"\n', encoding="utf-8")
    run = subprocess.run([sys.executable, str(TOOL), str(po)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and "a.b: colon" in run.stdout
    run = subprocess.run([sys.executable, str(TOOL), str(po), "--fix"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f'msgstr "Réponse{NBSP}: oui"' in po.read_text(encoding="utf-8")


# --- one form of address per audience --------------------------------------------------------

FAMILIAR = re.compile(r"\b(tu|te|t'|toi|ton|ta|tes|tien\w*)\b", re.IGNORECASE)
POLITE = re.compile(r"\b(vous|votre|vos|vôtre\w*)\b", re.IGNORECASE)


def test_the_pupils_variants_are_the_ones_said_chooses():
    """is_pupils_key() names the keys the answering page's said() chooses for pupils."""
    variants = {key for key in source() if is_pupils_key(key)}
    assert variants, "no pupils' variant"
    page = (ROOT / "assess" / "ui" / "pages" / "respond.py").read_text(encoding="utf-8")
    said_keys = set(re.findall(r"""\bsaid\(\s*"([a-z_]+\.[a-z_.]+)\"""", page))
    assert {pupils_key(key) for key in said_keys} <= variants


def test_pupils_are_spoken_to_as_tu_everyone_else_as_vous():
    """Pupils' variants never say "vous"; no other message (teachers, families, jurors, the
    office) says "tu"."""
    wrong = [f"{key}: {found.group(0)!r} in {text!r}" for key, text in french_texts()
             for found in [(POLITE if is_pupils_key(key) else FAMILIAR).search(text)] if found]
    assert wrong == []
    said_to_pupils = [text for key, text in french_texts() if is_pupils_key(key)]
    assert any(FAMILIAR.search(text) for text in said_to_pupils)


# --- words and forms ----------------------------------------------------------------------------

def test_a_count_written_in_digits_takes_no_de():
    """French's "many" form (a million) reads like the plural when the number is written in
    digits: "1 000 000 candidatures", never "1 000 000 de candidatures"."""
    wrong = [f"{key}: {text!r}" for key, message in translated("fr").items() if isinstance(message, Plural)
             for text in message if "{count} de " in text and "{count} de ces" not in text
             and "{count} de vos" not in text and "{count} des" not in text]
    assert wrong == []


#: One word per thing (docs/french.md): what the catalogue must not say, and the word it uses.
GLOSSARY = {
    r"\be-mail\b": "courriel, adresse électronique",
    r"\bla suite\b|\bcette suite\b": "l'application",
    r"\bautoévaluation": "auto-évaluation",
    r"\b[ÉEé]coles?\b": "établissement",
    r"\b(soumi[sa]e?s?|soumettre|[Ss]oumettez|remises?|[Rr]endues)\b": "envoyer, envoyée",
    r"\b(affecté|[Aa]ffectées)\b": "attribuer, attribué",
    r"\b[Rr]églages?\b": "paramètres (the Settings page is « Paramètres »)",
    r"\b[Uu]tilisateurs\b": "comptes (the Users page is « Comptes »)",
    r"\bmembres? du jury\b": "juré, jurés",
    r"\blettres? de verdict\b": "lettre de décision",
    r"\bseuil de proposition\b": "seuil de nomination",
    r"\w·\w|\(e\)": "one form, without inclusive-writing marks",
}


def test_one_word_per_thing():
    wrong = [f"{key}: {found.group(0)!r} (say: {word}) in {text!r}" for key, text in french_texts()
             for pattern, word in GLOSSARY.items() for found in [re.search(pattern, text)] if found]
    assert wrong == []
