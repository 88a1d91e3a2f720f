"""A round whose events make mails: a teacher's application, two jurors assigned."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from assess.domain.permissions import Actor
from assess.services import jury
from assess.services.mail import collect, sending
from assess.storage.db import reading, writing
from assess.storage.models import OutboxMail
from tests.jury.helpers import TODAY, apply, make_juror, make_round, other_project
from tests.services.helpers import make_user

LINK = re.compile(r"https://label\.example\.org/\?password_token=([A-Za-z0-9_-]+)")


@dataclass
class Scene:
    round_id: int
    application_id: int
    teacher: Actor
    jurors: dict[int, Actor]


def round_with_application(session, *, closes_in: int = 10, assign: bool = True, teacher_language: str | None = None,
                           title: str = "Stars over Europe") -> Scene:
    teacher = make_user(session, email="claire@example.org", name="Claire Martin")
    if teacher_language:
        from assess.services import accounts

        accounts.set_language(session, actor=teacher, language=teacher_language)
    project = other_project(session, teacher, title=title)
    round_ = make_round(session, closes_on=TODAY + timedelta(days=closes_in))
    application = apply(session, teacher=teacher, round_id=round_.id, project_id=project.id)
    jurors = {j.id: j for j in (make_juror(session, f"juror{n}@example.org", school_name=f"Lycée {n}")
                                for n in (1, 2))}
    if assign:
        jury.auto_assign(session, actor=Actor.system(), round_id=round_.id)
    return Scene(round_.id, application.id, teacher, jurors)


def collect_and_send(sessions, **collect_options) -> sending.SendReport:
    with writing(sessions) as session:
        collect.collect(session, actor=Actor.system(), **collect_options)
    return sending.send_due(sessions)


def mails(sessions, **where) -> list[OutboxMail]:
    with reading(sessions) as session:
        query = select(OutboxMail).order_by(OutboxMail.id)
        for name, value in where.items():
            query = query.where(getattr(OutboxMail, name) == value)
        found = list(session.scalars(query))
        session.expunge_all()
        return found
