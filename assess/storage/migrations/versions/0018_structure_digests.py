"""Content digests cover the scoring structure, not the wording (issue 15).

A stored rubric or questionnaire snapshot (``rubric_versions``, ``questionnaire_versions``)
carried the sha256 of its whole content, every translation included, so fixing a French
typo or adding German to a file forced a new version. From this revision its ``digest``
is the one :attr:`assess.domain.content.StrictModel.digest` computes: the structure only
(ids, levels, weights, minimums, gates, rules, thresholds, themes, item types, options).

Every stored snapshot gets its digest recomputed from its stored content, so a file
unchanged since its first use keeps matching its snapshot. The digest is computed by the
domain's code on purpose, not a copy frozen here: a snapshot's digest must be the one the
running code computes for the file. A row whose content the current models cannot read
(none made by this suite) keeps its digest: its file is refused at its next use with the
"changed after it was first used" message, as before.

Downgrading puts back the old digest (the sha256 of the whole content) and keeps only
the English and French texts, the two languages the earlier code reads (a text without
French gets the English one).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa
from alembic import op
from pydantic import BaseModel, ValidationError
from sqlalchemy.dialects import postgresql

from assess.domain.questionnaire import Questionnaire
from assess.domain.rubric import Rubric

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TABLES: tuple[tuple[str, type[BaseModel]], ...] = (("rubric_versions", Rubric), ("questionnaire_versions", Questionnaire))


def _rows(table: str) -> list[tuple[int, str, Any]]:
    rows = op.get_bind().execute(sa.text(f"SELECT id, digest, content FROM {table} ORDER BY id")).all()
    return [(row[0], row[1], json.loads(row[2]) if isinstance(row[2], str) else row[2]) for row in rows]


def upgrade() -> None:
    bind = op.get_bind()
    for table, model in TABLES:
        for row_id, digest, content in _rows(table):
            try:
                document = model.model_validate(content)
            except ValidationError:
                continue
            new = document.digest  # type: ignore[attr-defined]
            if new != digest:
                bind.execute(sa.text(f"UPDATE {table} SET digest = :digest WHERE id = :id"), {"digest": new, "id": row_id})


#: The text languages of the code before this revision, which had two fields, ``en`` and ``fr``.
_OLD_LANGUAGES = ("en", "fr")


def _old_texts(value: Any) -> Any:
    """``value`` with every text reduced to English and French, as the earlier code reads it."""
    if isinstance(value, dict):
        if "en" in value and all(isinstance(text, str) for text in value.values()) and all(
                isinstance(code, str) and 2 <= len(code) <= 3 and code.isalpha() and code.islower() for code in value):
            return {code: value.get(code) or value["en"] for code in _OLD_LANGUAGES}
        return {key: _old_texts(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_old_texts(item) for item in value]
    return value


def downgrade() -> None:
    bind = op.get_bind()
    for table, _model in TABLES:
        for row_id, _digest, content in _rows(table):
            old = _old_texts(content)
            digest = hashlib.sha256(json.dumps(old, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
            bind.execute(sa.text(f"UPDATE {table} SET digest = :digest, content = :content WHERE id = :id")
                         .bindparams(sa.bindparam("content", type_=JSON)),
                         {"digest": digest, "content": old, "id": row_id})
