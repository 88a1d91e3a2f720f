"""The privacy register (docs/privacy.md) names every table the suite stores: a table added
without a line in the register is a field about people nobody has accounted for."""

from __future__ import annotations

import re
from pathlib import Path

from assess.storage.models import Base

REGISTER = Path(__file__).resolve().parents[2] / "docs" / "privacy.md"


def test_every_stored_table_is_in_the_privacy_register():
    named = set(re.findall(r"`([a-z_]+)(?:\.[a-z_]+)?`", REGISTER.read_text(encoding="utf-8")))
    missing = sorted(table for table in Base.metadata.tables if table not in named)
    assert not missing, f"docs/privacy.md does not name these tables: {missing}"
