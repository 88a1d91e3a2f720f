"""The teacher's self-assessment report: a :class:`SelfAssessmentReport` as a PDF.

Everything the template shows is prepared here as plain values already in the reader's
language, so the template stays layout only and a wording change never needs Python.
"""

from __future__ import annotations

from datetime import datetime

from markupsafe import Markup

from assess import clock
from assess.domain.readiness import describe_check, readiness, state_key
from assess.domain.scoring import describe_outcome, describe_reason, whole_level
from assess.i18n import t
from assess.reports.pdf import render_pdf
from assess.reports.radar import bars_svg, radar_svg
from assess.reports.survey import survey_section_context
from assess.reports.views import EntryView, SelfAssessmentReport


def _chart(report: SelfAssessmentReport, lang: str) -> Markup:
    counted = [c for c in report.score.criteria if c.counted]
    labels = [report.rubric.criterion(c.criterion_id).name.get(lang) for c in counted]
    values = [c.level for c in counted]
    title = t("report.chart.title", lang)
    # The SVG is our own drawing with every text escaped in radar.py, hence Markup.
    if 3 <= len(labels) <= 12:
        return Markup(radar_svg(labels=labels, values=values, title=title))
    return Markup(bars_svg(labels=labels, values=values, title=title))


def _criteria(report: SelfAssessmentReport, lang: str) -> list[dict]:
    rows = []
    for result in report.score.criteria:
        criterion = report.rubric.criterion(result.criterion_id)
        level = None if result.level is None else criterion.level(whole_level(result.level))
        rows.append(
            {
                "name": criterion.name.get(lang),
                "result": result,
                "level": level,
                "independent": criterion.independent,
                "entry": report.entries.get(criterion.id, EntryView()),
            }
        )
    return rows


def _gates(report: SelfAssessmentReport, lang: str) -> list[dict]:
    rows = []
    for result in report.score.gates:
        gate = report.rubric.gate(result.gate_id)
        rows.append(
            {
                "name": gate.name.get(lang),
                "criterion": report.rubric.criterion(result.criterion_id).name.get(lang),
                "result": result,
                "level": None if result.value is None else gate.level(whole_level(result.value)),
                "entry": report.entries.get(gate.id, EntryView()),
            }
        )
    return rows


def self_assessment_context(report: SelfAssessmentReport, *, lang: str) -> dict:
    score, rubric = report.score, report.rubric
    checks = readiness(score=score, eligibility=report.eligibility)
    return {
        "project": report.project,
        "rubric": rubric,
        "score": score,
        "chart": _chart(report, lang),
        "criteria": _criteria(report, lang),
        "gates": _gates(report, lang),
        "outcome": score.verdict.outcome.value,
        "verdict": describe_outcome(score.verdict.outcome, lang=lang),
        "reasons": [describe_reason(r, rubric=rubric, lang=lang) for r in score.verdict.reasons],
        "checks": [{"ok": c.ok, "text": describe_check(c, score=score, rubric=rubric, lang=lang), "state": t(state_key(c), lang)}
                   for c in checks],
        "generated_at": report.generated_at or datetime.now(clock.office_zone()),
        "surveys": survey_section_context(report.surveys, lang=lang) if report.surveys else None,
    }


def render_self_assessment_pdf(report: SelfAssessmentReport, *, lang: str) -> bytes:
    return render_pdf(template="self_assessment.html", context=self_assessment_context(report, lang=lang), lang=lang)
