"""Benchmark: the PDF self-assessment report against a minimal one-page WeasyPrint document.

The floor is what WeasyPrint needs for any PDF at all; the ratio says what our
template, fonts and radar add. Prints both figures and the ratio; run with `make bench`.
"""

from __future__ import annotations

import platform
import statistics
import time
from datetime import date

from weasyprint import HTML

from assess.domain.rubric import RubricCatalogue
from assess.domain.scoring import score
from assess.reports.self_assessment import render_self_assessment_pdf
from assess.reports.views import EntryView, PartnerView, ProjectView, SelfAssessmentReport

RUNS = 7


def timed(function) -> float:
    function()  # warm-up: fonts and templates are loaded once per process
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def sample_report() -> SelfAssessmentReport:
    rubric = RubricCatalogue.from_directory().default
    levels = {c.id: 3 + i % 3 for i, c in enumerate(rubric.criteria)}
    return SelfAssessmentReport(
        project=ProjectView(
            id=1, title="Le tour d'Europe de notre mascotte", summary="Une peluche voyage d'école en école.",
            teacher="Claire Martin", school="École élémentaire Les Tilleuls", country="FR",
            start_date=date(2025, 9, 8), end_date=date(2026, 6, 19), age_min=7, age_max=9,
            subjects=("Français", "Géographie"), languages=("Français", "Anglais"),
            partners=(PartnerView("Scoala Gimnaziala nr. 5", "RO"), PartnerView("Základní škola Kamenice", "CZ")),
        ),
        rubric=rubric,
        score=score(rubric, levels=levels),
        entries={c.id: EntryView(level=levels[c.id], evidence_note="Carnet de bord commun.") for c in rubric.criteria},
        eligibility={},
    )


def main() -> None:
    report = sample_report()
    ours = timed(lambda: render_self_assessment_pdf(report, lang="fr"))
    floor = timed(lambda: HTML(string="<html><body><p>One page.</p></body></html>").write_pdf())
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
    print(f"self-assessment report PDF: {ours * 1000:.0f} ms (median of {RUNS})")
    print(f"minimal one-page WeasyPrint PDF: {floor * 1000:.0f} ms")
    print(f"ratio: {ours / floor:.1f}x")


if __name__ == "__main__":
    main()
