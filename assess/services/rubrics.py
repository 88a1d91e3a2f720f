"""Rubrics as used: the installed files, and the snapshots stored results are read against
(see assess.services.snapshots)."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy.orm import Session

from assess.domain.rubric import Rubric, RubricCatalogue
from assess.services import snapshots
from assess.services.errors import ServiceError
from assess.storage.models import RubricVersion


@lru_cache(maxsize=1)
def installed() -> RubricCatalogue:
    """The installed rubric files (see assess.resources), loaded once per process; a missing
    or empty folder raises CatalogueError."""
    return RubricCatalogue.from_directory()


def installed_rubric(rubric_id: str) -> Rubric:
    try:
        return installed().get(rubric_id)
    except KeyError:
        raise ServiceError("errors.unknown_rubric", value=rubric_id) from None


def snapshot(session: Session, rubric: Rubric) -> RubricVersion:
    return snapshots.snapshot(session, table=RubricVersion, id_column="rubric_id", document=rubric)


def from_snapshot(stored: RubricVersion) -> Rubric:
    return snapshots.from_snapshot(stored, Rubric)
