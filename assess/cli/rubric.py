"""``assess rubric``: check, list and score rubric files."""

from __future__ import annotations

import json

import click

from assess.cli.common import LANGUAGE_OPTION, check_command, operator_language
from assess.domain.content import CatalogueError, ContentError
from assess.domain.rubric import RubricCatalogue, load_rubric_file
from assess.domain.scoring import ScoringInputError, describe_outcome, describe_reason, score
from assess.i18n import t
from assess.i18n.formats import format_number, format_percent


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
        raise click.ClickException(t("cli.rubric.installed_problems", operator_language(), problems=exc)) from None


@rubric.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@LANGUAGE_OPTION
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
        marker = t("cli.rubric.default", lang) if r["default"] else ""
        click.echo(f"{r['id']}\t{r['version']}\t{r['title']}{marker}")


def _pairs(values: tuple[str, ...], option: str) -> dict[str, int]:
    lang = operator_language()
    parsed: dict[str, int] = {}
    for value in values:
        key, sep, level = value.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(t("cli.rubric.not_pair", lang, value=value), param_hint=option)
        key = key.strip()
        if key in parsed:
            raise click.BadParameter(t("cli.rubric.twice", lang, key=key), param_hint=option)
        try:
            parsed[key] = int(level)
        except ValueError:
            raise click.BadParameter(t("cli.rubric.bad_level", lang, value=value), param_hint=option) from None
    return parsed


@rubric.command("score")
@click.argument("rubric_id")
@click.option("--level", "levels", multiple=True, metavar="CRITERION=N", help="Level 0-5 of a criterion; one per criterion.")
@click.option("--gate", "gates", multiple=True, metavar="ID=N", help="Level 0-5 of a gated sub-criterion.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@LANGUAGE_OPTION
def score_(rubric_id: str, levels: tuple[str, ...], gates: tuple[str, ...], as_json: bool, lang: str) -> None:
    """Score a project by hand: points, total, percentage, gates and verdict."""
    catalogue = _catalogue()
    if rubric_id not in catalogue:
        raise click.BadParameter(t("cli.rubric.unknown", lang, rubric=rubric_id, installed=", ".join(r.id for r in catalogue)),
                                param_hint="RUBRIC_ID")
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
            parts.append(t("cli.rubric.missing_levels", lang, ids=", ".join(missing)))
        if missing_gates:
            parts.append(t("cli.rubric.missing_gates", lang, ids=", ".join(missing_gates)))
        raise click.UsageError(t("cli.rubric.missing", lang, parts=t("cli.rubric.and", lang).join(parts)))

    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    _print_result(result, chosen, lang)


def _print_result(result, chosen, lang: str) -> None:
    def number(value: float) -> str:
        return format_number(value, lang, digits=2)

    click.echo(t("cli.rubric.heading", lang, title=chosen.title.get(lang), version=chosen.version))
    for c in result.criteria:
        name = chosen.criterion(c.criterion_id).name.get(lang)
        points = t("cli.rubric.independent", lang) if not c.counted else f"{number(c.points)}/{number(c.max_points)}"
        minimum = ""
        if c.minimum is not None:
            minimum = t("cli.rubric.minimum", lang, minimum=c.minimum) + ("" if c.meets_minimum else t(
                "cli.rubric.not_met", lang))
        click.echo(t("cli.rubric.criterion", lang, id=c.criterion_id, level=c.level, points=points, minimum=minimum,
                     name=name))
    for g in result.gates:
        state = t("cli.rubric.gate_passed" if g.passed else "cli.rubric.gate_failed", lang)
        click.echo(t("cli.rubric.gate", lang, id=g.gate_id, level=g.value, minimum=g.minimum, state=state))
    click.echo(t("cli.rubric.total", lang, total=number(result.total), maximum=number(result.maximum),
                 percentage=format_percent(result.percentage / 100, lang, digits=1),
                 pass_mark=number(result.pass_mark)))
    click.echo(t("cli.rubric.verdict", lang, outcome=result.verdict.outcome.value,
                 description=describe_outcome(result.verdict.outcome, lang=lang)))
    for reason in result.verdict.reasons:
        click.echo(f"  - {describe_reason(reason, rubric=chosen, lang=lang)}")
    if result.above_eql_threshold:
        click.echo(t("cli.rubric.above_eql", lang, threshold=number(result.eql_threshold)))
