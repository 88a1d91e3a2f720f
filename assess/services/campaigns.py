"""Survey campaigns: a teacher asks one audience of one project, by public link or codes.

Codes are random, shown once (on the slips), and stored as SHA-256 only. The public
link carries a keyed hash of the campaign id, so it can be shown again at any time
without being stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from assess import clock, i18n
from assess.domain.codes import CODE_ALPHABET as CODE_ALPHABET
from assess.domain.codes import CODE_LENGTH as CODE_LENGTH
from assess.domain.codes import format_code as format_code
from assess.domain.codes import normalise_code as normalise_code
from assess.domain.content import LocalizedText
from assess.domain.ids import parse_id
from assess.domain.permissions import Actor
from assess.domain.questionnaire import Audience, Questionnaire
from assess.domain.states import CampaignMode, CampaignStatus
from assess.services import _settings_values, _snapshots, _survey_release, audit, questionnaires
from assess.services._settings_values import PublicAddress
from assess.services.access import check_actor, public_entry_point
from assess.services.errors import FieldError, InvalidInput, NotFound, ServiceError
from assess.services.projects import get_project
from assess.storage.models import SurveyCampaign, SurveyCode, SurveyDraft, SurveyResponse, SurveyVoidedCode, utcnow

MAX_CODES = 1000



def hash_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def _link_token(session: Session, campaign_id: int) -> str:
    mac = hmac.new(_settings_values.secret_key(session), f"campaign:{campaign_id}".encode(), hashlib.sha256).hexdigest()
    return f"{campaign_id}-{mac[:24]}"


@public_entry_point(reason='respondent by link: the campaign a public link names')
def campaign_id_from_token(session: Session, token: str) -> int | None:
    """The campaign a public link token stands for, or None if the token is not genuine."""
    head, _, _ = (token or "").partition("-")
    campaign_id = parse_id(head) if head == head.strip() else None  # ASCII digits only: '١٢' is not 12
    if campaign_id is None or not token.isascii():
        return None
    return campaign_id if hmac.compare_digest(_link_token(session, campaign_id), token) else None


class CampaignDates(Protocol):
    """What :func:`status` reads: a campaign, or a row of its columns (assess.services.responding)."""

    @property
    def opens_on(self) -> date: ...
    @property
    def closes_on(self) -> date: ...
    @property
    def closed_at(self) -> datetime | None: ...


def status(campaign: CampaignDates, *, today: date | None = None) -> CampaignStatus:
    today = today or clock.today()
    if campaign.closed_at is not None or today > campaign.closes_on:
        return CampaignStatus.CLOSED
    return CampaignStatus.SCHEDULED if today < campaign.opens_on else CampaignStatus.OPEN


def questionnaire_for(*, audience: Audience, age_max: int) -> Questionnaire:
    """The questionnaire an audience is asked by default: young pupils get the faces version
    when the oldest pupils of the project fit its age range."""
    candidates = questionnaires.for_audience(audience)
    fitting = [q for q in candidates if q.ages and q.ages[0] <= age_max <= q.ages[1]]
    general = [q for q in candidates if not q.ages]
    chosen = fitting or general or candidates
    if not chosen:
        raise ServiceError("errors.unknown_questionnaire", value=audience)
    return chosen[0]


def _validate(*, audience: str, mode: str, languages, opens_on, closes_on, questionnaire_id: str | None) -> None:
    errors = []
    if audience not in Audience.__members__.values():
        errors.append(FieldError("audience", "errors.required", {}))
    if mode not in (CampaignMode.LINK, CampaignMode.CODES):
        errors.append(FieldError("mode", "errors.required", {}))
    if not languages or any(language not in i18n.languages() for language in languages):
        errors.append(FieldError("languages", "errors.at_least_one", {}))
    if not isinstance(opens_on, date):
        errors.append(FieldError("opens_on", "errors.not_a_date", {}))
    if not isinstance(closes_on, date):
        errors.append(FieldError("closes_on", "errors.not_a_date", {}))
    elif isinstance(opens_on, date) and closes_on < opens_on:
        errors.append(FieldError("closes_on", "errors.end_before_start", {}))
    if questionnaire_id is not None and questionnaire_id not in questionnaires.installed():
        errors.append(FieldError("questionnaire", "errors.unknown_questionnaire", {"value": questionnaire_id}))
    if errors:
        raise InvalidInput(errors)


def create_campaign(
    session: Session,
    *,
    actor: Actor,
    project_id: int,
    audience: str,
    mode: str,
    languages: list[str],
    opens_on: date,
    closes_on: date,
    questionnaire_id: str | None = None,
) -> SurveyCampaign:
    """Open a campaign for one audience of one project, asked with ``questionnaire_id`` (any
    installed questionnaire of that audience: the teacher chooses it) or, when None, the one
    :func:`questionnaire_for` proposes from the pupils' ages."""
    project = get_project(session, actor=actor, project_id=project_id, permission="survey.manage")
    _validate(audience=audience, mode=mode, languages=languages, opens_on=opens_on, closes_on=closes_on,
              questionnaire_id=questionnaire_id)
    questionnaire = (
        questionnaires.installed_questionnaire(questionnaire_id)
        if questionnaire_id
        else questionnaire_for(audience=Audience(audience), age_max=project.age_max)
    )
    if questionnaire.audience != audience:
        raise InvalidInput([FieldError("questionnaire", "errors.questionnaire_audience",
                                       {"value": questionnaire.id, "audience": questionnaire.audience.value})])
    campaign = SurveyCampaign(
        project=project,
        audience=audience,
        questionnaire_version=_snapshots.questionnaire_version(session, questionnaire),
        mode=mode,
        languages=[language for language in i18n.languages() if language in languages],
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=actor.id,
    )
    session.add(campaign)
    session.flush()
    audit.record(session, actor=actor, action="survey.campaign_create", entity_type="survey_campaign",
                 entity_id=campaign.id, details={"project": project.id, "audience": audience, "mode": mode})
    return campaign


