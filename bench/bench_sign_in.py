"""Benchmark: a right sign-in while three clients send wrong passwords in a loop (issue 9).

Three threads send wrong passwords (a new e-mail each time, so no throttling makes them
cheap: each costs a full argon2 check at production cost) for ``--seconds`` seconds; the
administrator signs in meanwhile, ``--sign-ins`` times. Printed per mode and backend:
the administrator's sign-in times (median, worst) and the errors the clients met.

- ``before``: the way sign-in worked before issue 9, the password checked inside the
  caller's transaction (``accounts.authenticate`` in ``sessions.begin()``);
- ``after``: ``sign_in.sign_in``, which checks it between two short transactions.

Aim (the issue's): under 2 s for the right sign-in, on SQLite and PostgreSQL.

    python bench/bench_sign_in.py [--seconds 8] [--sign-ins 5] [--backend sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
import uuid

from common import fresh_database, load_after_line, machine_line, postgres_url  # bench/common.py

from assess.services import accounts, sign_in
from assess.storage.db import make_engine, make_session_factory

PASSWORD = "correct horse battery"


def before(sessions, email: str, password: str):
    with sessions.begin() as session:
        return accounts.authenticate(session, email=email, password=password)


def after(sessions, email: str, password: str):
    return sign_in.sign_in(sessions, email=email, password=password, client=None).actor


def measure(url: str, mode, seconds: float, sign_ins: int) -> dict:
    engine = make_engine(url, pool_size=8)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        accounts.create_first_admin(session, email="office@example.org", display_name="Office", password=PASSWORD)
    stop = threading.Event()
    errors: list[str] = []

    def wrong_passwords() -> None:
        while not stop.is_set():
            try:
                mode(sessions, f"{uuid.uuid4().hex}@example.org", "wrong password")
            except Exception as error:
                errors.append(type(error).__name__ + ": " + str(error).splitlines()[0])

    clients = [threading.Thread(target=wrong_passwords) for _ in range(3)]
    for client in clients:
        client.start()
    timings, refused = [], 0
    try:
        time.sleep(1)
        pause = max(0.0, (seconds - 1) / sign_ins)
        for _ in range(sign_ins):
            started = time.monotonic()
            try:
                if mode(sessions, "office@example.org", PASSWORD) is None:
                    refused += 1
            except Exception as error:
                refused += 1
                errors.append(type(error).__name__ + ": " + str(error).splitlines()[0])
            timings.append(time.monotonic() - started)
            time.sleep(pause)
    finally:
        stop.set()
        for client in clients:
            client.join()
        engine.dispose()
    return {"median": statistics.median(timings), "worst": max(timings), "refused": refused,
            "errors": len(errors), "first_error": errors[0] if errors else ""}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--sign-ins", type=int, default=5)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    options = parser.parse_args()
    backends = ["sqlite", "postgresql"] if options.backend == "both" else [options.backend]
    if "postgresql" in backends and not postgres_url():
        backends.remove("postgresql")
    print(machine_line())
    with tempfile.TemporaryDirectory() as folder:
        for backend in backends:
            for name, mode in (("before", before), ("after", after)):
                with fresh_database(backend, folder) as url:
                    result = measure(url, mode, options.seconds, options.sign_ins)
                print(f"{backend:10} {name:6}  right sign-in: median {result['median']:.2f} s, worst "
                      f"{result['worst']:.2f} s, refused {result['refused']}/{options.sign_ins}; client errors "
                      f"{result['errors']} {result['first_error']}")
    print(load_after_line())


if __name__ == "__main__":
    main()
