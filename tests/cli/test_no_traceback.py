"""No traceback, ever: every ``assess`` command, given missing, malformed and hostile
arguments and files, answers with a short ``Error: ...`` on standard error and a non-zero
exit code, never a Python traceback.

The commands are found by walking the click tree from ``assess.cli.cli``, so a command
added later is tried too. For each command, each parameter in turn receives hostile
values while the others get valid ones (an existing project or round, a writable output
path...), so the hostile value is what the command meets. A sample also runs through the
real ``assess`` entry point in a subprocess.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from assess.cli import cli
from assess.cli.types import DatabaseId

ASSESS = Path(sys.executable).with_name("assess")
#: Commands that load or generate a great deal (the national demo) or start a server are
#: tried with bad options only, never with otherwise valid ones that would start the work.
SLOW_CHOICES = {("demo", "scale"): "small"}

BIG_ID = str(2**63)
HUGE_INT = "1" + "0" * 5000
ARABIC_TWELVE = "\u0661\u0662"


def leaf_commands(group: click.Group = cli, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found.extend(leaf_commands(command, (*path, name)))
        else:
            found.append(((*path, name), command))
    return found


COMMANDS = leaf_commands()


@dataclass
class Files:
    """Files and folders the hostile cases point at, made once per module."""

    root: Path
    empty: Path
    binary: Path
    latin1: Path
    folder: Path
    missing: Path
    read_only_dir: Path
    rubric: Path
    questionnaire: Path
    google_csv: Path
    labels_superscript: Path
    labels_long_field: Path
    labels_latin1: Path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    root = tmp_path_factory.mktemp("hostile")
    empty = root / "empty.yaml"
    empty.write_bytes(b"")
    binary = root / "binary.yaml"
    binary.write_bytes(bytes(range(256)) * 64)
    latin1 = root / "latin1.yaml"
    latin1.write_bytes("id: caf\xe9\ntitle: \xe9t\xe9\n".encode("latin-1"))
    folder = root / "a-folder"
    folder.mkdir()
    read_only = root / "read-only"
    read_only.mkdir()
    read_only.chmod(stat.S_IRUSR | stat.S_IXUSR)
    repo = Path(__file__).resolve().parents[2]
    google = root / "google.csv"
    google.write_text("Horodateur,Adresse e-mail,Question\n2025-01-01 10:00,a@b.c,Oui\n", encoding="utf-8")
    superscript = root / "labels-superscript.csv"
    superscript.write_text("project,country\n\u00b2,DE\n", encoding="utf-8")
    long_field = root / "labels-long.csv"
    long_field.write_text("project,country\n1,\"" + "x" * 200_000 + "\"\n", encoding="utf-8")
    labels_latin1 = root / "labels-latin1.csv"
    labels_latin1.write_bytes("project,pays\n1,\xc9cosse\n".encode("latin-1"))
    return Files(root=root, empty=empty, binary=binary, latin1=latin1, folder=folder, missing=root / "nowhere.yaml",
                 read_only_dir=read_only, rubric=next((repo / "rubrics").glob("*.yaml")),
                 questionnaire=next((repo / "surveys").glob("*.yaml")), google_csv=google,
                 labels_superscript=superscript, labels_long_field=long_field, labels_latin1=labels_latin1)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file holding the small demonstration (projects, a published round)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'assess.db'}"
    result = CliRunner().invoke(cli, ["demo"], env={"ASSESS_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    return url


def invoke(database: str, args: list[str], input: str | None = None):
    return CliRunner().invoke(cli, args, env={"ASSESS_DATABASE_URL": database}, input=input)


def assert_clean_refusal(result, args) -> None:
    """Refused (non-zero exit) with an ``Error: ...`` line on standard error; no traceback
    (CliRunner catches any exception: ``result.exception`` other than SystemExit is one)."""
    shown = f"assess {' '.join(a[:60] for a in args)}\nstdout: {result.stdout[-2000:]}\nstderr: {result.stderr[-2000:]}"
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        f"{shown}\nunhandled {type(result.exception).__name__}: {str(result.exception)[:300]}"
    assert "Traceback" not in result.output, shown
    assert result.exit_code != 0, shown
    # click's "Error: ..." line, or for the check commands their "FILE:LINE: message" lines
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:") or re.match(r".+:\d+: ", line)]
    assert errors, shown
    assert len(result.stderr) < 4000, shown


# -- valid values, so each case changes one thing ------------------------------------


def valid_value(param: click.Parameter, files: Files, out_dir: Path, command: tuple[str, ...]) -> list[str] | None:
    """Arguments that make ``param`` valid, or None when it may be left out."""
    name = param.name
    if isinstance(param, click.Option) and not param.required:
        return None
    if name in ("project_id",) or name == "round_id":
        value = "1"
    elif name == "rubric_id":
        value = files.rubric.stem
    elif name == "email":
        value = "new.person@example.org"
    elif name == "files":
        value = str(files.questionnaire if command[0] == "survey" else files.rubric)
    elif name == "file":
        value = str(files.google_csv)
    elif name in ("out", "out_dir"):
        value = str(out_dir / ("letters" if name == "out_dir" else "result.out"))
    elif isinstance(param.type, click.Choice):
        value = SLOW_CHOICES.get((command[-1], name), param.type.choices[-1])
    elif isinstance(param.type, click.types.IntParamType):
        value = "1"
    else:
        value = "x"
    return [value] if isinstance(param, click.Argument) else [param.opts[0], value]


def command_line(path, command, files, out_dir, replace: click.Parameter | None = None,
                 hostile: str | None = None) -> list[str]:
    args = list(path)
    for param in command.params:
        if param is replace:
            args += [hostile] if isinstance(param, click.Argument) else [param.opts[0], hostile]
            continue
        given = valid_value(param, files, out_dir, path)
        if given:
            args += given
    return args


def hostile_values(param: click.Parameter, files: Files) -> list[str]:
    """What an operator's typo, a wrong file or an attacker might hand this parameter."""
    if isinstance(param, click.Option) and param.is_flag:
        return []
    name = param.name or ""
    kind = param.type
    if name in ("out", "out_dir"):
        return [str(files.root / "missing-folder" / "deep" / "x.out"), str(files.read_only_dir / "x.out"),
                str(files.folder) if name == "out" else str(files.google_csv), "/proc/version"]
    hostile_files = [str(files.missing), str(files.folder), str(files.empty), str(files.binary), str(files.latin1)]
    if name == "labels_path":  # the partner-label CSV of `assess eql`
        return [*hostile_files, str(files.labels_superscript), str(files.labels_long_field), str(files.labels_latin1)]
    if isinstance(kind, click.Path) or name in ("file", "files", "mapping_path"):
        return hostile_files
    if isinstance(kind, click.types.IntParamType) or name.endswith("_id"):
        return [BIG_ID, "-1", "0", HUGE_INT, "12x", ARABIC_TWELVE]
    if isinstance(kind, click.Choice):
        return ["no-such-choice"]
    if isinstance(kind, click.DateTime):
        return ["2026-02-30", "9" * 5000]
    return ["\x00".join("ab"), "x" * 200_000]


