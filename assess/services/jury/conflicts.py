"""Conflicts of interest: found from the schools, declared, removed and waived.

``same_school`` and ``same_region`` (when the round asks for it) are found from the
schools (:mod:`assess.domain.conflicts`) and stored when assigning; a juror declares one
on themself, a teacher on a named juror of their application while the round is open,
the office on anyone. A juror is never assigned their own application. A juror in
conflict is never assigned, and never sees the application: every service a juror uses
refuses it as if it did not exist. The office may remove a declared conflict and waive
an automatic one for one juror and one application, with a reason; both audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from assess.domain import conflicts as rules
from assess.domain.conflicts import AUTOMATIC_KINDS, ConflictKind
from assess.domain.jury import RoundStatus
from assess.domain.permissions import Actor
from assess.domain.states import Role
from assess.i18n import t
from assess.services import audit, rounds
from assess.services.access import authorize, permitted
from assess.services.errors import Conflict, FieldError, InvalidInput, NotFound
from assess.services.jury._common import NOTE_MAX, active_juror, find_application, refuse_if_published
from assess.services.jury._conflicts import (
    NO_STANDING,
    application_place,
    juror_place,
    kinds_of,
    store_conflict,
    stored_conflict,
)
from assess.storage.models import Application, Assignment, ConflictDeclaration, ConflictWaiver, Project, School, User
from assess.storage.models import Conflict as ConflictOfInterest

REASON_MAX = 2000
#: Kept for callers that name the kinds by these constants.
OWN_APPLICATION = ConflictKind.OWN_APPLICATION


class ConflictedJuror(Conflict):
    """A juror who may not judge an application; the message says why in sentences of the
    reader's language (``jury.conflict_reason.<kind>``), never the stored kinds."""

    def __init__(self, kinds: Iterable[str]):
        self.kinds = tuple(kinds)
        super().__init__("jury.errors.in_conflict", reasons="")
        self.args = (self.message("en"),)

    def message(self, lang: str) -> str:
        reasons = " ".join(t(f"jury.conflict_reason.{kind}", lang) for kind in self.kinds)
        return t(self.key, lang, reasons=reasons).strip()


def conflict_kinds(session: Session, *, actor: Actor, juror_id: int, application_id: int) -> list[str]:
    """Why this juror may not judge this application (office): the stored conflicts and
    the ones the schools give now, less the ones the office waived; empty when none."""
    authorize(session, actor, "round.manage")
    return kinds_of(session, juror_id=juror_id, application=find_application(session, application_id))


# --- stored conflicts ----------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictView:
    id: int
    juror_id: int
    juror_name: str
    application_id: int
    kind: str
    note: str
    created_at: datetime
    #: The applicant project's title: what the office reads, rather than an id.
    application_title: str = ""


def list_conflicts(session: Session, *, actor: Actor, round_id: int) -> list[ConflictView]:
    """The stored conflicts of a round's applications (office)."""
    authorize(session, actor, "round.manage")
    rows = session.execute(
        select(ConflictOfInterest, User.display_name, Project.title)
        .join(Application, Application.id == ConflictOfInterest.application_id)
        .join(Project, Project.id == Application.project_id)
        .join(User, User.id == ConflictOfInterest.juror_id)
        .where(Application.round_id == round_id)
        .order_by(ConflictOfInterest.application_id, ConflictOfInterest.juror_id, ConflictOfInterest.kind)
    ).all()
    return [ConflictView(c.id, c.juror_id, name, c.application_id, c.kind, c.note, c.created_at,
                         application_title=title) for c, name, title in rows]


