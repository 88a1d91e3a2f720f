"""What the loader's parts share: the state :class:`~assess.services.demo_national.load._Loader`
sets up and fills as it plans, and the small helpers every part uses."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Table
from sqlalchemy.orm import Session

from assess.domain.permissions import Actor
from assess.domain.rubric import Rubric
from assess.services.demo_national.plans import _FrenchSchool, _Person, _Project, _RoundPlan, _School
from assess.services.demo_national.sizes import NationalSize, Progress
from assess.services.demo_national.writer import _Writer
from assess.storage.models import RubricVersion


class _State:
    """The base of the loader's parts (:class:`_People`, :class:`_Jury`, :class:`_Surveys`):
    the attributes each of them reads, set by the loader or by the part that plans them."""

    # Set up by the loader.
    session: Session
    actor: Actor
    size: NationalSize
    seed: int
    today: date
    now: datetime
    report: Progress | None
    counts: dict[str, int]
    password: str
    teacher_emails: list[str]
    juror_emails: list[str]
    round_ids: list[int]
    done: int
    total: int
    #: Agreement answers: the cumulative chances of the scores, by 20 x the respondent's mean.
    cuts: dict[int, tuple[float, ...]]
    rubric: Rubric
    rubric_version: RubricVersion
    gate_minimums: dict[str, int]
    items: list[str]
    writer: _Writer
    # Planned by the parts.
    rounds: list[_RoundPlan]
    schools: list[_FrenchSchool]
    partner_schools: list[_School]
    teachers: list[_Person]
    jurors: list[_Person]
    projects: list[_Project]

    def rng(self, part: str) -> random.Random:
        """One generator per part, so that changing one part leaves the others as they were."""
        return random.Random(f"national/{self.seed}/{part}")

    def count(self, table: Table, added: int) -> None:
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

    def _partner(self, index: int) -> _School:
        """A project's partner school: an index in the schools abroad, or -1 - an index in the French ones."""
        return self.schools[-1 - index] if index < 0 else self.partner_schools[index]
