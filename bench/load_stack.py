"""What the two load benchmarks share: the served suite (the reference deployment of
tests/deploy/stack.py), families' campaigns with single-use codes, one respondent's whole
survey through the WebSocket driver, and the figures (percentiles, responses stored).

Setups:
- ``sqlite``: one `assess serve` on a SQLite file, reached directly (no proxy);
- ``postgresql``: a new PostgreSQL database, ``servers`` app servers and nginx with the
  real site file in front (TLS, sticky route cookie), as in deploy/.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # benchmarks run as `python bench/bench_x.py`
    sys.path.insert(0, str(ROOT))

from common import fresh_database, teacher_and_project
from sqlalchemy import func, select
from streamlit_client import Respondent, RunFailed, timed

from assess import clock
from assess.i18n import t
from assess.services import campaigns
from assess.storage.db import make_engine, make_session_factory, reading, writing
from assess.storage.models import SurveyResponse
from tests.deploy import stack

COMMENT = "Très beau projet, merci à toute l'équipe !"


# --- the served suite --------------------------------------------------------------------------


@dataclass
class Served:
    url: str  # what respondents open: nginx's https address, or the one server's http address
    database_url: str
    servers: list[stack.AppServer]
    proxy: stack.Nginx | None
    streamlit_options: tuple[str, ...] = ()
    first_pages: list[float] = field(default_factory=list)  # each server's first page after it started
    folder: Path | None = None  # where the servers' logs are

    def logged_errors(self) -> list[str]:
        """The distinct exception lines of the app servers' logs (they hold no personal data)."""
        found: set[str] = set()
        for log in sorted(self.folder.glob("app-*.log")) if self.folder else []:
            found.update(line.strip() for line in log.read_text(errors="replace").splitlines()
                         if re.match(r"^\s*[\w.]+(Error|Exception|Timeout)\b", line))
        return sorted(found)

    def describe(self) -> str:
        front = "nginx (TLS, sticky route cookie) in front" if self.proxy else "reached directly"
        backend = "PostgreSQL" if self.database_url.startswith("postgresql") else "SQLite"
        options = f" with {' '.join(self.streamlit_options)}" if self.streamlit_options else ""
        return f"{backend}, {len(self.servers)} app server(s) (`assess serve`{options}), {front}"


@contextmanager
def served(backend: str, folder: Path, *, servers: int, streamlit_options: tuple[str, ...] = ()) -> Iterator[Served]:
    with fresh_database(backend, str(folder)) as url:
        initialised = stack.run_assess(url, "init", folder=folder)
        if initialised.returncode:
            sys.exit(f"assess init failed:\n{initialised.stderr}")
        with ExitStack() as started:
            app = started.enter_context(stack.app_servers(folder, url, servers, streamlit_options))
            first_pages = [warm_up(server) for server in app]
            if backend == "sqlite":
                yield Served(f"http://{app[0].address}", url, app, None, streamlit_options, first_pages, folder)
            else:
                proxy = started.enter_context(stack.nginx(folder / "nginx", [s.address for s in app]))
                yield Served(proxy.url, url, app, proxy, streamlit_options, first_pages, folder)


def warm_up(server: stack.AppServer) -> float:
    """Open the respondent's page once on ``server`` (an unknown code): a server's first
    page imports the pages and loads the questionnaires, seconds that a server running for
    days has long paid. Returns how long that first page took."""

    async def first_page() -> float:
        respondent = Respondent(f"http://{server.address}", "code=WARMUP2345")
        try:
            elapsed, _ = await timed(respondent.open())
            return elapsed
        finally:
            await respondent.close()

    return asyncio.run(first_page())


