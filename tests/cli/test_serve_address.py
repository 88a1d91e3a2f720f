"""`assess serve --port N --address A` (what `make run PORT=N` runs) hands the address it
serves to the app, so slips made by an installation nobody configured carry port N, not
8501. Read from the server process itself (Linux /proc): no page is loaded."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assess.services.settings import PUBLIC_URL_VARIABLE, SERVED_URL_VARIABLE
from tests.servers import free_port, stop

ASSESS = Path(sys.executable).with_name("assess")


def environment_of_the_server(tmp_path, *args: str, **extra: str) -> dict[str, str]:
    env = {**os.environ, "ASSESS_DATABASE_URL": f"sqlite:///{tmp_path / 'assess.db'}", **extra}
    env.pop(SERVED_URL_VARIABLE, None)
    server = subprocess.Popen([str(ASSESS), "serve", *args], env=env, cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            # Once Streamlit has taken the process's place (execve), its environment is final.
            if b"streamlit" in Path(f"/proc/{server.pid}/cmdline").read_bytes():
                raw = Path(f"/proc/{server.pid}/environ").read_bytes()
                return dict(entry.split("=", 1) for entry in raw.decode().split("\0") if "=" in entry)
            time.sleep(0.1)
        raise AssertionError("the server did not start")
    finally:
        stop(server, timeout=30)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads the server's environment from /proc")
def test_serve_passes_the_address_it_listens_on(tmp_path):
    port = free_port()
    found = environment_of_the_server(tmp_path, "--port", str(port), "--address", "127.0.0.1")
    assert found[SERVED_URL_VARIABLE] == f"http://127.0.0.1:{port}"
    # The operator's own choice is passed on untouched, and wins (assess.services.settings).
    port = free_port()
    found = environment_of_the_server(tmp_path, "--port", str(port), **{PUBLIC_URL_VARIABLE: "https://label.example.org"})
    assert (found[PUBLIC_URL_VARIABLE], found[SERVED_URL_VARIABLE]) == ("https://label.example.org",
                                                                       f"http://127.0.0.1:{port}")
