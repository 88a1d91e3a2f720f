"""Survey results: what pupils, families and partner teachers answered, per audience and
criterion, with participation, the answers to each question and the comments; and the
survey results PDF.

Privacy: an audience with fewer than MIN_GROUP respondents is not shown apart, nor an item
with fewer answers (the service hides them); responses join the figures MIN_GROUP or more
at a time (assess.services.survey_release). The page says so instead of showing nothing. Comments are
the respondents' own text: shown as escaped Markdown, never as HTML. The office (admin)
reads this page for every project; nothing here changes anything.
"""

from __future__ import annotations

import html
import textwrap

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from assess.domain.permissions import can
from assess.domain.questionnaire import AGREEMENT_POINTS
from assess.i18n import language_names, languages
from assess.i18n.formats import format_date, percent_column_format
from assess.reports.survey import (
    DONT_KNOW_COLOUR,
    SCALE_COLOURS,
    SERIES_COLOURS,
    audience_name,
    number,
    percent,
    render_survey_results_pdf,
)
from assess.services import collection, survey_results
from assess.services.errors import ServiceError
from assess.ui.collection_view import collection_block
from assess.ui.project_picker import PAGES, pick_project
from assess.ui.runtime import _, escape_markdown, lang, reading, require_permission, show_error


def wrap(text: str, width: int = 40) -> str:
    """Plotly reads a few HTML tags in texts: escape, then break lines ourselves."""
    return "<br>".join(html.escape(line) for line in textwrap.wrap(text, width) or [""])


def scale_words() -> list[str]:
    return [_(f"survey_results.scale.s{p}") for p in AGREEMENT_POINTS] + [_("survey_results.scale.dont_know")]


def distribution_figure(items) -> go.Figure:
    """One stacked bar per agreement question: answers 1..5 (red to green), then don't know (grey)."""
    names = [wrap(item.text.get(lang())) for item in items]
    figure = go.Figure()
    for index, (word, colour) in enumerate(zip(scale_words(), [*SCALE_COLOURS, DONT_KNOW_COLOUR], strict=True)):
        counts = [item.figures.distribution[index] if index < len(AGREEMENT_POINTS) else item.figures.dont_know
                  for item in items]
        figure.add_trace(go.Bar(
            x=counts, y=names, orientation="h", name=html.escape(word), marker_color=colour,
            text=[str(n) if n else "" for n in counts], textposition="inside",
            hovertemplate="%{y}<br>" + html.escape(word) + ": %{x}<extra></extra>",
        ))
    figure.update_layout(
        barmode="stack", yaxis={"autorange": "reversed"}, xaxis={"title": html.escape(_("survey_results_page.answers"))},
        height=120 + 58 * len(items), margin={"l": 10, "r": 10, "t": 10, "b": 40},
        legend={"orientation": "h", "y": -0.12 - 4 / (len(items) * 58 + 120), "yanchor": "top", "traceorder": "normal"},
    )
    return figure


def levels_figure(results) -> go.Figure | None:
    """Comparable level (0-5) of each criterion, one bar per audience shown apart."""
    criteria = results.rubric.criteria
    series = [(audience_name(a.audience, lang()), SERIES_COLOURS.get(a.audience, "#6b7280"), a.group)
              for a in results.audiences if not a.hidden]
    if len(results.audiences) > 1 and not results.overall.hidden:
        series.append((audience_name(None, lang()), SERIES_COLOURS["all"], results.overall))
    # Only what has a figure: a criterion no answer informs, or a series hidden everywhere, is left out.
    def shown(group, criterion) -> bool:
        return not group.is_hidden(criterion.id) and group.level(criterion.id) is not None

    criteria = [c for c in criteria if any(shown(group, c) for _name, _colour, group in series)]
    series = [s for s in series if any(shown(s[2], c) for c in criteria)]
    if not series:
        return None
    names = [wrap(c.name.get(lang()), 30) for c in criteria]
    hidden = _("survey_results.hidden_short")
    figure = go.Figure()
    for name, colour, group in series:
        levels = [None if group.is_hidden(c.id) else group.level(c.id) for c in criteria]
        texts = [hidden if group.is_hidden(c.id) else number(level, lang()) for c, level in zip(criteria, levels, strict=True)]
        figure.add_trace(go.Bar(
            x=[level or 0 for level in levels], y=names, orientation="h", name=html.escape(name), marker_color=colour,
            text=[html.escape(text) for text in texts], textposition="auto",
            hovertemplate="%{y}: %{text}<extra>" + html.escape(name) + "</extra>",
        ))
    figure.update_layout(
        barmode="group", xaxis={"range": [0, 5], "dtick": 1, "title": html.escape(_("survey_results.criteria.level"))},
        yaxis={"autorange": "reversed"}, height=120 + len(criteria) * (18 * len(series) + 24),
        margin={"l": 10, "r": 10, "t": 30, "b": 40}, legend={"orientation": "h", "y": 1.02, "yanchor": "bottom"},
    )
    return figure


