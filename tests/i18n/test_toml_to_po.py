"""tools/toml_to_po.py turns any language's TOML folder into its .po: the German helper's
folder, written with today's keys, is converted with it at the merge."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from assess.i18n import source

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "toml_to_po.py"


def run(*args: str):
    return subprocess.run([sys.executable, str(TOOL), *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_a_folder_becomes_a_po_with_the_languages_plural_forms(tmp_path):
    folder = tmp_path / "pl"
    folder.mkdir()
    (folder / "letters.toml").write_text(
        '[letters]\ndate_only = "{date}"\n'
        '[letters.cli]\nwritten = { one = "{count} list", few = "{count} listy", many = "{count} listów", other = "{count} listu" }\n'
        '[letters.cli.none]\nold = "gone"\n', encoding="utf-8")
    (folder / "certificates.toml").write_text(
        '[certificates.cli]\nwritten_one = "1 certyfikat w {folder}"\nwritten = "{count} certyfikatów w {folder}"\n'
        '[import_page]\nimport = "Importuj {count} odpowiedzi"\n', encoding="utf-8")
    out = tmp_path / "messages.po"
    done = run("pl", "--folder", str(folder), "--output", str(out))
    assert done.returncode == 0, done.stderr
    with open(out, "rb") as handle:
        po = read_po(handle)
    assert po.num_plurals == 3 and po.locale.language == "pl"
    entries = {entry.context: entry for entry in po if entry.id}
    assert set(entries) == set(source())
    assert entries["letters.date_only"].string == "{date}" and not entries["letters.date_only"].fuzzy
    # One form per index of Polish's Plural-Forms: 1 -> one, 2..4 -> few, 5 -> many (CLDR categories).
    assert entries["letters.cli.written"].string == ("{count} list", "{count} listy", "{count} listów")
    assert not entries["letters.cli.written"].fuzzy
    # An older pair of keys, and a plain text for a plural message: kept, marked fuzzy.
    assert entries["certificates.cli.written"].fuzzy
    assert entries["certificates.cli.written"].string[0] == "1 certyfikat w {folder}"
    assert entries["import_page.import"].fuzzy
    assert entries["import_page.import"].string == ("Importuj {count} odpowiedzi",) * 3
    # Untranslated: empty; a key the template lacks: kept as obsolete for the translator.
    assert entries["cli.unexpected"].string == ""
    assert [entry.context for entry in po.obsolete.values()] == ["letters.cli.none.old"]
    assert "letters.cli.none.old: not in the template" in done.stdout


def test_an_existing_po_is_not_replaced_without_force(tmp_path):
    folder = tmp_path / "de"
    folder.mkdir()
    (folder / "a.toml").write_text('[letters]\ndate_only = "{date}"\n', encoding="utf-8")
    out = tmp_path / "messages.po"
    out.write_text("kept", encoding="utf-8")
    refused = run("de", "--folder", str(folder), "--output", str(out))
    assert refused.returncode == 1 and out.read_text(encoding="utf-8") == "kept" and "--force" in refused.stderr
    assert run("de", "--folder", str(folder), "--output", str(out), "--force").returncode == 0
    assert 'msgstr "{date}"' in out.read_text(encoding="utf-8")
