"""Radar and bar charts as SVG text, drawn by our own code.

Why not a plotting library: the PDF needs vector charts that WeasyPrint renders inline,
with no fonts, scripts or files fetched, and the same bytes for the same input (so
reports can be compared and tested). A few lines of geometry do that. Every text that
reaches the SVG (labels, title) is XML-escaped here, so callers may pass user content.
"""

from __future__ import annotations

import math
import textwrap
from xml.sax.saxutils import escape

FONT = "DejaVu Sans, sans-serif"
INK, GRID, FILL, MISSING = "#1f2937", "#d1d5db", "#2563eb", "#9ca3af"
LABEL_WIDTH = 20  # characters per line of an axis label
LABEL_LINES = 3  # longer labels are cut with an ellipsis


def _attr(value: str) -> str:
    return escape(value, {'"': "&quot;"})


def _num(value: float) -> str:
    # Fixed precision keeps the output identical across runs and platforms.
    return f"{value:.2f}".rstrip("0").rstrip(".") if value else "0"


def _wrap(label: str) -> list[str]:
    lines = textwrap.wrap(label, LABEL_WIDTH, break_long_words=True) or [""]
    if len(lines) > LABEL_LINES:
        lines = lines[:LABEL_LINES]
        lines[-1] = lines[-1][: LABEL_WIDTH - 1].rstrip() + "…"
    return lines


def _clamp(value: float | None, maximum: float) -> float:
    return 0.0 if value is None else max(0.0, min(float(value), maximum))


def _open(width: float, height: float, title: str) -> list[str]:
    label = _attr(title) if title else "chart"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_num(width)} {_num(height)}" '
        f'width="{_num(width)}" height="{_num(height)}" role="img" aria-label="{label}" '
        f'font-family="{FONT}" class="chart">'
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    return parts


def radar_svg(
    *,
    labels: list[str],
    values: list[float | None],
    maximum: float = 5,
    size: int = 360,
    title: str = "",
) -> str:
    """A radar chart: one axis per label, clockwise from the top, rings for levels 0..maximum.

    ``None`` values (not assessed) are drawn at 0; their axis is dashed and their label
    greyed and marked ``data-missing``. The drawing is ``size`` high and 1.5 x ``size``
    wide, the extra width holding the labels on the left and right.
    """
    count = len(labels)
    if not 3 <= count <= 12:
        raise ValueError(f"a radar chart needs 3 to 12 axes, not {count}")
    if len(values) != count:
        raise ValueError("labels and values must have the same length")
    if maximum <= 0:
        raise ValueError("maximum must be above 0")

    font = size / 34
    title_h = font * 2.2 if title else 0
    width, height = size * 1.5, size + title_h
    cx, cy = width / 2, title_h + size / 2
    radius = size / 2 - font * (LABEL_LINES + 1.5)  # room for 3-line labels above and below

    def point(axis: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * axis / count
        r = radius * value / maximum
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    def polygon(points: list[tuple[float, float]]) -> str:
        return " ".join(f"{_num(x)},{_num(y)}" for x, y in points)

    parts = _open(width, height, title)
    if title:
        parts.append(
            f'<text x="{_num(cx)}" y="{_num(font * 1.4)}" text-anchor="middle" font-size="{_num(font * 1.15)}" '
            f'font-weight="bold" fill="{INK}">{escape(title)}</text>'
        )

    # Grid: one polygon per whole level (level 0 is the centre itself), then the axes.
    rings: list[float] = [level for level in range(1, math.floor(maximum) + 1)]
    if not rings or rings[-1] != maximum:
        rings.append(maximum)
    for level in rings:
        ring = polygon([point(i, level) for i in range(count)])
        parts.append(f'<polygon class="grid" points="{ring}" fill="none" stroke="{GRID}" stroke-width="0.8"/>')
    for i, value in enumerate(values):
        x, y = point(i, maximum)
        dash = ' stroke-dasharray="3,3"' if value is None else ""
        parts.append(
            f'<line class="axis" x1="{_num(cx)}" y1="{_num(cy)}" x2="{_num(x)}" y2="{_num(y)}" '
            f'stroke="{GRID}" stroke-width="0.8"{dash}/>'
        )
    # Scale along the first (vertical) axis, 0..maximum.
    for level in [0, *rings]:
        x, y = point(0, level)
        parts.append(
            f'<text class="tick" x="{_num(x + font * 0.4)}" y="{_num(y + font * 0.35)}" '
            f'font-size="{_num(font * 0.75)}" fill="{MISSING}">{_num(level)}</text>'
        )

    shape = [point(i, _clamp(v, maximum)) for i, v in enumerate(values)]
    parts.append(
        f'<polygon class="value" points="{polygon(shape)}" fill="{FILL}" fill-opacity="0.25" '
        f'stroke="{FILL}" stroke-width="1.6" stroke-linejoin="round"/>'
    )
    for (x, y), value in zip(shape, values, strict=True):
        if value is None:
            parts.append(
                f'<circle class="missing" cx="{_num(x)}" cy="{_num(y)}" r="{_num(font * 0.3)}" '
                f'fill="white" stroke="{MISSING}" stroke-width="1"/>'
            )
        else:
            parts.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(font * 0.28)}" fill="{FILL}"/>')

    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        parts.append(_axis_label(i, count, label, value is None, point(i, maximum * 1.08), cx, font))
    parts.append("</svg>")
    return "\n".join(parts)


