"""The national dashboard (office): applications and labels by round, school year, partner
country, region, age group and subject; the jurors' levels per criterion and how far they
agree; survey participation and what each audience says per criterion. Filters on every
axis; each view is a Plotly chart with its figures beside it and a CSV download; then the
Excel workbook of the statistics.

Every figure is computed in the database (assess.services.national), with the building
blocks the workbook and the CSV exports read too. Decimals are written in the reader's
language (assess.i18n.formats: a comma in French). Round names,
regions and subjects are typed by people: shown in tables and in escaped chart labels
only, and written to CSV through csv_bytes (a spreadsheet never runs them as formulas).
"""

from __future__ import annotations

import io
import math

import pandas as pd
import streamlit as st

from assess import stats
from assess.domain.permissions import PermissionDenied, can
from assess.domain.project_choices import by_name, subject_name
from assess.domain.rubric import LEVELS
from assess.domain.statistics import Filters, csv_bytes
from assess.i18n.formats import country_name, format_count, format_number
from assess.reports.survey import percent
from assess.services import national
from assess.services.errors import ServiceError
from assess.services.exports import RESPONSES_IN_WORKBOOK, run_export, write_csv, write_workbook
from assess.ui.charts import LINE_COLOR, OK_COLOR, grouped_bars_figure
from assess.ui.runtime import _, escape_markdown, lang, reading, require_permission, sessions, show_error

WORKBOOK = "statistics_workbook"  # (filters it was made for, its bytes)
CHART = {"displayModeBar": False}
LEVEL_COLOURS = ["#b71c1c", "#ef6c00", "#f9a825", "#9e9d24", "#43a047", "#1b5e20"]
AUDIENCE_COLOURS = ["#1565c0", "#6a1b9a", "#00838f", "#424242"]

admin = require_permission("statistics.view")


# --- small helpers ----------------------------------------------------------------------------


def download(table: pd.DataFrame, name: str) -> None:
    data = csv_bytes(list(table.columns), table.itertuples(index=False))
    st.download_button(_("statistics_page.download"), data=data, file_name=f"national-{name}.csv",
                       mime="text/csv", icon=":material/download:", on_click="ignore", key=f"download_{name}")


def rounded(value: float | None, digits: int = 2) -> float | None:
    """A number for a chart (Plotly draws numbers; its axis labels are not ours)."""
    return None if value is None or math.isnan(value) else round(value, digits)


def decimal(value: float | None, digits: int = 2) -> str | None:
    """A number for a table, in the reader's language ("2,5" in French); None stays a
    blank cell."""
    found = rounded(value, digits)
    return None if found is None else format_number(found, lang(), digits=digits)


def share(value: float | None) -> str | None:
    """A share 0..1 as a percentage, one decimal, in the reader's language."""
    return None if value is None else decimal(value * 100, 1)


def why_undefined(item: national.ItemAgreement) -> str:
    """Why an alpha is undefined, said in the reader's language (the service gives a code)."""
    return "" if item.reason is None else _(f"statistics.reason.{item.reason}", count=item.pairable)


def chart_and_table(figure, table: pd.DataFrame, name: str) -> None:
    """The chart, and the figures beside it, with their download."""
    chart, figures = st.columns([3, 2])
    with chart:
        st.plotly_chart(figure, config=CHART, key=f"chart_{name}")
    with figures:
        st.dataframe(table, hide_index=True, width="stretch")
        download(table, name)


def audience_label(audience: str | None) -> str:
    return _("survey_results.overall") if audience is None else _(f"survey_results.audience.{audience}")


# --- the filters ------------------------------------------------------------------------------


def choose(label: str, options, key: str, name=str):
    """A select box whose first choice is every value (None)."""
    return st.selectbox(label, options=[None, *options], key=key,
                        format_func=lambda v: _("statistics_page.all") if v is None else name(v))