def declare_conflict(
    session: Session, *, actor: Actor, application_id: int, juror_id: int | None = None, note: str = "",
    confirm: bool = False,
) -> ConflictOfInterest | None:
    """Declare that a juror must not judge an application, while its round is not
    published (``jury.errors.round_published`` after: the published decisions and the
    scores behind them stay as they are).

    - the office (``round.manage``) names any juror: kind ``office``;
    - the application's teacher names a juror: ``declared_by_teacher``, while the round
      is open for applications only (``jury.errors.declarations_closed`` once the jury is
      at work). The teacher is told nothing (None) whatever the id: an id that is not an
      active juror (no such account, not a juror, deactivated) is recorded in the audit
      log only, so the answer never tells a teacher who the jurors are;
    - an assigned juror declares it on themself (``juror_id`` None or their own):
      ``declared_by_juror``; refused once they submitted their scores on it
      (``jury.errors.declare_after_submitting``: submitted scores are final; the office
      takes them off if it must).

    Anyone else gets :class:`NotFound`. The juror's assignment on the application, if
    any, is removed with the scores they saved (recorded in the audit log): a juror in
    conflict neither sees nor counts. The office is asked first when the juror saved
    scores on it: ``jury.errors.conflict_removes_scores`` (how many) unless ``confirm``,
    and nothing is stored then.

    A teacher's declaration never removes a score: when the juror saved scores on the
    application (while it was open), it waits for the office as a
    :class:`ConflictDeclaration` (:func:`pending_declarations`), and the juror's work stays
    until the office confirms it (:func:`confirm_declaration`, with the same confirmation)
    or sets it aside (:func:`dismiss_declaration`).
    """
    application = find_application(session, application_id)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput([FieldError("note", "errors.too_long", {"max": NOTE_MAX})])
    if permitted(session, actor, "round.manage"):
        kind = ConflictKind.OFFICE
    elif permitted(session, actor, "application.apply", application.project):
        kind = ConflictKind.DECLARED_BY_TEACHER
    elif juror_id in (None, actor.id) and permitted(session, actor, "jury.score"):
        own = session.scalar(select(Assignment).where(Assignment.application_id == application.id,
                                                      Assignment.juror_id == actor.id))
        if own is None:
            raise NotFound()
        kind = ConflictKind.DECLARED_BY_JUROR
        juror_id = actor.id
    else:
        raise NotFound()
    # Checked before the juror, so that the refusal is the same for every id.
    refuse_if_published(application.round)
    if kind is ConflictKind.DECLARED_BY_TEACHER:
        if rounds.status(application.round) not in (RoundStatus.UPCOMING, RoundStatus.OPEN):
            raise Conflict("jury.errors.declarations_closed")
        user = session.get(User, juror_id) if juror_id is not None else None
        if user is None or not user.is_active or Role.JUROR not in user.role_names:
            audit.record(session, actor=actor, action="jury.conflict_ignored", entity_type="application",
                         entity_id=application.id, details={"juror": juror_id, "reason": "not_a_juror"})
            return None
    juror = active_juror(session, juror_id)
    assignment = session.scalar(select(Assignment).where(Assignment.application_id == application.id,
                                                         Assignment.juror_id == juror.id))
    # Submitted scores are final for their juror ("can no longer change"): taking them back
    # by declaring a conflict after reading the co-jurors' levels would change the verdict.
    # The office can still take the juror off (its own conflict, with the confirmation).
    if kind is ConflictKind.DECLARED_BY_JUROR and assignment is not None and assignment.submitted_at is not None:
        raise Conflict("jury.errors.declare_after_submitting")
    if kind is ConflictKind.OFFICE and assignment is not None and assignment.scores and not confirm:
        raise Conflict("jury.errors.conflict_removes_scores", name=juror.display_name, count=len(assignment.scores))
    if kind is ConflictKind.DECLARED_BY_TEACHER and assignment is not None and assignment.scores:
        _hold_declaration(session, actor=actor, application=application, juror=juror, note=note)
        return None
    stored, _ = store_conflict(session, actor=actor, juror_id=juror.id, application_id=application.id, kind=kind,
                               note=note)
    if kind is ConflictKind.OFFICE:  # the office decided: a teacher's waiting declaration is answered
        waiting = session.scalar(select(ConflictDeclaration).where(ConflictDeclaration.juror_id == juror.id,
                                                                   ConflictDeclaration.application_id == application.id))
        if waiting is not None:
            session.delete(waiting)
    if assignment is not None:
        audit.record(session, actor=actor, action="jury.unassign", entity_type="application", entity_id=application.id,
                     details={"juror": juror.id, "reason": kind, "scores": len(assignment.scores)})
        session.delete(assignment)
    session.flush()
    return None if kind is ConflictKind.DECLARED_BY_TEACHER else stored


