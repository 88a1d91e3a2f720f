"""The loader: plans the whole country in memory, then stores it part by part."""

from __future__ import annotations

import random
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
        self.counts: dict[str, int] = {}
        self.password = secrets.token_urlsafe(9)
        self.teacher_emails: list[str] = []
        self.juror_emails: list[str] = []
        self.round_ids: list[int] = []
        self.done = 0
        self.total = 1
        self.cuts: dict[int, tuple[float, ...]] = {}

    def rng(self, part: str) -> random.Random:
        """One generator per part, so that changing one part leaves the others as they were."""
        return random.Random(f"national/{self.seed}/{part}")

    def count(self, table, added: int) -> None:
        self.counts[table.name] = self.counts.get(table.name, 0) + added

    def advance(self, units: int) -> None:
        self.done = min(self.total, self.done + units)
        if self.report is not None:
            self.report(self.done, self.total)

    def at(self, rng: random.Random, first: date, last: date) -> datetime:
        """A moment between two days (working hours, UTC), never in the future."""
        last = max(first, last)
        day = first + timedelta(days=rng.randint(0, (last - first).days))
        moment = datetime(day.year, day.month, day.day, rng.randint(7, 19), rng.randint(0, 59), rng.randint(0, 59),
                          tzinfo=UTC)
        return min(moment, self.now)

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
        self.rounds: list[_RoundPlan] = []
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