def issue_codes(database_url: str, count: int, *, per_campaign: int = 1000) -> tuple[list[str], list[int]]:
    """``count`` single-use codes of families' campaigns (a class's project, or many
    projects' for a national week: one campaign per ``per_campaign`` codes)."""
    engine = make_engine(database_url)
    codes: list[str] = []
    campaign_ids: list[int] = []
    try:
        sessions = make_session_factory(engine)
        with writing(sessions) as session:
            teacher, project_id = teacher_and_project(session)
            while len(codes) < count:
                campaign = campaigns.create_campaign(
                    session, actor=teacher, project_id=project_id, audience="families", mode="codes",
                    languages=["fr", "en"], opens_on=clock.today() - timedelta(days=1),
                    closes_on=clock.today() + timedelta(days=30))
                session.flush()
                campaign_ids.append(campaign.id)
                codes += campaigns.issue_codes(session, actor=teacher, campaign_id=campaign.id,
                                               count=min(per_campaign, count - len(codes)))
        return codes, campaign_ids
    finally:
        engine.dispose()


def responses_stored(database_url: str, campaign_ids: list[int]) -> int:
    engine = make_engine(database_url)
    try:
        with reading(make_session_factory(engine)) as session:
            return session.scalar(select(func.count(SurveyResponse.id))
                                  .where(SurveyResponse.campaign_id.in_(campaign_ids))) or 0
    finally:
        engine.dispose()


# --- one respondent ------------------------------------------------------------------------------


@dataclass
class Timings:
    opens: list[float] = field(default_factory=list)  # GET of the address + WebSocket + first page
    clicks: list[float] = field(default_factory=list)  # an answer given -> the page shown again
    submissions: list[float] = field(default_factory=list)  # "send" -> the thanks shown
    sent: int = 0  # submissions whose "send" was clicked
    thanked: int = 0  # ... and that showed the thanks
    failures: list[str] = field(default_factory=list)

    def merge(self, other: Timings) -> None:
        for name in ("opens", "clicks", "submissions", "failures"):
            getattr(self, name).extend(getattr(other, name))
        self.sent += other.sent
        self.thanked += other.thanked


async def answer_survey(base_url: str, code: str, timings: Timings, *, think: tuple[float, float],
                        rng: random.Random) -> None:
    """Open ``?code=CODE``, answer every question (one action each), send; a pause of
    ``think`` seconds (uniform) before each action, as a person reads the next question."""
    respondent = Respondent(base_url, f"code={code}")
    try:
        elapsed, page = await timed(respondent.open())
        timings.opens.append(elapsed)
        answered: set[str] = set()
        while True:
            todo = [w for w in page.widgets if w.kind in ("radio", "text_area") and w.id not in answered]
            if not todo:
                break
            widget = todo[0]
            await asyncio.sleep(rng.uniform(*think))
            if widget.kind == "radio":
                action = respondent.choose(widget, rng.randrange(len(widget.options)))
            else:
                action = respondent.type_text(widget, COMMENT)
            elapsed, page = await timed(action)
            timings.clicks.append(elapsed)
            answered.add(widget.id)
        send = next((w for w in page.widgets if w.kind == "button" and w.id.endswith("respond_send")), None)
        if send is None:
            raise RunFailed("no send button on the page")
        await asyncio.sleep(rng.uniform(*think))
        timings.sent += 1
        elapsed, page = await timed(respondent.click(send))
        if not page.shows(t("respond.sent_title", "en")):
            raise RunFailed("no thanks after sending")
        timings.submissions.append(elapsed)
        timings.thanked += 1
    except Exception as error:  # counted and reported: a load benchmark must not stop at the first
        timings.failures.append(f"{type(error).__name__}: {error}"[:200])
    finally:
        await respondent.close()


# --- figures ---------------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(values: list[float]) -> str:
    if not values:
        return "none"
    return (f"p50 {percentile(values, 0.5) * 1000:.0f} ms, p95 {percentile(values, 0.95) * 1000:.0f} ms, "
            f"max {max(values) * 1000:.0f} ms (n={len(values)}, mean {statistics.fmean(values) * 1000:.0f} ms)")


