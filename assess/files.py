"""Writing output files (exports, letters, reports, slips) so that an interrupted command
leaves nothing behind: no half-written file under the final name, and no temporary copy
of answers or names outside the folder the operator chose (``/tmp`` is shared, often not
wiped, and outlives the command).

Every writer goes through :func:`atomic_output`: the content is written to a hidden file
in the target folder (``.name.partial-XXXX``), renamed over the final name only when
complete (a rename within one folder is atomic), and removed on any failure, including
Ctrl-C and SIGTERM (the CLI turns those into exceptions, so ``finally`` runs).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PARTIAL_MARK = ".partial-"


def partial_file(folder: Path | str, name: str) -> Path:
    """A new, empty, private (0600) hidden file in ``folder`` for the work in progress on
    ``name``; the caller removes it (:func:`atomic_output` does)."""
    handle, path = tempfile.mkstemp(prefix=f".{name}{PARTIAL_MARK}", dir=folder)
    os.close(handle)
    return Path(path)


@contextmanager
def atomic_output(path: Path | str) -> Iterator[Path]:
    """Yield the path of a temporary file beside ``path`` to write into; it becomes
    ``path`` when the block ends normally and is removed when it does not. The folder of
    ``path`` must exist (the CLI checks it before any work)."""
    target = Path(path)
    try:
        partial = partial_file(target.parent, target.name)
    except OSError as error:  # say which file could not be written, not the hidden one
        raise OSError(error.errno, error.strerror, str(target)) from None
    try:
        yield partial
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
