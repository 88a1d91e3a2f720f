"""Events become mails: what happened in the jury's tables since the last look, found by
reading them (no jury code calls the mail service), each mail once thanks to its
``dedupe_key``. Run by ``assess mail send``, the worker and the Outbox page.

Only events of the last :data:`LOOKBACK` are looked at, so installing the mail service
on a database with years of history does not write to every teacher about old news.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from assess import clock
from assess.domain.permissions import Actor
from assess.domain.states import Verdict
from assess.services import _settings_values
from assess.services.access import authorize
from assess.services.mail.outbox import _queue
from assess.storage.models import Application, Assignment, Decision, OutboxMail, Project, Round, User

LOOKBACK = timedelta(days=7)


def _context(session: Session) -> dict[str, str]:
    return {"office": _settings_values.office(session)["name"], "link": _settings_values.public_url(session)}


def _queued_keys(session: Session, keys: list[str]) -> set[str]:
    """Which of these events have their mail already: one query per scan, not one per
    event (a scan sees a week of events on every run, nearly all of them mailed)."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        found.update(session.scalars(select(OutboxMail.dedupe_key).where(
            OutboxMail.dedupe_key.in_(keys[start:start + 500]))))
    return found


def scoring_deadline(round_: Round) -> date:
    """The date jurors must have submitted by: the round's scoring deadline, else (a round
    without one) its closing date."""
    deadline = getattr(round_, "scoring_deadline", None)
    return deadline if isinstance(deadline, date) else round_.closes_on


def _applications_received(session: Session, *, base: dict[str, str], now: datetime) -> int:
    rows = session.execute(
        select(Application, Round.name, Project.title, User)
        .join(Round, Round.id == Application.round_id).join(Project, Project.id == Application.project_id)
        .join(User, User.id == Application.teacher_id)
        .where(Application.status == "submitted", Application.submitted_at >= now - LOOKBACK)
        .order_by(Application.id)
    ).all()
    made = 0
    done = _queued_keys(session, [f"application_received:{row[0].id}" for row in rows])
    for application, round_name, title, teacher in rows:
        if f"application_received:{application.id}" in done:
            continue
        made += _queue(session, kind="application_received", account=teacher, language=teacher.language or application.language,
                      context={**base, "round": round_name, "project": title, "application": application.id},
                      dedupe_key=f"application_received:{application.id}", now=now) is not None
    return made


@dataclass
class _Work:
    """A juror's unsubmitted assignments in one round, and when the newest was made."""

    round: Round
    juror: User
    ids: list[int] = field(default_factory=list)
    newest: datetime | None = None

    @property
    def assignments_key(self) -> str:
        return f"assignments:{self.round.id}:{self.juror.id}:{max(self.ids)}"

    def reminder_key(self, deadline: date) -> str:
        return f"reminder:{self.round.id}:{self.juror.id}:{deadline.isoformat()}"


def _open_work(session: Session) -> list[_Work]:
    """Per (round, juror), the unsubmitted assignments on live applications of unpublished
    rounds: read once per collect, for the assignments mails and the reminders."""
    rows = session.execute(
        select(Round, User, Assignment.id, Assignment.created_at)
        .join(Application, Application.id == Assignment.application_id)
        .join(Round, Round.id == Application.round_id)
        .join(User, User.id == Assignment.juror_id)
        .where(Round.published_at.is_(None), Application.status == "submitted", Assignment.submitted_at.is_(None))
        .order_by(Assignment.id)
    ).all()
    found: dict[tuple[int, int], _Work] = {}
    for round_, juror, assignment_id, created_at in rows:
        work = found.setdefault((round_.id, juror.id), _Work(round=round_, juror=juror))
        work.ids.append(assignment_id)
        if work.newest is None or created_at > work.newest:
            work.newest = created_at
    return list(found.values())


def _assignments(session: Session, work: list[_Work], *, base: dict[str, str], now: datetime) -> int:
    """A juror with new applications to score: one mail per round, saying how many wait.
    More assignments later make a new mail (its key names the newest assignment)."""
    made = 0
    recent = [item for item in work if item.newest is not None and item.newest >= now - LOOKBACK]
    done = _queued_keys(session, [item.assignments_key for item in recent])
    for item in recent:
        if item.assignments_key in done:
            continue
        round_, juror, ids = item.round, item.juror, item.ids
        made += _queue(session, kind="assignments", account=juror,
                      context={**base, "round": round_.name, "count": len(ids), "deadline": scoring_deadline(round_)},
                      dedupe_key=item.assignments_key, now=now) is not None
    return made


def _reminders(session: Session, work: list[_Work], *, base: dict[str, str], now: datetime, today: date) -> int:
    """Jurors with unsubmitted scores, ``mail.reminder_days`` days or less before the
    deadline: one reminder per round and deadline."""
    days = int(_settings_values.get(session, "mail.reminder_days"))
    made = 0
    due = [(item, deadline) for item in work
           if 0 <= ((deadline := scoring_deadline(item.round)) - today).days <= days]
    done = _queued_keys(session, [item.reminder_key(deadline) for item, deadline in due])
    for item, deadline in due:
        if item.reminder_key(deadline) in done:
            continue
        made += _queue(session, kind="reminder", account=item.juror,
                      context={**base, "round": item.round.name, "count": len(item.ids), "deadline": deadline,
                               "days": (deadline - today).days},
                      dedupe_key=item.reminder_key(deadline), now=now) is not None
    return made


def _verdicts(session: Session, *, base: dict[str, str], now: datetime) -> int:
    """The teacher of each application whose decision was published: the outcome, with the
    verdict letter attached and, for a label, the certificate (both rendered when sent)."""
    rows = session.execute(
        select(Decision.outcome, Application, Round, Project.title, User)
        .join(Application, Application.id == Decision.application_id)
        .join(Round, Round.id == Application.round_id).join(Project, Project.id == Application.project_id)
        .join(User, User.id == Application.teacher_id)
        .where(Decision.published_at.is_not(None), Decision.published_at >= now - LOOKBACK)
        .order_by(Application.id)
    ).all()
    made = 0
    done = _queued_keys(session, [f"verdict:{row[1].id}" for row in rows])
    for outcome, application, round_, title, teacher in rows:
        if f"verdict:{application.id}" in done:
            continue
        document = {"round_id": round_.id, "application_id": application.id}
        attachments = [{"kind": "verdict_letter", **document}]
        if outcome == Verdict.LABEL:
            attachments.append({"kind": "label_certificate", **document})
        # In the language of the letter it carries (the application's), so that the mail
        # and its attachment agree: a teacher whose account reads French but who wrote the
        # application in English had a French mail about an English letter.
        made += _queue(
            session, kind="verdict", account=teacher, language=application.language or teacher.language,
            context={**base, "round": round_.name, "project": title, "outcome": outcome, "application": application.id},
            attachments=attachments, dedupe_key=f"verdict:{application.id}", now=now,
        ) is not None
    return made


def collect(session: Session, *, actor: Actor, now: datetime | None = None, today: date | None = None) -> dict[str, int]:
    """Queue the mails of every recent event not mailed yet; how many of each kind."""
    authorize(session, actor, "mail.manage")
    now = now or clock.now()
    base = _context(session)
    work = _open_work(session)
    made = {
        "application_received": _applications_received(session, base=base, now=now),
        "assignments": _assignments(session, work, base=base, now=now),
        "reminder": _reminders(session, work, base=base, now=now, today=today or clock.today()),
        "verdict": _verdicts(session, base=base, now=now),
    }
    session.flush()
    return made

