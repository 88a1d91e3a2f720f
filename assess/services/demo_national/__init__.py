"""A synthetic but plausible country (``assess demo --scale national``).

About 1,200 French schools in the 13 metropolitan regions, 900 teachers running 1,500
projects (nursery to vocational school) with 2-6 partner schools each in some thirty
countries, three label rounds (one per school year, the last three), 60 jurors scoring
about 3,000 applications (two each, a third one after a disagreement), decisions and
300,000 survey responses, in a minute or two. It feeds the national statistics, their
Excel export and the benchmarks (``bench/national.py``).

What makes it plausible: every project has a latent *quality* that drives its teacher's
self-assessment, its jurors' levels and its survey answers, so the figures correlate as
in life; each juror has a small bias (a few clearly harsh or lenient); some survey
campaigns stay under five responses (small groups are suppressed); codes campaigns have
unused codes (participation under 100 %). Every name is invented; free-text answers are
a few short generic comments.

How it stays valid: content snapshots (rubric, questionnaires) and settings (gate
minimums) come from the services; the jury's assignment is
:func:`assess.domain.assignment.assign` (no juror on an application of their own school,
loads balanced) and each decision is what :func:`assess.domain.jury.aggregate_items` and
:func:`assess.domain.scoring.score` give for the submitted levels, as
:func:`assess.services.decisions.stage_decision` stores it. A refused project that
applies again does so as a second application (``resubmission_of``), at most once.

How it stays fast: rows go in with SQLAlchemy Core (``insert`` executemany, ``RETURNING``
the ids where they are needed), never through the per-row services. The 300,000
responses and their 3 million answers are written in chunks, generated on the way: with
COPY on PostgreSQL (psycopg) and the driver's executemany on SQLite. Their ids are
reserved first (PostgreSQL: ``nextval`` of the table's sequence, so concurrent writers
are harmless; SQLite: above the current maximum, which is safe because the transaction
holds SQLite's only write lock from its first write): SQLite cannot return ids in
parameter order for a batch, and row-by-row RETURNING took 10 s for the responses alone.

Loading is one transaction (the caller's), recorded by one audit event, and idempotent:
when accounts of :data:`NATIONAL_DOMAIN` or a national demo round exist, nothing changes.
Every account shares one random password, shown once. Like the small demo, it loads only
into an installation without real data or a demonstration installation, marks its
accounts, projects and rounds ``is_demo`` and makes the installation a demonstration one
(:mod:`assess.services.installation`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from assess import clock
from assess.domain.permissions import Actor
from assess.services import audit, installation
from assess.services import rubrics as rubrics  # re-exported (tests)
from assess.services.access import authorize
from assess.services.demo_national.load import _Loader
from assess.services.demo_national.sizes import (
    DEFAULT_SEED,
    DEFAULT_SIZE,
    NATIONAL_DOMAIN,
    ROUND_MARK,
    NationalSize,
    Progress,
)
from assess.services.demo_national.sizes import (
    YEARS as YEARS,
)
from assess.services.demo_national.writer import _sqlite_cache
from assess.storage.models import Round, User

# load_national_demo reads DEFAULT_SIZE from this module's globals, so that it can be patched here.


@dataclass(frozen=True)
class NationalResult:
    created: bool
    seed: int
    #: The shared password of every account made (shown once); None when nothing was made.
    password: str | None = None
    teacher_emails: tuple[str, ...] = ()
    juror_emails: tuple[str, ...] = ()
    #: Rows added, by table name.
    counts: Mapping[str, int] = field(default_factory=dict)
    round_ids: tuple[int, ...] = ()
    seconds: float = 0.0


def _national_demo_loaded(session: Session) -> bool:
    """Whether the national demo is already in the database (its accounts or its rounds)."""
    if session.scalar(select(User.id).where(User.email.like(f"%@{NATIONAL_DOMAIN}")).limit(1)) is not None:
        return True
    return session.scalar(select(Round.id).where(Round.name.like(f"%{ROUND_MARK}")).limit(1)) is not None


def load_national_demo(
    session: Session,
    *,
    actor: Actor,
    size: NationalSize | None = None,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    progress: Progress | None = None,
) -> NationalResult:
    """Load the national demo in the caller's transaction (``demo.load``); changes nothing
    when it is already loaded (``created`` False). ``size``: :data:`DEFAULT_SIZE` if not
    given. The same ``seed`` and ``today`` (default: the date today) give the same country,
    but for the password and the survey code hashes (random, never reproducible).
    ``progress(done, total)`` is called as the work advances (in projects, applications
    and responses)."""
    authorize(session, actor, "demo.load")
    size = size or DEFAULT_SIZE
    size.check()
    installation.make_demo_installation(session, actor=actor)
    if _national_demo_loaded(session):
        return NationalResult(created=False, seed=seed)
    started = time.perf_counter()
    loader = _Loader(session, actor=actor, size=size, seed=seed, today=today or clock.today(), progress=progress)
    with _sqlite_cache(session):
        loader.run()
    audit.record(session, actor=actor, action="demo.load_national", entity_type="demo", entity_id="national",
                 details={"seed": seed, "rows": dict(loader.counts)})
    session.flush()
    return NationalResult(
        created=True, seed=seed, password=loader.password, teacher_emails=tuple(loader.teacher_emails),
        juror_emails=tuple(loader.juror_emails), counts=dict(loader.counts), round_ids=tuple(loader.round_ids),
        seconds=time.perf_counter() - started,
    )

