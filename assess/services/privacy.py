"""Privacy operations of the national office under the GDPR (see docs/privacy.md).

- **Purge** (:func:`purge_report`, :func:`purge`): what is kept only for a while goes once
  its retention period (the ``retention_months`` and ``audit_retention_months`` settings)
  has passed: drafts of unfinished survey answers, import logs, audit entries; and, at any
  time, what can no longer be used (expired web sessions, sign-in throttles after their
  quiet hour). Never a submitted response, an application or a decision. The report comes
  first (dry run); the deletion runs in short write transactions of at most
  :data:`BATCH` rows, so respondents and jurors never wait for it, and is audited with
  counts only.
- **Download** (:func:`export_data`): everything stored about one person, as a ZIP of JSON
  files and the PDFs the suite makes for them (self-assessment reports, verdict letters).
  Read in one read-only transaction, rendered outside any, audited in a short write.
- **Deletion** (:func:`request_deletion`, :func:`carry_out_deletion`): a person asks, the
  office carries it out. The account is pseudonymised, never removed (applications,
  scores and the audit log point to it); projects and their self-assessments are deleted
  unless part of an application, which must stay verifiable.
"""

from __future__ import annotations

import calendar
import io
import json
import secrets
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any, BinaryIO

from sqlalchemy import ColumnElement, and_, case, delete, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from assess import i18n
from assess.domain.permissions import Actor
from assess.domain.states import DeletionStatus, Role
from assess.i18n import t
from assess.services import _settings_values, audit, letters, self_assessments, sign_in, web_sessions
from assess.services.access import authorize
from assess.services.errors import Conflict, NotFound
from assess.storage.db import reading, writing
from assess.storage.models import (
    Application,
    Assignment,
    AuditLog,
    Decision,
    DeletionRequest,
    JurorScore,
    Project,
    Round,
    School,
    SelfAssessment,
    SignInThrottle,
    StandingConflict,
    SurveyCampaign,
    SurveyCode,
    SurveyDraft,
    SurveyImport,
    SurveyResponse,
    User,
    WebSession,
    utcnow,
)
from assess.storage.models import (
    Conflict as JuryConflict,
)

#: Rows deleted per write transaction: each holds SQLite's write lock for milliseconds.
BATCH = 500
#: Age bands of the report, in months: [low, high), the last one open.
AGE_BANDS: tuple[tuple[int, int | None], ...] = ((0, 1), (1, 6), (6, 12), (12, 24), (24, 36), (36, None))
#: Where pseudonymised accounts' e-mails point: the reserved ".invalid" domain (RFC 2606).
DELETED_DOMAIN = "deleted.invalid"


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier (the 31st becomes the month's last day)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def band_name(low: int, high: int | None) -> str:
    """``"12-24"`` months, ``"36+"`` for the last band."""
    return f"{low}+" if high is None else f"{low}-{high}"


# --- purge ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Kind:
    """A kind of row the purge deletes: its table, key, the time its age counts from, and
    which rows are due (given now and the retention settings)."""

    name: str
    model: type
    key: Any
    age: Any
    due: Callable[[datetime, dict[str, int]], ColumnElement[bool]]


KINDS: tuple[_Kind, ...] = (
    _Kind("survey_drafts", SurveyDraft, SurveyDraft.code_id, SurveyDraft.updated_at,
          lambda now, months: SurveyDraft.updated_at < months_before(now, months["retention_months"])),
    _Kind("survey_imports", SurveyImport, SurveyImport.id, SurveyImport.created_at,
          lambda now, months: SurveyImport.created_at < months_before(now, months["retention_months"])),
    # Dead whatever their age: past their end, or idle too long (web_sessions' own rule).
    _Kind("web_sessions", WebSession, WebSession.id, WebSession.last_seen_at,
          lambda now, _months: or_(WebSession.expires_at <= now,
                                   WebSession.last_seen_at <= now - web_sessions.IDLE_TIMEOUT)),
    # After a quiet hour a throttle counts for nothing (assess.services.sign_in).
    _Kind("sign_in_throttles", SignInThrottle, SignInThrottle.key_hash, SignInThrottle.last_failure_at,
          lambda now, _months: SignInThrottle.last_failure_at <= now - sign_in.QUIET_RESET),
    _Kind("audit_log", AuditLog, AuditLog.id, AuditLog.at,
          lambda now, months: AuditLog.at < months_before(now, months["audit_retention_months"])),
)


@dataclass(frozen=True)
class KindReport:
    kind: str
    count: int
    oldest: datetime | None
    #: Rows due by age (months since their time): band name -> count, bands with rows only.
    by_age: dict[str, int]


@dataclass(frozen=True)
class PurgeReport:
    """What a purge deletes (``dry_run``: would delete) on ``at``, under these retention periods."""

    at: datetime
    retention_months: int
    audit_retention_months: int
    kinds: tuple[KindReport, ...]
    dry_run: bool = True

    @property
    def total(self) -> int:
        return sum(kind.count for kind in self.kinds)

    def counts(self) -> dict[str, int]:
        return {kind.kind: kind.count for kind in self.kinds}

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "at": self.at.isoformat(),
            "retention_months": self.retention_months,
            "audit_retention_months": self.audit_retention_months,
            "total": self.total,
            "kinds": [{"kind": k.kind, "count": k.count, "oldest": k.oldest.isoformat() if k.oldest else None,
                       "by_age_months": k.by_age} for k in self.kinds],
        }


