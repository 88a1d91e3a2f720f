"""Answering a survey: the respondent's side, with no account, no name, no e-mail.

Privacy by design, as LimeSurvey's anonymised mode: the stored response carries no code,
no link token and only the month it was sent. A code is marked used in the transaction that
stores the response, by a conditional UPDATE that only one transaction can win, so the
database itself guarantees one response per code, whatever the timing. Drafts (save and
resume) are kept by code and deleted when the response is stored. A public link takes one
response per browser, within a rate bound, and counts bursts (assess.services.link_guard).

Speed: a campaign's respondents send their answers within minutes of one another, and on
SQLite every transaction holds the database's one write lock from its start to its end,
so the time a submission takes is the limit of how many the server takes in a second
(bench/bench_survey_writers.py). Its statements are therefore Core statements on the
tables, built once: an ORM entity query costs about five times as much. No entity of the
rows a submission reads or changes is kept in the session, so none can go stale there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import CursorResult, Row, bindparam, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from assess import clock, i18n
from assess.domain.answers import Answer, AnswerError, month_of, validate_answers
from assess.domain.questionnaire import Questionnaire
from assess.domain.states import CampaignMode, CampaignStatus, ResponseSource
from assess.services import _answer_tallies, _snapshots, _survey_release, campaigns, link_guard
from assess.services.access import public_entry_point
from assess.storage.models import (
    QuestionnaireVersion,
    SurveyAnswer,
    SurveyCampaign,
    SurveyCode,
    SurveyDraft,
    SurveyLinkSubmission,
    SurveyResponse,
    SurveyVoidedCode,
    table_of,
)

_CODES = table_of(SurveyCode)
_CAMPAIGNS = table_of(SurveyCampaign)
_VERSIONS = table_of(QuestionnaireVersion)
_LINKS = table_of(SurveyLinkSubmission)
_DRAFTS = table_of(SurveyDraft)
_RESPONSES = table_of(SurveyResponse)
_VOIDED = table_of(SurveyVoidedCode)

_CODE_BY_HASH = select(_CODES.c.id, _CODES.c.campaign_id, _CODES.c.used).where(
    _CODES.c.code_hash == bindparam("code_hash")
)
# Looked up only for a code not found: a code replaced by a new sheet of slips.
_VOIDED_BY_HASH = select(_VOIDED.c.campaign_id).where(_VOIDED.c.code_hash == bindparam("code_hash"))
_CAMPAIGN_WITH_DIGEST = (
    select(_CAMPAIGNS, _VERSIONS.c.digest)
    .join(_VERSIONS, _VERSIONS.c.id == _CAMPAIGNS.c.questionnaire_version_id)
    .where(_CAMPAIGNS.c.id == bindparam("campaign_id"))
)
# Only one transaction can flip used from false to true: a second submission of the same
# code, at the same instant or later, matches no row and stores nothing.
_CLAIM_CODE = update(_CODES).where(_CODES.c.id == bindparam("code_id"), _CODES.c.used.is_(False)).values(used=True)
_DELETE_DRAFT = delete(_DRAFTS).where(_DRAFTS.c.code_id == bindparam("code_id"))
_INSERT_RESPONSE = insert(_RESPONSES).returning(_RESPONSES.c.id)
_INSERT_ANSWERS = insert(table_of(SurveyAnswer))
# ON CONFLICT DO NOTHING: a public link's nonce is added (and returned), or it was there
# already (a resent form: nothing returned); if another transaction is adding it at this
# moment, the database waits for it. (RETURNING, as the rowcount of an INSERT is not
# reported by every driver.)
_ADD_NONCE = {
    name: dialect.insert(_LINKS).on_conflict_do_nothing().returning(_LINKS.c.nonce_hash)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


class VisitStatus(StrEnum):
    OPEN = "open"
    NOT_YET_OPEN = "not_yet_open"
    CLOSED = "closed"
    USED = "used"
    UNKNOWN = "unknown"
    VOIDED = "voided"  # replaced by a new sheet of slips (campaigns.reissue_codes)
    # Public links (assess.services.link_guard): this browser already answered; the page
    # could not give the browser its id (cookies refused); too many responses this minute.
    DEVICE_USED = "device_used"
    NO_BROWSER_ID = "no_browser_id"
    BUSY = "busy"


@dataclass(frozen=True)
class Visit:
    """What a respondent reached through a code or a link. Only OPEN visits carry a questionnaire."""

    status: VisitStatus
    campaign_id: int | None = None
    questionnaire: Questionnaire | None = None
    languages: tuple[str, ...] = ()
    opens_on: date | None = None
    closes_on: date | None = None
    # CLOSED visits: the last day answers were taken, in the office's calendar (the campaign's
    # closing date, or the day its teacher closed it, when earlier).
    closed_on: date | None = None
    # Answers saved so far with this code (raw values by item id).
    draft: Mapping[str, Any] = field(default_factory=dict)
    draft_language: str | None = None
    # Public links: whether one browser may send one response only (the page then gives
    # the browser its id before showing the questions).
    one_per_device: bool = False
    # Who answers (pupils, families, teachers), when the campaign is known: the page speaks
    # to pupils familiarly (French "tu", German "du") and to the others politely.
    audience: str | None = None


@dataclass(frozen=True)
class Submission:
    stored: bool
    status: VisitStatus
    errors: tuple[AnswerError, ...] = ()


def _campaign(session: Session, campaign_id: int) -> tuple[Row, Questionnaire] | None:
    """The campaign's row (the columns of survey_campaigns, and its questionnaire's digest)
    and its questionnaire. The snapshot's content is read and parsed once per process
    (:func:`_snapshots.questionnaire_from_digest`): reading it at every visit and submission took
    more time than storing the answers."""
    campaign = session.execute(_CAMPAIGN_WITH_DIGEST, {"campaign_id": campaign_id}).first()
    if campaign is None:
        return None
    return campaign, _snapshots.questionnaire_from_digest(
        session, version_id=campaign.questionnaire_version_id, digest=campaign.digest)


def _visit(campaign: Row, questionnaire: Questionnaire, *, today: date, draft: SurveyDraft | None = None) -> Visit:
    state = campaigns.status(campaign, today=today)
    base = dict(campaign_id=campaign.id, opens_on=campaign.opens_on, closes_on=campaign.closes_on,
                languages=tuple(campaign.languages), audience=campaign.audience)
    if state is CampaignStatus.SCHEDULED:
        return Visit(VisitStatus.NOT_YET_OPEN, **base)
    if state is CampaignStatus.CLOSED:
        closed_on = campaign.closes_on
        if campaign.closed_at is not None:
            closed_on = min(closed_on, campaign.closed_at.astimezone(clock.office_zone()).date())
        return Visit(VisitStatus.CLOSED, closed_on=closed_on, **base)
    return Visit(
        VisitStatus.OPEN,
        questionnaire=questionnaire,
        draft=dict(draft.answers) if draft else {},
        draft_language=draft.language if draft else None,
        one_per_device=campaign.mode == CampaignMode.LINK and campaign.one_response_per_device,
        **base,
    )


def _code(session: Session, code: str) -> Row | None:
    """The code's id, campaign_id and used."""
    if not campaigns.normalise_code(code):
        return None
    return session.execute(_CODE_BY_HASH, {"code_hash": campaigns.hash_code(code)}).first()


