"""Questionnaires as used: the installed files, and the snapshots campaigns are read against
(see assess.services._snapshots)."""

from __future__ import annotations

from functools import lru_cache

from assess.domain.questionnaire import Audience, Questionnaire, QuestionnaireCatalogue
from assess.services import _snapshots
from assess.services.errors import ServiceError
from assess.storage.models import QuestionnaireVersion


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


def for_audience(audience: Audience | str) -> list[Questionnaire]:
    return installed().for_audience(Audience(audience))


def from_snapshot(stored: QuestionnaireVersion) -> Questionnaire:
    return _snapshots.from_snapshot(stored, Questionnaire)