class LoadWatch:
    """The machine's load average before, during (sampled each second) and after a run:
    other work shares these cores and the figures must say so."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self.before = os.getloadavg()[0]
        self._task: asyncio.Task | None = None

    async def _sample(self) -> None:
        while True:
            self.samples.append(os.getloadavg()[0])
            await asyncio.sleep(1)

    def start(self) -> None:
        self._task = asyncio.create_task(self._sample())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
        self.after = os.getloadavg()[0]

    def line(self) -> str:
        during = f"{min(self.samples):.1f}-{max(self.samples):.1f}" if self.samples else "n/a"
        return f"load average (1 min): before {self.before:.2f}, during {during}, after {self.after:.2f}"


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far: what an app server spends on
    the benchmark's runs, whatever else the machine's cores are doing."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def servers_cpu(app: Served) -> float:
    return sum(cpu_seconds(server.process.pid) for server in app.servers)


def wall() -> float:
    return time.perf_counter()


def server_rss_mib(app: Served) -> list[float]:
    """Each app server's resident memory now (VmRSS)."""
    sizes = []
    for server in app.servers:
        for line in Path(f"/proc/{server.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


def measure(app: Served, campaign_ids: list[int], title: str, load, *, targets: tuple[float, float]) -> dict:
    """Run the coroutine ``load`` (it returns Timings) with the load average watched and the
    app servers' CPU counted; print the figures and return them."""

    async def measured():
        watch = LoadWatch()
        watch.start()
        started, cpu, client_cpu = wall(), servers_cpu(app), time.process_time()
        timings = await load
        cpu, client_cpu = servers_cpu(app) - cpu, time.process_time() - client_cpu
        elapsed = wall() - started
        await watch.stop()
        return timings, elapsed, watch, cpu, client_cpu

    timings, elapsed, watch, cpu, client_cpu = asyncio.run(measured())
    stored = responses_stored(app.database_url, campaign_ids)
    actions = len(timings.opens) + len(timings.clicks) + len(timings.submissions)
    lost = timings.sent - stored
    click95, submit95 = percentile(timings.clicks, 0.95), percentile(timings.submissions, 0.95)
    met = click95 < targets[0] and submit95 < targets[1] and lost == 0 and not timings.failures
    print(f"\n{app.describe()}: {title}: {elapsed:.1f} s")
    print(f"  {watch.line()}")
    print(f"  (each server's first page after it started, before the measure: "
          f"{', '.join(f'{first:.1f} s' for first in app.first_pages)})")
    print(f"  open the address: {summary(timings.opens)}")
    print(f"  click:            {summary(timings.clicks)}")
    print(f"  submission:       {summary(timings.submissions)}")
    print(f"  throughput: {stored / elapsed:.2f} responses stored a second, {actions / elapsed:.1f} actions a second")
    print(f"  app servers' CPU: {cpu:.1f} s for {actions} actions, {cpu / max(actions, 1) * 1000:.0f} ms an action "
          f"(each server is one Python process: at most one core); RSS now "
          f"{', '.join(f'{size:.0f}' for size in server_rss_mib(app))} MiB; the clients' CPU {client_cpu:.1f} s")
    print(f"  sent {timings.sent}, thanked {timings.thanked}, stored {stored}, lost {lost}; "
          f"failed respondents {len(timings.failures)}")
    for failure in sorted(set(timings.failures))[:5]:
        print(f"    {failure}")
    for error in app.logged_errors()[:8]:
        print(f"    server log: {error[:200]}")
    print(f"  targets (p95 click < {targets[0]:g} s, p95 submission < {targets[1]:g} s, none lost): "
          f"{'met' if met else 'MISSED'}")
    return {"setup": app.describe(), "title": title, "seconds": round(elapsed, 1),
            "click_p50": percentile(timings.clicks, 0.5), "click_p95": click95,
            "submission_p50": percentile(timings.submissions, 0.5), "submission_p95": submit95,
            "open_p95": percentile(timings.opens, 0.95), "first_pages_s": app.first_pages,
            "stored_per_s": stored / elapsed,
            "server_cpu_ms_per_action": cpu / max(actions, 1) * 1000, "client_cpu_s": client_cpu,
            "server_rss_mib": server_rss_mib(app), "sent": timings.sent, "stored": stored, "lost": lost,
            "failures": len(timings.failures), "logged_errors": app.logged_errors(), "load_before": watch.before,
            "load_max": max(watch.samples, default=None), "load_after": watch.after, "targets_met": met}
