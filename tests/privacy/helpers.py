"""A national installation with something of everything a person leaves behind: two
teachers with projects, self-assessments, survey campaigns and applications whose
verdicts are published (tests.letters.conftest's round), jurors who scored them."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass

from assess import clock
from assess.domain.permissions import Actor
from assess.domain.rubric import parse_rubric
from assess.services import accounts, campaigns, self_assessments
from assess.storage.models import Application, SurveyAnswer, SurveyResponse, User
from tests.letters.conftest import make_published_round, pdf_text
from tests.reports.conftest import rubric_yaml
from tests.services.helpers import make_campaign, make_project

MARIES_NOTE = "Marie's evidence: the river maps in the TwinSpace"
PAULS_NOTE = "Paul's evidence: the star charts"


@dataclass
class World:
    office: Actor
    marie: Actor
    paul: Actor
    juror: Actor
    #: Marie's project in the round (kept on deletion) and her project never applied with.
    applied_project: int
    lone_project: int
    marie_application: int
    codes: list[str]


def actor(session, email: str) -> Actor:
    from sqlalchemy import select

    return accounts.actor_of(session.scalar(select(User).where(User.email == email)))


def assess_project(session, teacher: Actor, project_id: int, note: str) -> None:
    started = self_assessments.start(session, actor=teacher, project_id=project_id)
    item = started.rubric.criteria[0].id
    self_assessments.save_entry(session, actor=teacher, assessment_id=started.id, item_id=item, level=4,
                                evidence_note=note)


def make_world(session) -> World:
    office = accounts.create_first_admin(session, email="office@example.org", display_name="National office",
                                         password="correct horse battery")
    _round, applications = make_published_round(session, parse_rubric(rubric_yaml()))
    marie, paul = actor(session, "marie@example.org"), actor(session, "paul@example.org")
    application = session.get(Application, applications["Our rivers, our future"])
    assess_project(session, marie, application.project_id, MARIES_NOTE)
    paul_application = session.get(Application, applications["Stars over Europe"])
    assess_project(session, paul, paul_application.project_id, PAULS_NOTE)
    lone = make_project(session, owner=marie, title="A project never applied with")
    assess_project(session, marie, lone.id, "lone evidence")
    campaign = make_campaign(session, owner=marie, project=lone)
    codes = campaigns.issue_codes(session, actor=marie, campaign_id=campaign.id, count=3)
    response = SurveyResponse(campaign_id=campaign.id, submitted_month=clock.today().replace(day=1), source="web")
    session.add(response)
    session.flush()
    session.add(SurveyAnswer(response_id=response.id, campaign_id=campaign.id, item_id="child-talked", score=5))
    session.flush()
    return World(office=office, marie=marie, paul=paul, juror=actor(session, "juror1@example.org"),
                 applied_project=application.project_id, lone_project=lone.id, marie_application=application.id,
                 codes=codes)


def read_zip(data: bytes) -> tuple[dict, dict[str, str], str]:
    """(JSON files by name, PDF text by name, every text of the archive in one string)."""
    documents, pdfs = {}, {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            content = archive.read(name)
            if name.endswith(".json"):
                documents[name] = json.loads(content)
            elif name.endswith(".pdf"):
                pdfs[name] = pdf_text(content)
    everything = json.dumps(documents, ensure_ascii=False) + " ".join(pdfs.values())
    return documents, pdfs, everything
