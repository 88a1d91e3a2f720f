"""Survey results as a PDF, and the survey section of the self-assessment report.

Charts are SVG drawn here (as in :mod:`assess.reports.radar`): vector, no fetch, the
same bytes for the same input, every text XML-escaped, so item texts and names from
questionnaire files may reach them safely. Everything the templates show is prepared
here as plain values in the reader's language; the templates stay layout only and
autoescape every value (comments are respondents' text: never marked safe).
"""

from __future__ import annotations

import textwrap
from xml.sax.saxutils import escape

from markupsafe import Markup

from assess.domain.questionnaire import AGREEMENT_POINTS
from assess.domain.rubric import HIGHEST_LEVEL
from assess.domain.survey_results import AudienceGap, Figures, GroupResults, ItemResult, TriangulationRow
from assess.i18n import t
from assess.i18n.formats import format_number, format_percent
from assess.reports.pdf import render_pdf
from assess.reports.views import SurveySectionView

FONT = "DejaVu Sans, sans-serif"
INK, GRID, MUTED = "#1f2937", "#d1d5db", "#6b7280"
#: Scores 1..5, red to green, then "don't know" in grey.
SCALE_COLOURS = ("#dc2626", "#f97316", "#facc15", "#4ade80", "#16a34a")
DONT_KNOW_COLOUR = "#d1d5db"
#: One colour per series of the level charts.
SERIES_COLOURS = {"self": "#1e3a8a", "pupils": "#2563eb", "families": "#d97706", "teachers": "#059669", "all": "#6b7280"}


def _attr(value: str) -> str:
    return escape(value, {'"': "&quot;"})


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value else "0"


def _svg_open(width: float, height: float, title: str, css_class: str) -> list[str]:
    label = _attr(title) if title else "chart"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_num(width)} {_num(height)}" '
        f'width="{_num(width)}" height="{_num(height)}" role="img" aria-label="{label}" '
        f'font-family="{FONT}" class="{css_class}">'
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    return parts


def distribution_svg(distribution: tuple[int, ...] | list[int], dont_know: int = 0, *, width: float = 120,
                     height: float = 9, title: str = "") -> str:
    """One stacked bar: the share of each answer 1..5, then "don't know" in grey."""
    if len(distribution) != len(AGREEMENT_POINTS):
        raise ValueError(f"a distribution has {len(AGREEMENT_POINTS)} counts")
    parts = _svg_open(width, height, title, "distribution")
    total = sum(distribution) + dont_know
    x = 0.0
    if total:
        for n, colour in zip([*distribution, dont_know], [*SCALE_COLOURS, DONT_KNOW_COLOUR], strict=True):
            if not n:
                continue
            w = width * n / total
            parts.append(f'<rect x="{_num(x)}" y="0" width="{_num(w)}" height="{_num(height)}" fill="{colour}"/>')
            x += w
    parts.append(f'<rect x="0" y="0" width="{_num(width)}" height="{_num(height)}" fill="none" stroke="{GRID}" '
                 'stroke-width="0.5"/>')
    parts.append("</svg>")
    return "\n".join(parts)


def share_svg(share: float | None, *, width: float = 80, height: float = 8) -> str:
    """One bar filled to ``share`` (0..1): choice options."""
    parts = _svg_open(width, height, "", "share")
    filled = width * max(0.0, min(share or 0.0, 1.0))
    parts.append(f'<rect x="0" y="0" width="{_num(filled)}" height="{_num(height)}" fill="{SERIES_COLOURS["pupils"]}" '
                 'fill-opacity="0.6"/>')
    parts.append(f'<rect x="0" y="0" width="{_num(width)}" height="{_num(height)}" fill="none" stroke="{GRID}" '
                 'stroke-width="0.5"/>')
    parts.append("</svg>")
    return "\n".join(parts)


