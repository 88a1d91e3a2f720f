"""Content as used: rubrics and questionnaires are stored whole the first time they are used.

A self-assessment, a jury round or a survey campaign points at a snapshot row; results
are always read against it, never against the file, so editing a file later never
changes stored results. A file whose content changed without a new ``version`` is
refused with a message that says how to fix it, instead of silently diverging.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from assess.domain.questionnaire import Questionnaire
from assess.domain.rubric import Rubric
from assess.services.errors import Conflict
from assess.storage.models import QuestionnaireVersion, RubricVersion

Snapshot = TypeVar("Snapshot", QuestionnaireVersion, RubricVersion)
Document = TypeVar("Document", bound=BaseModel)

_parsed: dict[tuple[type[BaseModel], str], BaseModel] = {}


def snapshot(session: Session, *, table: type[Snapshot], id_column: str, document: Questionnaire | Rubric) -> Snapshot:
    """The stored snapshot of ``document`` (with ``id``, ``version``, ``digest``), stored now
    if it is used for the first time."""
    column = getattr(table, id_column)
    stored = session.scalar(select(table).where(column == document.id, table.version == document.version))
    if stored is None:
        stored = table(**{id_column: document.id}, version=document.version, digest=document.digest,
                       content=document.model_dump(mode="json"))
        session.add(stored)
        session.flush()
    elif stored.digest != document.digest:
        raise Conflict("errors.content_changed", name=document.id, version=document.version)
    return stored


def from_snapshot(stored: QuestionnaireVersion | RubricVersion, model: type[Document]) -> Document:
    """The document as stored. Keyed by digest: a snapshot never changes, so it is parsed once."""
    return parsed(model, stored.digest, lambda: stored.content)


def parsed(model: type[Document], digest: str, content: Callable[[], Any]) -> Document:
    """The document of the snapshot with ``digest``, parsed once per process: ``content()``
    is only called (and the stored content only read) the first time."""
    key = (model, digest)
    document = _parsed.get(key)
    if not isinstance(document, model):
        document = _parsed[key] = model.model_validate(content())
    return document


def questionnaire_version(session: Session, questionnaire: Questionnaire) -> QuestionnaireVersion:
    """The stored snapshot of ``questionnaire`` (made on its first use)."""
    return snapshot(session, table=QuestionnaireVersion, id_column="questionnaire_id", document=questionnaire)


def questionnaire_from_digest(session: Session, *, version_id: int, digest: str) -> Questionnaire:
    """The questionnaire of snapshot ``version_id``, whose ``digest`` the caller has read: its
    content is read from the database only the first time this process needs it."""
    return parsed(Questionnaire, digest, lambda: session.get_one(QuestionnaireVersion, version_id).content)


def rubric_version(session: Session, rubric: Rubric) -> RubricVersion:
    """The stored snapshot of ``rubric`` (made on its first use)."""
    return snapshot(session, table=RubricVersion, id_column="rubric_id", document=rubric)
