"""``assess project list`` and ``assess report self-assessment``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from assess.cli.common import LANGUAGE_OPTION, operator_language, reading
from assess.cli.letters import verdicts
from assess.cli.types import ID, OUTPUT_FILE
from assess.domain.permissions import Actor
from assess.files import atomic_output
from assess.i18n import t
from assess.i18n.formats import format_count
from assess.services import projects, self_assessments


@click.group()
def project() -> None:
    """Projects."""


@project.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def project_list(as_json: bool) -> None:
    """List projects with their ids."""
    with reading() as session:
        rows: list[dict[str, Any]] = [
            {
                "id": p.id,
                "title": p.title,
                "teacher": p.owner.email,
                "country": p.school.country if p.school else None,
                "start_date": p.start_date.isoformat(),
                "end_date": p.end_date.isoformat(),
                "partners": [{"school": pp.school.name, "country": pp.school.country} for pp in p.partners],
            }
            for p in projects.list_projects(session, actor=Actor.system())
        ]
    rows.sort(key=lambda r: r["id"])
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    lang = operator_language()
    for r in rows:
        countries = ",".join(sorted({p["country"] for p in r["partners"]}))
        partners = t("cli.project.partners", lang, countries=countries)
        click.echo(f"{r['id']}\t{r['title']}\t{r['teacher']}\t{r['start_date']}..{r['end_date']}\t{partners}")


@click.group()
def report() -> None:
    """PDF reports."""


report.add_command(verdicts)


@report.command("self-assessment")
@click.option("--project", "project_id", type=ID, required=True, help="Project id (see `assess project list`).")
@click.option("--out", type=OUTPUT_FILE, required=True)
@LANGUAGE_OPTION
def report_self_assessment(project_id: int, out: Path, lang: str) -> None:
    """Write the PDF self-assessment report of a project."""
    from assess.reports.self_assessment import render_self_assessment_pdf

    with reading() as session:
        view = self_assessments.report(session, actor=Actor.system(), project_id=project_id)
    pdf = render_self_assessment_pdf(view, lang=lang)
    with atomic_output(out) as partial:
        partial.write_bytes(pdf)
    operator = operator_language()  # the message's language, whatever the PDF's
    click.echo(t("cli.project.wrote", operator, file=out, size=format_count(len(pdf) // 1024, operator)))
