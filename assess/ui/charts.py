"""Plotly charts of the dashboard: a radar of the criteria and bars against the minimums.

Callers pass texts already translated. Plotly reads a few HTML tags in texts, so every
text is escaped here before the line breaks we add ourselves.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence

import plotly.graph_objects as go

MISSING_COLOR, OK_COLOR, LOW_COLOR, LINE_COLOR = "#9e9e9e", "#2e7d32", "#ef6c00", "#1565c0"


def _wrap(text: str, width: int = 16) -> str:
    return "<br>".join(html.escape(line) for line in textwrap.wrap(text, width) or [""])


def radar_figure(
    labels: Sequence[str],
    values: Sequence[int | None],
    maximum: int = 5,
    *,
    name: str = "",
    not_assessed: str = "-",
    height: int = 420,
) -> go.Figure:
    """One axis per criterion from 0 (centre) to ``maximum``; a criterion without a level
    is drawn at 0 and says so when hovered."""
    theta = [_wrap(label) for label in labels]
    r = [value or 0 for value in values]
    hover = [html.escape(not_assessed) if value is None else str(value) for value in values]
    figure = go.Figure(
        go.Scatterpolar(
            r=r + r[:1],  # back to the first point, to close the shape
            theta=theta + theta[:1],
            text=hover + hover[:1],
            hovertemplate="%{theta}: %{text}<extra></extra>",
            fill="toself",
            name=html.escape(name),
            line={"color": LINE_COLOR},
            marker={"color": [MISSING_COLOR if v is None else LINE_COLOR for v in list(values) + list(values[:1])]},
        )
    )
    figure.update_layout(
        polar={"radialaxis": {"range": [0, maximum], "dtick": 1, "angle": 90, "tickangle": 90, "tickfont": {"size": 9}},
               "angularaxis": {"tickfont": {"size": 11}, "rotation": 90, "direction": "clockwise"}},
        showlegend=False,
        height=height,
        # Room for the criterion names around the circle, also in a phone-wide column.
        margin={"l": 95, "r": 95, "t": 40, "b": 40},
    )
    return figure


def bars_figure(
    labels: Sequence[str],
    values: Sequence[int | None],
    minimums: Sequence[int | None],
    maximum: int = 5,
    *,
    level_name: str = "Level",
    minimum_name: str = "Minimum",
    not_assessed: str = "-",
) -> go.Figure:
    """Horizontal bars (long names fit on a phone): one per criterion, green when it meets
    its minimum, orange below it, grey when not assessed; minimums as black diamonds."""
    names = [_wrap(label, 28) for label in labels]
    colors = [
        MISSING_COLOR if v is None else LOW_COLOR if m is not None and v < m else OK_COLOR
        for v, m in zip(values, minimums, strict=True)
    ]
    figure = go.Figure(
        go.Bar(
            x=[v or 0 for v in values],
            y=names,
            orientation="h",
            marker_color=colors,
            text=[html.escape(not_assessed) if v is None else str(v) for v in values],
            textposition="auto",
            name=html.escape(level_name),
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    with_minimum = [(n, m) for n, m in zip(names, minimums, strict=True) if m is not None]
    if with_minimum:
        figure.add_trace(
            go.Scatter(
                x=[m for _, m in with_minimum],
                y=[n for n, _ in with_minimum],
                mode="markers",
                marker={"symbol": "diamond", "size": 12, "color": "black"},
                name=html.escape(minimum_name),
                hovertemplate="%{y}: " + html.escape(minimum_name) + " %{x}<extra></extra>",
            )
        )
    figure.update_layout(
        xaxis={"range": [0, maximum], "dtick": 1, "title": html.escape(level_name)},
        yaxis={"autorange": "reversed"},  # first criterion on top, as in the rubric
        height=90 + 48 * len(labels),
        margin={"l": 10, "r": 10, "t": 30, "b": 40},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom"},
        showlegend=bool(with_minimum),
        bargap=0.35,
    )
    return figure


def grouped_bars_figure(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    value_name: str = "",
    value_range: tuple[float, float] | None = None,
    colors: Sequence[str] | None = None,
    stacked: bool = False,
) -> go.Figure:
    """Horizontal bars, one row per label (first on top) and one bar per series (name,
    values), side by side or ``stacked``. A None value draws no bar. Used by the national
    statistics: applications and labels per country, levels per criterion and audience..."""
    names = [_wrap(label, 28) for label in labels]
    traces = []
    for index, (name, values) in enumerate(series):
        bar = {"marker_color": colors[index]} if colors and index < len(colors) else {}
        traces.append(go.Bar(
            x=list(values), y=names, orientation="h", name=html.escape(name),
            # The series' name by reference, not pasted in: a name holding "%{...}" (a
            # round's name is typed by the office) would be read as a template variable.
            hovertemplate="%{y}<br>%{fullData.name}: %{x}<extra></extra>", **bar,
        ))
    # Traces and layout given to the figure at once: adding them one by one and updating
    # the layout after took a third of the national statistics' charts (issue 13).
    figure = go.Figure(data=traces, layout={
        "barmode": "stack" if stacked else "group",
        "xaxis": {"title": html.escape(value_name), **({"range": list(value_range)} if value_range else {})},
        "yaxis": {"autorange": "reversed"},
        "height": 110 + max(1, len(labels)) * (26 if stacked else 16 + 12 * max(1, len(series))),
        "margin": {"l": 10, "r": 10, "t": 30, "b": 40},
        "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom"},
        "showlegend": len(series) > 1,
        "bargap": 0.25,
    })
    return figure
