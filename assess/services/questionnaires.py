"""Questionnaires as used: the installed files, and the snapshots campaigns are read against
(see assess.services._snapshots)."""

from __future__ import annotations

from assess.domain.questionnaire import Audience, Questionnaire
from assess.services import _snapshots
from assess.services._installed_questionnaires import installed as installed  # re-exported: used across the services
from assess.services._installed_questionnaires import installed_questionnaire as installed_questionnaire
from assess.storage.models import QuestionnaireVersion


def for_audience(audience: Audience | str) -> list[Questionnaire]:
    return installed().for_audience(Audience(audience))


def from_snapshot(stored: QuestionnaireVersion) -> Questionnaire:
    return _snapshots.from_snapshot(stored, Questionnaire)