def remove_conflict(session: Session, *, actor: Actor, conflict_id: int) -> None:
    """Remove a declared conflict of interest (office, ``round.manage``), while the round
    is not published; audited (``jury.conflict_removed``).

    The juror's assignment removed when the conflict was declared is NOT restored, nor
    are the scores deleted with it: the juror becomes assignable again, and the office
    assigns them (by hand or with the automatic assignment) if it wants them back.
    A conflict found from the schools (``same_school``, ``same_region``) is refused
    (``jury.errors.conflict_automatic``): it is recomputed from the schools and would
    apply again at once; the office waives it instead (:func:`waive_conflict`).
    """
    authorize(session, actor, "round.manage")
    stored = session.get(ConflictOfInterest, conflict_id)
    if stored is None:
        raise NotFound()
    application = find_application(session, stored.application_id)
    refuse_if_published(application.round)
    if stored.kind in AUTOMATIC_KINDS:
        raise Conflict("jury.errors.conflict_automatic")
    audit.record(session, actor=actor, action="jury.conflict_removed", entity_type="application",
                 entity_id=application.id, details={"juror": stored.juror_id, "kind": stored.kind})
    session.delete(stored)
    session.flush()


# --- teachers' declarations waiting for the office -------------------------------------------


def _hold_declaration(session: Session, *, actor: Actor, application: Application, juror: User, note: str) -> None:
    """Keep a teacher's declaration for the office (audited once): the juror saved scores."""
    found = session.scalar(select(ConflictDeclaration).where(ConflictDeclaration.juror_id == juror.id,
                                                             ConflictDeclaration.application_id == application.id))
    if found is not None:
        return
    session.add(ConflictDeclaration(juror_id=juror.id, application_id=application.id, note=note, created_by=actor.id))
    audit.record(session, actor=actor, action="jury.conflict_pending", entity_type="application",
                 entity_id=application.id, details={"juror": juror.id, "note": bool(note)})
    session.flush()


@dataclass(frozen=True)
class PendingDeclaration:
    """A teacher's declaration waiting for the office, with what confirming it removes."""

    id: int
    juror_id: int
    juror_name: str
    application_id: int
    application_title: str
    teacher_name: str
    note: str
    created_at: datetime
    #: The juror's saved scores on the application (removed if the office confirms).
    scores: int
    submitted: bool


def pending_declarations(session: Session, *, actor: Actor, round_id: int) -> list[PendingDeclaration]:
    """The teachers' declarations of a round waiting for the office (``round.manage``)."""
    authorize(session, actor, "round.manage")
    teacher = aliased(User)
    rows = session.execute(
        select(ConflictDeclaration, User.display_name, Project.title, teacher.display_name)
        .join(Application, Application.id == ConflictDeclaration.application_id)
        .join(Project, Project.id == Application.project_id)
        .join(User, User.id == ConflictDeclaration.juror_id)
        .outerjoin(teacher, teacher.id == Application.teacher_id)
        .where(Application.round_id == round_id)
        .order_by(ConflictDeclaration.application_id, ConflictDeclaration.juror_id)).all()
    found = []
    for declaration, juror_name, title, teacher_name in rows:
        assignment = session.scalar(select(Assignment).where(Assignment.application_id == declaration.application_id,
                                                             Assignment.juror_id == declaration.juror_id))
        found.append(PendingDeclaration(
            id=declaration.id, juror_id=declaration.juror_id, juror_name=juror_name,
            application_id=declaration.application_id, application_title=title, teacher_name=teacher_name or "",
            note=declaration.note, created_at=declaration.created_at,
            scores=len(assignment.scores) if assignment is not None else 0,
            submitted=assignment is not None and assignment.submitted_at is not None))
    return found


def _declaration(session: Session, declaration_id: int) -> tuple[ConflictDeclaration, Application]:
    found = session.get(ConflictDeclaration, declaration_id)
    if found is None:
        raise NotFound()
    application = find_application(session, found.application_id)
    refuse_if_published(application.round)
    return found, application


