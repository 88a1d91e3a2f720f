"""A round's documents at once (verdict letters, label certificates): hundreds of PDFs.

WeasyPrint is CPU-bound, so batches are rendered by a pool of processes; views are frozen
dataclasses of plain values and pydantic models, hence picklable, and ``render`` is a
module-level function (``render(view, today) -> PDF bytes``), pickled by name.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import sys
import types
import zipfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from assess import clock
from assess.files import atomic_output
from assess.reports.filenames import batch_filenames

Progress = Callable[[int, int], None]
Render = Callable[[Any, date], bytes]
Name = Callable[[Any], str]

#: Below this many documents, starting worker processes (each loads WeasyPrint, ~1-2 s)
#: costs more than it saves: render in this process.
POOL_FROM = 8


def _pool(workers: int, *, preload: str) -> ProcessPoolExecutor:
    """Processes started from a clean server (forkserver) where available, else spawned:
    never a plain fork of a parent that may run threads (Streamlit, database pools).
    The fork server imports ``preload`` (the renderer's module) once, so each worker
    starts with WeasyPrint loaded."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        forkserver = multiprocessing.get_context("forkserver")
        forkserver.set_forkserver_preload([preload])
        return ProcessPoolExecutor(max_workers=workers, mp_context=forkserver)
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


@contextmanager
def _neutral_main() -> Iterator[None]:
    """Streamlit (and its AppTest) runs each page as the module ``__main__``, and a worker
    started by spawn or forkserver imports the parent's ``__main__`` again as its own:
    it would run the page's code (and die of it). Workers start while a blank
    ``__main__`` stands in; the page's is put back at once."""
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved


def _effective_workers(workers: int | None, count: int) -> int:
    wanted = workers if workers and workers > 0 else (os.cpu_count() or 1)
    if count < POOL_FROM:
        return 1
    return max(1, min(wanted, count))


def render_all(
    views: Sequence[Any],
    *,
    render: Render,
    workers: int = 2,
    progress: Progress | None = None,
    today: date | None = None,
) -> Iterator[tuple[int, bytes]]:
    """``(index in views, PDF bytes)`` as each document is ready (not in order).

    ``progress(done, total)`` is called once with ``done=0`` before the first document,
    then after each. ``workers`` <= 1, or fewer than :data:`POOL_FROM` documents, renders
    in this process; otherwise a pool of that many processes. A document that fails
    stops the batch with its error; the documents not started are cancelled.
    """
    total = len(views)
    today = today or clock.today()  # one date for the whole batch, even across midnight
    if progress:
        progress(0, total)
    processes = _effective_workers(workers, total)
    if processes <= 1:
        for index, view in enumerate(views):
            pdf = render(view, today)
            if progress:
                progress(index + 1, total)
            yield index, pdf
        return
    pool = _pool(processes, preload=render.__module__)
    try:
        with _neutral_main():  # the workers start on the first submissions
            pending: dict[Future, int] = {pool.submit(render, view, today): i for i, view in enumerate(views)}
        done = 0
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                index = pending.pop(future)
                pdf = future.result()
                done += 1
                if progress:
                    progress(done, total)
                yield index, pdf
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def write_all(
    views: Sequence[Any],
    *,
    render: Render,
    name: Name,
    out_dir: Path | str,
    workers: int = 2,
    progress: Progress | None = None,
    today: date | None = None,
) -> list[Path]:
    """One file per view into ``out_dir`` (created if needed), named by ``name`` (made
    unique in the batch); returns the paths in the order of ``views``."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    names = batch_filenames(views, name)
    paths: list[Path | None] = [None] * len(views)
    for index, pdf in render_all(views, render=render, workers=workers, progress=progress, today=today):
        path = folder / names[index]
        with atomic_output(path) as partial:  # never a half-written document under the final name
            partial.write_bytes(pdf)
        paths[index] = path
    return [p for p in paths if p is not None]


def zip_all(
    views: Sequence[Any],
    *,
    render: Render,
    name: Name,
    workers: int = 2,
    progress: Progress | None = None,
    today: date | None = None,
) -> bytes:
    """A ZIP of the same files as :func:`write_all`, for a download button."""
    documents: list[bytes | None] = [None] * len(views)
    for index, pdf in render_all(views, render=render, workers=workers, progress=progress, today=today):
        documents[index] = pdf
    buffer = io.BytesIO()
    # PDFs are compressed already: stored, not deflated again.
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for file_name, document in zip(batch_filenames(views, name), documents, strict=True):
            archive.writestr(file_name, document or b"")
    return buffer.getvalue()
