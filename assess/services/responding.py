"""Answering a survey: the respondent's side, with no account, no name, no e-mail.

Privacy by design, as LimeSurvey's anonymised mode: the stored response carries no code,
no link token and only the month it was sent. A code is marked used in the transaction that
stores the response, by a conditional UPDATE that only one transaction can win, so the
database itself guarantees one response per code, whatever the timing. Drafts (save and
resume) are kept by code and deleted when the response is stored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Mapping

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assess.domain.answers import Answer, AnswerError, month_of, validate_answers
from assess.domain.questionnaire import Questionnaire
from assess.i18n import DEFAULT_LANGUAGE
from assess.services import campaigns, questionnaires
from assess.storage.models import (
    SurveyAnswer,
    SurveyCampaign,
    SurveyCode,
    SurveyDraft,
    SurveyLinkSubmission,
    SurveyResponse,
)


class VisitStatus(StrEnum):
    OPEN = "open"
    NOT_YET_OPEN = "not_yet_open"
    CLOSED = "closed"
    USED = "used"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Visit:
    """What a respondent reached through a code or a link. Only OPEN visits carry a questionnaire."""

    status: VisitStatus
    campaign_id: int | None = None
    questionnaire: Questionnaire | None = None
    languages: tuple[str, ...] = ()
    opens_on: date | None = None
    closes_on: date | None = None
    # Answers saved so far with this code (raw values by item id).
    draft: Mapping[str, Any] = field(default_factory=dict)
    draft_language: str | None = None


@dataclass(frozen=True)
class Submission:
    stored: bool
    status: VisitStatus
    errors: tuple[AnswerError, ...] = ()


def _visit(campaign: SurveyCampaign, *, today: date, draft: SurveyDraft | None = None) -> Visit:
    state = campaigns.status(campaign, today=today)
    base = dict(campaign_id=campaign.id, opens_on=campaign.opens_on, closes_on=campaign.closes_on,
                languages=tuple(campaign.languages))
    if state is campaigns.Status.SCHEDULED:
        return Visit(VisitStatus.NOT_YET_OPEN, **base)
    if state is campaigns.Status.CLOSED:
        return Visit(VisitStatus.CLOSED, **base)
    return Visit(
        VisitStatus.OPEN,
        questionnaire=questionnaires.from_snapshot(campaign.questionnaire_version),
        draft=dict(draft.answers) if draft else {},
        draft_language=draft.language if draft else None,
        **base,
    )


def _code(session: Session, code: str) -> SurveyCode | None:
    if not campaigns.normalise_code(code):
        return None
    return session.scalar(select(SurveyCode).where(SurveyCode.code_hash == campaigns.hash_code(code)))


def visit_by_code(session: Session, *, code: str, today: date | None = None) -> Visit:
    found = _code(session, code)
    if found is None:
        return Visit(VisitStatus.UNKNOWN)
    if found.used:
        return Visit(VisitStatus.USED)
    campaign = session.get(SurveyCampaign, found.campaign_id)
    return _visit(campaign, today=today or date.today(), draft=session.get(SurveyDraft, found.id))


def visit_by_link(session: Session, *, token: str, today: date | None = None) -> Visit:
    campaign_id = campaigns.campaign_id_from_token(session, token)
    campaign = session.get(SurveyCampaign, campaign_id) if campaign_id else None
    if campaign is None or campaign.mode != campaigns.Mode.LINK:
        return Visit(VisitStatus.UNKNOWN)
    return _visit(campaign, today=today or date.today())


def save_draft(
    session: Session, *, code: str, answers: Mapping[str, Any], language: str | None, today: date | None = None
) -> tuple[AnswerError, ...]:
    """Keep the answers given so far with this code. Valid answers are kept even when others
    are not; the errors say which items to correct."""
    visit = visit_by_code(session, code=code, today=today)
    if visit.status is not VisitStatus.OPEN:
        return ()
    clean, errors = validate_answers(visit.questionnaire, answers, complete=False)
    found = _code(session, code)
    draft = session.get(SurveyDraft, found.id)
    raw = {item_id: answer.to_raw() for item_id, answer in clean.items()}
    if draft is None:
        session.add(SurveyDraft(code_id=found.id, answers=raw, language=language))
    else:
        draft.answers = raw
        draft.language = language
    session.flush()
    return tuple(errors)


def _store(session: Session, *, campaign_id: int, answers: dict[str, Answer], language: str | None, today: date) -> None:
    session.add(SurveyResponse(
        campaign_id=campaign_id,
        submitted_month=month_of(today),
        language=language or DEFAULT_LANGUAGE,
        source="web",
        answers=[
            SurveyAnswer(item_id=a.item_id, score=a.score, dont_know=a.dont_know,
                         choices=list(a.choices) if a.choices else None, text=a.text)
            for a in answers.values()
        ],
    ))
    session.flush()


def submit_with_code(
    session: Session, *, code: str, answers: Mapping[str, Any], language: str | None, today: date | None = None
) -> Submission:
    today = today or date.today()
    visit = visit_by_code(session, code=code, today=today)
    if visit.status is not VisitStatus.OPEN:
        return Submission(False, visit.status)
    clean, errors = validate_answers(visit.questionnaire, answers, complete=True)
    if errors:
        return Submission(False, VisitStatus.OPEN, tuple(errors))
    found = _code(session, code)
    # Only one transaction can flip used from false to true: a second submission of the
    # same code, at the same instant or later, matches no row and stores nothing.
    won = session.execute(
        update(SurveyCode).where(SurveyCode.id == found.id, SurveyCode.used.is_(False)).values(used=True)
    ).rowcount
    if won != 1:
        return Submission(False, VisitStatus.USED)
    session.execute(delete(SurveyDraft).where(SurveyDraft.code_id == found.id))
    _store(session, campaign_id=visit.campaign_id, answers=clean, language=language, today=today)
    return Submission(True, VisitStatus.OPEN)


def submit_with_link(
    session: Session, *, token: str, nonce: str, answers: Mapping[str, Any], language: str | None,
    today: date | None = None,
) -> Submission:
    """``nonce``: a random id the answering page makes once per questionnaire shown, so a
    double click or a resent form stores one response."""
    today = today or date.today()
    visit = visit_by_link(session, token=token, today=today)
    if visit.status is not VisitStatus.OPEN:
        return Submission(False, visit.status)
    clean, errors = validate_answers(visit.questionnaire, answers, complete=True)
    if errors:
        return Submission(False, VisitStatus.OPEN, tuple(errors))
    nonce_hash = hashlib.sha256(f"{visit.campaign_id}:{nonce}".encode()).hexdigest()
    try:
        with session.begin_nested():
            session.add(SurveyLinkSubmission(nonce_hash=nonce_hash, campaign_id=visit.campaign_id))
    except IntegrityError:
        return Submission(False, VisitStatus.USED)
    _store(session, campaign_id=visit.campaign_id, answers=clean, language=language, today=today)
    return Submission(True, VisitStatus.OPEN)
