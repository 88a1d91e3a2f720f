"""The reference deployment (deploy/) on loopback, for tests: a scratch PostgreSQL
database, app servers started by `assess serve`, and nginx running the real site file
(deploy/nginx/assess.conf and its snippet) with test ports, a self-signed certificate and
its files in a temporary folder.

Every process here is started by the test and stopped by its own id.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.servers import free_port, stop, wait_for_http
from tests.servers import insecure_tls as insecure_tls  # the tests' name for it: stack.insecure_tls()

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SITE = DEPLOY / "nginx" / "assess.conf"
HTTP_SITE = DEPLOY / "nginx" / "assess-http.conf"
SNIPPET = DEPLOY / "nginx" / "assess-proxy.conf"
UNIT = DEPLOY / "systemd" / "assess@.service"
#: The `assess` command of this environment (the subprocesses import this checkout's code).
ASSESS = Path(sys.executable).with_name("assess")
POSTGRES_URL = os.environ.get("ASSESS_TEST_POSTGRES_URL")


def nginx_binary() -> str | None:
    """Debian installs nginx in /usr/sbin, which is not on every user's PATH."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def postgres_missing() -> str | None:
    """Why PostgreSQL cannot be used here, or None."""
    if not POSTGRES_URL:
        return "ASSESS_TEST_POSTGRES_URL is not set (the deployment runs on PostgreSQL)"
    from sqlalchemy import text

    from tests.conftest import _postgres_admin

    try:
        engine = _postgres_admin()
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:
        return f"PostgreSQL at ASSESS_TEST_POSTGRES_URL does not answer: {type(error).__name__}"
    return None


