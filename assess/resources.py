"""Where the suite's files live: the one place that says it.

In the repository the content stays where people edit it: ``app.py``, ``rubrics/``,
``surveys/``, ``reports/`` and ``.streamlit/config.toml`` at the top level. A wheel carries
copies of them under ``assess/_content/`` (``setup.py`` puts them there at build time), read
with :mod:`importlib.resources`. An editable install (``pip install -e``, what ``make test``
uses) has no ``_content``: it reads the repository's own files, so an edit shows at once.

An office may use its own rubrics and questionnaires: ``ASSESS_CONTENT_DIR`` names a folder
holding ``rubrics/`` and ``surveys/``; it replaces the shipped ones (report templates, styles
and the app stay the shipped ones).
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from assess.domain.content import CatalogueError

#: The environment variable naming an office's own content folder.
CONTENT_DIR_VARIABLE = "ASSESS_CONTENT_DIR"


def _package_dir(package: str) -> Path:
    """An installed package's folder on disk. Wheels install unpacked, so this is a real
    folder; WeasyPrint, Jinja2 and Streamlit all need real paths, not a zip member."""
    found = files(package)
    if not isinstance(found, Path):
        raise CatalogueError("content.catalogue.not_on_disk", package=package, found=str(found))
    return found


def shipped_dir() -> Path:
    """The folder of the files shipped with the suite: ``assess/_content`` in a wheel, the
    repository itself in a source checkout or an editable install."""
    packaged = _package_dir("assess") / "_content"
    if packaged.is_dir():
        return packaged
    return _package_dir("assess").parent


def content_dir() -> Path:
    """The folder holding ``rubrics/`` and ``surveys/``: ``ASSESS_CONTENT_DIR`` when set,
    else the shipped one."""
    chosen = os.environ.get(CONTENT_DIR_VARIABLE, "").strip()
    if not chosen:
        return shipped_dir()
    folder = Path(chosen).expanduser()
    if not folder.is_dir():
        raise CatalogueError("content.catalogue.no_content_dir", variable=CONTENT_DIR_VARIABLE, folder=chosen)
    return folder.resolve()


def _content_subfolder(name: str, kind: str) -> Path:
    folder = content_dir() / name
    if not folder.is_dir():
        chosen = bool(os.environ.get(CONTENT_DIR_VARIABLE, "").strip())
        raise CatalogueError(f"content.catalogue.{kind}.no_folder" + ("_in" if chosen else ""), folder=str(folder),
                             variable=CONTENT_DIR_VARIABLE)
    return folder


def rubrics_dir() -> Path:
    """The installed rubric files (``*.yaml``)."""
    return _content_subfolder("rubrics", "rubric")


def surveys_dir() -> Path:
    """The installed questionnaire files (``*.yaml``)."""
    return _content_subfolder("surveys", "questionnaire")


def reports_dir() -> Path:
    """``reports/``: ``templates/``, ``styles/`` and ``assets/`` of every PDF."""
    return shipped_dir() / "reports"


def app_file() -> Path:
    """The Streamlit entry point, ``app.py``."""
    return shipped_dir() / "app.py"


def streamlit_config_file() -> Path:
    """The suite's Streamlit settings (theme, error details, headless)."""
    return shipped_dir() / ".streamlit" / "config.toml"


def pages_dir() -> Path:
    """The Streamlit pages. Streamlit resolves a page's path against the entry point's
    folder, which differs between the repository and a wheel: pages are named by this
    absolute path, never by one relative to the working directory."""
    return _package_dir("assess.ui") / "pages"
