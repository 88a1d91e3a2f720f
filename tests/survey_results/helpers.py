"""Builders for survey results tests: campaigns answered through the real services."""

from __future__ import annotations

import uuid

from assess.domain.answers import DONT_KNOW
from assess.domain.permissions import Actor
from assess.domain.questionnaire import ItemType, Questionnaire
from assess.services import campaigns, link_guard, questionnaires, responding
from tests.services.helpers import make_campaign, make_project, make_user, public_link_token

__all__ = ["FAMILIES", "all_agree", "make_campaign", "make_project", "make_user", "questionnaire_of",
           "respond_by_link", "respond_with_codes"]


def questionnaire_of(campaign) -> Questionnaire:
    return questionnaires.from_snapshot(campaign.questionnaire_version)


def all_agree(questionnaire: Questionnaire, score: int = 4, **overrides) -> dict:
    """Every agreement item answered ``score``, then ``overrides`` (item id -> raw answer)."""
    answers = {item.id: score for item in questionnaire.items if item.type is ItemType.AGREEMENT}
    answers.update(overrides)
    return {key: value for key, value in answers.items() if value is not None}


def respond_by_link(session, campaign, answers: dict, language: str = "fr") -> None:
    # The operator reads the public link as its teacher would (the helper has no teacher at hand).
    token = public_link_token(session, owner=Actor.system(), campaign_id=campaign.id)
    result = responding.submit_with_link(session, token=token, nonce=uuid.uuid4().hex, answers=answers, language=language,
                                         browser_id=link_guard.new_browser_id(session))
    assert result.stored, result.errors


def respond_with_codes(session, owner, campaign, answer_sets: list[dict], language: str = "fr") -> list[str]:
    codes = campaigns.issue_codes(session, actor=owner, campaign_id=campaign.id, count=len(answer_sets))
    for code, answers in zip(codes, answer_sets, strict=True):
        result = responding.submit_with_code(session, code=code, answers=answers, language=language)
        assert result.stored, result.errors
    return codes


#: Five families' answers, the figures of tests/survey_results/test_service.py are computed from.
FAMILIES = [
    {"child-talked": 5, "learned-other-countries": 4, "project-visible": 4, "privacy-respected": DONT_KNOW,
     "showed-work": 3, "heard-about": "child", "comment": "Merci !"},
    {"child-talked": 4, "learned-other-countries": 2, "project-visible": 5, "privacy-respected": 5,
     "heard-about": "school-message", "comment": "<img src=x>"},
    {"child-talked": 4, "learned-other-countries": 3, "project-visible": 3, "privacy-respected": 4,
     "heard-about": "child", "comment": "   "},
    {"child-talked": 2, "learned-other-countries": 5, "project-visible": DONT_KNOW, "privacy-respected": 2,
     "comment": "Bravo aux élèves"},
    {"child-talked": DONT_KNOW, "learned-other-countries": 4, "project-visible": 4, "privacy-respected": DONT_KNOW},
]