def _existing_import_campaign(session: Session, *, project_id: int, audience: str) -> SurveyCampaign | None:
    """The project's import campaign for ``audience``, if an import made it (no permission check: a building block of the survey imports, which check the project)."""
    return session.scalar(
        select(SurveyCampaign).where(
            SurveyCampaign.project_id == project_id, SurveyCampaign.audience == audience, SurveyCampaign.mode == CampaignMode.IMPORT
        )
    )


def import_campaign(session: Session, *, actor: Actor, project_id: int, audience: str) -> SurveyCampaign:
    """The campaign that holds answers imported for one audience of a project (made on first import)."""
    project = get_project(session, actor=actor, project_id=project_id, permission="survey.manage")
    if audience not in Audience.__members__.values():
        raise InvalidInput([FieldError("audience", "errors.required", {})])
    found = _existing_import_campaign(session, project_id=project.id, audience=audience)
    if found is not None:
        return found
    questionnaire = questionnaire_for(audience=Audience(audience), age_max=project.age_max)
    today = clock.today()
    campaign = SurveyCampaign(
        project=project, audience=audience, questionnaire_version=_snapshots.questionnaire_version(session, questionnaire),
        mode=CampaignMode.IMPORT, languages=list(i18n.languages()), opens_on=min(project.start_date, today),
        closes_on=max(project.end_date, today), created_by=actor.id,
    )
    session.add(campaign)
    session.flush()
    audit.record(session, actor=actor, action="survey.campaign_create", entity_type="survey_campaign",
                 entity_id=campaign.id, details={"project": project.id, "audience": audience, "mode": CampaignMode.IMPORT.value})
    return campaign


def get_campaign(session: Session, *, actor: Actor, campaign_id: int, permission: str = "survey.manage") -> SurveyCampaign:
    """The campaign, if the actor may act on its project; the same refusal otherwise."""
    campaign = session.get(SurveyCampaign, campaign_id)
    if campaign is None:
        raise NotFound()
    get_project(session, actor=actor, project_id=campaign.project_id, permission=permission)
    return campaign


def _new_codes(session: Session, *, campaign_id: int, count: int) -> list[str]:
    """``count`` new random codes of a campaign, stored as their SHA-256; in clear only here."""
    codes = ["".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)) for _ in range(count)]
    session.add_all(SurveyCode(campaign_id=campaign_id, code_hash=hash_code(code)) for code in codes)
    session.flush()
    return codes


def issue_codes(session: Session, *, actor: Actor, campaign_id: int, count: int) -> list[str]:
    """Make ``count`` new single-use codes; they are returned once, in clear, for the slips."""
    campaign = get_campaign(session, actor=actor, campaign_id=campaign_id)
    if campaign.mode != CampaignMode.CODES:
        raise InvalidInput([FieldError("mode", "errors.survey.codes_mode", {})])
    if not isinstance(count, int) or not 1 <= count <= MAX_CODES:
        raise InvalidInput([FieldError("count", "errors.survey.code_count", {"max": MAX_CODES})])
    codes = _new_codes(session, campaign_id=campaign.id, count=count)
    audit.record(session, actor=actor, action="survey.codes_issue", entity_type="survey_campaign",
                 entity_id=campaign.id, details={"count": count})
    return codes


