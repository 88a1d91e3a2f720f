"""Questionnaires as used: the installed files, and the snapshots campaigns are read against
(see assess.services.snapshots)."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy.orm import Session

from assess.domain.questionnaire import Audience, Questionnaire, QuestionnaireCatalogue
from assess.services import snapshots
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


def snapshot(session: Session, questionnaire: Questionnaire) -> QuestionnaireVersion:
    return snapshots.snapshot(session, table=QuestionnaireVersion, id_column="questionnaire_id", document=questionnaire)


def from_snapshot(stored: QuestionnaireVersion) -> Questionnaire:
    return snapshots.from_snapshot(stored, Questionnaire)


def from_digest(session: Session, *, version_id: int, digest: str) -> Questionnaire:
    """The questionnaire of snapshot ``version_id``, whose ``digest`` the caller has read: its
    content is read from the database only the first time this process needs it."""
    return snapshots.parsed(Questionnaire, digest, lambda: session.get(QuestionnaireVersion, version_id).content)
