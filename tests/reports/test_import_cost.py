"""Pages that only borrow the reports' words do not load the PDF renderer.

WeasyPrint takes about half a second to import. The dashboards, the jury's page and the
national statistics import assess.reports.survey for its words (percentages, audience
names); if that imported WeasyPrint, every server process would pay it at the first visit
of any of those pages (bench/bench_pages.py showed national statistics' first visit at
1.1 s, half of it WeasyPrint). The renderer is imported when a PDF is made.
"""

from __future__ import annotations

import subprocess
import sys


def _modules_after(statement: str) -> set[str]:
    shown = subprocess.run(
        [sys.executable, "-c", f"{statement}\nimport sys\nprint(' '.join(sys.modules))"],
        capture_output=True, text=True, check=True)
    return set(shown.stdout.split())


def test_the_words_of_the_reports_come_without_the_pdf_renderer():
    loaded = _modules_after("import assess.reports.survey, assess.reports.verdict, assess.services.exports, "
                            "assess.services.national")
    assert "assess.reports.survey" in loaded  # the import did run
    assert "weasyprint" not in loaded


def test_making_a_pdf_loads_the_renderer_with_its_local_only_fetcher():
    loaded = _modules_after("from assess.reports.pdf import html_to_pdf\n"
                            "assert html_to_pdf('<p>Bonjour</p>').startswith(b'%PDF')")
    assert {"weasyprint", "assess.reports.fetcher"} <= loaded
