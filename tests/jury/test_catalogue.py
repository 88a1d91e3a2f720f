"""The jury's texts exist in both languages, and every key the jury code names exists."""

from __future__ import annotations

import re
from pathlib import Path

import assess
from assess.domain.readiness import ELIGIBILITY_QUESTIONS
from assess.i18n import source as english
from assess.i18n import translated


def test_same_keys_in_english_and_french():
    def keys(lang):
        return {key for key in translated(lang) if key.startswith("jury.")}

    assert keys("en") and keys("en") == keys("fr")


def test_every_key_used_by_the_jury_code_exists():
    source = Path(assess.__file__).parent
    files = [source / "services" / name for name in ("rounds.py", "applications.py", "decisions.py", "eql.py")]
    files += sorted((source / "services" / "jury").glob("*.py"))
    files.append(source / "cli" / "jury.py")
    used = {key for path in files for key in re.findall(r'"((?:jury|errors)\.[a-z_]+\.[a-z_.]+|errors\.[a-z_]+)"',
                                                          path.read_text(encoding="utf-8"))}
    used |= {f"jury.errors.eligibility_no.{q}" for q in ELIGIBILITY_QUESTIONS}
    used |= {f"jury.errors.eligibility_unanswered.{q}" for q in ELIGIBILITY_QUESTIONS}
    actions = {"jury.score.save", "jury.conflict_waived", "jury.conflict_removed", "jury.conflict_ignored",
               "jury.standing_conflict.teacher", "jury.standing_conflict.school",
               "jury.standing_conflict_removed.teacher", "jury.standing_conflict_removed.school"}  # audit actions
    missing = sorted(k for k in used - actions if k not in english())
    assert len(used) > 40 and missing == []
