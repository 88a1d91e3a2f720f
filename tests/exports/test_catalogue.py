"""The exports' texts: the same keys in both languages, every key the code asks for."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assess.domain.statistics import AGE_GROUP_IDS
from assess.i18n import languages, translated
from assess.services import exports
from assess.services.national import _survey_tables

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["assess/services/exports.py", "assess/services/national/_tables.py",
           "assess/services/national/_survey_tables.py", "assess/cli/export.py"]


def keys(lang: str) -> set[str]:
    return {key for key in translated(lang) if key.startswith("exports.")}


def test_both_languages_have_the_same_keys():
    assert keys("en") == keys("fr")


@pytest.mark.parametrize("lang", languages())
def test_every_key_used_exists(lang):
    used = set()
    for source in SOURCES:
        text = (ROOT / source).read_text(encoding="utf-8")
        used |= {m.group(1) for m in re.finditer(r'"(exports\.[a-z_]+(?:\.[a-z_]+)*)"', text)}
        used |= {f"exports.columns.{m.group(1)}" for m in re.finditer(r'_column\(lang, "([a-z_]+)"', text)}
        used |= {f"exports.summary.{m.group(1)}" for m in re.finditer(r'(?:fact|column)\("([a-z_]+)"', text)}
    used |= {f"exports.sheets.{key}" for key in exports.SHEETS}
    used |= {f"exports.age_group.{key}" for key in AGE_GROUP_IDS}
    used |= {f"exports.audience.{key}" for key in (*_survey_tables.AUDIENCES, "all")}
    used |= {f"exports.verdict.{key}" for key in ("label", "no_label", "pending", "withdrawn")}
    used |= {f"exports.status.{key}" for key in ("submitted", "withdrawn")}
    assert len(used) > 60
    assert not used - keys(lang)


@pytest.mark.parametrize("lang", languages())
def test_sheet_names_fit_excel_even_continued(lang):
    for key in exports.SHEETS:
        name = exports.sheet_name(key, lang)
        assert len(f"{name} (99)") <= 31 and not set(name) & set("[]:*?/\\")
