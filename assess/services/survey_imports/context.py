"""What checking an upload needs from the database (:class:`ImportContext`), read in a
short transaction: the project and the actor's right, the questionnaire, the import
campaign, the keys of the rows imported before."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session

from assess.domain.permissions import Actor
from assess.domain.questionnaire import Audience, Questionnaire
from assess.services import _settings_values, campaigns, questionnaires
from assess.services.projects import get_project
from assess.services.survey_imports.upload import check_request
from assess.storage.models import SurveyCampaign, SurveyImport, SurveyResponse


@dataclass(frozen=True)
class ImportContext:
    """What a preview needs from the database (:func:`import_context`), read in a short
    transaction, so that the preview itself (reading every row) runs outside one."""

    project_id: int
    audience: str
    questionnaire: Questionnaire
    #: The import campaign, None before the first import.
    campaign_id: int | None
    #: ``import_key`` of the rows imported before.
    existing: frozenset[str] = field(repr=False)
    secret: bytes = field(repr=False)
    #: The campaign id the row keys are made with: the campaign's, else the id the
    #: campaign will most likely get when the import makes it (:func:`_next_campaign_id`).
    key_campaign_id: int = 0
    #: The import logs of the campaign when read (count, highest id): a write phase that
    #: finds others knows that rows were imported meanwhile.
    imports_seen: tuple[int, int] = (0, 0)


def questionnaire_of(project, campaign, audience: str) -> Questionnaire:
    if campaign is not None:
        return questionnaires.from_snapshot(campaign.questionnaire_version)
    return campaigns.questionnaire_for(audience=Audience(audience), age_max=project.age_max)


def _existing_keys(session: Session, campaign_id: int | None) -> frozenset[str]:
    if campaign_id is None:
        return frozenset()
    return frozenset(session.scalars(
        select(SurveyResponse.import_key).where(
            SurveyResponse.campaign_id == campaign_id, SurveyResponse.import_key.is_not(None)
        )
    ))


def _imports_seen(session: Session, campaign_id: int | None) -> tuple[int, int]:
    if campaign_id is None:
        return (0, 0)
    found = session.execute(select(func.count(SurveyImport.id), func.coalesce(func.max(SurveyImport.id), 0))
                            .where(SurveyImport.campaign_id == campaign_id)).one()
    return (found[0], found[1])


def _next_campaign_id(session: Session) -> int:
    """The id the next campaign made will most likely get, read without writing: SQLite
    gives the highest rowid plus one, PostgreSQL the sequence's next value. Another
    campaign made in between only costs the import a second keying of its rows (in its
    write transaction, see :func:`store_import`)."""
    table = cast(Table, SurveyCampaign.__table__)
    if session.get_bind().dialect.name == "postgresql":
        sequence = session.scalar(text(f"SELECT pg_get_serial_sequence('{table.name}', 'id')"))
        last, called = session.execute(text(f"SELECT last_value, is_called FROM {sequence}")).one()
        return last + 1 if called else last
    return (session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0) + 1


def project_campaign(session: Session, *, actor: Actor, project_id: int, audience: str):
    """The project (the actor's right checked), its import campaign for ``audience`` or None."""
    project = get_project(session, actor=actor, project_id=project_id, permission="survey.manage")
    check_request(audience=audience, file_format="auto", data=None)
    return project, campaigns._existing_import_campaign(session, project_id=project.id, audience=audience)


def import_context(session: Session, *, actor: Actor, project_id: int, audience: str) -> ImportContext:
    """Read (and write nothing) what :func:`preview` needs: the project's questionnaire for
    ``audience``, its import campaign and the keys of the rows imported before.

    Raises NotFound / PermissionDenied (not the project's owner), InvalidInput (audience)."""
    project, campaign = project_campaign(session, actor=actor, project_id=project_id, audience=audience)
    existing = _existing_keys(session, campaign.id if campaign is not None else None)
    if existing:
        # The secret exists (rows were keyed with it); the savepoint makes sure a preview
        # writes nothing even if it did not.
        with session.begin_nested() as savepoint:
            secret = _settings_values.secret_key(session)
            savepoint.rollback()
    else:
        secret = secrets.token_bytes(32)  # nothing to compare with: only repeats within the file count
    return ImportContext(
        project_id=project.id, audience=audience, questionnaire=questionnaire_of(project, campaign, audience),
        campaign_id=campaign.id if campaign is not None else None, existing=existing, secret=secret,
        key_campaign_id=campaign.id if campaign is not None else 0,
    )


def import_context_for_import(session: Session, *, actor: Actor, project_id: int, audience: str) -> ImportContext:
    """What :func:`prepare_import` needs, read (and nothing written) in a short transaction:
    the project (and the actor's right), the questionnaire, the import campaign, the keys
    of the rows imported before and the installation's secret, which must exist
    (:func:`assess.services.settings.secret_key` makes it; the app and the CLI make it
    when they open the database).

    Raises NotFound / PermissionDenied (not the project's owner), InvalidInput (audience)."""
    project, campaign = project_campaign(session, actor=actor, project_id=project_id, audience=audience)
    campaign_id = campaign.id if campaign is not None else None
    return ImportContext(
        project_id=project.id, audience=audience, questionnaire=questionnaire_of(project, campaign, audience),
        campaign_id=campaign_id, existing=_existing_keys(session, campaign_id), secret=_settings_values.secret_key(session),
        key_campaign_id=campaign_id if campaign_id is not None else _next_campaign_id(session),
        imports_seen=_imports_seen(session, campaign_id),
    )
