"""Planning: the country in memory, ids not known yet."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from assess.domain.questionnaire import Questionnaire


@dataclass
class _School:
    """A school abroad (a partner school), and what a French one has too."""

    name: str
    country: str
    id: int = 0  # until stored (ids start at 1)


@dataclass(kw_only=True)
class _FrenchSchool(_School):
    region: str
    stage: int  # index in STAGES


@dataclass
class _Person:
    email: str
    name: str
    school: int  # index in the French schools
    created_at: datetime | None = None
    bias: float = 0.0  # jurors: their severity (negative: harsh)
    id: int = 0  # until stored (ids start at 1)


@dataclass
class _Campaign:
    audience: str
    questionnaire: Questionnaire
    mode: str
    languages: list[str]
    opens_on: date
    closes_on: date
    responses: int
    #: Before the responses are counted out: this campaign's share of the country's responses.
    weight: float = 0.0
    codes: int = 0
    tiny: bool = False
    mood: float = 3.5
    id: int = 0  # until stored (ids start at 1)


@dataclass
class _Project:
    owner: int  # index in the teachers
    school: int
    title: str
    summary: str
    stage: int
    ages: tuple[int, int]
    subjects: list[str]
    languages: list[str]
    partners: list[int]  # indices in the partner schools
    quality: float
    rounds: tuple[int, ...]
    start: date
    end: date
    item_effects: dict[str, float] = field(default_factory=dict)
    campaigns: list[_Campaign] = field(default_factory=list)
    id: int = 0  # until stored (ids start at 1)
    #: Jury history: the last application and its outcome, whether a second application was used.
    last_application: int | None = None
    last_outcome: str | None = None
    last_levels: dict[str, float] = field(default_factory=dict)
    resubmitted: bool = False
    partner_labels: bool = False
    twinspace_url: str = ""


@dataclass
class _RoundPlan:
    year: str
    opens_on: date
    closes_on: date
    published_at: datetime
    id: int = 0  # until stored (ids start at 1)