def cases():
    for path, command in COMMANDS:
        yield pytest.param(path, command, None, "--no-such-option", id=" ".join(path) + " --no-such-option")
        for param in command.params:
            if param.name in ("help",):
                continue
            for number, value in enumerate(hostile_values_for_ids(param)):
                yield pytest.param(path, command, param, value, id=f"{' '.join(path)} {param.name} #{number}")


def hostile_values_for_ids(param: click.Parameter) -> list[str]:
    """The hostile values need the module's files; ids are the indexes, resolved in the test."""
    dummy = Files(*[Path("/nowhere")] * 13)
    return list(range(len(hostile_values(param, dummy))))


@pytest.mark.parametrize(("path", "command", "param", "index"), list(cases()))
def test_bad_arguments_are_refused_without_traceback(database, files, tmp_path, path, command, param, index):
    if param is None:
        args = [*command_line(path, command, files, tmp_path), index]
    else:
        value = hostile_values(param, files)[index]
        args = command_line(path, command, files, tmp_path, replace=param, hostile=value)
    refused = must_be_refused(param, args[-1] if param is None else value, files)
    if path == ("serve",) and not refused:
        pytest.skip("a value serve may accept would start a server in this process (serve execs Streamlit)")
    if path == ("mail", "worker") and not refused:
        pytest.skip("a value the mail worker accepts starts its endless loop (it stops on SIGTERM: tests/mail/test_cli.py)")
    result = invoke(database, args, input="a password\n")
    if must_be_refused(param, args[-1] if param is None else value, files):
        assert_clean_refusal(result, args)
    else:  # the value may be acceptable here (a new e-mail, many workers): never a traceback
        assert result.exception is None or isinstance(result.exception, SystemExit), args[:6]
        assert "Traceback" not in result.output


