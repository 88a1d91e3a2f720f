"""``assess serve``: the web app, from wherever the suite is installed.

Streamlit runs the shipped ``app.py`` (see assess.resources), headless, without usage
statistics, with the suite's Streamlit settings (``.streamlit/config.toml``, shipped with the
package). Streamlit reads a ``.streamlit/config.toml`` only from the working directory and the
home folder, so the shipped settings are passed as command-line options. Options after ``--``
go to Streamlit as they are and win over ours (``assess serve -- --server.maxUploadSize 50``).
Single sign-on secrets are read by Streamlit from ``.streamlit/secrets.toml`` in the working
directory, as before.

Health: Streamlit answers ``GET /_stcore/health`` with ``ok`` once the server is up.

The public address: the server passes the address it listens on to the app
(``ASSESS_SERVED_URL``), so that slips and links made by an installation nobody configured
carry the port it really serves (``make run PORT=8611``), not 8501. It is the last guess
before the built-in default: the Settings page and ``ASSESS_PUBLIC_URL`` come first, and the
Surveys page warns while the address is such a guess (assess.services.settings.public_address).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import click

from assess import resources
from assess.cli.common import operator_language
from assess.domain.content import ContentError
from assess.i18n import t
from assess.services import questionnaires, rubrics
from assess.services.settings import SERVED_URL_VARIABLE

#: Always set, whatever the configuration file says: a server has no browser to open, and
#: nothing about its users is sent away.
FIXED_OPTIONS = {"server.headless": True, "browser.gatherUsageStats": False}


def _option_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def config_options(path: Path) -> dict[str, object]:
    """``section.key -> value`` of a Streamlit config.toml."""
    with path.open("rb") as handle:
        document = tomllib.load(handle)
    return {
        f"{section}.{key}": value
        for section, values in document.items()
        if isinstance(values, dict)
        for key, value in values.items()
    }


def streamlit_command(*, port: int, address: str, extra: tuple[str, ...] = ()) -> list[str]:
    """The command that starts the app: ``python -m streamlit run <app.py> --section.key=value...``."""
    options = {**config_options(resources.streamlit_config_file()), **FIXED_OPTIONS,
               "server.port": port, "server.address": address}
    flags = [f"--{name}={_option_value(value)}" for name, value in options.items()]
    return [sys.executable, "-m", "streamlit", "run", str(resources.app_file()), *flags, *extra]


def served_url(*, address: str, port: int) -> str:
    """``http://ADDRESS:PORT``, an IPv6 address in brackets."""
    host = f"[{address}]" if ":" in address and not address.startswith("[") else address
    return f"http://{host}:{port}"


def server_environment(*, port: int, address: str, environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of the Streamlit process: this one, with the address it serves."""
    return {**(os.environ if environ is None else environ), SERVED_URL_VARIABLE: served_url(address=address, port=port)}


def _check_installation() -> None:
    """Refuse to start a server that could only fail on its first page."""
    for needed in (resources.app_file(), resources.streamlit_config_file()):
        if not needed.is_file():
            raise click.ClickException(t("cli.serve.missing", operator_language(), path=needed))
    try:
        rubrics.installed()
        questionnaires.installed()
    except ContentError as error:
        raise click.ClickException(error.message(operator_language())) from None


def _check_streamlit_options(options: tuple[str, ...]) -> None:
    """Streamlit's options are all ``--section.key``: anything else is refused here, before
    this process is replaced by a server that would only print its own usage."""
    for option in options:
        if option.startswith("-") and not (option.startswith("--") and "." in option.split("=", 1)[0]):
            raise click.UsageError(t("cli.serve.not_streamlit", operator_language(), option=option))


@click.command("serve")
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True, help="TCP port to listen on.")
@click.option("--address", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 for every interface (put a TLS reverse proxy in front).")
@click.argument("streamlit_options", nargs=-1, type=click.UNPROCESSED, metavar="[-- STREAMLIT OPTIONS]")
def serve(port: int, address: str, streamlit_options: tuple[str, ...]) -> None:
    """Start the web app (Streamlit); health answer at /_stcore/health. Stop with Ctrl-C."""
    _check_streamlit_options(streamlit_options)
    _check_installation()
    command = streamlit_command(port=port, address=address, extra=streamlit_options)
    click.echo(t("cli.serve.serving", operator_language(), address=address, port=port), err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    environment = server_environment(port=port, address=address)
    if os.name == "posix":
        # Streamlit takes this process's place: signals (Ctrl-C, a service manager's
        # SIGTERM) reach the server itself, and no parent is left behind.
        os.execve(command[0], command, environment)
    raise SystemExit(subprocess.call(command, env=environment))
