"""The CSV formula guard on hostile cells: its work must grow with the cell's length, not its square.

A cell of tabs ("," then 40,000 tabs then "=") once took csv_safe 75 s: every tab is both
a cell start and a character skipped before the next visible one. Target: 100,000 tabs in
under 0.5 s of CPU (measured 0.055 s after the fix; 20,000 tabs took 15.4 s before, 2 cores, CPython 3.11).

Run: .venv/bin/python bench/bench_csv_cells.py
"""

from __future__ import annotations

import sys
import time

from assess.domain.statistics import csv_safe

TARGET_SECONDS = 0.5


def main() -> int:
    worst = 0.0
    for tabs in (1_000, 10_000, 100_000):
        for cell in ("," + "\t" * tabs + "=", "\n" * tabs + "=", ("; " * tabs) + "=1"):
            started = time.process_time()
            csv_safe(cell)
            spent = time.process_time() - started
            worst = max(worst, spent)
        print(f"{tabs:>7} separators: worst {worst:.3f} s CPU")
    print(f"target < {TARGET_SECONDS} s: {'met' if worst < TARGET_SECONDS else 'MISSED'}")
    return 0 if worst < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