def levels_svg(
    *,
    labels: list[str],
    series: list[tuple[str, str, list[float | None]]],
    maximum: float = HIGHEST_LEVEL,
    width: float = 520,
    title: str = "",
    lang: str = "en",
) -> str:
    """Grouped horizontal bars: per label (a criterion), one bar per series (name, colour,
    values), on a 0..maximum scale, with a legend. Each bar ends with its value (one
    decimal, written the way ``lang`` writes it); ``None`` values: a dash, no bar."""
    if not series:
        raise ValueError("at least one series")
    if any(len(values) != len(labels) for _, _, values in series):
        raise ValueError("each series needs one value per label")
    if maximum <= 0:
        raise ValueError("maximum must be above 0")
    font, bar_h, bar_gap, group_gap = 8.5, 6.0, 1.5, 8.0
    label_w = width * 0.34
    bar_x, bar_w = label_w, width - label_w - font * 2.4
    top = font * 2.2 if title else 0.0
    # Legend: one square and name per series, from the left edge of the bars, on as many
    # lines as needed.
    legend: list[tuple[float, int]] = []
    x, line = bar_x, 0
    for name, _, _ in series:
        needed = font * 1.3 + len(name) * font * 0.62
        if x > bar_x and x + needed > width:
            x, line = bar_x, line + 1
        legend.append((x, line))
        x += needed + font * 1.5
    legend_h = font * (1.4 * (line + 1) + 0.8)
    group_h = len(series) * (bar_h + bar_gap) - bar_gap
    body_top = top + legend_h
    height = body_top + len(labels) * (group_h + group_gap) + font * 1.6
    parts = _svg_open(width, height, title, "chart levels")
    if title:
        parts.append(f'<text x="0" y="{_num(font * 1.4)}" font-size="{_num(font * 1.15)}" font-weight="bold" '
                     f'fill="{INK}">{escape(title)}</text>')
    for (name, colour, _), (x, line) in zip(series, legend, strict=True):
        y = top + line * font * 1.4
        parts.append(f'<rect x="{_num(x)}" y="{_num(y + font * 0.4)}" width="{_num(font)}" height="{_num(font)}" '
                     f'fill="{colour}"/>')
        parts.append(f'<text x="{_num(x + font * 1.3)}" y="{_num(y + font * 1.25)}" font-size="{_num(font)}" '
                     f'fill="{INK}">{escape(name)}</text>')
    # Grid: one line per whole level, numbered below.
    bottom = height - font * 1.6
    for level in range(int(maximum) + 1):
        gx = bar_x + bar_w * level / maximum
        parts.append(f'<line x1="{_num(gx)}" y1="{_num(body_top - 2)}" x2="{_num(gx)}" y2="{_num(bottom)}" '
                     f'stroke="{GRID}" stroke-width="0.5"/>')
        parts.append(f'<text x="{_num(gx)}" y="{_num(bottom + font * 1.2)}" text-anchor="middle" '
                     f'font-size="{_num(font * 0.85)}" fill="{MUTED}">{level}</text>')
    room = int((label_w - font) / (font * 0.6))
    for n, label in enumerate(labels):
        y0 = body_top + n * (group_h + group_gap)
        lines = textwrap.wrap(label, room, break_long_words=True) or [""]
        if len(lines) > 2:
            lines = [lines[0], lines[1][: room - 1].rstrip() + "…"]
        first = y0 + group_h / 2 - (len(lines) - 1) * font * 0.6 + font * 0.35
        spans = "".join(f'<tspan x="{_num(label_w - font * 0.6)}" y="{_num(first + i * font * 1.2)}">{escape(line)}</tspan>'
                        for i, line in enumerate(lines))
        parts.append(f'<text class="axis-label" text-anchor="end" font-size="{_num(font)}" fill="{INK}">{spans}</text>')
        for s, (_, colour, values) in enumerate(series):
            value = values[n]
            y = y0 + s * (bar_h + bar_gap)
            length = 0.0
            if value is not None:
                length = bar_w * max(0.0, min(float(value), maximum)) / maximum
                parts.append(f'<rect class="value" x="{_num(bar_x)}" y="{_num(y)}" width="{_num(length)}" '
                             f'height="{_num(bar_h)}" fill="{colour}"/>')
            shown = "–" if value is None else format_number(float(value), lang)
            parts.append(f'<text x="{_num(bar_x + length + font * 0.3)}" y="{_num(y + bar_h * 0.9)}" '
                         f'font-size="{_num(font * 0.75)}" fill="{MUTED if value is None else INK}">{escape(shown)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


# --- shared wording ---------------------------------------------------------------------------


def audience_name(audience: str | None, lang: str) -> str:
    return t("survey_results.overall" if audience is None else f"survey_results.audience.{audience}", lang)


def percent(share: float | None, lang: str) -> str:
    if share is None:
        return t("survey_results.none", lang)
    return format_percent(share, lang)


def number(value: float | None, lang: str, digits: int = 1) -> str:
    return t("survey_results.none", lang) if value is None else format_number(value, lang, digits=digits)


def _legend(lang: str) -> list[dict]:
    """The answers 1..5 and "don't know", each with its colour in the distribution bars."""
    labels = [t(f"survey_results.scale.s{p}", lang) for p in AGREEMENT_POINTS] + [t("survey_results.scale.dont_know", lang)]
    return [{"label": label, "colour": colour} for label, colour in zip(labels, [*SCALE_COLOURS, DONT_KNOW_COLOUR], strict=True)]


def _figures(figures: Figures | None, lang: str) -> dict | None:
    if figures is None:
        return None
    return {
        "answered": figures.answered,
        "dont_know": figures.dont_know,
        "mean": number(figures.mean, lang),
        "level": number(figures.level, lang),
        "agreeing": percent(figures.agreeing, lang),
        "has_answers": figures.answered > 0,
        # Our own drawing, no text in it: safe to insert.
        "bar": Markup(distribution_svg(figures.distribution, figures.dont_know)),
    }


def _item(item: ItemResult, lang: str) -> dict:
    return {
        "id": item.id,
        "text": item.text.get(lang),
        "type": item.type,
        "figures": _figures(item.figures, lang),
        "choice_answers": item.choice_answers,
        "options": [
            {"text": o.text.get(lang), "count": o.count, "share": percent(o.share, lang), "bar": Markup(share_svg(o.share))}
            for o in item.options
        ],
    }


# --- the survey results PDF -----------------------------------------------------------------


def _audience_section(results, audience, lang: str) -> dict:
    group: GroupResults = audience.group
    section = {
        "name": audience_name(audience.audience, lang),
        "respondents": audience.respondents,
        "hidden": audience.hidden,
        # Responses not in the figures yet, and items shown nowhere (fewer than min_group answers).
        "waiting": audience.waiting,
        "hidden_items": group.hidden_items,
        "participation": percent(audience.participation, lang) if audience.participation is not None else None,
        "codes_used": audience.codes_used,
        "codes_issued": audience.codes_issued,
        "criteria": [],
        "other_items": [],
        "comments": [{"question": c.text.get(lang), "comments": list(c.comments)} for c in audience.comments],
    }
    if group.hidden:
        return section
    used: set[str] = set()
    for criterion in results.rubric.criteria:
        items = [i for i in group.items if i.figures is not None and _informs(criterion, i)]
        used.update(i.id for i in items)
        section["criteria"].append({
            "name": criterion.name.get(lang),
            "independent": criterion.independent,
            "figures": _figures(group.criteria.get(criterion.id), lang),
            "questions": [_item(i, lang) for i in items],
        })
    section["other_items"] = [_item(i, lang) for i in group.items if i.id not in used]
    return section


def _informs(criterion, item: ItemResult) -> bool:
    return bool(set(criterion.themes) & set(item.themes))


def _levels_chart(results, lang: str) -> Markup:
    criteria = results.rubric.criteria
    series = []
    for audience in results.audiences:
        if not audience.hidden:
            series.append((audience_name(audience.audience, lang), SERIES_COLOURS.get(audience.audience, MUTED),
                           [audience.group.level(c.id) for c in criteria]))
    if not results.overall.hidden and len(results.audiences) > 1:
        series.append((audience_name(None, lang), SERIES_COLOURS["all"], [results.overall.level(c.id) for c in criteria]))
    if not series:
        return Markup("")
    return Markup(levels_svg(labels=[c.name.get(lang) for c in criteria], series=series,
                             title=t("survey_results.overview.heading", lang), lang=lang))


def survey_results_context(results, *, lang: str) -> dict:
    """What survey_results.html shows, from a :class:`assess.services.survey_results.ProjectResults`."""
    groups = [(audience_name(a.audience, lang), a.group) for a in results.audiences]
    if len(groups) > 1:
        groups.append((audience_name(None, lang), results.overall))
    return {
        "project_title": results.project_title,
        "rubric": results.rubric,
        "min_group": results.min_group,
        "respondents": results.respondents,
        "campaigns": [
            {
                "audience": audience_name(c.audience, lang),
                "questionnaire": c.questionnaire_title.get(lang),
                "mode": t(f"survey_results.mode.{c.mode}", lang),
                "status": t(f"survey_results.status.{c.status.value}", lang),
                "opens_on": c.opens_on,
                "closes_on": c.closes_on,
                "responses": c.responses,
                "codes": t("survey_results.participation.codes_value", lang, used=c.codes_used, issued=c.codes_issued)
                if c.codes_issued else t("survey_results.none", lang),
                "rate": percent(c.participation, lang),
            }
            for c in results.campaigns
        ],
        "any_hidden": any(a.hidden or a.group.hidden_items for a in results.audiences) or results.overall.hidden,
        "overview": {
            "headers": [name for name, _ in groups],
            "rows": [
                {
                    "name": c.name.get(lang),
                    "cells": [
                        {"hidden": g.is_hidden(c.id), "level": None if g.is_hidden(c.id) else number(g.level(c.id), lang)}
                        for _, g in groups
                    ],
                }
                for c in results.rubric.criteria
            ],
            "chart": _levels_chart(results, lang),
        },
        "legend": _legend(lang),
        "audiences": [_audience_section(results, a, lang) for a in results.audiences],
        "generated_at": results.generated_at,
    }


def render_survey_results_pdf(results, *, lang: str) -> bytes:
    return render_pdf(template="survey_results.html", context=survey_results_context(results, lang=lang), lang=lang)


# --- the survey section of the self-assessment report ---------------------------------------


def _gap_cell(gap: AudienceGap, lang: str) -> dict:
    sign = "+" if gap.gap is not None and gap.gap > 0 else ""
    return {
        "hidden": gap.hidden,
        "level": number(gap.level, lang),
        "gap": None if gap.gap is None else sign + format_number(gap.gap, lang),
        "flagged": gap.flagged,
    }


def _row(row: TriangulationRow, lang: str) -> dict:
    return {
        "name": row.name.get(lang),
        "self_level": row.self_level,
        "cells": [_gap_cell(g, lang) for g in row.audiences] + ([_gap_cell(row.overall, lang)] if len(row.audiences) > 1 else []),
        "flagged": row.flagged,
        "questions": [
            {"audience": audience_name(i.audience, lang), "id": i.item_id, "text": i.text.get(lang),
             "mean": number(i.mean, lang), "answered": i.answered}
            for i in row.items
        ],
    }


def survey_section_context(section: SurveySectionView, *, lang: str) -> dict:
    rows = list(section.triangulation)
    # (Each of a row's audience gaps names its audience; only the overall one has None.)
    audiences = [g.audience for g in rows[0].audiences if g.audience is not None] if rows else list(section.respondents)
    headers = [audience_name(a, lang) for a in audiences] + ([audience_name(None, lang)] if len(audiences) > 1 else [])
    series = [(t("survey_results.triangulation.self", lang), SERIES_COLOURS["self"],
               [None if r.self_level is None else float(r.self_level) for r in rows])]
    for n, audience in enumerate(audiences):
        if not any(r.audiences[n].hidden for r in rows):
            series.append((audience_name(audience, lang), SERIES_COLOURS.get(audience, MUTED), [r.audiences[n].level for r in rows]))
    if len(audiences) > 1 and rows and not rows[0].overall.hidden:
        series.append((audience_name(None, lang), SERIES_COLOURS["all"], [r.overall.level for r in rows]))
    chart = levels_svg(labels=[r.name.get(lang) for r in rows], series=series,
                       title=t("survey_results.triangulation.chart_title", lang),
                       lang=lang) if rows else ""
    threshold = format_number(section.threshold, lang)
    return {
        "threshold": threshold,
        "min_group": section.min_group,
        "headers": headers,
        "respondents": [
            {"name": audience_name(a, lang), "count": section.respondents.get(a, 0),
             "hidden": section.respondents.get(a, 0) < section.min_group}
            for a in audiences
        ],
        "rows": [_row(r, lang) for r in rows],
        "flagged": [_row(r, lang) for r in rows if r.flagged],
        "chart": Markup(chart),
    }