def environment(database_url: str) -> dict[str, str]:
    """What the systemd unit's EnvironmentFile gives a server, plus this checkout on the
    import path (so `assess` runs the code under test, not another installed copy)."""
    env = {**os.environ, "ASSESS_DATABASE_URL": database_url, "ASSESS_CLIENT_ADDRESS_HEADER": "X-Forwarded-For"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    for variable in ("ASSESS_SERVED_URL", "ASSESS_PUBLIC_URL"):
        env.pop(variable, None)
    return env


# --- app servers -------------------------------------------------------------------------


def serve_command(port: int, streamlit_options: tuple[str, ...] = ()) -> list[str]:
    """ExecStart of deploy/systemd/assess@.service, on the test's port; the benchmarks add
    Streamlit options after its `--` (``streamlit_options``, e.g. "--runner.postScriptGC=false")."""
    unit = UNIT.read_text()
    found = re.search(r"^ExecStart=\S+/assess (serve .*)$", unit, re.MULTILINE)
    assert found, f"no `ExecStart=.../assess serve ...` line in {UNIT}"
    command = [str(ASSESS), *found.group(1).replace("%i", str(port)).split()]
    if streamlit_options and "--" not in command:
        command.append("--")
    return [*command, *streamlit_options]


@dataclass
class AppServer:
    port: int
    process: subprocess.Popen

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def has_open_connection(self) -> bool:
        """Whether a client (nginx) holds an open TCP connection to this server: the
        WebSocket of a session (nginx closes its other upstream connections after each answer)."""
        established, local_port = "01", f"{self.port:04X}"
        rows = Path("/proc/net/tcp").read_text().splitlines()[1:]
        return any(row.split()[1].endswith(f":{local_port}") and row.split()[3] == established for row in rows)


@contextmanager
def app_servers(folder: Path, database_url: str, count: int,
                streamlit_options: tuple[str, ...] = ()) -> Iterator[list[AppServer]]:
    """``count`` servers, started together as systemd starts the units."""
    servers: list[AppServer] = []
    logs = []
    try:
        for port in (free_port() for _ in range(count)):
            logs.append((folder / f"app-{port}.log").open("wb"))
            servers.append(AppServer(port, subprocess.Popen(serve_command(port, streamlit_options), cwd=folder, env=environment(database_url),
                                                            stdout=logs[-1], stderr=subprocess.STDOUT)))
        for server in servers:
            wait_for_http(f"http://{server.address}/_stcore/health", server.process)
        yield servers
    finally:
        for server in servers:  # all asked at once: each takes a few seconds to close
            if server.process.poll() is None:
                server.process.terminate()
        for server in servers:
            stop(server.process)
        for log in logs:
            log.close()


# --- nginx -------------------------------------------------------------------------------


def _replace(text: str, pattern: str, replacement: str, *, count: int = 0) -> str:
    """re.sub that fails loudly when the site file no longer has what the test rewrites."""
    changed, found = re.subn(pattern, replacement, text, count=count, flags=re.MULTILINE)
    assert found, f"deploy/nginx: nothing matches {pattern!r}; update tests/deploy/stack.py"
    return changed


def site_for_test(*, folder: Path, servers: list[str], http_port: int, https_port: int) -> str:
    """deploy/nginx/assess-http.conf and assess.conf with what differs on a test machine:
    loopback ports, the app servers' addresses, a self-signed certificate, files in ``folder``."""
    site = HTTP_SITE.read_text() + SITE.read_text()
    site = _replace(site, r"^\s*listen \[::\].*\n", "")
    site = _replace(site, r"listen 80;", f"listen 127.0.0.1:{http_port};")
    site = _replace(site, r"listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl")
    site = _replace(site, r"/etc/letsencrypt/live/[^/]+/fullchain\.pem", str(folder / "cert.pem"))
    site = _replace(site, r"/etc/letsencrypt/live/[^/]+/privkey\.pem", str(folder / "key.pem"))
    site = _replace(site, r"/var/log/nginx/", f"{folder}/")
    site = _replace(site, r"/var/www/letsencrypt", str(folder / "acme"))
    site = _replace(site, r"/etc/nginx/snippets/assess-proxy\.conf", str(SNIPPET))
    upstream = re.search(r"^upstream assess_app \{.*?^\}", site, re.MULTILINE | re.DOTALL)
    assert upstream, f"{SITE.name}: no `upstream assess_app {{...}}` block"
    options = re.search(r"^\s*server \S+( [^;]*);", upstream.group(0), re.MULTILINE)
    assert options, f"{SITE.name}: the upstream lists no server"
    block = re.sub(r"^\s*server \S+[^;]*;\n", "", upstream.group(0), flags=re.MULTILINE)
    block = block.replace("}", "".join(f"    server {address}{options.group(1)};\n" for address in servers) + "}")
    return site.replace(upstream.group(0), block)


def nginx_main_config(folder: Path, site: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf gives the site, with every file in ``folder``."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers otherwise run as nobody, who cannot write here
    temp = "\n".join(f"    {kind}_temp_path {folder}/{kind}_temp;" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""{user}worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
daemon off;
events {{ worker_connections 512; }}
http {{
    access_log off;
{temp}
    include {site};
}}
"""


def self_signed_certificate(folder: Path) -> None:
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=assess.example.org",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
                   check=True, capture_output=True)


@dataclass
class Nginx:
    folder: Path
    http_port: int
    https_port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    @property
    def access_log(self) -> Path:
        return self.folder / "assess.access.log"

    def log_lines(self) -> list[str]:
        return self.access_log.read_text().splitlines() if self.access_log.exists() else []


def write_nginx_config(folder: Path, servers: list[str]) -> tuple[Path, int, int]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "acme").mkdir(exist_ok=True)
    self_signed_certificate(folder)
    http_port, https_port = free_port(), free_port()
    site = folder / "assess.conf"
    site.write_text(site_for_test(folder=folder, servers=servers, http_port=http_port, https_port=https_port))
    config = folder / "nginx.conf"
    config.write_text(nginx_main_config(folder, site))
    return config, http_port, https_port


@contextmanager
def nginx(folder: Path, servers: list[str]) -> Iterator[Nginx]:
    binary = nginx_binary()
    assert binary, "nginx is not installed"
    config, http_port, https_port = write_nginx_config(folder, servers)
    checked = subprocess.run([binary, "-p", str(folder), "-c", str(config), "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([binary, "-p", str(folder), "-c", str(config)], stdout=subprocess.DEVNULL,
                               stderr=(folder / "nginx-stderr.log").open("wb"))
    try:
        wait_for_http(f"https://127.0.0.1:{https_port}/_stcore/health", process, timeout=15)
        yield Nginx(folder, http_port, https_port, process)
    finally:
        # nginx's master stops its workers on SIGQUIT (graceful) or SIGTERM (fast).
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# --- the whole deployment ----------------------------------------------------------------


@dataclass
class Deployment:
    folder: Path
    database_url: str
    servers: list[AppServer]
    proxy: Nginx

    def server_at(self, address: str) -> AppServer:
        return next(server for server in self.servers if server.address == address)


def run_assess(database_url: str, *args: str, folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(ASSESS), *args], cwd=folder, env=environment(database_url),
                          capture_output=True, text=True, timeout=120)


@contextmanager
def deployment(folder: Path, database_url: str, *, servers: int = 2) -> Iterator[Deployment]:
    """`assess init` (ExecStartPre), ``servers`` app servers, nginx in front."""
    initialised = run_assess(database_url, "init", folder=folder)
    assert initialised.returncode == 0, initialised.stderr
    with ExitStack() as stack:
        started = stack.enter_context(app_servers(folder, database_url, servers))
        proxy = stack.enter_context(nginx(folder / "nginx", [server.address for server in started]))
        yield Deployment(folder, database_url, started, proxy)
