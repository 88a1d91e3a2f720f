"""Servers a test starts: a free local port, waiting until one answers, stopping it.

Every process passed here was started by the test itself and is stopped by its own id.
"""

from __future__ import annotations

import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def insecure_tls() -> ssl.SSLContext:
    """The test's self-signed certificate is not checked (what is tested is the server's answer)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def wait_for_http(url: str, process: subprocess.Popen, *, timeout: float = 60) -> None:
    """Wait until ``url`` answers 200; fail if ``process`` (the one to answer) ends first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process {process.pid} exited with code {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2, context=insecure_tls()) as answer:
                if answer.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def stop(process: subprocess.Popen, *, timeout: float = 15) -> None:
    """Stop a process the test started (SIGTERM, then SIGKILL after ``timeout`` seconds)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
