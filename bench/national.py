"""The national demo database for benchmarks: built once, reused while it is current.

    from national import national_database_url   # benchmarks run as `python bench/bench_x.py`
    url = national_database_url()                 # sqlite:///.../bench/.cache/national.db

The first call runs ``assess demo --scale national`` (default size and seed) into
``bench/.cache/national.db``, a SQLite file kept out of git, and says on stderr how long
it took (about a minute). Later calls reuse the file while it is at the current Alembic
head and holds the national demo; otherwise it is built again. The file is built under
another name and renamed when complete, so an interrupted build never leaves a file that
looks usable. ``python bench/national.py`` builds it (if needed) and prints its URL.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from assess.domain.permissions import Actor
from assess.services import demo_national
from assess.storage.db import current_revision, head_revision, make_engine, make_session_factory, upgrade_database

CACHE = Path(__file__).resolve().parent / ".cache"
NATIONAL_DB = CACHE / "national.db"


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


def _usable(path: Path) -> bool:
    """The file exists, is at the head revision and holds the national demo."""
    if not path.exists():
        return False
    engine = make_engine(_url(path))
    try:
        if current_revision(engine) != head_revision():
            return False
        with make_session_factory(engine)() as session:
            return demo_national._national_demo_loaded(session)  # renamed in issue 12
    except Exception:  # a damaged or foreign file: build it again
        return False
    finally:
        engine.dispose()


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def build(path: Path, *, seed: int = demo_national.DEFAULT_SEED) -> float:
    """Build the national demo into ``path`` (replacing it); returns the seconds it took."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")  # two builds at once do not mix
    _remove(partial)
    started = time.perf_counter()
    engine = make_engine(_url(partial))
    try:
        upgrade_database(engine)
        with make_session_factory(engine).begin() as session:
            demo_national.load_national_demo(session, actor=Actor.system(), seed=seed)
    finally:
        # The last connection closed checkpoints the WAL into the file and removes it.
        engine.dispose()
    _remove(path)
    os.replace(partial, path)
    return time.perf_counter() - started


def national_database_url() -> str:
    """The URL of the national demo database, built first if missing or out of date."""
    if not _usable(NATIONAL_DB):
        print(f"building the national demo database {NATIONAL_DB} ...", file=sys.stderr, flush=True)
        seconds = build(NATIONAL_DB)
        size = NATIONAL_DB.stat().st_size / 2**20
        print(f"built the national demo database in {seconds:.1f} s ({size:.0f} MiB)", file=sys.stderr, flush=True)
    return _url(NATIONAL_DB)


if __name__ == "__main__":
    print(national_database_url())
