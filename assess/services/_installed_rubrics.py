"""The installed rubric files, loaded once per process.

A building block below :mod:`assess.services.rubrics` and :mod:`assess.services.settings`:
both need the installed rubrics (settings to check its ``default_rubric`` and gate
minimums, rubrics to propose one by the settings), so the files are read here, in a
module that imports neither.
"""

from __future__ import annotations

from functools import lru_cache

from assess.domain.rubric import Rubric, RubricCatalogue
from assess.services.errors import ServiceError


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
