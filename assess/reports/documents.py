"""A published round's documents together: its verdict letters and its label certificates,
rendered in one batch (one pool of processes, one progress) and named as each kind names
its files. One way for both the office's ways of getting them: ``assess letters
--certificates`` writes them into a folder, the Decisions page zips them for a download.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from assess.reports import batch
from assess.reports.batch import Progress
from assess.reports.certificate import certificate_filename, render_certificate_pdf
from assess.reports.verdict import letter_filename, render_verdict_letter_pdf
from assess.reports.views import CertificateView, VerdictLetterView

__all__ = ["round_documents_zip", "write_round_documents"]

Document = VerdictLetterView | CertificateView


def _render(view: Document, today: date) -> bytes:
    """One document as PDF bytes (module level: pickled by name for the workers)."""
    if isinstance(view, CertificateView):
        return render_certificate_pdf(view, today=today)
    return render_verdict_letter_pdf(view, today=today)


def _name(view: Document) -> str:
    return certificate_filename(view) if isinstance(view, CertificateView) else letter_filename(view)


def write_round_documents(letters: Sequence[VerdictLetterView], certificates: Sequence[CertificateView] = (), *,
                          out_dir: Path | str, workers: int = 2, progress: Progress | None = None,
                          today: date | None = None) -> tuple[list[Path], list[Path]]:
    """Every letter and certificate into ``out_dir``, each file complete or absent; the
    paths of the letters, then of the certificates."""
    paths = batch.write_all([*letters, *certificates], render=_render, name=_name, out_dir=out_dir, workers=workers,
                            progress=progress, today=today)
    return paths[:len(letters)], paths[len(letters):]


def round_documents_zip(letters: Sequence[VerdictLetterView], certificates: Sequence[CertificateView] = (), *,
                        workers: int = 2, progress: Progress | None = None, today: date | None = None) -> bytes:
    """The same files as :func:`write_round_documents`, as one ZIP for a download button."""
    return batch.zip_all([*letters, *certificates], render=_render, name=_name, workers=workers, progress=progress,
                         today=today)
