"""Finding 9 of issue 9: what a killed export leaves behind.

Starts ``assess export xlsx`` on a database, sends SIGTERM half a second after a file of
the export holds data, and lists what is left in the target folder and in $TMPDIR.

    python bench/interrupted_export.py ASSESS_EXECUTABLE DATABASE_URL WORK_FOLDER

(a database with some thousands of survey responses, e.g. a national demo made with
``demo_national.load_national_demo(..., size=NationalSize(..., responses=30_000))``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path


def main(assess: str, url: str, root: Path) -> None:
    target, scratch = root / "exports", root / "tmp"
    for folder in (target, scratch):
        folder.mkdir(parents=True, exist_ok=True)
        for leftover in folder.iterdir():
            leftover.unlink()
    process = subprocess.Popen([assess, "export", "xlsx", "--out", str(target / "stats.xlsx")],
                               env={**os.environ, "ASSESS_DATABASE_URL": url, "TMPDIR": str(scratch)},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while not any(f.stat().st_size > 0 for folder in (target, scratch) for f in folder.iterdir()):
        time.sleep(0.005)
    time.sleep(0.5)
    process.send_signal(signal.SIGTERM)
    process.communicate()
    print("exit", process.returncode)
    for folder in (target, scratch):
        files = list(folder.iterdir())
        print(f"{folder.name}: {len(files)} file(s), {sum(f.stat().st_size for f in files):,} bytes")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], Path(sys.argv[3]))
