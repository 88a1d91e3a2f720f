"""The installed questionnaire files, loaded once per process.

A building block below :mod:`assess.services.questionnaires` and
:mod:`assess.services._snapshots` (which reads a stored questionnaire with the wording of
the installed file of the same version and structure), as
:mod:`assess.services._installed_rubrics` is for rubrics.
"""

from __future__ import annotations

from functools import lru_cache

from assess.domain.questionnaire import Questionnaire, QuestionnaireCatalogue
from assess.services.errors import ServiceError


@lru_cache(maxsize=1)
def installed() -> QuestionnaireCatalogue:
    """The installed questionnaire files (see assess.resources), loaded once per process; a
    missing or empty folder raises CatalogueError."""
    return QuestionnaireCatalogue.from_directory()


def installed_questionnaire(questionnaire_id: str) -> Questionnaire:
    try:
        return installed().get(questionnaire_id)
    except KeyError:
        raise ServiceError("errors.unknown_questionnaire", value=questionnaire_id) from None