def participation(results) -> None:
    st.subheader(_("survey_results.participation.heading"))
    columns = st.columns(max(len(results.audiences), 1))
    # Not strict: with no audience yet the page still has its one (empty) column.
    for column, audience in zip(columns, results.audiences, strict=False):
        rate = (_("survey_results_page.participation_value", rate=percent(audience.participation, lang()),
                  used=audience.codes_used, issued=audience.codes_issued)
                if audience.participation is not None else _("survey_results_page.no_codes"))
        column.metric(audience_name(audience.audience, lang()), audience.respondents, border=True,
                      help=_("survey_results_page.respondents_help", min=results.min_group))
        column.caption(rate)
        if audience.waiting:
            column.caption(_("survey_results.waiting", count=audience.waiting, min=results.min_group))
    table = pd.DataFrame([
        {
            _("survey_results.participation.audience"): audience_name(c.audience, lang()),
            _("survey_results.participation.questionnaire"): c.questionnaire_title.get(lang()),
            _("survey_results.participation.mode"): _(f"survey_results.mode.{c.mode}"),
            _("survey_results.participation.dates"): f"{format_date(c.opens_on, lang())} – {format_date(c.closes_on, lang())}",
            _("survey_results_page.status"): _(f"survey_results.status.{c.status.value}"),
            _("survey_results.participation.responses"): c.responses,
            _("survey_results.participation.codes"): _("survey_results.participation.codes_value", used=c.codes_used,
                                                       issued=c.codes_issued) if c.codes_issued else "—",
            _("survey_results.participation.rate"): percent(c.participation, lang()),
        }
        for c in results.campaigns
    ])
    with st.expander(_("survey_results_page.campaigns", count=len(results.campaigns)), icon=":material/campaign:"):
        st.dataframe(table, hide_index=True, width="stretch")


def hidden_note(audience, minimum: int) -> None:
    st.info(_("survey_results_page.hidden", audience=audience_name(audience.audience, lang()),
              count=audience.respondents, min=minimum), icon=":material/visibility_off:")


def overview(results) -> None:
    st.subheader(_("survey_results.overview.heading"))
    st.caption(_("survey_results.overview.intro"))
    groups = [(audience_name(a.audience, lang()), a.group) for a in results.audiences]
    if len(groups) > 1:
        groups.append((audience_name(None, lang()), results.overall))
    hidden, dash = _("survey_results.hidden_short"), _("survey_results.none")

    def cell(group, criterion) -> str:
        if group.respondents == 0:
            return dash
        return hidden if group.is_hidden(criterion.id) else number(group.level(criterion.id), lang())

    table = pd.DataFrame([
        {_("survey_results.overview.criterion"): c.name.get(lang()), **{name: cell(group, c) for name, group in groups}}
        for c in results.rubric.criteria
    ])
    st.dataframe(table, hide_index=True, width="stretch")
    figure = levels_figure(results)
    if figure is not None:
        st.plotly_chart(figure, config={"displayModeBar": False}, key="survey_levels")


def criteria_table(results, group) -> None:
    rows = []
    for criterion in results.rubric.criteria:
        figures = group.criteria.get(criterion.id)
        if figures is None or (figures.answered == 0 and figures.dont_know == 0):
            continue
        rows.append({
            _("survey_results.overview.criterion"): criterion.name.get(lang()),
            _("survey_results.criteria.level"): number(figures.level, lang()),
            _("survey_results.criteria.mean"): number(figures.mean, lang()),
            _("survey_results.criteria.answered"): figures.answered,
            _("survey_results.criteria.agreeing"): percent(figures.agreeing, lang()),
            _("survey_results.criteria.dont_know"): figures.dont_know,
        })
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    else:
        st.caption(_("survey_results.criteria.no_answers"))


