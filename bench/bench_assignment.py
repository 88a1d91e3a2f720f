"""Benchmark: assigning a national round's jurors, against a floor of reading the input once.

A round of 3,000 applications, 60 jurors, 2 jurors per application and 5 % random
conflicts (fixed seed), then the same with a capacity that binds (every juror may take
at most 99 of the 6,000 slots, so 60 of them stay empty and many paths go through full
jurors). The floor is one pass over every (juror, application) pair testing it against
the conflicts, which any assignment must do. Prints both figures and the ratio; run with
`make bench`. The target is well under 2 s for the first case.
"""

from __future__ import annotations

import platform
import random
import statistics
import time

from assess.domain.assignment import assign

RUNS = 5
APPLICATIONS = list(range(1, 3001))
JURORS = list(range(1, 61))


def timed(function) -> float:
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    rng = random.Random(2026)
    conflicts = {(j, a) for a in APPLICATIONS for j in JURORS if rng.random() < 0.05}
    floor = timed(lambda: sum(1 for a in APPLICATIONS for j in JURORS if (j, a) not in conflicts))
    plain = timed(lambda: assign(applications=APPLICATIONS, jurors=JURORS, conflicts=conflicts))
    tight = {j: 99 for j in JURORS}
    capped = timed(lambda: assign(applications=APPLICATIONS, jurors=JURORS, conflicts=conflicts, capacity=tight))
    result = assign(applications=APPLICATIONS, jurors=JURORS, conflicts=conflicts, capacity=tight)
    loads = result.loads.values()
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
    print(f"assignment, 3000 applications x 60 jurors x 2, 5 % conflicts: {plain * 1000:.0f} ms (median of {RUNS})")
    print(
        f"same with every juror capped at 99: {capped * 1000:.0f} ms, {len(result.pairs)} pairs, "
        f"{sum(result.short.values())} slots short, loads {min(loads)}-{max(loads)}"
    )
    print(f"floor, one pass over the 180000 pairs: {floor * 1000:.0f} ms")
    print(f"ratio: {plain / floor:.1f}x")


if __name__ == "__main__":
    main()
