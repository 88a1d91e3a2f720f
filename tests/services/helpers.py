"""Builders for service tests: real accounts and projects, made through the services."""

from __future__ import annotations

from assess import clock
from assess.domain.permissions import Actor
from assess.services import accounts, projects


def project_fields(**overrides) -> dict:
    fields = {
        "title": "Our European breakfast",
        "summary": "Pupils compare breakfasts across Europe.",
        "start_date": "2025-09-15",
        "end_date": "2026-05-30",
        "age_min": 8,
        "age_max": 10,
        "subjects": ["Geography", "French"],
        "languages": ["French", "English"],
        "twinspace_url": "https://school-education.ec.europa.eu/en/etwinning/projects/example",
        "school": {"name": "École Jean Jaurès", "country": "FR", "region": "Occitanie"},
        "partners": [{"name": "Scoil Mhuire", "country": "IE"}, {"name": "Szkoła Podstawowa nr 3", "country": "PL"}],
    }
    fields.update(overrides)
    return fields


def make_user(session, *, email: str, roles: set[str] = frozenset({"teacher"}), name: str | None = None) -> Actor:
    user = accounts.create_user(
        session, actor=Actor.system(), email=email, display_name=name or email.split("@")[0].title(),
        roles=set(roles), password="correct horse battery",
    )
    return accounts.actor_of(user)


def make_project(session, *, owner: Actor, **overrides):
    return projects.create_project(session, actor=owner, raw=project_fields(**overrides))


def make_campaign(session, *, owner: Actor, project, audience: str = "families", mode: str = "codes",
                  languages=("fr", "en"), days_open: int = 30, questionnaire_id: str | None = None):
    from datetime import timedelta

    from assess.services import campaigns

    return campaigns.create_campaign(
        session, actor=owner, project_id=project.id, audience=audience, mode=mode, languages=list(languages),
        opens_on=clock.today() - timedelta(days=1), closes_on=clock.today() + timedelta(days=days_open),
        questionnaire_id=questionnaire_id,
    )


def public_link_token(session, *, owner: Actor, campaign_id: int) -> str:
    """The token of a link campaign's public link, as its teacher reads it (``?survey=TOKEN``)."""
    from urllib.parse import parse_qs, urlsplit

    from assess.services import campaigns

    return parse_qs(urlsplit(campaigns.public_link(session, actor=owner, campaign_id=campaign_id)).query)["survey"][0]


def families_answers(**overrides) -> dict:
    """A complete, valid set of answers to the shipped families questionnaire."""
    answers = {"child-talked": 5, "learned-other-countries": 4, "project-visible": 4, "privacy-respected": "dont_know",
               "comment": "Merci !"}
    answers.update(overrides)
    return answers


def in_database(url: str, job):
    """``job(session)`` in one short transaction on the database at ``url`` (the one a CLI
    command under test uses; SQLite takes one writer at a time), its result returned."""
    from assess.storage.db import make_engine, make_session_factory

    engine = make_engine(url)
    try:
        with make_session_factory(engine).begin() as session:
            return job(session)
    finally:
        engine.dispose()
