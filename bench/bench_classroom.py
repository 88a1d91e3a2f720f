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


def one_run(backend: str, *, servers: int, respondents: int, think: tuple[float, float], seed: int,
            streamlit_options: tuple[str, ...] = ()) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench_classroom_") as folder, \
            load_stack.served(backend, Path(folder), servers=servers, streamlit_options=streamlit_options) as app:
        codes, campaign_ids = load_stack.issue_codes(app.database_url, respondents)
        title = f"{respondents} respondents at once, think {think[0]}-{think[1]} s"
        return load_stack.measure(app, campaign_ids, title, classroom(app.url, codes, think=think, seed=seed),
                                  targets=(CLICK_TARGET, SUBMISSION_TARGET))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--respondents", type=int, default=30)
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 4.0), metavar=("MIN", "MAX"),
                        help="seconds a respondent pauses before each action (default 1 4)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--servers", type=int, help="app servers (default: 1 on SQLite, 2 on PostgreSQL)")
    parser.add_argument("--streamlit-option", action="append", default=[], metavar="--NAME=VALUE",
                        help="added to each server's command after `--`, e.g. --streamlit-option=--runner.postScriptGC=false")
    parser.add_argument("--quick", action="store_true", help="8 respondents on SQLite, short pauses (< 60 s)")
    args = parser.parse_args()
    if args.quick:
        args.backend, args.respondents, args.think = "sqlite", 8, (0.2, 0.6)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and not (postgres_url() and load_stack.stack.nginx_binary()):
        print("PostgreSQL skipped: it needs ASSESS_BENCH_POSTGRES_URL or ASSESS_TEST_POSTGRES_URL, and nginx")
        backends.remove("postgresql")
    print(machine_line())
    results: list[dict] = []
    for _ in range(args.repeat):
        for backend in backends:
            servers = args.servers or (1 if backend == "sqlite" else 2)
            results.append(one_run(backend, servers=servers, respondents=args.respondents, think=tuple(args.think),
                                   seed=args.seed + len(results), streamlit_options=tuple(args.streamlit_option)))
    print(load_after_line())
    print(json.dumps(results))


if __name__ == "__main__":
    main()