def filters_from(options: national.FilterOptions) -> Filters:
    rounds = {r.id: r.name for r in options.rounds}
    first, second, third = st.columns(3)
    with first:
        round_id = choose(_("statistics_page.filter.round"), list(rounds), "statistics_round", rounds.get)
        country = choose(_("statistics_page.filter.country"), options.countries, "statistics_country",
                         lambda code: country_name(code, lang()))
    with second:
        year = choose(_("statistics_page.filter.school_year"), options.school_years, "statistics_year")
        region = choose(_("statistics_page.filter.region"), options.regions, "statistics_region")
    with third:
        group = choose(_("statistics_page.filter.age_group"), options.age_groups, "statistics_age_group",
                       lambda g: _(f"statistics.age_group.{g}"))
        subjects = {code: subject_name(code, lang()) for code in by_name(options.subjects, lang(), subject_name)}
        subject = choose(_("statistics_page.filter.subject"), list(subjects), "statistics_subject", subjects.get)
    return Filters(round_id=round_id, school_year=year, country=country, region=region, age_group=group,
                   subject=subject)


# --- the views --------------------------------------------------------------------------------


def axis_name(axis: str, row: national.AxisRow) -> str:
    if axis == "round":
        return row.label or str(row.key)
    if axis == "country":
        return country_name(row.key, lang())
    if axis == "age_group":
        return _(f"statistics.age_group.{row.key}")
    if row.key is None:
        return _("statistics_page.unknown")
    if axis == "subject":
        return subject_name(str(row.key), lang())
    return str(row.key)


def applications_view(found: national.ApplicationFigures) -> None:
    st.header(_("statistics_page.applications.title"))
    st.caption(_("statistics_page.applications.intro"))
    total = found.total
    applications, labels, rate = st.columns(3)
    applications.metric(_("statistics_page.column.applications"), total.applications)
    labels.metric(_("statistics_page.column.labels"), total.labels)
    rate.metric(_("statistics_page.award_rate"), percent(total.award_rate, lang()))
    tabs = st.tabs([_(f"statistics_page.axis.{axis}") for axis in national.AXES])
    for tab, axis in zip(tabs, national.AXES, strict=True):
        with tab:
            rows = found.axis(axis)
            if not rows:
                st.info(_("statistics_page.nothing"))
                continue
            names = [axis_name(axis, r) for r in rows]
            table = pd.DataFrame({
                _(f"statistics_page.axis.{axis}"): names,
                _("statistics_page.column.applications"): [r.applications for r in rows],
                _("statistics_page.column.decided"): [r.decided for r in rows],
                _("statistics_page.column.labels"): [r.labels for r in rows],
                _("statistics_page.column.award_rate"): [share(r.award_rate) for r in rows],
            })
            figure = grouped_bars_figure(
                names, [(_("statistics_page.column.applications"), [r.applications for r in rows]),
                        (_("statistics_page.column.labels"), [r.labels for r in rows])],
                value_name=_("statistics_page.column.applications"), colors=[LINE_COLOR, OK_COLOR])
            chart_and_table(figure, table, f"applications-{axis.replace('_', '-')}")


def criteria_view(found: tuple[national.CriterionLevels, ...]) -> None:
    st.header(_("statistics_page.criteria.title"))
    st.caption(_("statistics_page.criteria.intro"))
    if not found:
        st.info(_("statistics_page.nothing"))
        return
    names = [c.name.get(lang()) for c in found]
    several = len({c.rubric_version_id for c in found}) > 1
    labels = [f"{name} ({c.rubric_id} {c.rubric_version})" if several else name
              for name, c in zip(names, found, strict=True)]
    table = pd.DataFrame({
        _("statistics_page.column.rubric"): [f"{c.rubric_id} {c.rubric_version}" for c in found],
        _("statistics_page.column.criterion"): names,
        _("statistics_page.column.kind"): [_(f"statistics_page.kind.{c.kind}") for c in found],
        **{_("statistics_page.column.level", level=level): [c.distribution[level] for c in found] for level in LEVELS},
        _("statistics_page.column.count"): [c.count for c in found],
        _("statistics_page.column.mean"): [decimal(c.mean) for c in found],
    })
    figure = grouped_bars_figure(
        labels, [(_("statistics_page.column.level", level=level), [c.distribution[level] for c in found])
                 for level in LEVELS],
        value_name=_("statistics_page.column.count"), colors=LEVEL_COLOURS, stacked=True)
    chart_and_table(figure, table, "criteria")


