"""The loader: plans the whole country in memory, then stores it part by part."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from assess.domain.jury import school_year
from assess.domain.permissions import Actor
from assess.services import _settings_values, _snapshots, rubrics
from assess.services.demo_national.jury import _Jury
from assess.services.demo_national.people import _People
from assess.services.demo_national.plans import _RoundPlan
from assess.services.demo_national.sizes import YEARS, NationalSize, Progress
from assess.services.demo_national.surveys import _Surveys
from assess.services.demo_national.writer import _Writer
from assess.services.jury import items_of
from assess.storage.models import (
    utcnow,
)


class _Loader(_People, _Jury, _Surveys):
    def __init__(self, session: Session, *, actor: Actor, size: NationalSize, seed: int, today: date,
                 progress: Progress | None):
        self.session, self.actor, self.size, self.seed, self.today = session, actor, size, seed, today
        self.now = utcnow()
        self.report = progress
        self.counts = {}
        self.password = secrets.token_urlsafe(9)
        self.teacher_emails = []
        self.juror_emails = []
        self.round_ids = []
        self.done = 0
        self.total = 1
        self.cuts = {}

    # -- the whole load --

    def run(self) -> None:
        self.rubric = rubrics.installed().default
        self.rubric_version = _snapshots.rubric_version(self.session, self.rubric)
        self.gate_minimums = _settings_values.gate_minimums(self.session, self.rubric.id)
        self.items = items_of(self.rubric)
        self.writer = _Writer(self.session)

        self.plan_rounds()
        self.plan_schools()
        self.plan_people()
        self.plan_projects()
        self.plan_surveys()
        applications = sum(len(p.rounds) for p in self.projects)
        self.total = len(self.projects) + applications + sum(c.responses for p in self.projects for c in p.campaigns)
        self.advance(0)

        self.store_schools()
        self.store_people()
        self.store_projects()
        for index in range(len(self.rounds)):
            self.store_round(index)
        self.store_surveys()
        self.done = self.total
        self.advance(0)

    # -- rounds --

    def plan_rounds(self) -> None:
        current = int(school_year(self.today)[:4])
        self.rounds = []
        for start in range(current - YEARS + 1, current + 1):
            opens_on, closes_on = date(start + 1, 3, 1), date(start + 1, 5, 31)
            published = datetime(start + 1, 7, 3, 10, 0, tzinfo=UTC)
            if published > self.now:
                # The current school year's session is earlier: from 1 September, closed after
                # about 60 % of the time elapsed since, published now (the dashboards need verdicts).
                opens_on = date(start, 9, 1)
                closes_on = opens_on + timedelta(days=max(0, (self.today - opens_on).days) * 3 // 5)
                published = self.now
            self.rounds.append(_RoundPlan(f"{start}-{start + 1}", opens_on, closes_on, published))