def _retention(session: Session) -> dict[str, int]:
    return {key: int(_settings_values.get(session, key)) for key in ("retention_months", "audit_retention_months")}


def _kind_report(session: Session, kind: _Kind, now: datetime, months: dict[str, int]) -> KindReport:
    """One scan of the rows due: their number, the oldest, and how many per age band."""
    bands = []
    for low, high in AGE_BANDS:
        within = [kind.age <= months_before(now, low)]
        if high is not None:
            within.append(kind.age > months_before(now, high))
        bands.append(func.coalesce(func.sum(case((and_(*within), 1), else_=0)), 0))
    count, oldest, *per_band = session.execute(
        select(func.count(), func.min(kind.age), *bands).select_from(kind.model).where(kind.due(now, months))
    ).one()
    by_age = {band_name(low, high): int(found) for (low, high), found in zip(AGE_BANDS, per_band, strict=True) if found}
    return KindReport(kind=kind.name, count=count, oldest=oldest, by_age=by_age)


def purge_report(session: Session, *, actor: Actor, now: datetime | None = None) -> PurgeReport:
    """The dry run: what :func:`purge` would delete now, per kind and by age. Changes nothing."""
    authorize(session, actor, "privacy.manage")
    now = now or utcnow()
    months = _retention(session)
    return PurgeReport(at=now, retention_months=months["retention_months"],
                       audit_retention_months=months["audit_retention_months"],
                       kinds=tuple(_kind_report(session, kind, now, months) for kind in KINDS))


def purge(sessions: sessionmaker, *, actor: Actor, now: datetime | None = None,
          progress: Callable[[str, int], None] | None = None) -> PurgeReport:
    """Delete what :func:`purge_report` lists, :data:`BATCH` rows per short write
    transaction; ``progress(kind, deleted so far)`` after each. The report returned counts
    what was deleted; the purge's audit entry holds those counts and nothing else."""
    with reading(sessions) as session:
        before = purge_report(session, actor=actor, now=now)
    now = before.at
    months = {"retention_months": before.retention_months, "audit_retention_months": before.audit_retention_months}
    deleted: dict[str, int] = {}
    for kind in KINDS:
        deleted[kind.name] = 0
        while True:
            with writing(sessions) as session:
                keys = list(session.scalars(select(kind.key).where(kind.due(now, months)).limit(BATCH)))
                if keys:
                    session.execute(delete(kind.model).where(kind.key.in_(keys)))
            if not keys:
                break
            deleted[kind.name] += len(keys)
            if progress is not None:
                progress(kind.name, deleted[kind.name])
    with writing(sessions) as session:
        audit.record(session, actor=actor, action="privacy.purge", entity_type="privacy", entity_id="purge",
                     details={"deleted": deleted, **months})
    kinds = tuple(KindReport(kind=k.kind, count=deleted[k.kind], oldest=k.oldest, by_age=k.by_age) for k in before.kinds)
    return PurgeReport(at=now, retention_months=before.retention_months,
                       audit_retention_months=before.audit_retention_months, kinds=kinds, dry_run=False)


