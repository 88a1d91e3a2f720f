"""``assess privacy``: the national office's privacy operations (docs/privacy.md), as the
system actor: the purge of what is past its retention period, a person's data as a ZIP,
and account deletion requests."""

from __future__ import annotations

import json
from pathlib import Path

import click

from assess.cli.common import database, operator_language, progress_bar, reading, transaction
from assess.cli.types import ID, LANGUAGE, OUTPUT_FILE
from assess.domain.permissions import Actor
from assess.files import atomic_output
from assess.i18n import t
from assess.i18n.formats import format_date
from assess.services import privacy


@click.group("privacy")
def privacy_group() -> None:
    """Privacy operations (GDPR): purge, a person's data, account deletions."""


def _print_report(report: privacy.PurgeReport) -> None:
    lang = operator_language()
    key = "privacy.cli.dry_run" if report.dry_run else "privacy.cli.purged"
    click.echo(t(key, lang, total=report.total, months=report.retention_months,
                 audit_months=report.audit_retention_months))
    for kind in report.kinds:
        ages = ", ".join(t("cli.privacy.age_band", lang, band=band, count=count) for band, count in kind.by_age.items())
        click.echo(f"  {t(f'privacy.kinds.{kind.kind}', lang)}: {kind.count}" + (f" ({ages})" if ages else ""))


@privacy_group.command("purge")
@click.option("--dry-run", is_flag=True, help="Only report what would be deleted.")
@click.option("--json", "as_json", is_flag=True, help="The report as one JSON object.")
def purge(dry_run: bool, as_json: bool) -> None:
    """Delete what is past its retention period (settings retention_months and
    audit_retention_months), expired sessions and sign-in throttles. Never a response, an
    application or a decision."""
    actor = Actor.system()
    if dry_run:
        with reading() as session:
            report = privacy.purge_report(session, actor=actor)
    else:
        with database() as sessions:
            report = privacy.purge(sessions, actor=actor)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        _print_report(report)


@privacy_group.command("export")
@click.option("--user", "user_id", type=ID, required=True, help="The account's id (see `assess user list`).")
@click.option("--out", "out", type=OUTPUT_FILE, required=True, help="The ZIP file to write.")
@click.option("--lang", type=LANGUAGE, default=None, help="Language of the PDFs (default: the account's).")
def export(user_id: int, out: Path, lang: str | None) -> None:
    """Write everything stored about one person as a ZIP of JSON files and PDFs."""
    label = t("privacy.cli.rendering", operator_language())
    with atomic_output(out) as part, database() as sessions, progress_bar(label) as progress, open(part, "wb") as handle:
        files = privacy.export_data(sessions, actor=Actor.system(), user_id=user_id, target=handle, lang=lang,
                                    progress=progress)
    click.echo(t("privacy.cli.exported", operator_language(), file=out, files=files))


@privacy_group.command("requests")
@click.option("--json", "as_json", is_flag=True, help="One JSON array.")
def requests(as_json: bool) -> None:
    """Account deletion requests, pending first, with what carrying each out does."""
    with reading() as session:
        found = privacy.deletion_requests(session, actor=Actor.system())
    rows = [{"id": r.id, "user": r.user_id, "status": r.status, "requested_at": r.requested_at.isoformat(),
             "carried_out_at": r.carried_out_at.isoformat() if r.carried_out_at else None, "counts": r.plan}
            for r in found]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    lang = operator_language()
    if not found:
        click.echo(t("privacy.cli.no_requests", lang))
    for r in found:
        counts = ", ".join(f"{k}={v}" for k, v in r.plan.items())
        click.echo(t("cli.privacy.request_line", lang, id=r.id, user=r.user_id, status=r.status,
                     date=format_date(r.requested_at, lang), counts=counts))


@privacy_group.command("delete")
@click.option("--request", "request_id", type=ID, required=True, help="The request's id (see `assess privacy requests`).")
def delete(request_id: int) -> None:
    """Carry out a deletion request (docs/privacy.md says what happens)."""
    with transaction() as session:
        done = privacy.carry_out_deletion(session, actor=Actor.system(), request_id=request_id)
    click.echo(t("privacy.cli.deleted", operator_language(), request=request_id,
                 deleted=done["projects_deleted"], kept=done["projects_kept"]))
