"""The national jury from the command line: ``assess round list``, ``assess jury assign`` and
``assess jury reassign``, ``assess stats reliability`` and ``assess eql`` (proposals, partner
labels). Each runs as the office (system actor)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import click

from assess import stats
from assess.cli.common import LANGUAGE_OPTION, reading, transaction
from assess.cli.types import ID, LANGUAGE, OUTPUT_FILE
from assess.domain.permissions import Actor
from assess.files import atomic_output
from assess.i18n import t
from assess.i18n.formats import format_date, format_number, format_percent
from assess.services import eql as eql_service
from assess.services import jury as jury_service
from assess.services import rounds, search
from assess.services.errors import Conflict, ServiceError

LANG = click.option("--lang", type=LANGUAGE, default="en", show_default=True)
JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
ROUND = click.option("--round", "round_id", type=ID, required=True, help="Round id (see `assess round list`).")


def _echo_json(document) -> None:
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


@click.group("round")
def round_group() -> None:
    """Jury rounds: label sessions, contests, European label nominations."""


@round_group.command("list")
@JSON
@LANG
def round_list(as_json: bool, lang: str) -> None:
    """List rounds with their ids, dates (the scoring deadline too, when set), status and number of
    applications."""
    with reading() as session:
        found = rounds.list_rounds(session, actor=Actor.system())
    if as_json:
        _echo_json([r.to_dict() for r in found])
        return
    if not found:
        click.echo(t("jury.cli.no_rounds", lang))
    for r in found:
        line = t("jury.cli.round_line", lang, id=r.id, name=r.name, kind=t(f"jury.kind.{r.kind}", lang),
                 opens_on=format_date(r.opens_on, lang), closes_on=format_date(r.closes_on, lang),
                 status=t(f"jury.status.{r.status.value}", lang), applications=r.applications,
                 rubric=f"{r.rubric_id} {r.rubric_version}")
        if r.scoring_deadline is not None:
            line += "  " + t("jury.cli.round_deadline", lang, date=format_date(r.scoring_deadline, lang))
        click.echo(line)


@click.group("jury")
def jury_group() -> None:
    """The jury: assigning jurors to applications, moving applications between jurors."""


def ask_to_confirm(asked: ServiceError, hint: str, lang: str) -> click.ClickException:
    """A service's question before scores go, as the command line asks it: the question,
    then how to answer it (``hint``: the catalogue's "add --confirm..." for this command)."""
    return click.ClickException(f"{asked.message(lang)} {t(hint, lang)}")


@jury_group.command("assign")
@ROUND
@click.option("--per-application", type=click.IntRange(1, rounds.PER_APPLICATION_MAX), default=None,
              help="Jurors per application (default: the round's).")
@JSON
@LANG
def jury_assign(round_id: int, per_application: int | None, as_json: bool, lang: str) -> None:
    """Assign jurors automatically (balanced loads, no conflict, earlier assignments kept);
    print each juror's load and the applications left short, with the reason."""
    with transaction() as session:
        no_juror = not jury_service.jurors_for_round(session, actor=Actor.system(), round_id=round_id)
        report = jury_service.auto_assign(session, actor=Actor.system(), round_id=round_id,
                                          per_application=per_application)
    if as_json:
        _echo_json(report.to_dict(lang=lang))
        return
    if no_juror:
        click.echo(t("jury.cli.no_juror", lang))
    click.echo(t("jury.cli.assign_done", lang, round=report.round_id, count=len(report.created),
                 per_application=report.per_application))
    if report.conflicts_found:
        click.echo(t("jury.cli.conflicts_found", lang, count=report.conflicts_found))
    for juror, application in report.removed:
        click.echo(t("jury.cli.removed", lang, juror=juror, application=application))
    for juror, application in report.conflicted_kept:
        click.echo(t("jury.cli.conflicted_kept", lang, juror=juror, application=application))
    if report.loads:
        click.echo(t("jury.cli.loads", lang))
        for juror, load in sorted(report.loads.items()):
            click.echo(t("jury.cli.load_line", lang, name=report.juror_names.get(juror, ""), id=juror, load=load))
    if report.shortages:
        click.echo(t("jury.cli.short", lang))
        for line in report.explain(lang):
            click.echo(f"  {line}")
    else:
        click.echo(t("jury.cli.short_none", lang))


@jury_group.command("reassign")
@ROUND
@click.option("--from", "from_juror", type=ID, required=True, help="The juror whose applications move (account id).")
@click.option("--to", "to_juror", type=ID, default=None, help="The juror who takes them (account id).")
@click.option("--application", "application_ids", type=ID, multiple=True,
              help="Move this application (repeatable). Default: every application of --from chosen by --find "
                   "and --state.")
@click.option("--find", "text", default="", help="Only the applications whose project title, school, teacher or "
                                                 "number match every word.")
@click.option("--state", type=click.Choice(search.WORK_STATES), default="all", show_default=True,
              help="Only the applications on which the juror saved no score (not_started), saved some without "
                   "submitting (started), or submitted.")
@click.option("--list", "list_only", is_flag=True, help="List the chosen applications; move nothing.")
@click.option("--confirm", is_flag=True, help="Move them even when the scores the old juror saved on them are deleted.")
@JSON
@LANGUAGE_OPTION
def jury_reassign(round_id: int, from_juror: int, to_juror: int | None, application_ids: tuple[int, ...], text: str,
                  state: str, list_only: bool, confirm: bool, as_json: bool, lang: str) -> None:
    """Move applications of a round from one juror to another, all or none: each must be
    allowed to the new juror (no conflict of interest, within their maximum); the old
    juror's saved scores go only with --confirm. Without --application, the juror's
    applications chosen by --find and --state move."""
    if application_ids and (text or state != "all"):
        raise click.UsageError(t("jury.cli.reassign_either", lang))
    if list_only:
        with reading() as session:
            found = search.assigned_applications(session, actor=Actor.system(), round_id=round_id,
                                                 juror_id=from_juror, text=text, state=state,
                                                 limit=jury_service.REASSIGN_MAX)
        rows = [r for r in found.rows if not application_ids or r.application_id in application_ids]
        if as_json:
            _echo_json([{"application": r.application_id, "project": r.project_title, "teacher": r.teacher,
                         "scores": r.scores, "submitted": r.submitted} for r in rows])
            return
        if not rows:
            click.echo(t("jury.cli.reassign_none_match", lang, juror=from_juror))
        for r in rows:
            state_word = t(f"jury.cli.work_state.{'submitted' if r.submitted else 'started' if r.scores else 'not_started'}",
                           lang)
            click.echo(t("jury.cli.reassign_line", lang, application=r.application_id, title=r.project_title,
                         teacher=r.teacher, scores=r.scores, state=state_word))
        return
    if to_juror is None:  # only --list goes without --to
        raise click.UsageError(t("jury.cli.reassign_to", lang))
    with transaction() as session:
        ids = list(application_ids)
        if not ids:
            ids = search.assigned_applications(session, actor=Actor.system(), round_id=round_id, juror_id=from_juror,
                                               text=text, state=state, limit=1).ids
            if not ids:
                raise click.ClickException(t("jury.cli.reassign_none_match", lang, juror=from_juror))
        try:
            done = jury_service.reassign(session, actor=Actor.system(), round_id=round_id, from_juror_id=from_juror,
                                         to_juror_id=to_juror, application_ids=ids, confirm=confirm)
        except jury_service.ReassignmentDropsScores as asked:
            raise ask_to_confirm(asked, "jury.cli.reassign_confirm", lang) from None
    if as_json:
        _echo_json(done.to_dict())
        return
    click.echo(t("jury.cli.reassigned", lang, count=len(done.moved), source=done.from_name, target=done.to_name,
                 ids=", ".join(str(i) for i in done.moved)))
    if done.scores_dropped:
        click.echo(t("jury.cli.reassign_dropped", lang, count=done.scores_dropped, name=done.from_name))


@jury_group.group("standing")
def standing_group() -> None:
    """Standing conflicts of interest: a juror who never judges a teacher's or a school's
    applications, in any round."""


def _standing_line(found: jury_service.StandingConflictView, lang: str) -> str:
    note = f" - {found.note}" if found.note else ""
    return t("jury.cli.standing_line", lang, id=found.id, juror=found.juror_name, juror_id=found.juror_id,
             about=found.about(lang), relation=t(f"jury.standing_relation.{found.relation}", lang),
             origin=t(f"jury.standing_origin.{found.origin}", lang), note=note)


@standing_group.command("list")
@click.option("--juror", "juror_id", type=ID, default=None, help="Only this juror's (account id).")
@JSON
@LANGUAGE_OPTION
def standing_list(juror_id: int | None, as_json: bool, lang: str) -> None:
    """List the standing conflicts, with the names of the jurors, teachers and schools."""
    with reading() as session:
        found = jury_service.list_standing_conflicts(session, actor=Actor.system(), juror_id=juror_id)
    if as_json:
        _echo_json([{"id": s.id, "juror": s.juror_id, "juror_name": s.juror_name, "teacher": s.teacher_id,
                     "teacher_name": s.teacher_name or None, "school": s.school_id, "school_name": s.school_name or None,
                     "school_country": s.school_country or None, "relation": s.relation, "origin": s.origin,
                     "note": s.note} for s in found])
        return
    if not found:
        click.echo(t("jury.cli.standing_none", lang))
    for s in found:
        click.echo(_standing_line(s, lang))


@standing_group.command("add")
@click.option("--juror", "juror_id", type=ID, required=True, help="The juror (account id).")
@click.option("--teacher", default=None, help="The teacher: account id or e-mail address.")
@click.option("--school", "school_id", type=ID, default=None, help="The school (id).")
@click.option("--relation", type=click.Choice(["personal", "former_colleague", "other"]), required=True,
              help="Why: personal (family, partner, friend), former_colleague, or other (say it in --note).")
@click.option("--note", default="", help="What the office knows (kept with the conflict).")
@click.option("--confirm", is_flag=True, help="Record it even when the scores the juror saved on those "
                                              "applications are removed.")
@LANGUAGE_OPTION
def standing_add(juror_id: int, teacher: str | None, school_id: int | None, relation: str, note: str, confirm: bool,
                 lang: str) -> None:
    """Record that a juror never judges a teacher's or a school's applications, in this round
    and every later one; the juror is taken off those they have in unpublished rounds."""
    if (teacher is None) == (school_id is None):
        raise click.UsageError(t("jury.cli.standing_either", lang))
    named: dict = {"school_id": school_id}
    if teacher is not None:
        text = teacher.strip()
        named = {"teacher_id": int(text)} if text.isascii() and text.isdigit() and len(text) < 19 else {"teacher_email": text}
    with transaction() as session:
        try:
            found = jury_service.record_standing_conflict(session, actor=Actor.system(), juror_id=juror_id,
                                                          relation=relation, note=note, confirm=confirm, **named)
        except Conflict as asked:
            if asked.key != "jury.errors.standing_removes_scores":
                raise
            raise ask_to_confirm(asked, "jury.cli.standing_confirm", lang) from None
    click.echo(t("jury.cli.standing_recorded", lang, id=found.id, juror=found.juror_name, about=found.about(lang)))


@standing_group.command("remove")
@click.argument("standing_id", type=ID)
@LANGUAGE_OPTION
def standing_remove(standing_id: int, lang: str) -> None:
    """Remove a standing conflict (see `assess jury standing list`)."""
    with transaction() as session:
        jury_service.remove_standing_conflict(session, actor=Actor.system(), standing_id=standing_id)
    click.echo(t("jury.cli.standing_removed", lang, id=standing_id))


@jury_group.group("declarations")
def declarations_group() -> None:
    """Teachers' declarations of a conflict of interest with a juror who already saved
    scores: they wait for the office, which confirms or sets them aside."""


@declarations_group.command("list")
@click.option("--round", "round_id", type=ID, required=True, help="The round.")
@JSON
@LANGUAGE_OPTION
def declarations_list(round_id: int, as_json: bool, lang: str) -> None:
    """List the round's declarations waiting for the office, with names and titles."""
    with reading() as session:
        found = jury_service.pending_declarations(session, actor=Actor.system(), round_id=round_id)
    if as_json:
        _echo_json([{"id": d.id, "application": d.application_id, "title": d.application_title,
                     "teacher": d.teacher_name, "juror": d.juror_id, "juror_name": d.juror_name, "scores": d.scores,
                     "submitted": d.submitted, "note": d.note} for d in found])
        return
    if not found:
        click.echo(t("jury.cli.declarations_none", lang))
    for d in found:
        click.echo(t("jury.cli.declaration_line", lang, id=d.id, application=d.application_id, title=d.application_title,
                     teacher=d.teacher_name, juror=d.juror_name, juror_id=d.juror_id, count=d.scores,
                     state=t("jury.cli.declaration_submitted", lang) if d.submitted else "",
                     note=f" - {d.note}" if d.note else ""))


@declarations_group.command("confirm")
@click.argument("declaration_id", type=ID)
@click.option("--confirm", is_flag=True, help="Confirm it even though the juror's saved scores on the "
                                              "application are removed.")
@LANGUAGE_OPTION
def declarations_confirm(declaration_id: int, confirm: bool, lang: str) -> None:
    """Accept a declaration: the conflict is recorded and the juror taken off the application."""
    with transaction() as session:
        try:
            stored = jury_service.confirm_declaration(session, actor=Actor.system(), declaration_id=declaration_id,
                                                      confirm=confirm)
        except Conflict as asked:
            if asked.key != "jury.errors.conflict_removes_scores":
                raise
            raise ask_to_confirm(asked, "jury.cli.declaration_confirm", lang) from None
        application = stored.application_id
    click.echo(t("jury.cli.declaration_confirmed", lang, id=declaration_id, application=application))


@declarations_group.command("dismiss")
@click.argument("declaration_id", type=ID)
@LANGUAGE_OPTION
def declarations_dismiss(declaration_id: int, lang: str) -> None:
    """Set a declaration aside: the juror keeps the application and their scores."""
    with transaction() as session:
        jury_service.dismiss_declaration(session, actor=Actor.system(), declaration_id=declaration_id)
    click.echo(t("jury.cli.declaration_dismissed", lang, id=declaration_id))


@click.group("stats")
def stats_group() -> None:
    """Statistics on the jury's work."""


def _number(value: float | None, lang: str, digits: int = 3) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else \
        format_number(value, lang, digits=digits)


@stats_group.command("reliability")
@ROUND
@JSON
@LANG
def stats_reliability(round_id: int, as_json: bool, lang: str) -> None:
    """Per criterion, Krippendorff's alpha (ordinal) across jurors with its reading; per
    juror, their severity (mean deviation from their co-jurors), flagged beyond the
    ``severity_threshold`` setting."""
    with reading() as session:
        result = jury_service.reliability(session, actor=Actor.system(), round_id=round_id)
    if as_json:
        _echo_json(result.to_dict(lang=lang))
        return
    click.echo(t("jury.cli.reliability", lang, round=result.round_id))
    for item in result.items:
        click.echo(t("jury.cli.alpha_line", lang, name=result.rubric.item(item.item_id).name.get(lang),
                     alpha=_number(item.alpha, lang), reading=t(f"jury.reading.{item.reading}", lang)))
        if item.reason:
            reason = stats.reason_text(item.reason, lang, pairable_values=item.pairable, equal_value=item.equal_value)
            click.echo(t("jury.cli.alpha_reason", lang, reason=reason))
    click.echo(t("jury.cli.severity", lang, threshold=format_number(result.severity_threshold, lang, digits=2)))
    if not result.jurors:
        click.echo("  " + t("jury.cli.no_scores", lang))
    for juror in result.jurors:
        if juror.mean_deviation is None:
            click.echo(t("jury.cli.severity_none", lang, name=juror.name))
            continue
        deviation = ("+" if juror.mean_deviation > 0 else "") + _number(juror.mean_deviation, lang, 2)
        line = t("jury.cli.severity_line", lang, name=juror.name, deviation=deviation, compared=juror.compared,
                 applications=juror.applications)
        click.echo(f"{line}  [{t('jury.cli.flagged', lang)}]" if juror.flagged else line)


def _read_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise click.ClickException(t("cli.cannot_access", "en", path=path, reason=error.strerror or error)) from None


def _label(value: str) -> tuple[int, str]:
    """PROJECT:COUNTRY, e.g. 12:IE."""
    project, _, country = value.partition(":")
    try:
        return ID.convert(project, None, None), country.strip().upper()
    except click.BadParameter:
        raise click.BadParameter(f"'{value}': give PROJECT:COUNTRY, e.g. 12:IE", param_hint="--remove-label") from None


def _applications(values: tuple[str, ...]) -> list[int] | None:
    """Application ids given to ``option``; None for ``all``."""
    if any(v.strip().casefold() == "all" for v in values):
        return None
    return [ID.convert(v, None, None) for v in values]


@click.command("eql")
@click.option("--round", "round_id", type=ID, default=None,
              help="Round id (see `assess round list`): print its proposals. Required unless only labels are "
                   "listed or removed.")
@click.option("--labels", "labels_path", type=click.Path(dir_okay=False), default=None,
              help="First record partner labels from this CSV file (a project or twinspace column, and a country "
                   "column); any problem refuses the whole file.")
@click.option("--remove-label", "removals", multiple=True, metavar="PROJECT:COUNTRY",
              help="Remove a partner label recorded by mistake (repeatable), e.g. 12:IE.")
@click.option("--labels-list", "list_labels", is_flag=True, help="List the recorded partner labels.")
@click.option("--confirm", "confirmed", multiple=True, metavar="APPLICATION|all",
              help="Confirm the rules' proposal for this application (repeatable), or for every one not yet "
                   "confirmed or overridden.")
@click.option("--override", "overridden", multiple=True, type=ID, metavar="APPLICATION",
              help="Decide otherwise than the rules propose for this application (nominate it if not proposed, "
                   "leave it out if proposed); needs --reason.")
@click.option("--reason", default="", help="Why the office overrides the proposal.")
@click.option("--export", "export_path", type=OUTPUT_FILE, default=None,
              help="Write the round's eligible projects, proposals and the office's decisions (.csv or .xlsx).")
@JSON
@LANG
def eql(round_id: int | None, labels_path: str | None, removals: tuple[str, ...], list_labels: bool,
        confirmed: tuple[str, ...], overridden: tuple[int, ...], reason: str, export_path: Path | None,
        as_json: bool, lang: str) -> None:
    """European label: the eligible projects (national labels in two countries) and the
    nominations the rules propose (settings ``eql_rule`` and ``eql_share``), by
    application id; the office's confirmations and overrides; the partner labels
    recorded, and removing a wrong one."""
    if round_id is None and not (removals or list_labels):
        raise click.UsageError("Missing option '--round'.")
    wrong = [_label(value) for value in removals]
    to_confirm = _applications(confirmed) if confirmed else []
    data = _read_bytes(labels_path) if labels_path else None
    imported = None
    decided: list[eql_service.Nomination] = []
    confirmed_count = None
    with transaction() as session:
        if data is not None:
            imported = eql_service.import_partner_labels_csv(session, actor=Actor.system(), data=data)
        for project_id, country in wrong:
            eql_service.remove_partner_label(session, actor=Actor.system(), project_id=project_id, country=country)
        listed = eql_service.list_partner_labels(session, actor=Actor.system()) if list_labels else None
        if round_id is not None:
            # The rules' proposals do not depend on the office's word: read them once, not
            # once per id given (each read works out the whole round).
            proposed = ({n.application_id: n.proposed
                         for n in eql_service.nominations(session, actor=Actor.system(), round_id=round_id)}
                        if overridden or to_confirm else {})
            for application_id in overridden:
                decided.append(eql_service.decide_nomination(
                    session, actor=Actor.system(), round_id=round_id, application_id=application_id,
                    nominate=not proposed.get(application_id, False), reason=reason))
            if to_confirm is None:
                confirmed_count = eql_service.confirm_proposals(session, actor=Actor.system(), round_id=round_id)
            else:
                for application_id in to_confirm:
                    decided.append(eql_service.decide_nomination(
                        session, actor=Actor.system(), round_id=round_id, application_id=application_id,
                        nominate=proposed.get(application_id, True)))
        result = (eql_service.proposals(session, actor=Actor.system(), round_id=round_id)
                  if round_id is not None else None)
        nominations = (eql_service.nominations(session, actor=Actor.system(), round_id=round_id, read=result)
                       if round_id is not None and result is not None else [])
    for project_id, country in wrong:
        click.echo(t("jury.cli.label_removed", lang, project=project_id, country=country))
    if listed is not None:
        if not listed:
            click.echo(t("jury.cli.labels_none", lang))
        for row in listed:
            click.echo(t("jury.cli.label_line", lang, project=row.project_id, title=row.project_title,
                         country=row.country, source=row.source))
    if result is None:
        return
    if export_path is not None and round_id is not None:
        kind = "xlsx" if export_path.suffix.casefold() == ".xlsx" else "csv"
        with atomic_output(export_path) as part, reading() as session:
            if kind == "xlsx":
                with open(part, "wb") as binary:
                    rows = eql_service.export_nominations(session, actor=Actor.system(), round_id=round_id,
                                                          kind=kind, out=binary, lang=lang)
            else:
                with open(part, "w", encoding="utf-8", newline="") as text:
                    rows = eql_service.export_nominations(session, actor=Actor.system(), round_id=round_id,
                                                          kind=kind, out=text, lang=lang)
        click.echo(t("jury.cli.eql_exported", lang, file=export_path, count=rows))
    if as_json:
        document = result.to_dict()
        document["nominations"] = [n.to_dict() for n in nominations]
        if imported is not None:
            document["partner_labels"] = {"rows": imported.rows, "added": imported.added, "already": imported.already}
        _echo_json(document)
        return
    if imported is not None:
        click.echo(t("jury.cli.labels_imported", lang, count=imported.rows, added=imported.added,
                     already=imported.already))
    for done in decided:
        click.echo(t("jury.cli.eql_decided", lang, application=done.application_id,
                     state=t(f"eql_export.states.{done.state}", lang)))
    if confirmed_count is not None:
        click.echo(t("jury.cli.eql_confirmed_all", lang, count=confirmed_count))
    click.echo(t("jury.cli.eql", lang, round=result.round_id, rule=result.rule))
    if result.rule == "automatic":
        click.echo(t("jury.cli.eql_automatic", lang))
    else:
        click.echo(t("jury.cli.eql_top_share", lang, quota=result.quota, count=len(result.eligible),
                     share=format_percent(result.share, lang)))
    if not nominations:
        click.echo(t("jury.cli.eql_none", lang))
    for n in sorted(nominations, key=lambda n: (not n.nominated, -n.candidate.total, n.application_id)):
        c = n.candidate
        click.echo(t("jury.cli.eql_nomination_line", lang, mark="*" if n.nominated else " ",
                     application=n.application_id, project=c.project_id, title=c.title, teacher=c.teacher,
                     total=format_number(c.total, lang, digits=2), maximum=format_number(c.maximum, lang),
                     threshold=format_number(c.threshold, lang), countries=", ".join(c.countries),
                     state=t(f"eql_export.states.{n.state}", lang)))
    others = len(result.candidates) - len(result.eligible)
    if others:
        click.echo(t("jury.cli.eql_not_eligible", lang, count=others))
    if any(n.nominated for n in nominations):
        click.echo(f"  * {t('jury.cli.nominated', lang)}")
