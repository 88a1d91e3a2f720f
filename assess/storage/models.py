"""The tables, as SQLAlchemy 2 declarative classes.

Every schema change goes with an Alembic revision in ``migrations/versions``; a test
compares the two. Times are aware datetimes in UTC, also on SQLite (see UTCDateTime).
JSON columns track in-place changes of their top level (``entry.evidence_links.append``
is saved), not of nested values.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.mutable import MutableDict, MutableList
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from assess.domain.questionnaire import Audience
from assess.domain.states import (
    STORED_APPLICATION_STATUSES,
    Aggregation,
    ApplicationStatus,
    AssignmentOrigin,
    CampaignMode,
    DeletionStatus,
    ResponseSource,
    Role,
    RoundKind,
    StandingOrigin,
    StandingRelation,
    Verdict,
    one_of,
)

#: Constraint names are deterministic, so migrations can name (and later drop) them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES: tuple[str, ...] = tuple(Role)  # (defined once: assess.domain.states)


def utcnow() -> datetime:
    """Now, aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """``DateTime(timezone=True)`` that always gives back aware UTC datetimes.

    SQLite has no time zones: it would return naive values. Naive values are refused
    on the way in, as their zone is unknown.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: give an aware one (e.g. utcnow())")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def json_type() -> Any:
    """JSON, stored as JSONB on PostgreSQL. A new instance each time: as_mutable() below
    ties a type *instance* to its tracking class."""
    return JSON().with_variant(JSONB(), "postgresql")


def json_list() -> Any:
    """A JSON list whose appends, removals... are saved."""
    return MutableList.as_mutable(json_type())


def json_dict() -> Any:
    """A JSON dict whose key assignments are saved."""
    return MutableDict.as_mutable(json_type())


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[Base]) -> Table:
    """The table of ``model``, for Core statements. (SQLAlchemy types ``__table__`` as any
    FROM clause, since a class may map a join or a subquery; every model here maps a table.)"""
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} does not map a table")
    return table


def _user_fk(ondelete: str = "SET NULL") -> ForeignKey:
    return ForeignKey("users.id", ondelete=ondelete)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lower"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    # None for single-sign-on accounts.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # A registered language's code (assess.i18n.languages()); None: the browser's language.
    language: Mapped[str | None] = mapped_column(String(8))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Where a juror (or teacher) works: the same school or region makes a conflict of interest.
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id", name="fk_users_school_id_schools"))
    # A demonstration account (assess demo): never a candidate juror in a real round,
    # never counted in the national figures or exports (assess.services.installation).
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A juror's capacity: the most applications they are given in one round; None: no maximum.
    max_per_round: Mapped[int | None] = mapped_column(Integer)

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    @validates("email")
    def _lower_email(self, _key: str, value: str) -> str:
        return value.strip().lower()

    @property
    def role_names(self) -> frozenset[str]:
        return frozenset(role.role for role in self.roles)


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (CheckConstraint(one_of("role", Role), name="role"),)

    user_id: Mapped[int] = mapped_column(_user_fk("CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)

    user: Mapped[User] = relationship(back_populates="roles")


class School(Base):
    __tablename__ = "schools"
    __table_args__ = (
        UniqueConstraint("name", "country"),
        CheckConstraint("length(country) = 2 AND country = upper(country)", name="country"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    # ISO 3166-1 alpha-2, upper-case.
    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @validates("country")
    def _upper_country(self, _key: str, value: str) -> str:
        return value.strip().upper()


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint("age_min >= 2 AND age_max <= 21", name="age_bounds"),
        CheckConstraint("age_min <= age_max", name="age_order"),
        CheckConstraint("start_date <= end_date", name="date_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # RESTRICT: a user who owns projects cannot be deleted (deactivate them instead).
    owner_id: Mapped[int] = mapped_column(_user_fk("RESTRICT"), index=True)
    # The owner's own school; partners are in project_partners.
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    age_min: Mapped[int] = mapped_column(Integer)
    age_max: Mapped[int] = mapped_column(Integer)
    subjects: Mapped[list[str]] = mapped_column(json_list(), default=list)
    languages: Mapped[list[str]] = mapped_column(json_list(), default=list)
    twinspace_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # A demonstration project: applies to demonstration rounds only; its applications,
    # campaigns and labels count in the figures of a demonstration installation only.
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    school: Mapped[School | None] = relationship()
    partners: Mapped[list[ProjectPartner]] = relationship(
        back_populates="project", cascade="all, delete-orphan", passive_deletes=True
    )
    self_assessments: Mapped[list[SelfAssessment]] = relationship(
        back_populates="project", cascade="all, delete-orphan", passive_deletes=True
    )


class ProjectPartner(Base):
    __tablename__ = "project_partners"
    __table_args__ = (UniqueConstraint("project_id", "school_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)

    project: Mapped[Project] = relationship(back_populates="partners")
    school: Mapped[School] = relationship()


class RubricVersion(Base):
    """A rubric as it was used: results are always read against this snapshot, never the file."""

    __tablename__ = "rubric_versions"
    __table_args__ = (UniqueConstraint("rubric_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(50))
    # sha256 hex of the content (assess.domain.rubric.Rubric.digest).
    digest: Mapped[str] = mapped_column(String(64))
    content: Mapped[dict[str, Any]] = mapped_column(json_type())
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SelfAssessment(Base):
    __tablename__ = "self_assessments"
    __table_args__ = (UniqueConstraint("project_id", "rubric_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    rubric_version_id: Mapped[int] = mapped_column(ForeignKey("rubric_versions.id"), index=True)
    # Eligibility question id -> answer.
    eligibility: Mapped[dict[str, bool]] = mapped_column(json_dict(), default=dict)
    created_by: Mapped[int | None] = mapped_column(_user_fk())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(_user_fk())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    project: Mapped[Project] = relationship(back_populates="self_assessments")
    rubric_version: Mapped[RubricVersion] = relationship()
    entries: Mapped[list[SelfAssessmentEntry]] = relationship(
        back_populates="self_assessment", cascade="all, delete-orphan", passive_deletes=True
    )


class SelfAssessmentEntry(Base):
    __tablename__ = "self_assessment_entries"
    __table_args__ = (
        UniqueConstraint("self_assessment_id", "item_id"),
        CheckConstraint("level BETWEEN 0 AND 5", name="level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    self_assessment_id: Mapped[int] = mapped_column(
        ForeignKey("self_assessments.id", ondelete="CASCADE")
    )
    # A criterion or gate id of the rubric version.
    item_id: Mapped[str] = mapped_column(String(100))
    # None: not assessed yet.
    level: Mapped[int | None] = mapped_column(Integer)
    evidence_note: Mapped[str] = mapped_column(Text, default="")
    evidence_links: Mapped[list[str]] = mapped_column(json_list(), default=list)
    updated_by: Mapped[int | None] = mapped_column(_user_fk())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    self_assessment: Mapped[SelfAssessment] = relationship(back_populates="entries")


class AuditLog(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index(None, "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # None: a system action.
    actor_id: Mapped[int | None] = mapped_column(_user_fk())
    # e.g. 'project.create'
    action: Mapped[str] = mapped_column(String(100))
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str] = mapped_column(String(100))
    details: Mapped[dict[str, Any]] = mapped_column(json_type(), default=dict)

    actor: Mapped[User | None] = relationship()


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(json_type())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[int | None] = mapped_column(_user_fk())


# --- surveys ---------------------------------------------------------------------------------
# Anonymity is a property of the data: a response row carries no code, no account, no
# precise time (the month only), and nothing links it to the code that was used for it.


class QuestionnaireVersion(Base):
    """A questionnaire as used by campaigns: results are read against this snapshot."""

    __tablename__ = "questionnaire_versions"
    __table_args__ = (UniqueConstraint("questionnaire_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(50))
    digest: Mapped[str] = mapped_column(String(64))
    content: Mapped[dict[str, Any]] = mapped_column(json_type())
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SurveyCampaign(Base):
    __tablename__ = "survey_campaigns"
    __table_args__ = (
        CheckConstraint(one_of("audience", Audience), name="audience"),
        CheckConstraint(one_of("mode", CampaignMode), name="mode"),
        CheckConstraint("opens_on <= closes_on", name="date_order"),
        # Scoring starts the day after the closing date (assess.domain.jury.deadline_problem).
        CheckConstraint("scoring_deadline IS NULL OR scoring_deadline > closes_on", name="scoring_deadline_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    audience: Mapped[str] = mapped_column(String(20))
    # Named by hand: the convention's name would pass PostgreSQL's 63-character limit.
    questionnaire_version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_versions.id", name="fk_survey_campaigns_questionnaire_versions"), index=True
    )
    # 'link': one public link; 'codes': single-use codes; 'import': answers brought from another tool.
    mode: Mapped[str] = mapped_column(String(10))
    languages: Mapped[list[str]] = mapped_column(json_list(), default=list)
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    # Set when the teacher closes the campaign before its closing date.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(_user_fk())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Public links: one response per browser (assess.services.link_guard); off for a class
    # that shares one tablet.
    one_response_per_device: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    project: Mapped[Project] = relationship()
    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()


class SurveyCode(Base):
    """A single-use code, stored as its SHA-256 only. ``used`` flips in the transaction that
    stores the response; no time and no response id is kept with it."""

    __tablename__ = "survey_codes"
    # Participation (codes issued and used per campaign) is read from this index alone.
    __table_args__ = (Index("ix_survey_codes_campaign_used", "campaign_id", "used"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("survey_campaigns.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class SurveyVoidedCode(Base):
    """A code the teacher replaced by a new sheet of slips (campaigns.reissue_codes): moved
    here from ``survey_codes``, so it counts as neither issued nor used, and the answering
    page can say it was replaced rather than unknown. SHA-256 only, no time."""

    __tablename__ = "survey_voided_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("survey_campaigns.id", ondelete="CASCADE"), index=True)


class SurveyLinkSubmission(Base):
    """A submission through a public link, by the random id of the page that sent it: a double
    click or a resent form stores one response. Holds no response id and no time."""

    __tablename__ = "survey_link_submissions"

    nonce_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("survey_campaigns.id", ondelete="CASCADE"), index=True)


class SurveyLinkDevice(Base):
    """A browser that has answered a public link: a keyed hash of the campaign and of the
    random id in the browser's cookie (assess.services.link_guard). No response id and no
    time: it says that some browser answered, never which response is its."""

    __tablename__ = "survey_link_devices"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("survey_campaigns.id", ondelete="CASCADE"), primary_key=True)
    device_hash: Mapped[str] = mapped_column(String(64), primary_key=True)


class SurveyLinkPace(Base):
    """The pace of a public link's responses (assess.services.link_guard): how many arrived
    in the latest minute (the rate bound) and how many, in all, arrived in bursts. Only the
    latest minute is kept, as a whole number of minutes since 1970 (UTC)."""

    __tablename__ = "survey_link_pace"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("survey_campaigns.id", ondelete="CASCADE"), primary_key=True)
    minute: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    in_minute: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    burst_responses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class SurveyDraft(Base):
    """Answers given so far with a code (save and resume); deleted when the response is submitted."""

    __tablename__ = "survey_drafts"

    code_id: Mapped[int] = mapped_column(ForeignKey("survey_codes.id", ondelete="CASCADE"), primary_key=True)
    answers: Mapped[dict[str, Any]] = mapped_column(json_dict(), default=dict)
    language: Mapped[str | None] = mapped_column(String(8))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class SurveyResponse(Base):
    __tablename__ = "survey_responses"
    __table_args__ = (
        # Re-importing a file (or an export that repeats earlier rows) adds nothing twice.
        UniqueConstraint("campaign_id", "import_key"),
        CheckConstraint(one_of("source", ResponseSource), name="source"),
        # Released respondents per campaign, counted from this index alone.
        Index("ix_survey_responses_campaign_released", "campaign_id", "released"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("survey_campaigns.id", ondelete="CASCADE"), index=True)
    # The first day of the month it was sent: even the day could single out a respondent
    # in a small class (who answered on Tuesday?).
    submitted_month: Mapped[date] = mapped_column(Date)
    language: Mapped[str | None] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(12), default=ResponseSource.WEB.value)
    # Imports: a keyed hash of the source row (never the row itself), to skip repeats.
    import_key: Mapped[str | None] = mapped_column(String(64))
    # In the figures shown (assess.services.survey_release): responses are released five or
    # more at a time, so two readings of the results never isolate fewer than five people.
    released: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    answers: Mapped[list[SurveyAnswer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True
    )


class SurveyAnswer(Base):
    __tablename__ = "survey_answers"
    __table_args__ = (
        UniqueConstraint("response_id", "item_id"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score"),
        # National figures in one scan of this index, without joining millions of answers
        # to their responses (migration 0004 has the measurements).
        Index("ix_survey_answers_campaign_item", "campaign_id", "item_id", "score", "dont_know"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_responses.id", ondelete="CASCADE"))
    # A copy of the response's campaign (a response never changes campaign): see the index.
    campaign_id: Mapped[int] = mapped_column(ForeignKey("survey_campaigns.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(100))
    # Agreement items: 1-5, or None with dont_know; choice items: option ids; text items: text.
    score: Mapped[int | None] = mapped_column(Integer)
    dont_know: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    choices: Mapped[list[str] | None] = mapped_column(json_type())
    text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")


class SurveyAnswerTally(Base):
    """How many agreement answers each campaign has per item and score: the national
    figures read these few hundred thousand rows instead of millions of answers.

    Kept in the transaction that stores the answers (assess.services.answer_tallies, the
    one way to add answers' counts); score 0 counts the "don't know" answers. Answers are
    never deleted one by one: they go with their campaign, and so do these counts.
    """

    __tablename__ = "survey_answer_tallies"
    __table_args__ = (CheckConstraint("score BETWEEN 0 AND 5", name="score"),)

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("survey_campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    score: Mapped[int] = mapped_column(Integer, primary_key=True)
    answers: Mapped[int] = mapped_column(Integer)


class SurveyReleasedTally(Base):
    """The answers' counts as last released (assess.services.survey_release): a copy of a
    campaign's ``survey_answer_tallies`` made when five or more new respondents have come
    since the last copy, or when the campaign is closed. Every figure is read from here or
    from released responses, never from the live counts."""

    __tablename__ = "survey_released_tallies"
    __table_args__ = (CheckConstraint("score BETWEEN 0 AND 5", name="score"),)

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("survey_campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    score: Mapped[int] = mapped_column(Integer, primary_key=True)
    answers: Mapped[int] = mapped_column(Integer)


class SurveyImport(Base):
    """What an import brought (a log for the teacher; the rows themselves are not kept)."""

    __tablename__ = "survey_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("survey_campaigns.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(String(300))
    file_format: Mapped[str] = mapped_column(String(12))
    rows_imported: Mapped[int] = mapped_column(Integer)
    rows_skipped: Mapped[int] = mapped_column(Integer)
    rows_repeated: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[int | None] = mapped_column(_user_fk())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- the national jury ------------------------------------------------------------------------


class Round(Base):
    """A label session, a national contest or a European-label nomination round."""

    __tablename__ = "rounds"
    __table_args__ = (
        CheckConstraint(one_of("kind", RoundKind), name="kind"),
        CheckConstraint(one_of("aggregation", Aggregation), name="aggregation"),
        CheckConstraint("per_application BETWEEN 1 AND 10", name="per_application"),
        CheckConstraint("opens_on <= closes_on", name="date_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    # The rubric as used; locked (not changeable) once the first score is saved.
    rubric_version_id: Mapped[int] = mapped_column(ForeignKey("rubric_versions.id"), index=True)
    # Applications are accepted from opens_on to closes_on (the round "closes" then).
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    per_application: Mapped[int] = mapped_column(Integer, default=2)
    aggregation: Mapped[str] = mapped_column(String(10), default=Aggregation.MEAN.value)
    # Spread (highest minus lowest level) on a criterion from which jurors disagree.
    disagreement_threshold: Mapped[int] = mapped_column(Integer, default=2)
    # Jurors from the applicant's region are in conflict too (some offices ask it).
    region_conflicts: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(_user_fk())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The last day jurors are expected to submit their scores (None: no deadline set).
    scoring_deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    # A demonstration round: demonstration projects apply and demonstration jurors judge
    # here, and nowhere else.
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    rubric_version: Mapped[RubricVersion] = relationship()


class Application(Base):
    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("round_id", "project_id"),
        # A draft is the teacher's only, until they submit it (assess.services.applications).
        CheckConstraint(one_of("status", STORED_APPLICATION_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    teacher_id: Mapped[int] = mapped_column(_user_fk("RESTRICT"), index=True)
    # "2025-2026": the limit of applications per teacher counts per school year.
    school_year: Mapped[str] = mapped_column(String(9))
    status: Mapped[str] = mapped_column(String(10), default=ApplicationStatus.SUBMITTED.value)
    language: Mapped[str] = mapped_column(String(8), default="en")
    eligibility: Mapped[dict[str, bool]] = mapped_column(json_dict(), default=dict)
    # The teacher's short text per criterion id.
    texts: Mapped[dict[str, str]] = mapped_column(json_dict(), default=dict)
    evidence_links: Mapped[list[str]] = mapped_column(json_list(), default=list)
    # A second application after a refusal: which one, the criteria to re-check, where the new evidence is.
    resubmission_of: Mapped[int | None] = mapped_column(ForeignKey("applications.id", ondelete="SET NULL"))
    recheck_criteria: Mapped[list[str]] = mapped_column(json_list(), default=list)
    recheck_note: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    round: Mapped[Round] = relationship()
    project: Mapped[Project] = relationship()


class Conflict(Base):
    """A juror who must never see an application, and why."""

    __tablename__ = "conflicts"
    __table_args__ = (
        UniqueConstraint("juror_id", "application_id", "kind"),
        CheckConstraint(
            "kind IN ('same_school', 'same_region', 'declared_by_juror', 'declared_by_teacher', 'office')", name="kind"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    juror_id: Mapped[int] = mapped_column(_user_fk("CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(_user_fk())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConflictWaiver(Base):
    """The office lets a juror judge one application despite a conflict found from the
    schools (``same_school`` or ``same_region``), and says why."""

    __tablename__ = "conflict_waivers"
    __table_args__ = (
        UniqueConstraint("juror_id", "application_id", "kind"),
        CheckConstraint("kind IN ('same_school', 'same_region')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    juror_id: Mapped[int] = mapped_column(_user_fk("CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(_user_fk())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StandingConflict(Base):
    """A juror who must never judge any application of a teacher, or of a school (as the
    project's school or a partner's), in any round: a spouse, a former colleague... Found
    with the other conflicts (:mod:`assess.services.jury._conflicts`), never stored per
    application: removing it frees the juror everywhere at once."""

    __tablename__ = "standing_conflicts"
    __table_args__ = (
        UniqueConstraint("juror_id", "teacher_id"),
        UniqueConstraint("juror_id", "school_id"),
        CheckConstraint("(teacher_id IS NULL) <> (school_id IS NULL)", name="teacher_or_school"),
        CheckConstraint("teacher_id IS NULL OR teacher_id <> juror_id", name="not_self"),
        CheckConstraint(one_of("relation", StandingRelation), name="relation"),
        CheckConstraint(one_of("origin", StandingOrigin), name="origin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    juror_id: Mapped[int] = mapped_column(_user_fk("CASCADE"), index=True)
    teacher_id: Mapped[int | None] = mapped_column(_user_fk("CASCADE"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    relation: Mapped[str] = mapped_column(String(20))
    origin: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(_user_fk())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConflictDeclaration(Base):
    """A teacher's declaration of a conflict with a juror who has already saved scores on
    the application: waiting for the office, which confirms it (the conflict is stored and
    the juror's scores go) or sets it aside. Until then the juror's work stays."""

    __tablename__ = "conflict_declarations"
    __table_args__ = (UniqueConstraint("juror_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    juror_id: Mapped[int] = mapped_column(_user_fk("CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(_user_fk())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Assignment(Base):
    """A juror asked to score an application; ``submitted_at`` set once they submit."""

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("application_id", "juror_id"),
        CheckConstraint(one_of("origin", AssignmentOrigin), name="origin"),
        # Each juror's load and severity across a round (national statistics).
        Index("ix_assignments_juror_application", "juror_id", "application_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    juror_id: Mapped[int] = mapped_column(_user_fk("RESTRICT"), index=True)
    origin: Mapped[str] = mapped_column(String(10), default=AssignmentOrigin.AUTO.value)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(_user_fk())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    scores: Mapped[list[JurorScore]] = relationship(
        back_populates="assignment", cascade="all, delete-orphan", passive_deletes=True
    )


class JurorScore(Base):
    """One juror's level for one criterion (or gate) of one application."""

    __tablename__ = "juror_scores"
    __table_args__ = (
        UniqueConstraint("assignment_id", "item_id"),
        CheckConstraint("level BETWEEN 0 AND 5", name="level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    # The rubric version the level was given against (the round's, locked once scored).
    rubric_version_id: Mapped[int] = mapped_column(ForeignKey("rubric_versions.id"), index=True)
    item_id: Mapped[str] = mapped_column(String(100))
    level: Mapped[int | None] = mapped_column(Integer)
    # Shown to the teacher once the decision is published.
    comment: Mapped[str] = mapped_column(Text, default="")
    # Seen by the jury and the office only.
    private_note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    assignment: Mapped[Assignment] = relationship(back_populates="scores")


class Decision(Base):
    """The office's verdict on an application: staged, reviewed, then published with the round."""

    __tablename__ = "decisions"
    __table_args__ = (CheckConstraint(one_of("outcome", Verdict), name="outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), unique=True)
    outcome: Mapped[str] = mapped_column(String(10))
    # The aggregate levels the decision was taken on, by criterion id, and the total.
    levels: Mapped[dict[str, float]] = mapped_column(json_dict(), default=dict)
    total: Mapped[float] = mapped_column(Float)
    percentage: Mapped[float] = mapped_column(Float)
    consensus_note: Mapped[str] = mapped_column(Text, default="")
    staged_by: Mapped[int | None] = mapped_column(_user_fk())
    staged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PartnerLabel(Base):
    """A partner school of a project holds a national label in its own country (European label rule)."""

    __tablename__ = "partner_labels"
    __table_args__ = (
        UniqueConstraint("project_id", "country"),
        CheckConstraint("length(country) = 2 AND country = upper(country)", name="country"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    country: Mapped[str] = mapped_column(String(2))
    source: Mapped[str] = mapped_column(String(10), default="manual")
    created_by: Mapped[int | None] = mapped_column(_user_fk())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- sign-in ---------------------------------------------------------------------------------


class SignInThrottle(Base):
    """Failed sign-ins counted per account and per client address, shared by every app
    server on the database. Holds no e-mail and no address: ``key_hash`` is a keyed hash
    of "account:<e-mail>" or "client:<address>" (assess.services.sign_in)."""

    __tablename__ = "sign_in_throttles"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    # The count starts again after a quiet hour; older rows are deleted (nothing kept longer).
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # No attempt is checked before this time (None: the free attempts are not used up).
    next_allowed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebSession(Base):
    """A signed-in browser: the session cookie's token, stored as its SHA-256 only
    (assess.services.web_sessions), so a copy of the database signs no one in."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(_user_fk("CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- privacy ---------------------------------------------------------------------------------


class DeletionRequest(Base):
    """A person asked for their account to be deleted (assess.services.privacy); the office
    carries it out. Kept afterwards as the proof that it was, with no personal field: the
    account it names is pseudonymised by then."""

    __tablename__ = "deletion_requests"
    __table_args__ = (CheckConstraint(one_of("status", DeletionStatus), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The account row is pseudonymised, never removed (applications, scores and the audit
    # log still point to it): the request keeps naming it.
    user_id: Mapped[int] = mapped_column(_user_fk("CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=DeletionStatus.PENDING.value)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    carried_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    carried_out_by: Mapped[int | None] = mapped_column(_user_fk())
    # What was done, counts only (projects deleted, kept...).
    outcome: Mapped[dict[str, Any]] = mapped_column(json_type(), default=dict)


# --- European label: the office's word on each nomination ---------------------------------------


class EqlNomination(Base):
    """The office confirms a European-label proposal, or overrides it (nominates an
    eligible project the rules did not propose, or leaves out a proposed one) with a
    reason; one row per round and application, the latest word kept (each audited)."""

    __tablename__ = "eql_nominations"
    __table_args__ = (UniqueConstraint("round_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    nominated: Mapped[bool] = mapped_column(Boolean)
    #: Whether the office's word differs from the rules' proposal (then ``reason`` says why).
    overrides: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[int | None] = mapped_column(_user_fk())
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- e-mail ----------------------------------------------------------------------------------


class OutboxMail(Base):
    """A mail to one account (assess.services.mail): queued, previewed and edited by the
    office when the office holds its kind, sent by ``assess mail send`` or the worker.

    The recipient is always an account: pupils and families have none, so they can never
    be written to. ``dedupe_key`` makes the collection of events idempotent (one
    "application received" per application...). A link that signs someone in (set one's
    password) is never stored here: its token is made when the mail is sent and only its
    hash is kept (``password_tokens``)."""

    __tablename__ = "outbox_mails"
    __table_args__ = (
        CheckConstraint("status IN ('held', 'queued', 'sent', 'failed', 'cancelled')", name="status"),
        Index("ix_outbox_mails_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    account_id: Mapped[int] = mapped_column(_user_fk("CASCADE"), index=True)
    # Where it was (or will be) sent: the account's address when queued, refreshed at sending.
    address: Mapped[str] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # What is attached when sending, as references: [{"kind": "verdict_letter", "application_id": 6}].
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(json_list(), default=list)
    # 'invitation' or 'password_reset': a set-password link is made at sending.
    token_purpose: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="held")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Why it was not sent (assess.services.mail.failures): a code, the catalogue key
    # mail.failures.<code>, and its parameters, said in the reader's language; '' once sent.
    error_key: Mapped[str] = mapped_column(String(40), default="", server_default="")
    error_params: Mapped[dict[str, Any]] = mapped_column(json_dict(), default=dict, server_default="{}")
    # The technical detail of the last failure (the exception, cut), for the operator.
    last_error: Mapped[str] = mapped_column(Text, default="")
    # When it may be tried next; a sender moves it forward to claim the mail while sending.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(_user_fk())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    edited_by: Mapped[int | None] = mapped_column(_user_fk())


class PasswordToken(Base):
    """A link to set one's password (invitation or "forgot my password"): only the SHA-256
    of its random token is stored; it expires and works once."""

    __tablename__ = "password_tokens"
    __table_args__ = (CheckConstraint("purpose IN ('invitation', 'password_reset')", name="purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(_user_fk("CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
