"""Benchmark: survey submissions with 8 concurrent writers (issue 5, benchmark 4).

A campaign of the families' questionnaire answered with single-use codes, and one
answered through its public link, each on a fresh database (a new SQLite file; a new
PostgreSQL database, dropped afterwards). 8 writers submit N complete, valid sets of
answers (all nine items) between them, through the real service functions
(``responding.submit_with_code`` / ``responding.submit_with_link``), each submission in
a transaction of its own, committed, as the answering page does.

Writers are threads (8 threads, each with its own Session from one engine, as the
Streamlit server runs them) and processes (8 processes, each with its own engine, as
several app servers on one database). Threads share the GIL: on 2 cores the Python
work of 8 threads runs on one core at a time, while processes can use both.

Printed per database and kind of writer: submissions per second, the responses counted
in the database afterwards against the submissions made (none may be lost), the
submissions that failed (an exception such as SQLite's "database is locked", counted as
lost, never retried) or were refused, and the peak RSS. The floor: a raw Core INSERT of
the same rows (the response, then its nine answers) with 8 writers on the same kind of
database, one transaction a submission, so the ratio shows what the service adds
(finding the code or checking the link, reading the campaign and its questionnaire,
validating, marking the code used or recording the link's nonce).

Target (issue 5): at least 200 submissions per second, none lost. PostgreSQL is
measured when ``ASSESS_BENCH_POSTGRES_URL`` (or ``ASSESS_TEST_POSTGRES_URL``) names a
server where databases can be created. Run with `make bench`, or
``python bench/bench_survey_writers.py --submissions 2000 --repeat 3`` (best of three).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import secrets
import sys
import tempfile
import threading
import time
from datetime import timedelta

from common import fresh_database, in_own_process, postgres_url, teacher_and_project  # bench/common.py
from sqlalchemy import Engine, func, insert, select

from assess import clock
from assess.services import campaigns, link_guard, responding
from assess.storage.db import make_engine, make_session_factory
from assess.storage.models import SurveyAnswer, SurveyCode, SurveyResponse, utcnow

WRITERS = 8
SUBMISSIONS = 2000
#: A complete set of answers to the families' questionnaire.
ANSWERS = {
    "child-talked": 5, "learned-other-countries": 4, "showed-work": 4, "project-visible": 5, "family-took-part": 3,
    "privacy-respected": "dont_know", "more-curious": 4, "heard-about": "child", "comment": "Merci pour ce beau projet !",
}


# --- databases --------------------------------------------------------------------------


def open_campaign(url: str, *, mode: str, submissions: int) -> tuple[int, list[str]]:
    """A campaign of the families' questionnaire, open today: its id, and the codes or
    public-link tokens the respondents hold (one each)."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine).begin() as session:
            teacher, project_id = teacher_and_project(session)
            campaign = campaigns.create_campaign(
                session, actor=teacher, project_id=project_id, audience="families",
                mode="link" if mode == "link" else "codes", languages=["fr", "en"],
                opens_on=clock.today() - timedelta(days=1), closes_on=clock.today() + timedelta(days=30),
            )
            if mode == "link":
                token = campaigns.link_token(session, campaign.id)
                return campaign.id, [token] * submissions
            codes: list[str] = []
            while len(codes) < submissions:
                count = min(campaigns.MAX_CODES, submissions - len(codes))
                codes += campaigns.issue_codes(session, actor=teacher, campaign_id=campaign.id, count=count)
            return campaign.id, codes
    finally:
        engine.dispose()


# --- one writer's work ------------------------------------------------------------------


def _submit(engine: Engine, *, mode: str, campaign_id: int, jobs: list[str]) -> dict:
    """Each submission in its own committed transaction. ``ours``: through the service;
    ``floor``: the same rows by raw Core INSERTs. Failures are counted, never retried."""
    factory = make_session_factory(engine)
    responses, answers = SurveyResponse.__table__, SurveyAnswer.__table__
    stored = refused = 0
    errors: list[str] = []
    for index, job in enumerate(jobs):
        try:
            if mode == "codes":
                with factory.begin() as session:
                    result = responding.submit_with_code(session, code=job, answers=ANSWERS, language="fr")
            elif mode == "link":
                with factory.begin() as session:
                    # Each respondent in a browser of their own, one a minute per writer: the
                    # link's rate bound (link_guard.RATE_PER_MINUTE) is not what is measured.
                    result = responding.submit_with_link(session, token=job, nonce=secrets.token_hex(16),
                                                         answers=ANSWERS, language="fr",
                                                         browser_id=link_guard.new_browser_id(session),
                                                         now=utcnow() + timedelta(minutes=index))
            else:
                with engine.begin() as connection:
                    response_id = connection.execute(
                        insert(responses).returning(responses.c.id),
                        {"campaign_id": campaign_id, "submitted_month": clock.today().replace(day=1), "language": "fr",
                         "source": "web"},
                    ).scalar_one()
                    connection.execute(insert(answers), [
                        {"response_id": response_id, "campaign_id": campaign_id, "item_id": item_id,
                         "score": value if isinstance(value, int) else None, "dont_know": value == "dont_know",
                         "choices": [value] if item_id == "heard-about" else None,
                         "text": value if item_id == "comment" else None}
                        for item_id, value in ANSWERS.items()
                    ])
                result = None
            if result is None or result.stored:
                stored += 1
            else:
                refused += 1
        except Exception as error:
            errors.append(f"{type(error).__name__}: {str(error).splitlines()[0][:120]}")
    return {"stored": stored, "refused": refused, "errors": errors}


