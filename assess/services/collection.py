"""How a project's survey answers were collected, and how many each way.

A level computed from answers is only as good as the way they came: single-use codes
give one response per slip; a public link one per browser (or several per device, when
the teacher allowed it for a shared tablet), with the responses that arrived in bursts
counted (assess.services.link_guard); an import carries whatever the other tool let in.
The teacher's survey results and the juror's view of an application say it from here.

Only counts of responses, the same as the participation figures already shown: nothing
about what anyone answered.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assess.domain.permissions import Actor
from assess.domain.states import CampaignMode, ResponseSource
from assess.services import jury
from assess.services.projects import get_project
from assess.storage.models import Application, SurveyCampaign, SurveyLinkPace, SurveyResponse

#: The order ways are shown in: the most controlled first.
WAYS = (CampaignMode.CODES, CampaignMode.LINK, CampaignMode.IMPORT)


@dataclass(frozen=True)
class Way:
    """Responses of one audience collected one way. ``tool``: for imports, the tool the file
    came from (google, msforms, limesurvey)."""

    audience: str
    way: str
    tool: str | None
    responses: int
    # Links: responses that arrived in bursts; whether a campaign allowed several per device.
    in_bursts: int = 0
    several_per_device: bool = False


@dataclass(frozen=True)
class Collection:
    ways: tuple[Way, ...]

    @property
    def responses(self) -> int:
        return sum(way.responses for way in self.ways)

    @property
    def in_bursts(self) -> int:
        return sum(way.in_bursts for way in self.ways)


def _collection(session: Session, project_id: int) -> Collection:
    campaigns = SurveyCampaign.__table__
    counted = session.execute(
        select(campaigns.c.audience, campaigns.c.mode, SurveyResponse.source,
               func.count().label("responses"),
               func.count().filter(campaigns.c.one_response_per_device.is_(False)).label("several"))
        .join(campaigns, campaigns.c.id == SurveyResponse.campaign_id)
        .where(campaigns.c.project_id == project_id)
        .group_by(campaigns.c.audience, campaigns.c.mode, SurveyResponse.source)
    ).all()
    bursts: dict[str, int] = {audience: int(total or 0) for audience, total in session.execute(
        select(campaigns.c.audience, func.sum(SurveyLinkPace.burst_responses))
        .join(campaigns, campaigns.c.id == SurveyLinkPace.campaign_id)
        .where(campaigns.c.project_id == project_id).group_by(campaigns.c.audience)
    )}
    ways = []
    for row in counted:
        # Responses sent on this site are "web"; the campaign's mode says through what.
        imported = row.mode == CampaignMode.IMPORT or row.source != ResponseSource.WEB
        way = CampaignMode.IMPORT if imported else row.mode
        ways.append(Way(
            audience=row.audience, way=way, tool=row.source if imported else None, responses=row.responses,
            in_bursts=bursts.get(row.audience, 0) if way == CampaignMode.LINK else 0,
            several_per_device=way == CampaignMode.LINK and row.several > 0,
        ))
    ways.sort(key=lambda w: (w.audience, WAYS.index(w.way), w.tool or ""))
    return Collection(ways=tuple(ways))


def project_collection(session: Session, *, actor: Actor, project_id: int) -> Collection:
    """For those who read the project's survey results (its teacher, the office)."""
    project = get_project(session, actor=actor, project_id=project_id, permission="survey.results")
    return _collection(session, project.id)


def application_collection(session: Session, *, actor: Actor, application_id: int) -> Collection:
    """For a juror assigned to the application (the same refusal as the application's own
    view for anyone else: :class:`NotFound`)."""
    jury.assignment_of(session, actor=actor, application_id=application_id)
    return _collection(session, session.get_one(Application, application_id).project_id)