def agreement_view(found: tuple[national.ItemAgreement, ...]) -> None:
    st.header(_("statistics_page.agreement.title"))
    st.caption(_("statistics_page.agreement.intro",
                 reliable=format_number(stats.ALPHA_RELIABLE, lang(), digits=3, trailing_zeros=True),
                 tentative=format_number(stats.ALPHA_TENTATIVE, lang(), digits=3, trailing_zeros=True)))
    if not found:
        st.info(_("statistics_page.nothing"))
        return
    rounds = list(dict.fromkeys(a.round_id for a in found))
    items = list(dict.fromkeys((a.item_id, a.name.get(lang())) for a in found))
    by = {(a.round_id, a.item_id): a for a in found}
    names = {a.round_id: a.round_name for a in found}
    figure = grouped_bars_figure(
        [name for _id, name in items],
        [(names[r], [rounded(by[(r, i)].alpha, 3) if (r, i) in by else None for i, _name in items]) for r in rounds],
        value_name=_("statistics_page.column.alpha"), value_range=(-1, 1), colors=AUDIENCE_COLOURS)
    table = pd.DataFrame({
        _("statistics_page.axis.round"): [a.round_name for a in found],
        _("statistics_page.column.criterion"): [a.name.get(lang()) for a in found],
        _("statistics_page.column.alpha"): [decimal(a.alpha, 3) for a in found],
        _("statistics_page.column.reading"): [_(f"jury.reading.{a.reading}") for a in found],
        _("statistics_page.column.why"): [why_undefined(a) for a in found],
        _("statistics_page.column.units"): [a.units for a in found],
        _("statistics_page.column.pairable"): [a.pairable for a in found],
    })
    chart_and_table(figure, table, "agreement")


def participation_view(found: tuple[national.AudienceParticipation, ...]) -> None:
    st.header(_("statistics_page.participation.title"))
    st.caption(_("statistics_page.participation.intro"))
    if not found:
        st.info(_("statistics_page.no_surveys"))
        return
    names = [audience_label(p.audience) for p in found]
    table = pd.DataFrame({
        _("statistics_page.column.audience"): names,
        _("statistics_page.column.campaigns"): [p.campaigns for p in found],
        _("statistics_page.column.projects"): [p.projects for p in found],
        _("statistics_page.column.respondents"): [p.respondents for p in found],
        _("statistics_page.column.codes_issued"): [p.codes_issued for p in found],
        _("statistics_page.column.codes_used"): [p.codes_used for p in found],
        _("statistics_page.column.participation"): [share(p.participation) for p in found],
    })
    figure = grouped_bars_figure(
        names, [(_("statistics_page.column.respondents"), [p.respondents for p in found]),
                (_("statistics_page.column.codes_issued"), [p.codes_issued for p in found]),
                (_("statistics_page.column.codes_used"), [p.codes_used for p in found])],
        value_name=_("statistics_page.column.respondents"), colors=[LINE_COLOR, "#9e9e9e", OK_COLOR])
    chart_and_table(figure, table, "participation")


def survey_view(found: national.SurveyLevels) -> None:
    st.header(_("statistics_page.surveys.title"))
    st.caption(_("statistics_page.surveys.intro", rubric=escape_markdown(found.rubric.title.get(lang())),
                 min=found.min_group))
    shown = [r for r in found.rows if r.respondents]
    if not shown:
        st.info(_("statistics_page.no_surveys"))
        return
    hidden = _("statistics_page.hidden")
    table = pd.DataFrame({
        _("statistics_page.column.audience"): [audience_label(r.audience) for r in shown],
        _("statistics_page.column.criterion"): [r.name.get(lang()) for r in shown],
        _("statistics_page.column.respondents"): [r.respondents for r in shown],
        _("statistics_page.column.shown"): ["" if not r.hidden else hidden for r in shown],
        _("statistics_page.column.answers"): [None if r.figures is None else r.figures.answered for r in shown],
        _("statistics_page.column.dont_know"): [None if r.figures is None else r.figures.dont_know for r in shown],
        _("statistics_page.column.mean_score"): [None if r.figures is None else decimal(r.figures.mean) for r in shown],
        _("statistics_page.column.agreeing"): [None if r.figures is None else share(r.figures.agreeing) for r in shown],
        _("statistics_page.column.survey_level"): [None if r.hidden else decimal(r.level) for r in shown],
    })
    audiences = list(dict.fromkeys(r.audience for r in shown))
    criteria = list(found.rubric.criteria)
    by = {(r.audience, r.criterion_id): r for r in shown}
    figure = grouped_bars_figure(
        [c.name.get(lang()) for c in criteria],
        [(audience_label(a), [rounded(by[(a, c.id)].level) if (a, c.id) in by else None for c in criteria])
         for a in audiences],
        value_name=_("statistics_page.column.survey_level"), value_range=(0, 5), colors=AUDIENCE_COLOURS)
    if any(r.hidden for r in shown):
        st.warning(_("statistics_page.hidden_explained", min=found.min_group), icon=":material/visibility_off:")
    chart_and_table(figure, table, "surveys")


