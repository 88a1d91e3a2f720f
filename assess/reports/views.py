"""What a report shows, as plain values: services build these, templates read them.

Keeping the report's input free of ORM objects means templates never trigger database
queries and the renderer can be tested with values made in the test itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from assess.domain.rubric import Rubric
from assess.domain.scoring import Score
from assess.domain.settings import OfficeLogo
from assess.domain.survey_results import MIN_GROUP, TriangulationRow


@dataclass(frozen=True)
class PartnerView:
    school: str
    country: str  # ISO 3166-1 alpha-2
    region: str | None = None


@dataclass(frozen=True)
class ProjectView:
    id: int
    title: str
    summary: str
    teacher: str
    school: str | None = None
    country: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    age_min: int | None = None
    age_max: int | None = None
    subjects: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    twinspace_url: str | None = None
    partners: tuple[PartnerView, ...] = ()


@dataclass(frozen=True)
class EntryView:
    level: int | None = None
    evidence_note: str = ""
    evidence_links: tuple[str, ...] = ()


@dataclass(frozen=True)
class SurveySectionView:
    """The survey part of the self-assessment report: the teacher's levels beside the
    audiences' comparable levels (see assess.domain.survey_results)."""

    triangulation: tuple[TriangulationRow, ...]
    threshold: float
    respondents: Mapping[str, int]  # audience -> respondents, in Audience order
    min_group: int = MIN_GROUP


@dataclass(frozen=True)
class SelfAssessmentReport:
    project: ProjectView
    rubric: Rubric
    score: Score
    entries: Mapping[str, EntryView] = field(default_factory=dict)  # by criterion or gate id
    eligibility: Mapping[str, bool | None] = field(default_factory=dict)
    generated_at: datetime | None = None
    # The project has survey answers: shown after the result.
    surveys: SurveySectionView | None = None


@dataclass(frozen=True)
class CriterionFeedback:
    """One criterion of a verdict letter: the jury's aggregate level and their comments."""

    criterion_id: str
    level: float | None
    comments: tuple[str, ...] = ()


@dataclass(frozen=True)
class OfficeView:
    """The national office's letterhead, from the settings."""

    name: str
    address: str = ""
    signatory: str = ""
    place: str = ""
    logo: OfficeLogo | None = None  # the uploaded logo, checked; None: ours
    signatory_title: str = ""  # printed under the signatory's name


@dataclass(frozen=True)
class VerdictLetterView:
    """Everything a verdict letter shows, as plain values (one per published decision)."""

    application_id: int
    round_name: str
    office: OfficeView
    project: ProjectView
    language: str
    rubric: Rubric
    score: Score  # scored on the jury's aggregate levels (fractional scoring)
    outcome: str  # "label" or "no_label"
    feedback: tuple[CriterionFeedback, ...]
    published_at: datetime | None = None
    summary: str = ""  # the jury's summary (the office's consensus note), shown once published
    school_year: str = ""  # the application's, e.g. "2025-2026" (file names, certificate)

    @property
    def project_title(self) -> str:
        return self.project.title


@dataclass(frozen=True)
class CertificateView:
    """A label certificate, to be framed: the label, the project, its schools and their
    countries, the school year, the office and its signatory (one per published label)."""

    application_id: int
    language: str
    office: OfficeView
    project_title: str
    teacher: str
    schools: tuple[PartnerView, ...]  # the applicant's school first, then the partners
    school_year: str
    round_name: str
    published_at: datetime | None = None
