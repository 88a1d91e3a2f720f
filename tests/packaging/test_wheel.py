"""The wheel, installed as a national office would: built from this repository, installed in a
fresh virtual environment outside it (pinned by constraints.txt, so pip's cache and the local
package mirror suffice), and run from a folder that is not the repository.

Before the fix the wheel held no rubric, questionnaire, template, app or licence:
`assess rubric list --json` printed [] and `assess demo` died with StopIteration.

One build and one installation (about 1 to 2 minutes: the install dominates) serve every
test of this module; they run in one xdist group.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
import venv
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.servers import free_port, stop

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.packaging, pytest.mark.xdist_group("packaging")]


class Installed:
    """A fresh virtual environment holding the wheel, and a working folder outside the repository."""

    def __init__(self, wheel: Path, prefix: Path, work: Path):
        self.wheel, self.prefix, self.work = wheel, prefix, work
        self.bin = prefix / "bin"
        self.database = f"sqlite:///{work / 'assess.db'}"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of an operator's shell: nothing pointing at this repository."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("ASSESS_") and k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
        return {**env, "ASSESS_DATABASE_URL": self.database, **extra}

    def assess(self, *args: str, timeout: float = 300, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.bin / "assess"), *args], cwd=self.work, env=self.env(**extra),
                              capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    base = tmp_path_factory.mktemp("wheel")
    assert not base.resolve().is_relative_to(ROOT)
    dist = base / "dist"
    # Built from a copy of the sources: setuptools builds in the tree's build/ folder, whose
    # leftovers (an earlier build's dist-info, a module since removed) must not reach the
    # wheel nor fail the build ("File exists: build/bdist.../...dist-info", seen once).
    source = base / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "data", "__pycache__", "*.egg-info", ".pytest_cache", ".hypothesis",
        "test-results", ".cache", "node_modules"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--quiet", "-w", str(dist)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = dist.glob("etwinning_assess-*.whl")

    prefix = base / "venv"
    venv.EnvBuilder(with_pip=True).create(prefix)
    install = subprocess.run(
        # --no-compile: byte-compiling every module of every dependency took half the time;
        # the modules actually imported are compiled when first run.
        [str(prefix / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
         "-c", str(ROOT / "constraints.txt"), str(wheel)],
        capture_output=True, text=True, timeout=900, cwd=base)
    assert install.returncode == 0, install.stderr[-3000:]
    work = base / "office"
    work.mkdir()
    return Installed(wheel, prefix, work)


def test_the_wheel_carries_content_app_streamlit_settings_and_licence(installed):
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    for source in ["app.py", ".streamlit/config.toml", *(str(p.relative_to(ROOT)) for pattern in
                   ("rubrics/*.yaml", "surveys/*.yaml", "reports/templates/*.html", "reports/styles/*.css",
                    "reports/assets/*") for p in ROOT.glob(pattern))]:
        assert f"assess/_content/{source}" in names
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    licence = zipfile.ZipFile(installed.wheel).read(f"etwinning_assess-{version}.dist-info/licenses/LICENSE")
    assert licence.decode().startswith("GNU AFFERO GENERAL PUBLIC LICENSE\nVersion 3, 19 November 2007")


def test_it_runs_from_the_installed_package_not_from_the_repository(installed):
    where = subprocess.run([str(installed.bin / "python"), "-c", "import assess, assess.resources as r; "
                            "print(assess.__file__); print(r.rubrics_dir()); print(assess.__version__)"],
                           cwd=installed.work, env=installed.env(), capture_output=True, text=True, check=True)
    module, rubrics, version = where.stdout.splitlines()
    assert Path(module).is_relative_to(installed.prefix) and Path(rubrics).is_relative_to(installed.prefix)
    assert version == tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def test_rubric_list_shows_the_shipped_rubrics(installed):
    listed = installed.assess("rubric", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert sorted(r["id"] for r in json.loads(listed.stdout)) == sorted(p.stem for p in ROOT.glob("rubrics/*.yaml"))


def test_init_demo_and_a_pdf_report(installed):
    init = installed.assess("init")
    assert init.returncode == 0, init.stderr
    demo = installed.assess("demo")
    assert demo.returncode == 0, demo.stderr
    assert "demonstration projects" in demo.stdout
    projects = json.loads(installed.assess("project", "list", "--json").stdout)
    first = projects[0]
    out = installed.work / "reports" / "self-assessment.pdf"
    out.parent.mkdir()  # --out names a file in an existing folder
    report = installed.assess("report", "self-assessment", "--project", str(first["id"]), "--out", str(out))
    assert report.returncode == 0, report.stderr
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(out.read_bytes())).pages)
    assert first["title"] in text and "Self-assessment report" in text
    # The letterhead is upper case only through the packaged stylesheet (text-transform).
    assert "ETWINNING QUALITY LABEL" in text


def test_the_wheel_speaks_french_from_its_catalogue(installed):
    """The .po files and the language registry are package data: read at run time from the
    installed package, French reaches the operator and the PDF (not English, never a key)."""
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    assert {"assess/i18n/languages.toml", "assess/i18n/locale/messages.pot",
            "assess/i18n/locale/fr/LC_MESSAGES/messages.po", "assess/i18n/en/cli.toml"} <= names
    assert installed.assess("init").returncode == 0
    assert installed.assess("demo").returncode == 0  # loads it, or says it is already there
    refused = installed.assess("report", "self-assessment", "--project", "abc", "--out", "x.pdf", LANG="fr_BE.UTF-8")
    assert refused.returncode != 0 and "n'est pas un identifiant" in refused.stderr, refused.stderr
    unknown = installed.assess("report", "self-assessment", "--lang", "xx", "--project", "1", "--out", "x.pdf")
    assert unknown.returncode != 0 and "en, fr" in unknown.stderr, unknown.stderr
    first = json.loads(installed.assess("project", "list", "--json").stdout)[0]
    out = installed.work / "rapport.pdf"
    report = installed.assess("report", "self-assessment", "--project", str(first["id"]), "--out", str(out), "--lang", "fr")
    assert report.returncode == 0, report.stderr
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(out.read_bytes())).pages).split())
    assert "Rapport d'auto-évaluation" in text and "Self-assessment report" not in text


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as answer:
        return answer.status, answer.read().decode("utf-8", "replace")


def test_serve_answers_its_health_check(installed):
    port = free_port()
    log = installed.work / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen([str(installed.bin / "assess"), "serve", "--port", str(port)], cwd=installed.work,
                                  env=installed.env(), stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        health = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                health = get(f"http://127.0.0.1:{port}/_stcore/health")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        assert health == (200, "ok"), log.read_text()
        status, page = get(f"http://127.0.0.1:{port}/")
        assert status == 200 and "<html" in page.lower()
        # The server is Streamlit itself (assess serve gave it its process), started with the
        # shipped settings although the working folder has no .streamlit/ of its own.
        assert not (installed.work / ".streamlit").exists()
        command = Path(f"/proc/{server.pid}/cmdline").read_bytes().decode().split("\0")
        app = Path(command[command.index("run") + 1])
        assert command[1:3] == ["-m", "streamlit"] and app.name == "app.py" and app.is_relative_to(installed.prefix)
        assert {"--server.headless=true", "--browser.gatherUsageStats=false", "--client.showErrorDetails=none",
                "--theme.primaryColor=#2F5D8A"} <= set(command)
    finally:
        stop(server, timeout=30)
    assert server.returncode is not None


def test_an_empty_content_folder_is_a_clear_error_from_the_installed_command(installed):
    empty = installed.work / "empty-content"
    (empty / "rubrics").mkdir(parents=True)
    (empty / "surveys").mkdir()
    listed = installed.assess("rubric", "list", "--json", ASSESS_CONTENT_DIR=str(empty))
    assert listed.returncode == 1 and listed.stdout == ""
    assert listed.stderr.strip() == f"Error: {empty / 'rubrics'}: no rubric files (*.yaml) in this folder"
