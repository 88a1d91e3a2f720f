"""Puts the suite's content into the wheel; everything else is in pyproject.toml.

In the repository the content stays where people edit it (``app.py``, ``rubrics/``,
``surveys/``, ``reports/``, ``.streamlit/config.toml`` at the top level). A wheel must carry
it, so building copies it under ``assess/_content/``, where :mod:`assess.resources` finds it.
An editable install (``pip install -e``) copies nothing: it reads the repository's files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent

#: Files shipped as content, relative to the repository (patterns for Path.glob).
CONTENT = (
    "app.py",
    ".streamlit/config.toml",
    "rubrics/*.yaml",
    "surveys/*.yaml",
    "reports/templates/*.html",
    "reports/styles/*.css",
    "reports/assets/*",
)
TARGET = Path("assess") / "_content"


def content_files() -> list[Path]:
    found = sorted({path.relative_to(HERE) for pattern in CONTENT for path in HERE.glob(pattern) if path.is_file()})
    if not any(path.parts[0] == "rubrics" for path in found):
        raise SystemExit(f"no rubric files under {HERE / 'rubrics'}: the wheel would be useless")
    return found


class build_py_with_content(build_py):
    """``build_py`` plus a copy of the content files into ``assess/_content``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        # A file removed from the repository must not linger from an earlier build.
        shutil.rmtree(Path(self.build_lib) / TARGET, ignore_errors=True)
        for relative in content_files():
            target = Path(self.build_lib) / TARGET / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(HERE / relative, target)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = super().get_outputs(include_bytecode)
        if getattr(self, "editable_mode", False):
            return outputs
        return outputs + [str(Path(self.build_lib) / TARGET / relative) for relative in content_files()]


setup(cmdclass={"build_py": build_py_with_content})
