"""``assess rubric``: check, list and score rubric files."""

from __future__ import annotations

import json
import unicodedata

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
        raise click.ClickException(exc.message(operator_language())) from None
    except ContentError as exc:
        lang = operator_language()
        raise click.ClickException(t("cli.rubric.installed_problems", lang, problems=exc.message(lang))) from None


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


def _width(text: str) -> int:
    """Columns a text takes in a terminal: wide (East Asian) characters two, combining marks none."""
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _print_result(result, chosen, lang: str) -> None:
    def number(value: float) -> str:
        return format_number(value, lang, digits=2)

    click.echo(t("cli.rubric.heading", lang, title=chosen.title.get(lang), version=chosen.version))
    # A table: the first column (criterion ids, then "gate ID" in the reader's words) and the
    # points are padded here, to the widest cell, so that the columns line up in every language.
    gate_names = [t("cli.rubric.gate_name", lang, id=g.gate_id) for g in result.gates]
    first = max(map(_width, [c.criterion_id for c in result.criteria] + gate_names), default=0)
    points = [t("cli.rubric.independent", lang) if not c.counted else f"{number(c.points)}/{number(c.max_points)}"
              for c in result.criteria]
    minimums = ["" if c.minimum is None else t("cli.rubric.minimum", lang, minimum=c.minimum)
                + ("" if c.meets_minimum else t("cli.rubric.not_met", lang)) for c in result.criteria]
    widest_points, widest_minimum = (max(map(_width, cells), default=0) for cells in (points, minimums))
    for c, shown, minimum in zip(result.criteria, points, minimums, strict=True):
        click.echo(t("cli.rubric.criterion", lang, id=_pad(c.criterion_id, first), level=c.level,
                     points=_pad(shown, widest_points), minimum=_pad(minimum, widest_minimum),
                     name=chosen.criterion(c.criterion_id).name.get(lang)))
    for g, gate_name in zip(result.gates, gate_names, strict=True):
        state = t("cli.rubric.gate_passed" if g.passed else "cli.rubric.gate_failed", lang)
        click.echo(t("cli.rubric.gate", lang, gate=_pad(gate_name, first), level=g.value, minimum=g.minimum,
                     state=state))
    click.echo(t("cli.rubric.total", lang, total=number(result.total), maximum=number(result.maximum),
                 percentage=format_percent(result.percentage / 100, lang, digits=1),
                 pass_mark=number(result.pass_mark)))
    click.echo(t("cli.rubric.verdict", lang, outcome=result.verdict.outcome.value,
                 description=describe_outcome(result.verdict.outcome, lang=lang)))
    for reason in result.verdict.reasons:
        click.echo(f"  - {describe_reason(reason, rubric=chosen, lang=lang)}")
    if result.above_eql_threshold:
        click.echo(t("cli.rubric.above_eql", lang, threshold=number(result.eql_threshold)))