# --- the Excel workbook -----------------------------------------------------------------------


@st.fragment
def workbook_section(filters: Filters) -> None:
    """The statistics workbook (assess.services.exports.write_workbook), for the filters
    chosen above: the same figures as the page's. A fragment: its boxes and button rerun
    this section only, not the national figures and the ten charts above (half a second
    at national scale, bench/bench_pages.py)."""
    st.header(_("statistics_page.workbook.title"))
    if not can(admin, "statistics.export"):
        st.info(_("statistics_page.workbook.not_allowed"))
        return
    st.caption(_("statistics_page.workbook.intro"))
    names = st.checkbox(_("statistics_page.workbook.juror_names"), value=False, key="statistics_juror_names",
                        disabled=not can(admin, "statistics.juror_names"),
                        help=_("statistics_page.workbook.juror_names_help"))
    every_answer = st.checkbox(_("statistics_page.workbook.with_responses"), value=False,
                               key="statistics_with_responses", help=_("statistics_page.workbook.with_responses_help",
                                                                         limit=format_count(RESPONSES_IN_WORKBOOK, lang())))
    wanted = (filters, names, lang(), every_answer)
    if st.button(_("statistics_page.workbook.make"), icon=":material/table_view:", key="statistics_make_workbook"):
        st.session_state.pop(WORKBOOK, None)
        with st.status(_("statistics_page.workbook.making"), expanded=True) as status:
            bar = st.progress(0.0)

            def progress(done: int, total: int) -> None:
                bar.progress(min(1.0, done / total) if total else 1.0)

            out = io.BytesIO()
            try:
                language = lang()
                made_summary = run_export(sessions(), lambda session: write_workbook(
                    session, actor=admin, out=out, filters=filters, juror_names=names, progress=progress, lang=language,
                    with_responses=True if every_answer else None), actor=admin)
                # Left out of the workbook (past RESPONSES_IN_WORKBOOK answers): a CSV file of their
                # own, encoded as it is written, so the page holds its bytes once (not a str
                # of it besides, and a copy of that str encoded).
                answers = io.BytesIO()
                if made_summary.responses_apart:
                    text = io.TextIOWrapper(answers, encoding="utf-8", newline="", write_through=True)
                    try:
                        run_export(sessions(), lambda session: write_csv(session, actor=admin, what="responses",
                                                                         out=text, filters=filters, lang=language),
                                   actor=admin)
                    finally:
                        text.detach()  # closing the wrapper would close the bytes too
            except (ServiceError, PermissionDenied) as error:
                status.update(label=_("statistics_page.workbook.failed"), state="error")
                show_error(error)
                return
            bar.progress(1.0)
            status.update(label=_("statistics_page.workbook.made"), state="complete", expanded=False)
        st.session_state[WORKBOOK] = (wanted, out.getvalue(), answers.getvalue(),
                                      made_summary.responses_apart)
    made = st.session_state.get(WORKBOOK)
    if made is not None and made[0] == wanted:
        st.download_button(_("statistics_page.workbook.download"), data=made[1], file_name="national-national.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           icon=":material/download:", type="primary", on_click="ignore", key="statistics_workbook_download")
        if made[3]:
            st.download_button(_("statistics_page.workbook.download_responses", count=format_count(made[3], lang())),
                               data=made[2], file_name="national-responses.csv", mime="text/csv",
                               icon=":material/download:", on_click="ignore", key="statistics_responses_download")


# --- the page ---------------------------------------------------------------------------------

st.title(_("statistics_page.title"))
st.caption(_("statistics_page.intro"))
with reading() as session:
    options = national.filter_options(session, actor=admin)
with st.container(border=True):
    chosen = filters_from(options)
try:
    with reading() as session:
        found = national.national_figures(session, actor=admin, filters=chosen)
except (ServiceError, PermissionDenied) as error:
    show_error(error)
    st.stop()

applications_view(found.applications)
criteria_view(found.criteria)
agreement_view(found.agreement)
participation_view(found.participation)
survey_view(found.surveys)
workbook_section(chosen)
