"""Benchmark: verdict letters (issue 5, benchmark 3).

1. One verdict letter PDF against a minimal one-page WeasyPrint document (the floor:
   what WeasyPrint needs for any PDF at all), medians of several runs in this process.
   Also printed, to read the ratio: the same letter's words as plain paragraphs on one
   page (what laying out that much text costs, before any of our layout).
2. A batch of letters written with ``workers=1`` (in this process) and ``workers=2`` (a
   pool of two processes, started inside the timing): wall-clock times and the speed-up.

Targets (issue 5): the letter within 1.5x of the floor; the batch of 500 at least 1.7x
faster on 2 cores than on one. Run with `make bench` (100 letters), or
`python bench/bench_verdict_letters.py --letters 500`. The machine should be otherwise
idle: the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import html
import io
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from pypdf import PdfReader
from weasyprint import HTML
from weasyprint import __version__ as weasyprint_version

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assess.domain.rubric import RubricCatalogue
from assess.domain.scoring import score
from assess.reports.pdf import html_to_pdf
from assess.reports.verdict import (
    render_verdict_letter_html,
    render_verdict_letter_pdf,
    write_verdict_letters,
)
from assess.reports.views import CriterionFeedback, OfficeView, PartnerView, ProjectView, VerdictLetterView

RUNS = 7
FLOOR_HTML = "<html><body><p>One page.</p></body></html>"
COMMENTS = (
    "The pupils' work is visible on every page of the TwinSpace; the shared calendar shows a steady rhythm.",
    "Good choice of tools for the pupils' age; let the partners edit the same documents.",
)


def sample_views(count: int) -> list[VerdictLetterView]:
    """Letters as a round produces them: the current rubric (five criteria, three gates),
    two jurors' comments per criterion and one per gate, half in French, a third without
    the label."""
    rubric = RubricCatalogue.from_directory().get("etwinning-2021")
    office = OfficeView(
        name="Bureau d'assistance national eTwinning", address="1 avenue de l'Europe\n75000 Paris",
        signatory="Anne Lefèvre, cheffe du bureau", place="Paris",
    )
    views = []
    for n in range(count):
        levels = {c.id: 2.5 + (n + i) % 5 * 0.5 for i, c in enumerate(rubric.criteria)}
        gates = {g.id: 3.0 + (n + i) % 3 * 0.5 for i, g in enumerate(rubric.gates)}
        feedback = tuple(
            [CriterionFeedback(item_id, level, COMMENTS) for item_id, level in levels.items()]
            + [CriterionFeedback(item_id, level, COMMENTS[:1]) for item_id, level in gates.items()]
        )
        views.append(VerdictLetterView(
            application_id=1000 + n,
            round_name="Label de qualité national 2025-2026, session de juin",
            office=office,
            project=ProjectView(
                id=n, title=f"Le tour d'Europe de notre mascotte ({n})", summary="", teacher=f"Claire Martin {n}",
                school="École élémentaire Les Tilleuls", country="FR",
                partners=(PartnerView("Scoala Gimnaziala nr. 5", "RO"),),
            ),
            language="fr" if n % 2 else "en",
            rubric=rubric,
            score=score(rubric, levels=levels, gates=gates, fractional=True),
            outcome="no_label" if n % 3 == 0 else "label",
            feedback=feedback,
            published_at=datetime(2026, 6, 12, tzinfo=UTC),
        ))
    return views


def timed(function, runs: int = RUNS) -> float:
    function()  # warm-up: fonts, stylesheets and templates are loaded once per process
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def plain_text_page(view: VerdictLetterView) -> str:
    """The letter's visible words as plain paragraphs, no stylesheet, no chart."""
    page = render_verdict_letter_html(view)
    page = re.sub(r"<svg.*?</svg>|<style.*?</style>|<title>.*?</title>", "", page, flags=re.S)
    words = html.unescape(re.sub(r"<[^>]+>", " ", page))
    paragraphs = [" ".join(line.split()) for line in words.splitlines() if line.strip()]
    return "<html><body>" + "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs) + "</body></html>"


def batch(views: list[VerdictLetterView], workers: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        paths = write_verdict_letters(views, out_dir=folder, workers=workers)
        elapsed = time.perf_counter() - start
        assert len(paths) == len(views)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=100, help="letters in the batch (issue 5 asks for 500)")
    parser.add_argument("--runs", type=int, default=RUNS, help="runs of the single-letter timings")
    args = parser.parse_args()

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.python_implementation()} "
          f"{platform.python_version()}, WeasyPrint {weasyprint_version}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    views = sample_views(args.letters)
    letter = views[1]  # French, label awarded
    pages = len(PdfReader(io.BytesIO(render_verdict_letter_pdf(letter))).pages)
    ours = timed(lambda: render_verdict_letter_pdf(letter), args.runs)
    floor = timed(lambda: HTML(string=FLOOR_HTML).write_pdf(), args.runs)
    words = plain_text_page(letter)
    text_only = timed(lambda: html_to_pdf(words), args.runs)
    print(f"verdict letter PDF ({pages} page{'s' if pages > 1 else ''}): {ours * 1000:.0f} ms (median of {args.runs})")
    print(f"minimal one-page WeasyPrint PDF: {floor * 1000:.0f} ms")
    print(f"ratio: {ours / floor:.1f}x (target 1.5x)")
    print(f"the letter's words as plain paragraphs: {text_only * 1000:.0f} ms ({ours / text_only:.1f}x of it)")

    one = batch(views, workers=1)
    two = batch(views, workers=2)
    print(f"batch of {len(views)} letters, workers=1: {one:.1f} s ({one / len(views) * 1000:.0f} ms a letter)")
    print(f"batch of {len(views)} letters, workers=2: {two:.1f} s ({two / len(views) * 1000:.0f} ms a letter)")
    print(f"speed-up on 2 cores: {one / two:.2f}x (target 1.7x)")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
