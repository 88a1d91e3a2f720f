"""Rubrics as used: installed files, and the snapshots stored results are read against.

A self-assessment (and later a jury round) points at a ``rubric_versions`` row holding
the rubric's full content. Editing a file later never changes stored results: results
are always scored against the snapshot. Changing a file's content without giving it a
new version is refused with a clear message, instead of silently diverging.
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from assess.domain.rubric import RUBRICS_DIR, Rubric, RubricCatalogue
from assess.services.errors import Conflict, ServiceError
from assess.storage.models import RubricVersion


@lru_cache(maxsize=1)
def installed() -> RubricCatalogue:
    """The rubric files shipped in ``rubrics/``, loaded once per process."""
    return RubricCatalogue.from_directory(RUBRICS_DIR)


def installed_rubric(rubric_id: str) -> Rubric:
    try:
        return installed().get(rubric_id)
    except KeyError:
        raise ServiceError("errors.unknown_rubric", value=rubric_id) from None


def snapshot(session: Session, rubric: Rubric) -> RubricVersion:
    """The stored snapshot of ``rubric``, stored now if it is used for the first time."""
    stored = session.scalar(
        select(RubricVersion).where(RubricVersion.rubric_id == rubric.id, RubricVersion.version == rubric.version)
    )
    if stored is None:
        stored = RubricVersion(
            rubric_id=rubric.id, version=rubric.version, digest=rubric.digest, content=rubric.model_dump(mode="json")
        )
        session.add(stored)
        session.flush()
    elif stored.digest != rubric.digest:
        raise Conflict("errors.rubric_changed", rubric=rubric.id, version=rubric.version)
    return stored


_parsed: dict[str, Rubric] = {}


def from_snapshot(stored: RubricVersion) -> Rubric:
    """The rubric as stored. Keyed by digest: a snapshot never changes, so it is parsed once."""
    rubric = _parsed.get(stored.digest)
    if rubric is None:
        rubric = _parsed[stored.digest] = Rubric.model_validate(stored.content)
    return rubric