def confirm_declaration(session: Session, *, actor: Actor, declaration_id: int, confirm: bool = False
                        ) -> ConflictOfInterest:
    """The office accepts a teacher's waiting declaration (``round.manage``): the conflict
    is stored (``declared_by_teacher``) and the juror taken off the application with
    their scores, which needs ``confirm`` as every conflict that removes scores
    (``jury.errors.conflict_removes_scores``; nothing changes without it). Audited."""
    authorize(session, actor, "round.manage")
    declaration, application = _declaration(session, declaration_id)
    juror = session.get(User, declaration.juror_id)
    assert juror is not None  # the declaration goes with the account (ON DELETE CASCADE)
    assignment = session.scalar(select(Assignment).where(Assignment.application_id == application.id,
                                                         Assignment.juror_id == juror.id))
    if assignment is not None and assignment.scores and not confirm:
        raise Conflict("jury.errors.conflict_removes_scores", name=juror.display_name, count=len(assignment.scores))
    stored = stored_conflict(session, juror_id=juror.id, application_id=application.id,
                             kind=ConflictKind.DECLARED_BY_TEACHER)
    if stored is None:
        stored = ConflictOfInterest(juror_id=juror.id, application_id=application.id,
                                    kind=ConflictKind.DECLARED_BY_TEACHER, note=declaration.note,
                                    created_by=declaration.created_by)
        session.add(stored)
    audit.record(session, actor=actor, action="jury.conflict_confirmed", entity_type="application",
                 entity_id=application.id, details={"juror": juror.id, "kind": ConflictKind.DECLARED_BY_TEACHER})
    if assignment is not None:
        audit.record(session, actor=actor, action="jury.unassign", entity_type="application", entity_id=application.id,
                     details={"juror": juror.id, "reason": ConflictKind.DECLARED_BY_TEACHER,
                              "scores": len(assignment.scores), "forced": bool(assignment.scores)})
        session.delete(assignment)
    session.delete(declaration)
    session.flush()
    return stored


def dismiss_declaration(session: Session, *, actor: Actor, declaration_id: int) -> None:
    """The office sets a teacher's waiting declaration aside (``round.manage``): the
    juror keeps the application and their scores. Audited."""
    authorize(session, actor, "round.manage")
    declaration, application = _declaration(session, declaration_id)
    audit.record(session, actor=actor, action="jury.conflict_dismissed", entity_type="application",
                 entity_id=application.id, details={"juror": declaration.juror_id})
    session.delete(declaration)
    session.flush()


# --- waivers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WaiverView:
    id: int
    juror_id: int
    juror_name: str
    application_id: int
    kind: str
    reason: str
    created_at: datetime


def waive_conflict(session: Session, *, actor: Actor, application_id: int, juror_id: int, kind: str,
                   reason: str) -> ConflictWaiver:
    """Let a juror judge one application despite an automatic conflict (``same_school`` or
    ``same_region``) that the schools give (office, ``round.manage``), while the round is
    not published. A reason is required; audited (``jury.conflict_waived``). The stored
    conflict is removed; the juror becomes assignable to this application only."""
    authorize(session, actor, "round.manage")
    application = find_application(session, application_id)
    refuse_if_published(application.round)
    reason = (reason or "").strip()
    errors = []
    if not reason:
        errors.append(FieldError("reason", "errors.required", {}))
    elif len(reason) > REASON_MAX:
        errors.append(FieldError("reason", "errors.too_long", {"max": REASON_MAX}))
    juror = active_juror(session, juror_id)
    school = session.get(School, juror.school_id) if juror.school_id else None
    # Only the automatic kinds are waivable: the standing conflicts play no part here.
    if not rules.waivable(kind, juror_place(juror, school, NO_STANDING), application_place(application),
                          region_conflicts=application.round.region_conflicts):
        errors.append(FieldError("kind", "jury.errors.not_waivable", {"value": str(kind)[:20]}))
    if errors:
        raise InvalidInput(errors)
    found = session.scalar(select(ConflictWaiver).where(
        ConflictWaiver.juror_id == juror.id, ConflictWaiver.application_id == application.id,
        ConflictWaiver.kind == kind))
    if found is not None:
        return found
    waiver = ConflictWaiver(juror_id=juror.id, application_id=application.id, kind=str(kind), reason=reason,
                            created_by=actor.id)
    session.add(waiver)
    stored = stored_conflict(session, juror_id=juror.id, application_id=application.id, kind=kind)
    if stored is not None:
        session.delete(stored)
    audit.record(session, actor=actor, action="jury.conflict_waived", entity_type="application",
                 entity_id=application.id, details={"juror": juror.id, "kind": str(kind), "reason": True})
    session.flush()
    return waiver


def list_waivers(session: Session, *, actor: Actor, round_id: int) -> list[WaiverView]:
    """The waived conflicts of a round's applications (office)."""
    authorize(session, actor, "round.manage")
    rows = session.execute(
        select(ConflictWaiver, User.display_name)
        .join(Application, Application.id == ConflictWaiver.application_id)
        .join(User, User.id == ConflictWaiver.juror_id)
        .where(Application.round_id == round_id)
        .order_by(ConflictWaiver.application_id, ConflictWaiver.juror_id, ConflictWaiver.kind)
    ).all()
    return [WaiverView(w.id, w.juror_id, name, w.application_id, w.kind, w.reason, w.created_at) for w, name in rows]