def _visit_code(session: Session, found: Row | None, *, today: date, with_draft: bool, code: str = "") -> Visit:
    if found is None:
        voided = code and session.execute(_VOIDED_BY_HASH, {"code_hash": campaigns.hash_code(code)}).first()
        return Visit(VisitStatus.VOIDED if voided else VisitStatus.UNKNOWN)
    if found.used:
        return Visit(VisitStatus.USED)
    campaign = _campaign(session, found.campaign_id)
    if campaign is None:  # (a code's campaign is deleted with its codes: only a deletion since the line above)
        return Visit(VisitStatus.UNKNOWN)
    return _visit(*campaign, today=today, draft=session.get(SurveyDraft, found.id) if with_draft else None)


def _answering(visit: Visit) -> tuple[int, Questionnaire] | None:
    """The campaign id and the questionnaire of an OPEN visit (which always has both), else None."""
    if visit.status is not VisitStatus.OPEN or visit.campaign_id is None or visit.questionnaire is None:
        return None
    return visit.campaign_id, visit.questionnaire


@public_entry_point(reason='respondent: opens a questionnaire with a single-use code')
def visit_by_code(session: Session, *, code: str, today: date | None = None) -> Visit:
    return _visit_code(session, _code(session, code), today=today or clock.today(), with_draft=True, code=code)


@public_entry_point(reason="respondent: opens a questionnaire by a campaign's public link")
def visit_by_link(session: Session, *, token: str, today: date | None = None, browser_id: str | None = None) -> Visit:
    """``browser_id``: the id in the browser's cookie (assess.services.link_guard); a browser
    that already answered a campaign taking one response per device gets DEVICE_USED."""
    campaign_id = campaigns.campaign_id_from_token(session, token)
    found = _campaign(session, campaign_id) if campaign_id else None
    if found is None or found[0].mode != CampaignMode.LINK:
        return Visit(VisitStatus.UNKNOWN)
    visit = _visit(*found, today=today or clock.today())
    if visit.one_per_device and link_guard.answered(session, campaign_id=found[0].id, browser_id=browser_id):
        return Visit(VisitStatus.DEVICE_USED, campaign_id=campaign_id, languages=visit.languages,
                     audience=visit.audience)
    return visit