def _axis_label(
    index: int, count: int, label: str, missing: bool, at: tuple[float, float], cx: float, font: float
) -> str:
    x, y = at
    lines = _wrap(label)
    # Anchor text away from the chart: right of centre starts at the axis end, left ends there.
    anchor = "middle" if abs(x - cx) < font else ("start" if x > cx else "end")
    # Labels above the centre grow upwards, below grow downwards, on the sides they are centred.
    angle = 2 * math.pi * index / count
    vertical = -math.cos(angle)  # -1 at the top, +1 at the bottom
    line_h = font * 1.15
    if vertical < -0.3:
        first = y - line_h * (len(lines) - 1) - font * 0.2
    elif vertical > 0.3:
        first = y + font * 0.9
    else:
        first = y - line_h * (len(lines) - 1) / 2 + font * 0.35
    colour = MISSING if missing else INK
    style = ' font-style="italic" data-missing="true"' if missing else ""
    spans = "".join(
        f'<tspan x="{_num(x)}" y="{_num(first + n * line_h)}">{escape(line)}</tspan>' for n, line in enumerate(lines)
    )
    return (
        f'<text class="axis-label" text-anchor="{anchor}" font-size="{_num(font)}" fill="{colour}"{style}>'
        f"{spans}</text>"
    )


def bars_svg(
    *,
    labels: list[str],
    values: list[float | None],
    maximum: float = 5,
    width: int = 480,
    title: str = "",
) -> str:
    """Horizontal bars, one per label: for rubrics with fewer than 3 or more than 12 criteria."""
    if len(values) != len(labels):
        raise ValueError("labels and values must have the same length")
    if maximum <= 0:
        raise ValueError("maximum must be above 0")
    font, row = 10.0, 22.0
    label_w = width * 0.4
    bar_w = width - label_w - font * 3
    top = font * 2.2 if title else 0
    height = top + row * len(labels) + 4
    parts = _open(width, height, title)
    if title:
        parts.append(f'<text x="0" y="{_num(font * 1.4)}" font-size="{_num(font * 1.15)}" '
                     f'font-weight="bold" fill="{INK}">{escape(title)}</text>')
    for n, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + n * row
        room = int((label_w - font) / (font * 0.62))  # DejaVu Sans averages ~0.6 em per character
        text = label if len(label) <= room else label[: room - 1].rstrip() + "…"
        colour = MISSING if value is None else INK
        parts.append(
            f'<text class="axis-label" x="{_num(label_w - font * 0.5)}" y="{_num(y + row * 0.62)}" '
            f'text-anchor="end" font-size="{_num(font)}" fill="{colour}">{escape(text)}</text>'
        )
        parts.append(f'<rect x="{_num(label_w)}" y="{_num(y + 4)}" width="{_num(bar_w)}" height="{_num(row - 8)}" '
                     f'fill="none" stroke="{GRID}"/>')
        length = bar_w * _clamp(value, maximum) / maximum
        parts.append(f'<rect class="value" x="{_num(label_w)}" y="{_num(y + 4)}" width="{_num(length)}" '
                     f'height="{_num(row - 8)}" fill="{FILL}" fill-opacity="0.6"/>')
        shown = "–" if value is None else _num(float(value))
        parts.append(f'<text x="{_num(label_w + bar_w + font * 0.5)}" y="{_num(y + row * 0.62)}" '
                     f'font-size="{_num(font)}" fill="{colour}">{shown}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
