"""The European Quality Label: partner labels abroad, eligible projects and nominations.

A project is eligible when it holds this office's national label (a published ``label``
decision) and a partner school holds one in another country: labels in at least two
countries. The office records partner labels by hand or from a CSV file. Which eligible
projects to propose follows the ``eql_rule`` setting: ``automatic`` (all of them) or
``top_share`` (the best ``eql_share`` of them among those above the rubric's nomination
threshold); see :func:`assess.domain.jury.propose_nominations`.

The projects considered for a round: its own labelled applications for a label or
contest round; for a European-label round, every project labelled in a label round of
the same school year (by closing date).
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from assess.domain.countries import COUNTRIES
from assess.domain.ids import parse_id
from assess.domain.jury import (
    EQL_RULES,
    Candidate,
    eql_eligible,
    label_countries,
    nomination_quota,
    propose_nominations,
)
from assess.domain.permissions import Actor
from assess.domain.states import ApplicationStatus
from assess.domain.statistics import csv_writer
from assess.i18n import t
from assess.i18n.formats import country_name
from assess.reports.workbook import Column, Kind, StreamingWorkbook
from assess.services import _settings_values, audit, rounds
from assess.services.access import authorize
from assess.services.errors import FieldError, InvalidInput, NotFound
from assess.storage.models import Application, Decision, EqlNomination, PartnerLabel, Project, Round, utcnow

CSV_MAX_BYTES = 2_000_000
CSV_MAX_ROWS = 10_000
PROJECT_COLUMNS = ("project", "project_id", "project id", "projet", "id")
TWINSPACE_COLUMNS = ("twinspace", "twinspace_url", "twinspace url", "twinspace address", "adresse twinspace")
COUNTRY_COLUMNS = ("country", "pays", "country code")


def _country(value: str) -> str | None:
    code = (value or "").strip().upper()
    return code if code in COUNTRIES else None


def record_partner_label(session: Session, *, actor: Actor, project_id: int, country: str,
                         source: str = "manual") -> PartnerLabel:
    """Record that a partner school of the project holds a national label in ``country``
    (ISO code); recording it twice changes nothing."""
    authorize(session, actor, "eql.manage")
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound()
    code = _country(country)
    if code is None:
        raise InvalidInput([FieldError("country", "errors.unknown_country", {"value": str(country)[:20]})])
    found = session.scalar(select(PartnerLabel).where(PartnerLabel.project_id == project.id, PartnerLabel.country == code))
    if found is not None:
        return found
    stored = PartnerLabel(project_id=project.id, country=code, source=source, created_by=actor.id)
    try:
        with session.begin_nested():
            session.add(stored)
    except IntegrityError:  # recorded at the same moment by someone else
        return session.scalars(select(PartnerLabel).where(PartnerLabel.project_id == project.id,
                                                          PartnerLabel.country == code)).one()
    audit.record(session, actor=actor, action="eql.partner_label", entity_type="project", entity_id=project.id,
                 details={"country": code, "source": source})
    return stored


def remove_partner_label(session: Session, *, actor: Actor, project_id: int, country: str) -> None:
    """Remove a partner label recorded by mistake (office); audited (``eql.partner_label.remove``).
    The project stops being eligible if that label was its only one abroad."""
    authorize(session, actor, "eql.manage")
    code = _country(country)
    found = session.scalar(select(PartnerLabel).where(PartnerLabel.project_id == project_id,
                                                      PartnerLabel.country == code)) if code else None
    if found is None:
        raise NotFound()
    audit.record(session, actor=actor, action="eql.partner_label.remove", entity_type="project", entity_id=project_id,
                 details={"country": code})
    session.delete(found)
    session.flush()


@dataclass(frozen=True)
class PartnerLabelView:
    project_id: int
    project_title: str
    country: str
    source: str
    created_at: datetime


def list_partner_labels(session: Session, *, actor: Actor) -> list[PartnerLabelView]:
    """Every recorded partner label, by project then country (office): what it may remove."""
    authorize(session, actor, "eql.manage")
    rows = session.execute(
        select(PartnerLabel, Project.title).join(Project, Project.id == PartnerLabel.project_id)
        .order_by(PartnerLabel.project_id, PartnerLabel.country)
    ).all()
    return [PartnerLabelView(label.project_id, title, label.country, label.source, label.created_at)
            for label, title in rows]


def partner_labels(session: Session, *, actor: Actor, project_id: int) -> list[str]:
    """The countries where partners of the project hold a recorded national label."""
    authorize(session, actor, "eql.manage")
    return list(session.scalars(select(PartnerLabel.country).where(PartnerLabel.project_id == project_id)
                                .order_by(PartnerLabel.country)))


@dataclass(frozen=True)
class LabelImport:
    rows: int
    added: int
    already: int


def _normalise_address(value: str) -> str:
    return value.strip().rstrip("/").casefold()


def _csv_rows(text: str, delimiter: str) -> list[list[str]]:
    """The file's rows; a row the CSV reader refuses (a field beyond its 128 KiB limit, a
    quote left open) refuses the file with its row number."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error:
        raise InvalidInput([FieldError(f"row {reader.line_num}", "jury.errors.csv_row",
                                       {"row": reader.line_num})]) from None


