"""``assess survey results``: a project's survey figures and their triangulation, in the terminal."""

from __future__ import annotations

import json

import click

from assess.cli.common import LANGUAGE_OPTION, database
from assess.cli.types import ID
from assess.domain.permissions import Actor
from assess.domain.survey_results import AudienceGap, Figures, GroupResults, TriangulationRow
from assess.i18n import t
from assess.i18n.formats import format_number
from assess.reports.survey import audience_name, percent
from assess.services import survey_release, survey_results
from assess.storage.db import reading


def _number(value: float | None, lang: str) -> str:
    return "—" if value is None else format_number(value, lang, digits=2)


def _criteria_lines(group: GroupResults, rubric, min_group: int, lang: str) -> list[str]:
    lines = [f"  {t('survey_results.cli.criteria', lang)}"]
    for criterion in rubric.criteria:
        figures: Figures | None = group.criteria[criterion.id]
        if figures is None:
            lines.append("    " + t("survey_results.cli.criterion_hidden", lang, name=criterion.name.get(lang),
                                      min=min_group))
            continue
        lines.append("    " + t("survey_results.cli.criterion", lang, name=criterion.name.get(lang),
                                  level=_number(figures.level, lang), mean=_number(figures.mean, lang),
                                  answered=figures.answered))
    return lines


def _gap(gap: AudienceGap, lang: str) -> str:
    name = audience_name(gap.audience, lang)
    if gap.hidden:
        return t("survey_results.cli.gap_hidden", lang, audience=name)
    if gap.level is None:
        return t("survey_results.cli.gap_none", lang, audience=name)
    shown = "—" if gap.gap is None else ("+" if gap.gap > 0 else "") + format_number(gap.gap, lang, digits=2)
    text = t("survey_results.cli.gap", lang, audience=name, level=_number(gap.level, lang), gap=shown)
    return f"{text} {t('survey_results.cli.flagged', lang)}" if gap.flagged else text


def _triangulation_lines(rows: list[TriangulationRow], threshold: float, lang: str) -> list[str]:
    lines = [t("survey_results.cli.triangulation", lang, threshold=format_number(threshold, lang))]
    for row in rows:
        self_level = "—" if row.self_level is None else str(row.self_level)
        parts = [t("survey_results.cli.self", lang, level=self_level)] + [_gap(g, lang) for g in row.audiences]
        if len(row.audiences) > 1:
            parts.append(_gap(row.overall, lang))
        flag = f"  [{t('survey_results.cli.flagged', lang)}]" if row.flagged else ""
        lines.append(f"  {row.name.get(lang)}: " + "; ".join(parts) + flag)
        for item in row.items:
            lines.append("    " + t("survey_results.cli.behind", lang, audience=item.audience, id=item.item_id,
                                    mean=_number(item.mean, lang), answered=item.answered))
    return lines


def _gap_dict(gap: AudienceGap) -> dict:
    return {"audience": gap.audience, "hidden": gap.hidden, "level": gap.level, "gap": gap.gap, "flagged": gap.flagged}


@click.command("results")
@click.option("--project", "project_id", type=ID, required=True, help="Project id (see `assess project list`).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@LANGUAGE_OPTION
def results(project_id: int, as_json: bool, lang: str) -> None:
    """Print a project's survey results per audience, and the triangulation with the self-assessment."""
    with database() as sessions:
        # Campaigns ended by their date release their last waiting responses (survey_release).
        survey_release.release_ended_when_due(sessions, project_id=project_id)
        with reading(sessions) as session:
            rows, found = survey_results.triangulation_with_results(session, actor=Actor.system(), project_id=project_id)
            threshold = survey_results.gap_threshold(session, actor=Actor.system())
    if as_json:
        document = found.to_dict(lang=lang)
        document["triangulation"] = {
            "threshold": threshold,
            "rows": [
                {
                    "criterion": row.criterion_id,
                    "name": row.name.get(lang),
                    "self_level": row.self_level,
                    "flagged": row.flagged,
                    "audiences": [_gap_dict(g) for g in row.audiences],
                    "overall": _gap_dict(row.overall),
                    "items": [{"audience": i.audience, "id": i.item_id, "mean": i.mean, "answered": i.answered}
                              for i in row.items],
                }
                for row in rows
            ],
        }
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return

    lines = [t("survey_results.cli.project", lang, id=found.project_id, title=found.project_title),
             t("survey_results.cli.rubric", lang, rubric=found.rubric.id, version=found.rubric.version), ""]
    for audience in found.audiences:
        lines.append(t("survey_results.cli.audience", lang, audience=audience_name(audience.audience, lang),
                       respondents=audience.respondents))
        if audience.participation is None:
            lines.append(f"  {t('survey_results.cli.participation_none', lang)}")
        else:
            lines.append("  " + t("survey_results.cli.participation", lang, used=audience.codes_used,
                                  issued=audience.codes_issued, rate=percent(audience.participation, lang)))
        if audience.waiting:
            lines.append("  " + t("survey_results.waiting", lang, count=audience.waiting, min=found.min_group))
        if audience.hidden:
            lines.append(f"  {t('survey_results.cli.hidden', lang, min=found.min_group)}")
            lines.append("")
            continue
        if audience.group.hidden_items:
            lines.append("  " + t("survey_results.hidden_items", lang, count=audience.group.hidden_items,
                                  min=found.min_group))
        lines.extend(_criteria_lines(audience.group, found.rubric, found.min_group, lang))
        lines.append(f"  {t('survey_results.cli.items', lang)}")
        for item in audience.group.items:
            if item.figures is None:
                lines.append("    " + t("survey_results.cli.choice", lang, id=item.id, answered=item.choice_answers))
            else:
                f = item.figures
                lines.append("    " + t("survey_results.cli.item", lang, id=item.id, answered=f.answered,
                                        mean=_number(f.mean, lang), agreeing=percent(f.agreeing, lang)))
        lines.append("")
    lines.append(t("survey_results.cli.overall", lang, respondents=found.respondents))
    if found.overall.hidden:
        lines.append(f"  {t('survey_results.cli.hidden', lang, min=found.min_group)}")
    else:
        lines.extend(_criteria_lines(found.overall, found.rubric, found.min_group, lang))
    lines.append("")
    lines.extend(_triangulation_lines(rows, threshold, lang))
    click.echo("\n".join(lines))
