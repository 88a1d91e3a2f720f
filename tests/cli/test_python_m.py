"""``python -m assess`` is the ``assess`` command (a checkout, or a virtual environment
whose scripts are not on the PATH): same commands, same name in its help."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_python_m_assess_is_the_assess_command():
    done = subprocess.run([sys.executable, "-m", "assess", "--help"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: assess [OPTIONS] COMMAND")
    for command in ("letters", "mail", "round", "demo"):
        assert f"\n  {command} " in done.stdout
