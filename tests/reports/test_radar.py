import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from assess.reports.radar import bars_svg, radar_svg

SVG = "{http://www.w3.org/2000/svg}"


def axis_labels(svg: str) -> list[str]:
    root = ET.fromstring(svg)  # also proves the SVG is well-formed XML
    return [
        " ".join(span.text for span in text.iter(f"{SVG}tspan")) if len(text) else text.text
        for text in root.iter(f"{SVG}text")
        if text.get("class") == "axis-label"
    ]


@pytest.mark.parametrize("count", range(3, 13))
def test_one_axis_label_per_criterion(count):
    labels = [f"Criterion {n}" for n in range(count)]
    svg = radar_svg(labels=labels, values=[n % 6 for n in range(count)])
    assert axis_labels(svg) == labels
    root = ET.fromstring(svg)
    assert len([line for line in root.iter(f"{SVG}line") if line.get("class") == "axis"]) == count


def test_labels_and_title_are_escaped():
    svg = radar_svg(
        labels=["<script>x</script>", "Fish & chips", 'say "hi"'],
        values=[1, 2, 3],
        title="<b>R&D</b>",
    )
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg and "Fish &amp; chips" in svg and "R&amp;D" in svg
    assert axis_labels(svg) == ["<script>x</script>", "Fish & chips", 'say "hi"']
    assert ET.fromstring(svg).find(f"{SVG}title").text == "<b>R&D</b>"


def test_long_labels_are_wrapped_and_cut():
    svg = radar_svg(labels=["word " * 30, "b", "c"], values=[1, 2, 3])
    first = next(t for t in ET.fromstring(svg).iter(f"{SVG}text") if t.get("class") == "axis-label")
    spans = list(first)
    assert len(spans) == 3 and spans[-1].text.endswith("…")


def test_missing_values_are_drawn_at_zero_and_marked():
    svg = radar_svg(labels=["a", "b", "c", "d"], values=[5, None, 3, None])
    root = ET.fromstring(svg)
    missing = [t for t in root.iter(f"{SVG}text") if t.get("data-missing") == "true"]
    assert [t[0].text for t in missing] == ["b", "d"]
    assert len([c for c in root.iter(f"{SVG}circle") if c.get("class") == "missing"]) == 2
    dashed = [line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray")]
    assert len(dashed) == 2


def polygon_points(svg: str, css_class: str) -> list[list[tuple[float, float]]]:
    return [
        [tuple(float(n) for n in pair.split(",")) for pair in polygon.get("points").split()]
        for polygon in ET.fromstring(svg).iter(f"{SVG}polygon")
        if polygon.get("class") == css_class
    ]


def test_each_point_sits_at_its_level_on_its_axis():
    # What a reader sees: a 5 reaches the outer ring, a 0 (or a missing level) the centre,
    # a 2.5 lies halfway, each on its own axis.
    values = [5, 0, 2.5, None, 1]
    svg = radar_svg(labels=list("abcde"), values=values)
    outer_ring = polygon_points(svg, "grid")[-1]
    [shape] = polygon_points(svg, "value")
    root = ET.fromstring(svg)
    axis = next(line for line in root.iter(f"{SVG}line") if line.get("class") == "axis")
    centre = (float(axis.get("x1")), float(axis.get("y1")))
    for value, point, rim in zip(values, shape, outer_ring, strict=True):
        share = (value or 0) / 5
        assert point == pytest.approx(
            (centre[0] + share * (rim[0] - centre[0]), centre[1] + share * (rim[1] - centre[1])), abs=0.02
        )


CHART_IN_A_FRESH_PROCESS = """
import sys
from assess.reports.radar import bars_svg, radar_svg
labels = ["Pédagogie", "Collaboration", "TIC", "Résultats", "Ouverture"]
values = [1.5, 2, None, 4, 5]
sys.stdout.write(radar_svg(labels=labels, values=values, title="Projet « Eau »"))
sys.stdout.write(bars_svg(labels=labels, values=values, title="Projet « Eau »"))
"""


def test_a_chart_is_the_same_file_in_every_process():
    # A report printed twice (two server processes, two days) must hold the same drawing:
    # nothing may depend on string hashing (set or dict order) or on the process.
    outputs = {
        subprocess.run(
            [sys.executable, "-c", CHART_IN_A_FRESH_PROCESS],
            env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=Path(__file__).parents[2],  # this checkout's assess package
            capture_output=True,
            check=True,
            text=True,
            encoding="utf-8",
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1
    assert "Pédagogie" in outputs.pop()


@pytest.mark.parametrize("count", [0, 2, 13])
def test_axis_count_outside_3_to_12_is_refused(count):
    with pytest.raises(ValueError):
        radar_svg(labels=["x"] * count, values=[1] * count)


def test_values_must_match_labels():
    with pytest.raises(ValueError):
        radar_svg(labels=["a", "b", "c"], values=[1, 2])


def test_bars_are_escaped_and_well_formed():
    svg = bars_svg(labels=["A & <B>", "C"], values=[3, None], title="x<y")
    assert axis_labels(svg) == ["A & <B>", "C"]
    assert "<B>" not in svg