def import_partner_labels_csv(session: Session, *, actor: Actor, data: bytes) -> LabelImport:
    """Record partner labels from a CSV file (UTF-8, comma or semicolon separated) with a
    header row: a project column (``project`` / ``project_id``: the project's id in the
    suite, or ``twinspace``: its TwinSpace address) and a ``country`` column (ISO code).
    Every row is checked first; any problem refuses the whole file (:class:`InvalidInput`,
    one error per row, field ``row N``) and nothing is stored."""
    authorize(session, actor, "eql.manage")
    if len(data) > CSV_MAX_BYTES:
        raise InvalidInput([FieldError("file", "jury.errors.csv_too_big", {"max": CSV_MAX_BYTES // 1_000_000})])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput([FieldError("file", "jury.errors.csv_encoding", {})]) from None
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = [r for r in _csv_rows(text, delimiter) if any(cell.strip() for cell in r)]
    if not rows:
        raise InvalidInput([FieldError("file", "jury.errors.csv_empty", {})])
    header = [cell.strip().casefold() for cell in rows[0]]

    def column(names: tuple[str, ...]) -> int | None:
        return next((i for i, name in enumerate(header) if name in names), None)

    project_col, twinspace_col, country_col = column(PROJECT_COLUMNS), column(TWINSPACE_COLUMNS), column(COUNTRY_COLUMNS)
    if country_col is None or (project_col is None and twinspace_col is None):
        raise InvalidInput([FieldError("file", "jury.errors.csv_columns", {"found": ", ".join(rows[0])[:200]})])
    if len(rows) - 1 > CSV_MAX_ROWS:
        raise InvalidInput([FieldError("file", "errors.too_many", {"max": CSV_MAX_ROWS})])

    by_address: dict[str, list[int]] = {}
    if twinspace_col is not None:
        for pid, url in session.execute(select(Project.id, Project.twinspace_url)
                                        .where(Project.twinspace_url.is_not(None)).order_by(Project.id)):
            by_address.setdefault(_normalise_address(url or ""), []).append(pid)
    wanted: list[tuple[int, str]] = []
    errors: list[FieldError] = []
    for number, row in enumerate(rows[1:], start=2):
        def cell(index: int | None, row: list[str] = row) -> str:
            return row[index].strip() if index is not None and index < len(row) else ""

        field = f"row {number}"
        project_id = None
        raw_project, raw_address = cell(project_col), cell(twinspace_col)
        if raw_project:
            wanted_id = parse_id(raw_project)  # ASCII digits within the ids' range: not '²', not 10**5000
            if wanted_id is not None and session.get(Project, wanted_id) is not None:
                project_id = wanted_id
            else:
                errors.append(FieldError(field, "jury.errors.csv_project", {"row": number, "value": raw_project[:80]}))
        elif raw_address:
            matches = by_address.get(_normalise_address(raw_address), [])
            if len(matches) == 1:
                project_id = matches[0]
            else:  # none, or several projects registered with the same address: the id is needed
                key = "jury.errors.csv_twinspace" if not matches else "jury.errors.csv_twinspace_ambiguous"
                errors.append(FieldError(field, key, {"row": number, "value": raw_address[:120]}))
        else:
            errors.append(FieldError(field, "jury.errors.csv_no_project", {"row": number}))
        code = _country(cell(country_col))
        if code is None:
            errors.append(FieldError(field, "jury.errors.csv_country", {"row": number, "value": cell(country_col)[:20]}))
        if project_id is not None and code is not None:
            wanted.append((project_id, code))
    if errors:
        raise InvalidInput(errors)
    added = already = 0
    for project_id, code in dict.fromkeys(wanted):
        exists = session.scalar(select(PartnerLabel.id).where(PartnerLabel.project_id == project_id,
                                                              PartnerLabel.country == code))
        if exists:
            already += 1
            continue
        record_partner_label(session, actor=actor, project_id=project_id, country=code, source="csv")
        added += 1
    session.flush()
    audit.record(session, actor=actor, action="eql.import", entity_type="partner_labels", entity_id="csv",
                 details={"rows": len(rows) - 1, "added": added, "already": already})
    return LabelImport(rows=len(rows) - 1, added=added, already=already)


# --- eligibility and proposals -----------------------------------------------------------


@dataclass(frozen=True)
class EqlCandidate:
    """A project with a published national label here, as the European label rules see it."""

    project_id: int
    application_id: int
    title: str
    teacher: str
    home_country: str | None
    #: Every country where it holds a national label (here and partners'), sorted.
    countries: tuple[str, ...]
    total: float
    maximum: float
    percentage: float
    threshold: float
    eligible: bool
    published_at: datetime | None

    @property
    def above_threshold(self) -> bool:
        return self.total > self.threshold

    def to_dict(self) -> dict:
        return {
            "project": self.project_id, "application": self.application_id, "title": self.title,
            "teacher": self.teacher, "home_country": self.home_country, "countries": list(self.countries),
            "total": round(self.total, 2), "maximum": self.maximum, "percentage": round(self.percentage, 2),
            "threshold": self.threshold, "above_threshold": self.above_threshold, "eligible": self.eligible,
        }


def _pool(session: Session, round_: Round) -> list[tuple[Application, Decision]]:
    """The labelled applications a round considers, one per project (the latest)."""
    query = (
        select(Application, Decision)
        .join(Decision, Decision.application_id == Application.id)
        .join(Round, Round.id == Application.round_id)
        .where(Decision.outcome == "label", Decision.published_at.is_not(None), Application.status == ApplicationStatus.SUBMITTED)
        .order_by(Decision.published_at, Application.id)
        .options(selectinload(Application.round), selectinload(Application.project).selectinload(Project.school),
                 selectinload(Application.project).selectinload(Project.owner))
    )
    if round_.kind == "eql":
        # A demonstration project's labels count in demonstration rounds only (assess.services.installation).
        rows = [(a, d) for a, d in session.execute(query.where(Round.kind == "label",
                                                               Round.is_demo.is_(bool(round_.is_demo)))).all()
                if rounds.round_school_year(a.round) == rounds.round_school_year(round_)]
    else:
        rows = list(session.execute(query.where(Application.round_id == round_.id)).all())
    latest: dict[int, tuple[Application, Decision]] = {}
    for application, decision in rows:
        latest[application.project_id] = (application, decision)
    return [latest[k] for k in sorted(latest)]


def candidates(session: Session, *, actor: Actor, round_id: int) -> list[EqlCandidate]:
    """Every project with a published national label the round considers, eligible or not."""
    authorize(session, actor, "eql.manage")
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise NotFound()
    pool = _pool(session, round_)
    labels: dict[int, list[str]] = {}
    if pool:
        for project_id, country in session.execute(select(PartnerLabel.project_id, PartnerLabel.country).where(
                PartnerLabel.project_id.in_([a.project_id for a, _ in pool])).order_by(PartnerLabel.id)):
            labels.setdefault(project_id, []).append(country)
    found = []
    for application, decision in pool:
        project = application.project
        home = project.school.country if project.school else None
        partners = labels.get(project.id, [])
        rubric = rounds.rubric_of(application.round)
        found.append(EqlCandidate(
            project_id=project.id, application_id=application.id, title=project.title,
            teacher=project.owner.display_name, home_country=home,
            countries=label_countries(home_country=home, partner_countries=partners),
            total=decision.total, maximum=rubric.maximum, percentage=decision.percentage,
            threshold=rubric.eql.nomination_threshold,
            eligible=eql_eligible(home_country=home, partner_countries=partners),
            published_at=decision.published_at,
        ))
    return found


def eligible_projects(session: Session, *, actor: Actor, round_id: int) -> list[EqlCandidate]:
    """The projects eligible for the European label: national labels in two countries at least."""
    return [c for c in candidates(session, actor=actor, round_id=round_id) if c.eligible]


@dataclass(frozen=True)
class Proposals:
    round_id: int
    rule: str
    share: float
    quota: int | None  # None for the automatic rule
    candidates: tuple[EqlCandidate, ...]
    proposed: tuple[EqlCandidate, ...]

    @property
    def eligible(self) -> tuple[EqlCandidate, ...]:
        return tuple(c for c in self.candidates if c.eligible)

    def to_dict(self) -> dict:
        return {
            "round": self.round_id, "rule": self.rule, "share": self.share, "quota": self.quota,
            "eligible": [c.to_dict() for c in self.eligible],
            "not_eligible": [c.to_dict() for c in self.candidates if not c.eligible],
            "proposed": [c.application_id for c in self.proposed],
        }


def proposals(session: Session, *, actor: Actor, round_id: int) -> Proposals:
    """The nominations the rules propose, best first (the ``eql_rule`` and ``eql_share`` settings)."""
    found = candidates(session, actor=actor, round_id=round_id)
    rule = str(_settings_values.get(session, "eql_rule"))
    if rule not in EQL_RULES:
        rule = "top_share"
    share = float(_settings_values.get(session, "eql_share"))
    keys = propose_nominations(
        [Candidate(key=c.project_id, total=c.total, maximum=c.maximum, threshold=c.threshold, eligible=c.eligible)
         for c in found],
        rule=rule, share=share,
    )
    by_key: dict[Hashable, EqlCandidate] = {c.project_id: c for c in found}
    quota = nomination_quota(share=share, eligible=sum(c.eligible for c in found)) if rule == "top_share" else None
    return Proposals(round_id=round_id, rule=rule, share=share, quota=quota, candidates=tuple(found),
                     proposed=tuple(by_key[k] for k in keys))


# --- the office's word on each proposal ----------------------------------------------------------

REASON_MAX = 2_000


@dataclass(frozen=True)
class Nomination:
    """An eligible project of a round as the office nominates it: what the rules propose
    and what the office said (None: not yet confirmed nor overridden)."""

    candidate: EqlCandidate
    proposed: bool
    #: The office's word: True nominated, False left out, None not given yet.
    decided: bool | None
    overrides: bool
    reason: str
    decided_at: datetime | None

    @property
    def application_id(self) -> int:
        return self.candidate.application_id

    @property
    def nominated(self) -> bool:
        """Nominated: as the office said, else as the rules propose."""
        return self.proposed if self.decided is None else self.decided

    @property
    def state(self) -> str:
        """``proposed`` (waiting for the office), ``confirmed`` or ``overridden``;
        ``not_proposed`` for an eligible project the rules leave out and nobody touched."""
        if self.decided is None:
            return "proposed" if self.proposed else "not_proposed"
        return "overridden" if self.overrides else "confirmed"

    def to_dict(self) -> dict:
        return {**self.candidate.to_dict(), "proposed": self.proposed, "state": self.state,
                "nominated": self.nominated, "reason": self.reason}


def nominations(session: Session, *, actor: Actor, round_id: int, read: Proposals | None = None) -> list[Nomination]:
    """Every eligible project of the round, best first, with the rules' proposal and the
    office's word (confirmed, overridden with its reason, or still to give). ``read``: the
    round's :func:`proposals` when the caller has them already (a page showing both), so
    they are not worked out again."""
    if read is None or read.round_id != round_id:
        found = proposals(session, actor=actor, round_id=round_id)
    else:
        authorize(session, actor, "eql.manage")
        found = read
    proposed = {c.application_id for c in found.proposed}
    words = {n.application_id: n for n in session.scalars(
        select(EqlNomination).where(EqlNomination.round_id == round_id))}
    listed = []
    for c in sorted(found.eligible, key=lambda c: (-c.total, c.application_id)):
        word = words.get(c.application_id)
        listed.append(Nomination(candidate=c, proposed=c.application_id in proposed,
                                 decided=None if word is None else word.nominated,
                                 overrides=bool(word and word.overrides), reason=word.reason if word else "",
                                 decided_at=word.decided_at if word else None))
    return listed


def decide_nomination(session: Session, *, actor: Actor, round_id: int, application_id: int, nominate: bool,
                      reason: str = "") -> Nomination:
    """The office's word on one eligible application of the round: ``nominate`` as the
    rules propose confirms the proposal; the other way overrides it and needs a
    ``reason`` (:class:`InvalidInput` on ``reason`` otherwise). Saying it again replaces
    the earlier word. Audited (``eql.nomination.confirm`` / ``eql.nomination.override``).
    An application that is not eligible in the round: :class:`NotFound`."""
    authorize(session, actor, "eql.manage")
    found = next((n for n in nominations(session, actor=actor, round_id=round_id)
                  if n.application_id == application_id), None)
    if found is None:
        raise NotFound()
    return _record_word(session, actor=actor, round_id=round_id, found=found, nominate=nominate, reason=reason)


def _record_word(session: Session, *, actor: Actor, round_id: int, found: Nomination, nominate: bool,
                 reason: str = "") -> Nomination:
    """Store and audit the office's word on ``found`` (one of :func:`nominations`), and
    return it as :func:`nominations` would now list it (the rules' proposal does not
    depend on the office's word, so nothing else is read again)."""
    reason = (reason or "").strip()
    overrides = bool(nominate) != found.proposed
    if overrides and not reason:
        raise InvalidInput([FieldError("reason", "jury.errors.eql_reason_required", {})])
    if len(reason) > REASON_MAX:
        raise InvalidInput([FieldError("reason", "errors.too_long", {"max": REASON_MAX})])
    application_id = found.application_id
    stored = session.scalar(select(EqlNomination).where(EqlNomination.round_id == round_id,
                                                        EqlNomination.application_id == application_id))
    if stored is None:
        stored = EqlNomination(round_id=round_id, application_id=application_id)
        session.add(stored)
    stored.nominated, stored.overrides, stored.reason = bool(nominate), overrides, reason
    stored.decided_by, stored.decided_at = actor.id, utcnow()
    session.flush()
    audit.record(session, actor=actor, action="eql.nomination.override" if overrides else "eql.nomination.confirm",
                 entity_type="application", entity_id=application_id,
                 details={"round": round_id, "nominated": bool(nominate), "proposed": found.proposed,
                          **({"reason": reason} if overrides else {})})
    return dataclasses.replace(found, decided=stored.nominated, overrides=stored.overrides, reason=stored.reason,
                               decided_at=stored.decided_at)


def confirm_proposals(session: Session, *, actor: Actor, round_id: int) -> int:
    """Confirm, in one go, every proposal of the round the office has not yet spoken on
    (each audited as if confirmed by hand). Returns how many. The round's nominations are
    read once, not again for each proposal confirmed."""
    count = 0
    for found in nominations(session, actor=actor, round_id=round_id):
        if found.decided is None and found.proposed:
            _record_word(session, actor=actor, round_id=round_id, found=found, nominate=True)
            count += 1
    return count


# --- exports -------------------------------------------------------------------------------------

NOMINATION_FORMATS = ("csv", "xlsx")


def nomination_columns(lang: str) -> list[Column]:
    def column(key: str, kind: Kind = Kind.TEXT, width: float = 14.0) -> Column:
        return Column(t(f"eql_export.{key}", lang), kind, width)

    return [column("application", Kind.INTEGER, 11), column("project", Kind.INTEGER, 9),
            column("title", width=40), column("teacher", width=24), column("countries", width=24),
            column("total", Kind.NUMBER, 9), column("maximum", Kind.NUMBER, 9), column("threshold", Kind.NUMBER, 10),
            column("proposed", Kind.BOOLEAN, 10), column("state", width=14), column("nominated", Kind.BOOLEAN, 11),
            column("reason", width=48)]


def nomination_rows(listed: list[Nomination], lang: str) -> list[list]:
    return [[n.application_id, n.candidate.project_id, n.candidate.title, n.candidate.teacher,
             ", ".join(country_name(code, lang) for code in n.candidate.countries),
             round(n.candidate.total, 2), n.candidate.maximum, n.candidate.threshold, n.proposed,
             t(f"eql_export.states.{n.state}", lang), n.nominated, n.reason] for n in listed]


def export_nominations(session: Session, *, actor: Actor, round_id: int, kind: str, out: IO, lang: str = "en") -> int:
    """Write the round's eligible projects with the rules' proposal and the office's word
    as CSV (``out``: text, opened with ``newline=""``) or XLSX (``out``: binary), every
    cell typed, none a formula (:func:`write_nominations`). Requires ``eql.manage``; not
    audited (reading them is not). Returns the rows written."""
    _nomination_format(kind)
    return write_nominations(nominations(session, actor=actor, round_id=round_id), kind=kind, out=out, lang=lang)


def write_nominations(listed: list[Nomination], *, kind: str, out: IO, lang: str = "en") -> int:
    """Write nominations already read (:func:`nominations`, which checks the permission)
    as :func:`export_nominations` does, without reading them again: a page that shows
    them makes its files from what it shows. Returns the rows written."""
    _nomination_format(kind)
    columns, rows = nomination_columns(lang), nomination_rows(listed, lang)
    if kind == "csv":
        writer = csv_writer(out)
        writer.writerow([c.header for c in columns])
        writer.writerows(rows)
    else:
        with StreamingWorkbook() as book:
            book.table(t("eql_export.sheet", lang), columns, rows)
            book.save(out)
    return len(rows)


def _nomination_format(kind: str) -> None:
    if kind not in NOMINATION_FORMATS:
        raise InvalidInput([FieldError("kind", "exports.errors.what", {"value": kind,
                                                                       "known": ", ".join(NOMINATION_FORMATS)})])