def choice_item(item) -> None:
    st.markdown(f"**{escape_markdown(item.text.get(lang()))}**")
    st.caption(_("survey_results.items.choice_answered", count=item.choice_answers))
    table = pd.DataFrame([
        {_("survey_results.items.option"): o.text.get(lang()), _("survey_results.items.count"): o.count,
         _("survey_results.items.share"): (o.share or 0.0) * 100}
        for o in item.options
    ])
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        _("survey_results.items.share"): st.column_config.ProgressColumn(
            _("survey_results.items.share"), min_value=0.0, max_value=100.0, format=percent_column_format(lang())),
    })


def comments(audience) -> None:
    st.markdown(f"#### {_('survey_results.comments.heading')}")
    if not audience.comments:
        st.caption(_("survey_results.comments.none"))
        return
    st.caption(_("survey_results.comments.intro"))
    for question in audience.comments:
        with st.container(border=True):
            st.markdown(f"**{escape_markdown(question.text.get(lang()))}**")
            # Respondents' own words: every Markdown and HTML character neutralised.
            st.markdown("\n".join(f"- {escape_markdown(' '.join(text.split()))}" for text in question.comments))


def audience_tab(results, audience) -> None:
    if audience.respondents == 0:
        st.info(_("survey_results.no_responses"))
        return
    if audience.hidden:
        hidden_note(audience, results.min_group)
        return
    if audience.group.hidden_items:
        st.caption(_("survey_results.hidden_items", count=audience.group.hidden_items, min=results.min_group))
    st.markdown(f"#### {_('survey_results.criteria.heading')}")
    criteria_table(results, audience.group)
    agreement = [item for item in audience.group.items if item.figures is not None]
    st.markdown(f"#### {_('survey_results.items.heading')}")
    if agreement:
        st.caption(_("survey_results.scale.legend"))
        st.plotly_chart(distribution_figure(agreement), config={"displayModeBar": False},
                        key=f"distribution_{audience.audience}")
    for item in audience.group.items:
        if item.figures is None:
            choice_item(item)
    comments(audience)


def pdf_download(results, choice) -> None:
    st.subheader(_("survey_results_page.pdf"))
    pdf_lang = st.segmented_control(_("report_page.language"), options=list(languages()), format_func=language_names().__getitem__,
                                    default=lang(), required=True, key="survey_results_lang")
    # Made when clicked (on another thread, without the session): only plain values go in.
    st.download_button(
        _("survey_results_page.download"), data=lambda: render_survey_results_pdf(results, lang=pdf_lang),
        file_name=f"survey-results-{choice.id}-{pdf_lang}.pdf", mime="application/pdf", type="primary",
        icon=":material/download:", on_click="ignore", key="survey_results_pdf",
    )


current = require_permission("project.list")
st.title(_("survey_results_page.title"))
st.caption(_("survey_results.intro"))
choice = pick_project(current, "survey.results")
try:
    with reading() as session:
        results = survey_results.project_results(session, actor=current, project_id=choice.id)
except ServiceError as error:
    show_error(error)
    st.stop()

if not results.campaigns:
    st.info(_("survey_results.participation.no_campaigns"))
    if can(current, "project.create"):
        st.page_link(f"{PAGES}/surveys.py", label=_("survey_results_page.to_surveys"), icon=":material/campaign:")
    st.stop()

participation(results)
# How the answers were collected (codes, link, import) and how many each way, with bursts.
with reading() as session:
    collected = collection.project_collection(session, actor=current, project_id=choice.id)
if collected.ways:
    collection_block(collected, key="survey_collection")
if results.respondents == 0:
    waiting = sum(a.waiting for a in results.audiences)
    st.info(_("survey_results.waiting", count=waiting, min=results.min_group) if waiting
            else _("survey_results.no_responses"))
    st.stop()
if any(a.hidden or a.group.hidden_items for a in results.audiences) or results.overall.hidden:
    st.caption(_("survey_results.hidden_explained", min=results.min_group))
overview(results)
st.subheader(_("survey_results_page.by_audience"))
tabs = st.tabs([_("survey_results_page.tab", audience=audience_name(a.audience, lang()), count=a.respondents)
                for a in results.audiences])
for tab, audience in zip(tabs, results.audiences, strict=True):
    with tab:
        audience_tab(results, audience)
pdf_download(results, choice)
