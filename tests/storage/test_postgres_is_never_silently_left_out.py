"""A run without ``ASSESS_TEST_POSTGRES_URL`` says so in its summary, and a CI run fails.

Without the URL the PostgreSQL variants used to vanish (the parameter was simply not made),
so a green run could have tested one database of two without anyone noticing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TWO_DATABASE_TESTS = [
    "tests/storage/test_engine.py::test_models_and_migrations_do_not_differ",
    "tests/storage/test_engine.py::test_migrations_run_from_empty_to_head_and_again",
]


def pytest_run(*, ci: bool) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if name not in ("ASSESS_TEST_POSTGRES_URL", "CI")}
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", *TWO_DATABASE_TESTS],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )


def test_without_the_url_the_postgresql_variant_is_reported_as_skipped():
    run = pytest_run(ci=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 passed, 2 skipped" in run.stdout
    skipped = [line for line in run.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(skipped) == 1, skipped  # one line for all of them, not one per test
    assert skipped[0].startswith("SKIPPED [2]") and "ASSESS_TEST_POSTGRES_URL is not set" in skipped[0]
    assert "PostgreSQL: NOT configured" in run.stdout  # in the header too, before any test runs


def test_a_ci_run_without_the_url_fails():
    run = pytest_run(ci=True)
    assert run.returncode != 0
    assert "ASSESS_TEST_POSTGRES_URL" in run.stdout + run.stderr
    assert "passed" not in run.stdout
