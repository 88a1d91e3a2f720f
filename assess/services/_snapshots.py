"""Content as used: rubrics and questionnaires are stored whole the first time they are used.

A self-assessment, a jury round or a survey campaign points at a snapshot row; results
are always read against its *scoring structure* (criteria, levels, weights, gates, rules,
thresholds; items, their types, themes and options), never against a file that changed
it. The snapshot's ``digest`` covers that structure and not the wording
(:attr:`assess.domain.content.StrictModel.digest`), so:

- a file whose structure changed without a new ``version`` is refused at its next use
  with a message that says how to fix it, instead of silently diverging;
- a file whose wording changed (a translation fixed, a language added) keeps its
  version: while the installed file has the snapshot's id, version and digest, the
  snapshot is read with the file's wording (:func:`parsed`), so existing work shows the
  fix at once; and the next use of the file stores its wording in the snapshot, so the
  stored wording stays the newest one seen even after the file moves to a new version.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from assess.domain.content import ContentError
from assess.domain.questionnaire import Questionnaire
from assess.domain.rubric import Rubric
from assess.services import _installed_questionnaires, _installed_rubrics
from assess.services.errors import Conflict
from assess.storage.models import QuestionnaireVersion, RubricVersion

Snapshot = TypeVar("Snapshot", QuestionnaireVersion, RubricVersion)
Document = TypeVar("Document", bound=BaseModel)

_parsed: dict[tuple[type[BaseModel], str], BaseModel] = {}


def snapshot(session: Session, *, table: type[Snapshot], id_column: str, document: Questionnaire | Rubric) -> Snapshot:
    """The stored snapshot of ``document`` (with ``id``, ``version``, ``digest``), stored now
    if it is used for the first time; its stored wording brought up to the document's when
    only the wording differs."""
    column = getattr(table, id_column)
    stored = session.scalar(select(table).where(column == document.id, table.version == document.version))
    content = document.model_dump(mode="json")
    if stored is None:
        stored = table(**{id_column: document.id}, version=document.version, digest=document.digest, content=content)
        session.add(stored)
        session.flush()
    elif stored.digest != document.digest:
        raise Conflict("errors.content_changed", name=document.id, version=document.version)
    elif stored.content != content:
        stored.content = content  # the same structure, new wording: a translation fixed or added
        session.flush()
    return stored


def from_snapshot(stored: QuestionnaireVersion | RubricVersion, model: type[Document]) -> Document:
    """The document as stored (with the installed file's wording when it has the same
    structure, see :func:`parsed`)."""
    return parsed(model, stored.digest, lambda: stored.content)


def _installed(model: type[Document]) -> dict[str, Document]:
    """The installed files of ``model``'s kind by digest; none when they cannot be loaded
    (stored results are read whatever the state of the files)."""
    loaders: dict[type, Callable[[], Any]] = {
        Rubric: _installed_rubrics.installed, Questionnaire: _installed_questionnaires.installed}
    try:
        return loaders[model]().by_digest
    except ContentError:
        return {}


def parsed(model: type[Document], digest: str, content: Callable[[], Any]) -> Document:
    """The document of the snapshot with ``digest``.

    When an installed file has that digest (so the same id, version and structure), that
    file: the snapshot's structure with the current wording. Otherwise the stored content,
    parsed once per process: ``content()`` is only called (and the stored content only
    read) the first time."""
    current = _installed(model).get(digest)
    if current is not None:
        return current
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
