"""A national survey week: 2,000 families' responses from 100 respondents at a time,
against two app servers and PostgreSQL behind nginx (the reference deployment).

    python bench/bench_survey_week.py                          # 2,000 submissions, 100 at a time
    python bench/bench_survey_week.py --submissions 500 --repeat 2
    python bench/bench_survey_week.py --quick                  # 60 submissions, 20 at a time (< 60 s on a quiet machine)

What is driven: the real Streamlit servers, over their WebSocket protocol, as browsers
(bench/streamlit_client.py): 100 respondents, each with a code of its own (20 projects'
campaigns of 100 codes), open the address, answer the nine questions and send; whoever has
sent takes the next code, until every code is used. Real browsers are not used: 100
Chromiums do not fit on 2 cores next to the servers, and the browser's work (drawing)
is not the servers' load. Respondents do not pause between actions unless ``--think``
says so: the week is compressed into minutes, which is what makes it a test of capacity.

Measured: responses stored a second, p50/p95 per action and per submission, lost
(submissions sent minus responses stored), the app servers' CPU per action.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
from pathlib import Path

import load_stack
from common import load_after_line, machine_line, postgres_url

CLICK_TARGET, SUBMISSION_TARGET = 1.0, 2.0


async def survey_week(url: str, codes: list[str], *, concurrent: int, think: tuple[float, float],
                      seed: int) -> load_stack.Timings:
    timings = load_stack.Timings()
    queue: asyncio.Queue[str] = asyncio.Queue()
    shown: list[int] = []  # the progress lines printed
    for code in codes:
        queue.put_nowait(code)

    async def respondent(number: int) -> None:
        rng = random.Random(seed + number)
        while not queue.empty():
            await load_stack.answer_survey(url, queue.get_nowait(), timings, think=think, rng=rng)
            if timings.thanked // 250 > len(shown) and not queue.empty():  # a run takes minutes
                shown.append(timings.thanked)
                print(f"  ... {timings.thanked} thanked", file=sys.stderr, flush=True)

    await asyncio.gather(*(respondent(n) for n in range(concurrent)))
    return timings


def one_run(backend: str, *, servers: int, submissions: int, concurrent: int, think: tuple[float, float],
            seed: int, streamlit_options: tuple[str, ...]) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench_survey_week_") as folder, \
            load_stack.served(backend, Path(folder), servers=servers, streamlit_options=streamlit_options) as app:
        codes, campaign_ids = load_stack.issue_codes(app.database_url, submissions, per_campaign=100)
        title = (f"{submissions} submissions, {concurrent} respondents at a time, "
                 f"think {think[0]}-{think[1]} s, {len(campaign_ids)} campaigns")
        load = survey_week(app.url, codes, concurrent=concurrent, think=think, seed=seed)
        return load_stack.measure(app, campaign_ids, title, load, targets=(CLICK_TARGET, SUBMISSION_TARGET))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--submissions", type=int, default=2000)
    parser.add_argument("--concurrent", type=int, default=100)
    parser.add_argument("--think", type=float, nargs=2, default=(0.0, 0.0), metavar=("MIN", "MAX"))
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--streamlit-option", action="append", default=[], metavar="--NAME=VALUE",
                        help="added to each server's command after `--`, e.g. --streamlit-option=--runner.postScriptGC=false")
    parser.add_argument("--quick", action="store_true", help="60 submissions, 20 at a time")
    args = parser.parse_args()
    if args.quick:
        args.submissions, args.concurrent = 60, 20
    missing = [why for why, absent in (
        ("ASSESS_BENCH_POSTGRES_URL or ASSESS_TEST_POSTGRES_URL is not set", args.backend == "postgresql" and not postgres_url()),
        ("nginx is not installed (apt-get install nginx)", args.backend == "postgresql" and not load_stack.stack.nginx_binary()),
    ) if absent]
    if missing:  # `make bench` runs every benchmark: say why this one did not run, and go on
        print(f"survey week skipped: {'; '.join(missing)}")
        return
    print(machine_line())
    results = [one_run(args.backend, servers=args.servers, submissions=args.submissions, concurrent=args.concurrent,
                       think=tuple(args.think), seed=args.seed + run, streamlit_options=tuple(args.streamlit_option))
               for run in range(args.repeat)]
    print(load_after_line())
    print(json.dumps(results))


if __name__ == "__main__":
    main()