def _process_writer(url: str, mode: str, campaign_id: int, jobs: list[str], barrier, results) -> None:
    engine = make_engine(url)
    try:
        with engine.connect():  # connected before the clock starts, as a running server is
            pass
        barrier.wait()
        results.put(_submit(engine, mode=mode, campaign_id=campaign_id, jobs=jobs))
    finally:
        engine.dispose()


def run_writers(url: str, *, mode: str, campaign_id: int, jobs: list[str], writers: int, kind: str) -> dict:
    """``writers`` threads or processes share ``jobs``; the time from their common start to
    the last one's end."""
    shares = [jobs[i::writers] for i in range(writers)]
    if kind == "threads":
        engine = make_engine(url, pool_size=writers, max_overflow=0)
        try:
            for connection in [engine.connect() for _ in range(writers)]:  # the pool filled beforehand
                connection.close()
            barrier = threading.Barrier(writers + 1)
            outcomes: list[dict] = [{}] * writers

            def writer(index: int) -> None:
                barrier.wait()
                outcomes[index] = _submit(engine, mode=mode, campaign_id=campaign_id, jobs=shares[index])

            threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
            for thread in threads:
                thread.start()
            barrier.wait()
            start = time.perf_counter()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - start
        finally:
            engine.dispose()
    else:
        context = multiprocessing.get_context("fork")
        barrier, queue = context.Barrier(writers + 1), context.Queue()
        processes = [context.Process(target=_process_writer, args=(url, mode, campaign_id, share, barrier, queue))
                     for share in shares]
        for process in processes:
            process.start()
        barrier.wait()
        start = time.perf_counter()
        outcomes = [queue.get() for _ in processes]
        elapsed = time.perf_counter() - start
        for process in processes:
            process.join()
    return {"seconds": elapsed, "stored": sum(o["stored"] for o in outcomes),
            "refused": sum(o["refused"] for o in outcomes), "errors": [e for o in outcomes for e in o["errors"]]}


def counted(url: str, campaign_id: int) -> dict:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {
                "responses": connection.scalar(
                    select(func.count()).select_from(SurveyResponse).where(SurveyResponse.campaign_id == campaign_id)),
                "answers": connection.scalar(
                    select(func.count()).select_from(SurveyAnswer).where(SurveyAnswer.campaign_id == campaign_id)),
                "codes_used": connection.scalar(
                    select(func.count()).select_from(SurveyCode).where(SurveyCode.campaign_id == campaign_id,
                                                                       SurveyCode.used.is_(True))),
            }
    finally:
        engine.dispose()


def measure(backend: str, mode: str, kind: str, submissions: int, writers: int) -> dict:
    """One measurement, in a process of its own (its peak RSS is its own): ``mode`` codes,
    link, or floor (raw inserts into a codes campaign)."""
    with tempfile.TemporaryDirectory() as folder, fresh_database(backend, folder) as url:
        campaign_id, jobs = open_campaign(url, mode=mode, submissions=submissions)
        result = run_writers(url, mode=mode, campaign_id=campaign_id, jobs=jobs, writers=writers, kind=kind)
        result.update(counted(url, campaign_id))
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["peak_rss_worker_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=SUBMISSIONS)
    parser.add_argument("--writers", type=int, default=WRITERS)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measurement; the best is kept")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], action="append",
                        help="default: sqlite, and postgresql when a server is configured")
    parser.add_argument("--writers-kind", choices=["threads", "processes"], action="append",
                        help="default: both")
    parser.add_argument("--measure", choices=["codes", "link", "floor"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.backend[0], args.measure, args.writers_kind[0], args.submissions, args.writers)))
        return

    backends = args.backend or (["sqlite"] + (["postgresql"] if postgres_url() else []))
    kinds = args.writers_kind or ["threads", "processes"]
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.python_implementation()} "
          f"{platform.python_version()}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{args.submissions:,} submissions of 9 answers by {args.writers} writers, one transaction each")
    failed = False
    for backend in backends:
        for kind in kinds:
            best: dict[str, dict] = {}
            for _ in range(args.repeat):
                for mode in ("codes", "link", "floor"):  # alternated, so that a busy moment hits all alike
                    result = in_own_process(
                        __file__, ["--measure", mode, "--backend", backend, "--writers-kind", kind,
                                   "--submissions", str(args.submissions), "--writers", str(args.writers)],
                        f"{mode} on {backend} with {kind}")
                    if mode not in best or result["seconds"] < best[mode]["seconds"]:
                        best[mode] = result
            floor = args.submissions / best["floor"]["seconds"]
            for mode, label in (("codes", "single-use codes"), ("link", "public link"), ("floor", "floor: raw Core INSERTs")):
                result = best[mode]
                rate = args.submissions / result["seconds"]
                lost = args.submissions - result["responses"]
                failed |= lost > 0
                rss = f"peak RSS {result['peak_rss_mb']:.0f} MB"
                if kind == "processes":
                    rss += f" (largest writer {result['peak_rss_worker_mb']:.0f} MB)"
                line = (f"{backend}, {args.writers} {kind}, {label}: {rate:,.0f} submissions/s; "
                        f"stored {result['responses']:,} of {args.submissions:,} (lost {lost}), "
                        f"{len(result['errors'])} failed, {result['refused']} refused; {rss}")
                if mode != "floor":
                    line += f"; {floor / rate:.2f}x the floor's time (target 200/s)"
                print(line)
                for error in sorted(set(result["errors"]))[:3]:
                    print(f"    {error}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if failed:
        sys.exit("submissions were lost")


if __name__ == "__main__":
    main()
