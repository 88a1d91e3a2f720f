"""Dashboard: where the project stands according to its self-assessment — total, verdict
and its reasons, charts, the readiness checklist and what to improve first."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from assess.domain.permissions import can
from assess.domain.readiness import describe_check, is_ready, readiness, state_key, weakest_criteria
from assess.domain.scoring import Outcome, describe_outcome, describe_reason
from assess.i18n.formats import format_number, format_percent
from assess.reports.survey import audience_name, number
from assess.services import self_assessments, survey_results
from assess.services.errors import ServiceError
from assess.ui.charts import bars_figure, radar_figure
from assess.ui.project_picker import PAGES, pick_project
from assess.ui.runtime import _, lang, reading, require_permission, show_error

CHECK_ICONS = {True: (":material/check_circle:", "green"), False: (":material/cancel:", "red"), None: (":material/help:", "gray")}


def verdict(score, rubric) -> None:
    text = describe_outcome(score.verdict.outcome, lang=lang())
    box = {Outcome.PASS: st.success, Outcome.FAIL: st.warning}.get(score.verdict.outcome, st.info)
    reasons = [describe_reason(r, rubric=rubric, lang=lang()) for r in score.verdict.reasons]
    box("\n".join([f"**{text}**", ""] + [f"- {r}" for r in reasons]), icon=":material/gavel:")
    if score.above_eql_threshold:
        st.success(_("dashboard_page.eql", threshold=format_number(score.eql_threshold, lang(), digits=2)), icon=":material/star:")


def charts(score, rubric) -> None:
    counted = [c for c in score.criteria if c.counted]
    labels = [rubric.criterion(c.criterion_id).name.get(lang()) for c in counted]
    values = [c.level for c in counted]
    left, right = st.columns(2)
    with left:
        st.subheader(_("dashboard_page.radar"))
        st.plotly_chart(radar_figure(labels, values, not_assessed=_("levels.none")), config={"displayModeBar": False})
    with right:
        st.subheader(_("dashboard_page.bars"))
        st.plotly_chart(
            bars_figure(labels, values, [c.minimum for c in counted], level_name=_("charts.level"),
                        minimum_name=_("charts.minimum"), not_assessed=_("levels.none")),
            config={"displayModeBar": False},
        )


def checklist(score, rubric, assessment) -> None:
    checks = readiness(score=score, eligibility=assessment.eligibility)
    st.subheader(_("dashboard_page.readiness"))
    if is_ready(checks):
        st.success(_("dashboard_page.ready"), icon=":material/task_alt:")
    for check in checks:
        icon, color = CHECK_ICONS[check.ok]
        status = state_key(check)  # an eligibility "no" in words, not "to do"
        st.markdown(f":{color}[{icon}] {describe_check(check, score=score, rubric=rubric, lang=lang())} :{color}-badge[{_(status)}]")


def weakest(score, rubric) -> None:
    """The criteria to improve first, with what the jury looks for."""
    to_improve = weakest_criteria(score)
    st.subheader(_("dashboard_page.weakest"))
    if not to_improve:
        st.caption(_("dashboard_page.weakest_none"))
        return
    for result in to_improve:
        criterion = rubric.criterion(result.criterion_id)
        title = _("levels.chosen", level=result.level, label=criterion.level(result.level).label.get(lang()))
        with st.expander(f"{criterion.name.get(lang())} — {title}", icon=":material/trending_up:"):
            st.markdown(criterion.guidance.get(lang()))
            if criterion.advice:
                st.markdown(_("assessment_page.advice"))
                st.markdown("\n".join(f"- {tip.get(lang())}" for tip in criterion.advice))


def independent(score, rubric) -> None:
    results = [c for c in score.criteria if not c.counted]
    if not results:
        return
    st.subheader(_("dashboard_page.independent"))
    st.caption(_("dashboard_page.independent_help"))
    for result in results:
        criterion = rubric.criterion(result.criterion_id)
        level = _("levels.none") if result.level is None else _(
            "levels.chosen", level=result.level, label=criterion.level(result.level).label.get(lang()))
        st.markdown(f"- {criterion.name.get(lang())}: {level}")


def triangulation(current, project_id: int) -> None:
    """The self-assessed level of each counted criterion beside the comparable levels from the
    surveys; rows with a large gap flagged, with the questions behind them. Only when the
    project has survey answers the reader may see."""
    try:
        with reading() as session:
            rows, results = survey_results.triangulation_with_results(session, actor=current, project_id=project_id)
            threshold = survey_results.gap_threshold(session, actor=current)
    except ServiceError:
        return
    if not results.respondents:
        return
    shown = format_number(threshold, lang(), digits=2)
    st.subheader(_("survey_results_page.triangulation.title"))
    st.caption(_("survey_results_page.triangulation.intro", threshold=shown))
    hidden, dash = _("survey_results.hidden_short"), _("survey_results.none")

    def cell(gap) -> str:
        if gap.hidden:
            return hidden
        text = number(gap.level, lang())
        if gap.gap is not None:
            text += f" ({'+' if gap.gap > 0 else ''}{number(gap.gap, lang())})"
        return f"⚑ {text}" if gap.flagged else text

    groups = [audience_name(g.audience, lang()) for g in rows[0].audiences] if rows else []
    overall = audience_name(None, lang())
    table = pd.DataFrame([
        {
            _("survey_results.triangulation.criterion"): row.name.get(lang()),
            _("survey_results.triangulation.self"): dash if row.self_level is None else str(row.self_level),
            **{name: cell(gap) for name, gap in zip(groups, row.audiences, strict=True)},
            **({overall: cell(row.overall)} if len(groups) > 1 else {}),
            _("survey_results_page.triangulation.flagged", threshold=shown): "⚑" if row.flagged else "",
        }
        for row in rows
    ])
    st.dataframe(table, hide_index=True, width="stretch")
    flagged = [row for row in rows if row.flagged]
    if not flagged:
        st.caption(_("survey_results.triangulation.none_flagged", threshold=shown))
    else:
        st.warning(_("survey_results_page.triangulation.flagged_count", count=len(flagged), threshold=shown),
                   icon=":material/flag:")
    for row in flagged:
        with st.expander(_("survey_results_page.triangulation.items", criterion=row.name.get(lang())),
                         icon=":material/flag:"):
            st.markdown("\n".join(
                f"- {audience_name(item.audience, lang())}: {item.text.get(lang())} — "
                + _("survey_results_page.triangulation.mean", mean=number(item.mean, lang()), answered=item.answered)
                for item in row.items
            ))
    st.page_link(f"{PAGES}/survey_results.py", label=_("survey_results_page.triangulation.to_results"),
                 icon=":material/bar_chart:")


current = require_permission("project.list")
st.title(_("dashboard_page.title"))
choice = pick_project(current)
try:
    with reading() as session:
        assessment = self_assessments.current(session, actor=current, project_id=choice.id)
except ServiceError as error:
    show_error(error)
    st.stop()
if assessment is None:
    st.info(_("dashboard_page.not_started"))
    if can(current, "project.create"):
        st.page_link(f"{PAGES}/self_assessment.py", label=_("projects_page.to_assessment"), icon=":material/checklist:")
    st.stop()

score, rubric = assessment.score, assessment.rubric
total, maximum, percentage = st.columns(3)
total.metric(_("dashboard_page.total"), format_number(score.total, lang(), digits=2), border=True)
maximum.metric(_("dashboard_page.maximum"), format_number(score.maximum, lang(), digits=2), border=True,
               help=_("dashboard_page.pass_mark", pass_mark=format_number(score.pass_mark, lang(), digits=2)))
percentage.metric(_("dashboard_page.percentage"), format_percent(score.percentage / 100, lang()), border=True)
verdict(score, rubric)
charts(score, rubric)
checklist(score, rubric, assessment)
weakest(score, rubric)
independent(score, rubric)
triangulation(current, choice.id)