def last_purge(session: Session, *, actor: Actor) -> tuple[datetime, int] | None:
    """When the last purge ran and how many rows it deleted (None: never)."""
    authorize(session, actor, "privacy.manage")
    found = session.execute(select(AuditLog.at, AuditLog.details).where(AuditLog.action == "privacy.purge")
                            .order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(1)).first()
    if found is None:
        return None
    deleted = (found.details or {}).get("deleted", {})
    return found.at, sum(n for n in deleted.values() if isinstance(n, int))


# --- download ---------------------------------------------------------------------------------


def _when(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _school(school) -> dict[str, Any] | None:
    return {"name": school.name, "country": school.country, "region": school.region} if school else None


@dataclass
class PersonalData:
    """Everything about one person, read in one transaction; PDFs still to render."""

    user_id: int
    language: str
    #: File name in the ZIP -> JSON value.
    documents: dict[str, Any] = field(default_factory=dict)
    #: (file name, self-assessment report view) to render as PDF.
    reports: list[tuple[str, Any]] = field(default_factory=list)
    #: Verdict letter views to render as PDF.
    letters: list[Any] = field(default_factory=list)

    @property
    def pdf_count(self) -> int:
        return len(self.reports) + len(self.letters)


def _account(session: Session, user: User) -> dict[str, Any]:
    requests = session.scalars(select(DeletionRequest).where(DeletionRequest.user_id == user.id)
                               .order_by(DeletionRequest.id))
    return {
        "id": user.id, "email": user.email, "display_name": user.display_name, "language": user.language,
        "roles": sorted(user.role_names), "active": user.is_active, "created_at": _when(user.created_at),
        "last_sign_in_at": _when(user.last_login_at), "school": _school(session.get(School, user.school_id) if user.school_id else None),
        "single_sign_on_only": user.password_hash is None,
        "deletion_requests": [{"status": r.status, "requested_at": _when(r.requested_at),
                               "carried_out_at": _when(r.carried_out_at)} for r in requests],
    }


def _projects(projects: list[Project]) -> list[dict[str, Any]]:
    return [{
        "id": p.id, "title": p.title, "summary": p.summary, "start_date": _when(p.start_date),
        "end_date": _when(p.end_date), "age_min": p.age_min, "age_max": p.age_max, "subjects": list(p.subjects),
        "languages": list(p.languages), "twinspace_url": p.twinspace_url, "school": _school(p.school),
        "partners": [_school(partner.school) for partner in p.partners],
        "created_at": _when(p.created_at), "updated_at": _when(p.updated_at),
    } for p in projects]


def _self_assessments(session: Session, project_ids: list[int]) -> list[dict[str, Any]]:
    stored: Iterable[SelfAssessment] = session.scalars(select(SelfAssessment).where(SelfAssessment.project_id.in_(project_ids))
                             .order_by(SelfAssessment.id)) if project_ids else []
    return [{
        "id": a.id, "project_id": a.project_id, "rubric": a.rubric_version.rubric_id,
        "rubric_version": a.rubric_version.version, "eligibility": dict(a.eligibility),
        "created_at": _when(a.created_at), "updated_at": _when(a.updated_at),
        "entries": [{"item_id": e.item_id, "level": e.level, "evidence_note": e.evidence_note,
                     "evidence_links": list(e.evidence_links), "updated_at": _when(e.updated_at)}
                    for e in sorted(a.entries, key=lambda e: e.id)],
    } for a in stored]


def _campaigns(session: Session, project_ids: list[int]) -> list[dict[str, Any]]:
    """Each campaign with its counts: never a code (only hashes are stored) nor an answer
    (respondents' answers are theirs, anonymous, and not this person's data)."""
    if not project_ids:
        return []
    issued = (select(func.count()).select_from(SurveyCode)
              .where(SurveyCode.campaign_id == SurveyCampaign.id).scalar_subquery())
    used = (select(func.count()).select_from(SurveyCode)
            .where(SurveyCode.campaign_id == SurveyCampaign.id, SurveyCode.used.is_(True)).scalar_subquery())
    responses = (select(func.count()).select_from(SurveyResponse)
                 .where(SurveyResponse.campaign_id == SurveyCampaign.id).scalar_subquery())
    rows = session.execute(select(SurveyCampaign, issued, used, responses)
                           .where(SurveyCampaign.project_id.in_(project_ids)).order_by(SurveyCampaign.id))
    return [{
        "id": c.id, "project_id": c.project_id, "audience": c.audience,
        "questionnaire": c.questionnaire_version.questionnaire_id, "mode": c.mode, "languages": list(c.languages),
        "opens_on": _when(c.opens_on), "closes_on": _when(c.closes_on), "closed_at": _when(c.closed_at),
        "created_at": _when(c.created_at), "codes_issued": n_issued, "codes_used": n_used, "responses": n_responses,
    } for c, n_issued, n_used, n_responses in rows]


def _applications(session: Session, user_id: int) -> tuple[list[dict[str, Any]], dict[int, set[int]]]:
    """The person's applications, each with its verdict once published (the jurors'
    comments as the teacher reads them, never their private notes); and, per round, the
    applications whose verdict is published (for the letters)."""
    published: dict[int, set[int]] = {}
    found = []
    rows = session.execute(select(Application, Round, Decision).join(Round, Round.id == Application.round_id)
                           .outerjoin(Decision, Decision.application_id == Application.id)
                           .where(Application.teacher_id == user_id).order_by(Application.id))
    for application, round_, decision in rows:
        verdict = None
        if decision is not None and decision.published_at is not None:
            published.setdefault(round_.id, set()).add(application.id)
            comments = session.execute(
                select(JurorScore.item_id, JurorScore.comment).join(Assignment)
                .where(Assignment.application_id == application.id, Assignment.submitted_at.is_not(None))
                .order_by(Assignment.id, JurorScore.id)).all()
            verdict = {"outcome": decision.outcome, "levels": dict(decision.levels), "total": decision.total,
                       "percentage": decision.percentage, "published_at": _when(decision.published_at),
                       "jurors_comments": [{"item_id": item, "comment": text} for item, text in comments if text.strip()]}
        found.append({
            "id": application.id, "round": {"id": round_.id, "name": round_.name, "kind": round_.kind},
            "project_id": application.project_id, "school_year": application.school_year,
            "status": application.status, "language": application.language,
            "eligibility": dict(application.eligibility), "texts": dict(application.texts),
            "evidence_links": list(application.evidence_links), "resubmission_of": application.resubmission_of,
            "recheck_criteria": list(application.recheck_criteria), "recheck_note": application.recheck_note,
            "submitted_at": _when(application.submitted_at), "withdrawn_at": _when(application.withdrawn_at),
            "verdict": verdict,
        })
    return found, published


def _jury_work(session: Session, user_id: int) -> list[dict[str, Any]]:
    """A juror's own work: their assignments, levels, comments and notes, and conflicts."""
    work = []
    for assignment in session.scalars(select(Assignment).where(Assignment.juror_id == user_id).order_by(Assignment.id)):
        work.append({
            "application_id": assignment.application_id, "origin": assignment.origin,
            "assigned_at": _when(assignment.created_at), "submitted_at": _when(assignment.submitted_at),
            "scores": [{"item_id": s.item_id, "level": s.level, "comment": s.comment, "private_note": s.private_note,
                        "updated_at": _when(s.updated_at)} for s in sorted(assignment.scores, key=lambda s: s.id)],
        })
    conflicts = session.scalars(select(JuryConflict).where(JuryConflict.juror_id == user_id).order_by(JuryConflict.id))
    # Their standing conflicts: whom with (as the office's pages name them), why, who recorded it.
    standing = session.execute(
        select(StandingConflict, User.display_name, School.name, School.country)
        .outerjoin(User, User.id == StandingConflict.teacher_id)
        .outerjoin(School, School.id == StandingConflict.school_id)
        .where(StandingConflict.juror_id == user_id).order_by(StandingConflict.id))
    return work + [{"conflict": {"application_id": c.application_id, "kind": c.kind, "note": c.note,
                                 "created_at": _when(c.created_at)}} for c in conflicts] + [
        {"standing_conflict": {"teacher": teacher, "school": school, "school_country": country,
                               "relation": s.relation, "recorded_by": s.origin, "note": s.note,
                               "created_at": _when(s.created_at)}} for s, teacher, school, country in standing]


def _own_actions(session: Session, user_id: int) -> list[dict[str, Any]]:
    rows = session.execute(select(AuditLog.at, AuditLog.action, AuditLog.entity_type, AuditLog.entity_id)
                           .where(AuditLog.actor_id == user_id).order_by(AuditLog.at, AuditLog.id))
    return [{"at": _when(at), "action": action, "entity_type": kind, "entity_id": entity}
            for at, action, kind, entity in rows]


def _account_row(session: Session, actor: Actor, permission: str, user_id: int | None) -> User:
    """The account ``user_id``, for an actor allowed ``permission`` on it. Someone else's
    id, existing or not, gets the same refusal (and None, the system actor's, none at all)."""
    authorize(session, actor, permission, SimpleNamespace(id=user_id))
    user = session.get(User, user_id) if user_id is not None else None
    if user is None:
        raise NotFound()
    return user


def collect(session: Session, *, actor: Actor, user_id: int, lang: str | None = None) -> PersonalData:
    """Everything stored about ``user_id`` (the actor themself, or anyone for the office)."""
    user = _account_row(session, actor, "privacy.export", user_id)
    language = lang if lang in i18n.languages() else (user.language or i18n.default_language())
    projects = list(session.scalars(select(Project).where(Project.owner_id == user_id).order_by(Project.id)))
    project_ids = [p.id for p in projects]
    applications, published = _applications(session, user_id)
    data = PersonalData(user_id=user_id, language=language)
    data.documents = {
        "account.json": _account(session, user),
        "projects.json": _projects(projects),
        "self_assessments.json": _self_assessments(session, project_ids),
        "survey_campaigns.json": _campaigns(session, project_ids),
        "applications.json": applications,
        "jury_work.json": _jury_work(session, user_id),
        "actions.json": _own_actions(session, user_id),
    }
    assessed = set(session.scalars(select(SelfAssessment.project_id).where(SelfAssessment.project_id.in_(project_ids))))
    for project_id in project_ids:
        if project_id in assessed:
            report = self_assessments.report(session, actor=actor, project_id=project_id)
            data.reports.append((f"self-assessment-{project_id}-{language}.pdf", report))
    for round_id, application_ids in sorted(published.items()):
        data.letters += letters._published_letters(session, round_id=round_id, application_ids=application_ids)
    return data


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")


def write_zip(data: PersonalData, target: BinaryIO, *, progress: Callable[[int, int], None] | None = None) -> int:
    """Write the ZIP: a README, the JSON files, then each PDF (the long part: ``progress(done,
    total)`` after each). Outside any transaction. The number of files written."""
    from assess.reports.self_assessment import render_self_assessment_pdf
    from assess.reports.verdict import letter_filename, render_verdict_letter_pdf

    lang = data.language
    total = data.pdf_count
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", t("privacy.export.readme", lang, user=data.user_id) + "\n")
        for name, value in data.documents.items():
            archive.writestr(name, _json_bytes(value))
        done = 0
        if progress is not None:
            progress(done, total)
        for name, report in data.reports:
            archive.writestr(f"pdf/{name}", render_self_assessment_pdf(report, lang=lang))
            done += 1
            if progress is not None:
                progress(done, total)
        for letter in data.letters:
            archive.writestr(f"pdf/{letter_filename(letter)}", render_verdict_letter_pdf(letter))
            done += 1
            if progress is not None:
                progress(done, total)
    return 1 + len(data.documents) + total


def export_data(sessions: sessionmaker, *, actor: Actor, user_id: int, target: BinaryIO, lang: str | None = None,
                progress: Callable[[int, int], None] | None = None) -> int:
    """Read (one read-only transaction), write the ZIP into ``target`` (outside any), then
    audit the download (who, whose, how many files: never the content). Files written."""
    with reading(sessions) as session:
        data = collect(session, actor=actor, user_id=user_id, lang=lang)
    files = write_zip(data, target, progress=progress)
    with writing(sessions) as session:
        audit.record(session, actor=actor, action="privacy.export", entity_type="user", entity_id=user_id,
                     details={"files": files, "pdfs": data.pdf_count})
    return files


def export_bytes(sessions: sessionmaker, *, actor: Actor, user_id: int, lang: str | None = None,
                 progress: Callable[[int, int], None] | None = None) -> bytes:
    """:func:`export_data` into memory, for a download button."""
    buffer = io.BytesIO()
    export_data(sessions, actor=actor, user_id=user_id, target=buffer, lang=lang, progress=progress)
    return buffer.getvalue()


# --- deletion ---------------------------------------------------------------------------------


def pending_request(session: Session, *, actor: Actor) -> DeletionRequest | None:
    """The actor's own request waiting for the office, if any."""
    _account_row(session, actor, "privacy.request_deletion", actor.id)
    return session.scalar(select(DeletionRequest).where(DeletionRequest.user_id == actor.id,
                                                        DeletionRequest.status == DeletionStatus.PENDING))


def request_deletion(session: Session, *, actor: Actor) -> DeletionRequest:
    """The actor asks for their account to be deleted; asking again changes nothing."""
    existing = pending_request(session, actor=actor)
    if existing is not None:
        return existing
    request = DeletionRequest(user_id=actor.id, status=DeletionStatus.PENDING, outcome={})
    session.add(request)
    session.flush()
    audit.record(session, actor=actor, action="privacy.deletion_requested", entity_type="user", entity_id=actor.id,
                 details={"request": request.id})
    return request


def cancel_request(session: Session, *, actor: Actor) -> bool:
    """The actor withdraws their pending request (True if there was one)."""
    existing = pending_request(session, actor=actor)
    if existing is None:
        return False
    existing.status = DeletionStatus.CANCELLED
    audit.record(session, actor=actor, action="privacy.deletion_cancelled", entity_type="user", entity_id=actor.id,
                 details={"request": existing.id})
    session.flush()
    return True


def _applied_projects(session: Session, user_id: int) -> set[int]:
    return set(session.scalars(select(Application.project_id).join(Project, Project.id == Application.project_id)
                               .where(Project.owner_id == user_id)))


def _deletion_plan(session: Session, user_id: int) -> dict[str, int]:
    """What carrying out a deletion does to this account's data, in counts."""
    projects = set(session.scalars(select(Project.id).where(Project.owner_id == user_id)))
    kept = _applied_projects(session, user_id)
    deleted = projects - kept

    def count(model, *where) -> int:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    return {
        "projects_deleted": len(deleted),
        "projects_kept": len(kept),
        "self_assessments_deleted": count(SelfAssessment, SelfAssessment.project_id.in_(deleted)) if deleted else 0,
        "self_assessments_kept": count(SelfAssessment, SelfAssessment.project_id.in_(kept)) if kept else 0,
        "campaigns_deleted": count(SurveyCampaign, SurveyCampaign.project_id.in_(deleted)) if deleted else 0,
        "applications_kept": count(Application, Application.teacher_id == user_id),
        "jury_assignments_kept": count(Assignment, Assignment.juror_id == user_id),
        "standing_conflicts_deleted": count(StandingConflict, StandingConflict.juror_id == user_id),
        "web_sessions_ended": count(WebSession, WebSession.user_id == user_id),
    }


@dataclass(frozen=True)
class RequestView:
    id: int
    user_id: int
    #: The account's name and e-mail now: "Deleted account N" once carried out
    #: (``privacy.pseudonym.account`` in the reader's language: see ``pseudonymised``).
    display_name: str
    email: str
    status: str
    requested_at: datetime
    carried_out_at: datetime | None
    #: Pending: what carrying it out will do; done: what it did (counts).
    plan: dict[str, int]
    #: Carried out: the account keeps only its pseudonym, which pages show in their language.
    pseudonymised: bool = False


def deletion_requests(session: Session, *, actor: Actor) -> list[RequestView]:
    """Every request, pending first then newest first, for the office."""
    authorize(session, actor, "privacy.manage")
    rows = session.execute(select(DeletionRequest, User).join(User, User.id == DeletionRequest.user_id)
                           .order_by((DeletionRequest.status != DeletionStatus.PENDING), DeletionRequest.requested_at.desc(),
                                     DeletionRequest.id.desc()))
    return [RequestView(id=r.id, user_id=u.id, display_name=u.display_name, email=u.email, status=r.status,
                        requested_at=r.requested_at, carried_out_at=r.carried_out_at,
                        plan=_deletion_plan(session, u.id) if r.status == DeletionStatus.PENDING else dict(r.outcome),
                        pseudonymised=r.status == DeletionStatus.DONE)
            for r, u in rows]


def deleted_name(user_id: int) -> str:
    """The name a pseudonymised account keeps, in every list that still shows it: stored
    data, in English; a page that knows the account is deleted shows
    ``privacy.pseudonym.account`` in its reader's language instead."""
    return f"Deleted account {user_id}"


def _last_active_admin(session: Session, user: User) -> bool:
    from assess.storage.models import UserRole

    if Role.ADMIN not in user.role_names or not user.is_active:
        return False
    admins = session.scalar(select(func.count()).select_from(UserRole).join(User)
                            .where(UserRole.role == Role.ADMIN, User.is_active.is_(True)))
    return (admins or 0) <= 1


def carry_out_deletion(session: Session, *, actor: Actor, request_id: int) -> dict[str, int]:
    """Carry out a pending request (see docs/privacy.md for what happens); the counts of
    what was done, also kept with the request and in the audit log."""
    authorize(session, actor, "privacy.manage")
    request = session.get(DeletionRequest, request_id)
    if request is None:
        raise NotFound()
    if request.status != DeletionStatus.PENDING:
        raise Conflict("privacy.errors.not_pending")
    user = session.get(User, request.user_id)
    if user is None:  # the request's account is never removed (pseudonymised at most)
        raise NotFound()
    if _last_active_admin(session, user):
        raise Conflict("errors.last_admin")
    plan = _deletion_plan(session, user.id)
    kept = _applied_projects(session, user.id)
    # Sign-in throttles are keyed by the e-mail: found before it is replaced.
    throttles = [key.hash for key in sign_in._keys(session, email=user.email, client=None)]
    session.execute(delete(SignInThrottle).where(SignInThrottle.key_hash.in_(throttles)))
    # Projects never part of an application go, with their self-assessments, partners and
    # survey campaigns (the database cascades; the campaigns' responses were anonymous).
    going = [p for p in session.scalars(select(Project.id).where(Project.owner_id == user.id)) if p not in kept]
    if going:
        session.execute(delete(Project).where(Project.id.in_(going)).execution_options(synchronize_session=False))
        # Their titles stay nowhere: the audit log keeps that they existed, not what they were.
        session.execute(update(AuditLog).where(AuditLog.entity_type == "project",
                                               AuditLog.entity_id.in_([str(p) for p in going]))
                        .values(details={}).execution_options(synchronize_session=False))
    # A juror's standing conflicts say whom they are close to: they go with the juror. One
    # with a deleted teacher stays (the teacher's applications are kept, and the juror must
    # still never judge them), without its note, which may say what binds the two.
    session.execute(delete(StandingConflict).where(StandingConflict.juror_id == user.id)
                    .execution_options(synchronize_session=False))
    session.execute(update(StandingConflict).where(StandingConflict.teacher_id == user.id).values(note="")
                    .execution_options(synchronize_session=False))
    web_sessions.end_all(session, user_id=user.id)
    # The row stays (applications, scores, decisions and the audit log point to it), with
    # nothing left that says who it was.
    # A random part: an account someone made with the address this would otherwise be
    # could not block the deletion.
    user.email = f"deleted-{user.id}-{secrets.token_hex(4)}@{DELETED_DOMAIN}"
    user.display_name = deleted_name(user.id)
    user.password_hash = None
    user.language = None
    user.last_login_at = None
    user.school_id = None
    user.is_active = False
    now = utcnow()
    for pending in session.scalars(select(DeletionRequest).where(DeletionRequest.user_id == user.id,
                                                                 DeletionRequest.status == DeletionStatus.PENDING)):
        pending.status = DeletionStatus.DONE
        pending.carried_out_at = now
        pending.carried_out_by = actor.id
        pending.outcome = plan
    audit.record(session, actor=actor, action="privacy.account_deleted", entity_type="user", entity_id=user.id,
                 details=plan)
    session.flush()
    session.expire_all()
    return plan