def reissue_codes(session: Session, *, actor: Actor, campaign_id: int) -> list[str]:
    """Void every unused code of a codes campaign and make as many new ones, returned once, in
    clear, for a new sheet of slips: for slips printed with a wrong address, or lost.

    The voided codes leave ``survey_codes`` for ``survey_voided_codes`` (their hash only): they
    no longer open the questionnaire, the answering page says they were replaced, and
    participation counts only the codes that can still be answered. Answers saved with them
    (drafts) are deleted. Codes already used keep their responses."""
    campaign = get_campaign(session, actor=actor, campaign_id=campaign_id)
    if campaign.mode != CampaignMode.CODES:
        raise InvalidInput([FieldError("mode", "errors.survey.codes_mode", {})])
    if status(campaign) is CampaignStatus.CLOSED:
        raise InvalidInput([FieldError("campaign", "errors.survey.reissue_closed", {})])
    unused = select(SurveyCode.id).where(SurveyCode.campaign_id == campaign.id, SurveyCode.used.is_(False))
    session.execute(delete(SurveyDraft).where(SurveyDraft.code_id.in_(unused.scalar_subquery())))
    # One statement: a code claimed by a respondent at this moment is either answered or voided.
    voided = session.scalars(
        delete(SurveyCode).where(SurveyCode.campaign_id == campaign.id, SurveyCode.used.is_(False))
        .returning(SurveyCode.code_hash)
    ).all()
    if not voided:
        raise InvalidInput([FieldError("count", "errors.survey.nothing_to_reissue", {})])
    session.execute(insert(SurveyVoidedCode), [{"code_hash": h, "campaign_id": campaign.id} for h in voided])
    codes = _new_codes(session, campaign_id=campaign.id, count=len(voided))
    audit.record(session, actor=actor, action="survey.codes_reissue", entity_type="survey_campaign",
                 entity_id=campaign.id, details={"voided": len(voided), "issued": len(codes)})
    return codes


def public_link(session: Session, *, actor: Actor, campaign_id: int) -> str:
    campaign = get_campaign(session, actor=actor, campaign_id=campaign_id)
    if campaign.mode != CampaignMode.LINK:
        raise InvalidInput([FieldError("mode", "errors.survey.link_mode", {})])
    return f"{_settings_values.public_url(session)}/?survey={_link_token(session, campaign.id)}"


def _code_link(public_url: str, code: str) -> str:
    """The address printed as a QR code on a slip."""
    return f"{public_url}/?code={normalise_code(code)}"


def slip_links(session: Session, *, actor: Actor, campaign_id: int, codes: list[str]) -> list[str]:
    """The addresses printed as QR codes on the slips of ``codes`` (the campaign's teacher)."""
    get_campaign(session, actor=actor, campaign_id=campaign_id)
    public_url = _settings_values.public_url(session)
    return [_code_link(public_url, code) for code in codes]


def public_address(session: Session, *, actor: Actor) -> PublicAddress:
    """The address slips and links carry, and what is wrong with it, for a signed-in
    person making them (the office sets it: assess.services.settings)."""
    check_actor(session, actor, "survey.manage")
    return _settings_values.public_address(session)


def close_campaign(session: Session, *, actor: Actor, campaign_id: int) -> None:
    campaign = get_campaign(session, actor=actor, campaign_id=campaign_id)
    if campaign.closed_at is None:
        campaign.closed_at = utcnow()
        _survey_release.on_close(session, campaign.id)  # the campaign's last figures
        audit.record(session, actor=actor, action="survey.campaign_close", entity_type="survey_campaign", entity_id=campaign.id)
        session.flush()


@dataclass(frozen=True)
class CampaignSummary:
    id: int
    audience: str
    questionnaire_id: str
    questionnaire_title: LocalizedText
    mode: str
    languages: tuple[str, ...]
    opens_on: date
    closes_on: date
    status: CampaignStatus
    codes_issued: int
    codes_used: int
    responses: int

    @property
    def participation(self) -> float | None:
        """Codes used / issued; None where there are no codes (link and import campaigns)."""
        return self.codes_used / self.codes_issued if self.codes_issued else None


def list_campaigns(session: Session, *, actor: Actor, project_id: int) -> list[CampaignSummary]:
    get_project(session, actor=actor, project_id=project_id, permission="survey.results")
    code_counts = (
        select(SurveyCode.campaign_id, func.count().label("issued"),
               func.count().filter(SurveyCode.used.is_(True)).label("used"))
        .group_by(SurveyCode.campaign_id).subquery()
    )
    response_counts = (
        select(SurveyResponse.campaign_id, func.count().label("responses")).group_by(SurveyResponse.campaign_id).subquery()
    )
    rows = session.execute(
        select(SurveyCampaign, code_counts.c.issued, code_counts.c.used, response_counts.c.responses)
        .outerjoin(code_counts, code_counts.c.campaign_id == SurveyCampaign.id)
        .outerjoin(response_counts, response_counts.c.campaign_id == SurveyCampaign.id)
        .where(SurveyCampaign.project_id == project_id)
        .order_by(SurveyCampaign.created_at.desc(), SurveyCampaign.id.desc())
    )
    summaries = []
    for campaign, issued, used, responses in rows:
        questionnaire = questionnaires.from_snapshot(campaign.questionnaire_version)
        summaries.append(CampaignSummary(
            id=campaign.id, audience=campaign.audience, questionnaire_id=questionnaire.id,
            questionnaire_title=questionnaire.title,
            mode=campaign.mode, languages=tuple(campaign.languages), opens_on=campaign.opens_on,
            closes_on=campaign.closes_on, status=status(campaign), codes_issued=issued or 0, codes_used=used or 0,
            responses=responses or 0,
        ))
    return summaries