def must_be_refused(param: click.Parameter | None, value: str, files: Files) -> bool:
    """Every hostile value must be refused, except a few that are legitimate somewhere:
    text values (a long name is cut by the service, not refused by the command line), big
    counts where only a minimum applies, and a read-only folder for root, who may write
    anywhere."""
    if param is None or param.name in ("out", "out_dir", "labels_path", "file", "files", "mapping_path"):
        return not (value.startswith(str(files.read_only_dir)) and os.geteuid() == 0)
    if isinstance(param.type, DatabaseId):
        return True
    if isinstance(param.type, click.types.IntParamType):  # counts: click reads '١٢' as twelve, as int() does
        return not (value == ARABIC_TWELVE or (isinstance(param.type, click.IntRange) and param.type.max is None
                    and value == BIG_ID))
    return isinstance(param.type, (click.Choice, click.DateTime))


# -- the real entry point, in its own process ----------------------------------------


def run_assess(args: list[str], database: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "ASSESS_DATABASE_URL": database, **env}
    if "ASSESS_DEBUG" not in env:
        environment.pop("ASSESS_DEBUG", None)
    return subprocess.run([str(ASSESS), *args], capture_output=True, text=True, env=environment, timeout=120)


def test_the_installed_command_refuses_a_sample_in_one_line(database, files, tmp_path):
    """Through the real ``assess`` script: an ``Error: ...`` line (``FILE:LINE: ...`` for
    the check commands) on standard error and no traceback."""
    sample = [
        ["eql", "--round", BIG_ID],
        ["survey", "results", "--project", "-1"],
        ["export", "csv", "--what", "responses", "--out", str(tmp_path / "missing" / "r.csv")],
        ["export", "xlsx", "--out", str(files.folder)],
        ["eql", "--round", "1", "--labels", str(files.labels_superscript)],
        ["eql", "--round", "1", "--labels", str(files.labels_long_field)],
        ["rubric", "check", str(files.binary)],
        ["project", "list", "--no-such-option"],
    ]
    for args in sample:
        done = run_assess(args, database)
        assert done.returncode != 0, args
        assert "Traceback" not in done.stderr + done.stdout, (args, done.stderr)
        assert any(line.startswith("Error: ") or re.match(r".+:\d+: ", line) for line in done.stderr.splitlines()), \
            (args, done.stderr)


def test_an_unexpected_failure_is_one_line_and_a_developer_can_see_the_traceback():
    """A database server that does not answer is not something a command expects: one
    line, exit 1; with ASSESS_DEBUG=1 the traceback is shown."""
    unreachable = "postgresql+psycopg://nobody@127.0.0.1:9/assess?connect_timeout=5"
    done = run_assess(["project", "list"], unreachable)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: unexpected failure (OperationalError: "), done.stderr
    assert "ASSESS_DEBUG=1" in lines[0]
    debugged = run_assess(["project", "list"], unreachable, ASSESS_DEBUG="1")
    assert debugged.returncode == 1 and "Traceback" in debugged.stderr