@public_entry_point(reason='respondent: keeps unfinished answers under a single-use code')
def save_draft(
    session: Session, *, code: str, answers: Mapping[str, Any], language: str | None, today: date | None = None
) -> tuple[AnswerError, ...]:
    """Keep the answers given so far with this code. Valid answers are kept even when others
    are not; the errors say which items to correct."""
    found = _code(session, code)
    # Called at every change of an answer: the code is looked up once, and the draft
    # (replaced below) is not read into the visit.
    visit = _visit_code(session, found, today=today or clock.today(), with_draft=False)
    answering = _answering(visit)
    if answering is None or found is None:  # (no code found gives an UNKNOWN or VOIDED visit)
        return ()
    clean, errors = validate_answers(answering[1], answers, complete=False)
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
    response_id = session.execute(_INSERT_RESPONSE, {
        "campaign_id": campaign_id, "submitted_month": month_of(today), "language": language or i18n.default_language(),
        "source": ResponseSource.WEB,
    }).scalar_one()
    session.execute(_INSERT_ANSWERS, [
        {"response_id": response_id, "campaign_id": campaign_id, "item_id": a.item_id, "score": a.score,
         "dont_know": a.dont_know, "choices": list(a.choices) if a.choices else None, "text": a.text}
        for a in answers.values()
    ])
    _answer_tallies.add(session, _answer_tallies.tally(
        (campaign_id, a.item_id, a.score, a.dont_know) for a in answers.values()))
    _survey_release.after_store(session, campaign_id)


@public_entry_point(reason='respondent: sends answers with a single-use code')
def submit_with_code(
    session: Session, *, code: str, answers: Mapping[str, Any], language: str | None, today: date | None = None
) -> Submission:
    today = today or clock.today()
    found = _code(session, code)
    # The draft is not read: it is deleted below whatever it holds.
    visit = _visit_code(session, found, today=today, with_draft=False, code=code)
    answering = _answering(visit)
    if answering is None or found is None:  # (no code found gives an UNKNOWN or VOIDED visit)
        return Submission(False, visit.status)
    campaign_id, questionnaire = answering
    clean, errors = validate_answers(questionnaire, answers, complete=True)
    if errors:
        return Submission(False, VisitStatus.OPEN, tuple(errors))
    # An UPDATE's result is a CursorResult; Session.execute is typed for any statement.
    if cast(CursorResult, session.execute(_CLAIM_CODE, {"code_id": found.id})).rowcount != 1:
        return Submission(False, VisitStatus.USED)
    session.execute(_DELETE_DRAFT, {"code_id": found.id})
    _store(session, campaign_id=campaign_id, answers=clean, language=language, today=today)
    return Submission(True, VisitStatus.OPEN)


@public_entry_point(reason="respondent: sends answers by a campaign's public link")
def submit_with_link(
    session: Session, *, token: str, nonce: str, answers: Mapping[str, Any], language: str | None,
    browser_id: str | None = None, today: date | None = None, now: datetime | None = None,
) -> Submission:
    """``nonce``: a random id the answering page makes once per questionnaire shown, so a
    double click or a resent form stores one response. ``browser_id``: the id in the
    browser's cookie; one browser, one response (assess.services.link_guard), unless the
    teacher allowed several. ``now``: the time, for the rate bound and the burst count."""
    today = today or clock.today()
    visit = visit_by_link(session, token=token, today=today)
    answering = _answering(visit)
    if answering is None:
        return Submission(False, visit.status)
    campaign_id, questionnaire = answering
    clean, errors = validate_answers(questionnaire, answers, complete=True)
    if errors:
        return Submission(False, VisitStatus.OPEN, tuple(errors))
    # One response per browser: a browser with no genuine id is refused before anything is stored.
    device = browser_id if visit.one_per_device and link_guard.genuine(session, browser_id) else None
    if visit.one_per_device and device is None:
        return Submission(False, VisitStatus.NO_BROWSER_ID)
    if not link_guard.within_rate(session, campaign_id=campaign_id, now=now):
        return Submission(False, VisitStatus.BUSY)
    nonce_hash = hashlib.sha256(f"{campaign_id}:{nonce}".encode()).hexdigest()
    add_nonce = _ADD_NONCE[session.get_bind().dialect.name]
    if session.execute(add_nonce, {"nonce_hash": nonce_hash, "campaign_id": campaign_id}).first() is None:
        return Submission(False, VisitStatus.USED)
    if device is not None and not link_guard.claim_device(session, campaign_id=campaign_id, browser_id=device):
        link_guard.forget_nonce(session, nonce_hash=nonce_hash)
        return Submission(False, VisitStatus.DEVICE_USED)
    _store(session, campaign_id=campaign_id, answers=clean, language=language, today=today)
    link_guard.count_response(session, campaign_id=campaign_id, now=now)
    return Submission(True, VisitStatus.OPEN)
