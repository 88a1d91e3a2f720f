"""A classroom: 30 families answering the families' questionnaire at the same moment,
through the real Streamlit server, each with its own single-use code.

    python bench/bench_classroom.py                      # SQLite (1 server), then PostgreSQL (2 servers, nginx)
    python bench/bench_classroom.py --backend sqlite --repeat 2
    python bench/bench_classroom.py --quick              # 8 respondents, SQLite, under a minute

Each respondent is a WebSocket client speaking the browser's protocol
(bench/streamlit_client.py): it opens ``?code=CODE``, answers the nine questions (one
action each: a radio choice, the comment typed and left), then clicks "Send my answers".
All start together; before each action a respondent pauses ``--think`` seconds
(uniform), as a person reading the next question does.

Measured per action: from sending it to the end of the run that shows its result
(Streamlit's `script_finished`), as the browser shows the page again; per submission: from
the click to the thanks shown. Lost: submissions sent minus responses stored. Targets on
this 2-core machine: p95 click under 1 s, p95 submission under 2 s, none lost.
PostgreSQL is the one of ASSESS_BENCH_POSTGRES_URL or ASSESS_TEST_POSTGRES_URL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
from pathlib import Path

import load_stack
from common import load_after_line, machine_line, postgres_url

CLICK_TARGET, SUBMISSION_TARGET = 1.0, 2.0


async def classroom(url: str, codes: list[str], *, think: tuple[float, float], seed: int) -> load_stack.Timings:
    timings = load_stack.Timings()
    await asyncio.gather(*(load_stack.answer_survey(url, code, timings, think=think, rng=random.Random(seed + n))
                           for n, code in enumerate(codes)))
    return timings


def one_run(backend: str, *, servers: int, respondents: int, think: tuple[float, float], seed: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench_classroom_") as folder, \
            load_stack.served(backend, Path(folder), servers=servers) as app:
        codes, campaign_ids = load_stack.issue_codes(app.database_url, respondents)

        async def measured():
            watch = load_stack.LoadWatch()
            watch.start()
            started, cpu = load_stack.wall(), load_stack.servers_cpu(app)
            timings = await classroom(app.url, codes, think=think, seed=seed)
            cpu = load_stack.servers_cpu(app) - cpu
            await watch.stop()
            return timings, load_stack.wall() - started, watch, cpu

        timings, elapsed, watch, cpu = asyncio.run(measured())
        stored = load_stack.responses_stored(app.database_url, campaign_ids)
        print(f"\n{app.describe()}: {respondents} respondents, think {think[0]}-{think[1]} s, {elapsed:.1f} s")
        print(f"  {watch.line()}")
        print(f"  open the address: {load_stack.summary(timings.opens)}")
        print(f"  click:            {load_stack.summary(timings.clicks)}")
        print(f"  submission:       {load_stack.summary(timings.submissions)}")
        actions = len(timings.opens) + len(timings.clicks) + len(timings.submissions)
        print(f"  app servers' CPU: {cpu:.1f} s for {actions} actions, {cpu / max(actions, 1) * 1000:.0f} ms an action "
              f"(a server is one Python process: at most one core)")
        lost = timings.sent - stored
        print(f"  sent {timings.sent}, thanked {timings.thanked}, stored {stored}, lost {lost}; "
              f"failed respondents {len(timings.failures)}")
        for failure in sorted(set(timings.failures))[:5]:
            print(f"    {failure}")
        click95 = load_stack.percentile(timings.clicks, 0.95)
        submit95 = load_stack.percentile(timings.submissions, 0.95)
        verdict = "met" if click95 < CLICK_TARGET and submit95 < SUBMISSION_TARGET and lost == 0 and \
            not timings.failures else "MISSED"
        print(f"  targets (p95 click < {CLICK_TARGET:.0f} s, p95 submission < {SUBMISSION_TARGET:.0f} s, "
              f"none lost): {verdict}")
        return {"backend": backend, "servers": servers, "respondents": respondents, "seconds": round(elapsed, 1),
                "click_p50": load_stack.percentile(timings.clicks, 0.5), "click_p95": click95,
                "submission_p50": load_stack.percentile(timings.submissions, 0.5), "submission_p95": submit95,
                "open_p95": load_stack.percentile(timings.opens, 0.95),
                "server_cpu_ms_per_action": cpu / max(actions, 1) * 1000, "sent": timings.sent, "stored": stored,
                "lost": lost, "failures": len(timings.failures), "load_before": watch.before,
                "load_max": max(watch.samples, default=None), "load_after": watch.after}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--respondents", type=int, default=30)
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 4.0), metavar=("MIN", "MAX"),
                        help="seconds a respondent pauses before each action (default 1 4)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--quick", action="store_true", help="8 respondents on SQLite, short pauses (< 60 s)")
    args = parser.parse_args()
    if args.quick:
        args.backend, args.respondents, args.think = "sqlite", 8, (0.2, 0.6)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and not postgres_url():
        print("PostgreSQL skipped: set ASSESS_BENCH_POSTGRES_URL or ASSESS_TEST_POSTGRES_URL")
        backends.remove("postgresql")
    print(machine_line())
    results = []
    for _ in range(args.repeat):
        for backend in backends:
            results.append(one_run(backend, servers=1 if backend == "sqlite" else 2, respondents=args.respondents,
                                   think=tuple(args.think), seed=args.seed + len(results)))
    print(load_after_line())
    print(json.dumps(results))


if __name__ == "__main__":
    main()
