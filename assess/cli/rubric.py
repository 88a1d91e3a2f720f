"""``assess rubric``: check, list and score rubric files."""

from __future__ import annotations

import json

import click

from assess.cli.common import check_command
from assess.domain.content import CatalogueError, ContentError
from assess.domain.rubric import RubricCatalogue, load_rubric_file
from assess.domain.scoring import ScoringInputError, describe_outcome, describe_reason, score


@click.group()
def rubric() -> None:
    """Rubrics: criteria x levels 0-5, weights, gates and verdict rules."""


rubric.add_command(check_command(kind="rubric", loader=load_rubric_file))


def _catalogue() -> RubricCatalogue:
    try:
        return RubricCatalogue.from_directory()
    except CatalogueError as exc:
        raise click.ClickException(str(exc)) from None
    except ContentError as exc:
        raise click.ClickException(f"installed rubrics have problems:\n{exc}") from None


@rubric.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True)
def list_(as_json: bool, lang: str) -> None:
    """List installed rubrics with id, version and title."""
    rubrics = [
        {"id": r.id, "version": r.version, "title": r.title.get(lang), "default": r.default}
        for r in _catalogue()
    ]
    if as_json:
        click.echo(json.dumps(rubrics, ensure_ascii=False, indent=2))
        return
    for r in rubrics:
        marker = " (default)" if r["default"] else ""
        click.echo(f"{r['id']}\t{r['version']}\t{r['title']}{marker}")


def _pairs(values: tuple[str, ...], option: str) -> dict[str, int]:
    parsed: dict[str, int] = {}
    for value in values:
        key, sep, level = value.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"'{value}' is not ID=LEVEL", param_hint=option)
        key = key.strip()
        if key in parsed:
            raise click.BadParameter(f"'{key}' given twice", param_hint=option)
        try:
            parsed[key] = int(level)
        except ValueError:
            raise click.BadParameter(f"level in '{value}' must be a whole number from 0 to 5", param_hint=option) from None
    return parsed


@rubric.command("score")
@click.argument("rubric_id")
@click.option("--level", "levels", multiple=True, metavar="CRITERION=N", help="Level 0-5 of a criterion; one per criterion.")
@click.option("--gate", "gates", multiple=True, metavar="ID=N", help="Level 0-5 of a gated sub-criterion.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True)
def score_(rubric_id: str, levels: tuple[str, ...], gates: tuple[str, ...], as_json: bool, lang: str) -> None:
    """Score a project by hand: points, total, percentage, gates and verdict."""
    catalogue = _catalogue()
    if rubric_id not in catalogue:
        raise click.BadParameter(f"unknown rubric '{rubric_id}' (installed: {', '.join(r.id for r in catalogue)})", param_hint="RUBRIC_ID")
    chosen = catalogue.get(rubric_id)
    given_levels = _pairs(levels, "--level")
    given_gates = _pairs(gates, "--gate")
    try:
        result = score(chosen, levels=given_levels, gates=given_gates)
    except ScoringInputError as exc:
        raise click.UsageError(str(exc)) from None
    missing = [c.id for c in chosen.criteria if c.id not in given_levels]
    missing_gates = [g.id for g in chosen.gates if g.id not in given_gates]
    if missing or missing_gates:
        parts = []
        if missing:
            parts.append("--level for " + ", ".join(missing))
        if missing_gates:
            parts.append("--gate for " + ", ".join(missing_gates))
        raise click.UsageError("missing " + " and ".join(parts))

    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"{chosen.title.get(lang)} (version {chosen.version})")
    for c in result.criteria:
        name = chosen.criterion(c.criterion_id).name.get(lang)
        points = "independent" if not c.counted else f"{c.points:g}/{c.max_points:g}"
        minimum = f"  minimum {c.minimum}{'' if c.meets_minimum else ' NOT MET'}" if c.minimum is not None else ""
        click.echo(f"  {c.criterion_id:<24} level {c.level}  {points}{minimum}  {name}")
    for g in result.gates:
        state = "passed" if g.passed else "FAILED"
        click.echo(f"  gate {g.gate_id:<19} level {g.value}  minimum {g.minimum}  {state}")
    click.echo(f"Total: {result.total:g} / {result.maximum:g} ({result.percentage:.1f}%), pass mark {result.pass_mark:g}")
    click.echo(f"Verdict: {result.verdict.outcome.value} - {describe_outcome(result.verdict.outcome, lang=lang)}")
    for reason in result.verdict.reasons:
        click.echo(f"  - {describe_reason(reason, rubric=chosen, lang=lang)}")
    if result.above_eql_threshold:
        click.echo(f"Above the European-label nomination threshold ({result.eql_threshold:g}).")
