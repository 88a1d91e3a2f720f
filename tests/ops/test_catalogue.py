"""The operator's messages (ops.toml): the same keys in both languages, and every key the
backup, restore and readiness code asks for."""

from __future__ import annotations

import re
from pathlib import Path

from assess.i18n import translated

ROOT = Path(__file__).resolve().parents[2]
CODE = [ROOT / "assess/storage/backup.py", ROOT / "assess/cli/backup.py", ROOT / "assess/cli/ready.py"]


def ops_keys(lang: str) -> set[str]:
    return {key for key in translated(lang) if key.startswith("ops.")}


def test_both_languages_have_the_same_keys_and_placeholders():
    assert ops_keys("en") == ops_keys("fr")
    for key in ops_keys("en"):
        placeholders = [set(re.findall(r"\{(\w+)\}", translated(lang)[key])) for lang in ("en", "fr")]
        assert placeholders[0] == placeholders[1], key


def test_every_key_the_code_names_exists():
    named = {key for path in CODE for key in re.findall(r'"(ops\.[a-z_.]+)"', path.read_text())}
    kinds = {f"ops.backup.kinds.{kind}" for kind in ("sqlite", "postgresql")}
    states = {f"ops.ready.{state}" for state in
              ("ready", "unreachable", "no_database", "never_migrated", "behind", "unknown_revision")}
    assert named, "the pattern finds the keys"
    assert (named | kinds | states) - ops_keys("en") == set()
