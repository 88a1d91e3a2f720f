"""Hostile uploads, built on the spot, and a way to run one as an operator would.

Each case is a file an attacker (or a broken tool) could hand the import page or the
``assess survey import`` / ``assess rubric check`` commands. :func:`run_measured` runs the
command in a child process and reads what the child cost from the kernel (``os.wait4``:
the rusage of that one child, CPU time and peak resident memory), and how it ended (a
signal means the process crashed, as Python's bundled expat did on nested entities).

Run as a script to print the table of the issue's note (before/after figures)::

    .venv/bin/python -m tests.imports.hostile [--code DIR]

``--code DIR`` runs the ``assess`` package found in DIR instead (e.g. an untouched
checkout of the main branch, for the "before" figures).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tests.imports.helpers import FAMILIES_EN, xlsx

GOOGLE_HEADERS = ["Timestamp", "Email Address", *FAMILIES_EN[:3]]
GOOD_ROW = ["2025/10/03 9:41:12 AM GMT+2", "anne.martin@example.org", "Strongly agree", "Agree", "Agree"]


# --- the files ------------------------------------------------------------------------------


def _replace_member(workbook: bytes, member: str, content: bytes, *, level: int = 9) -> bytes:
    """The workbook with one part replaced (compressed as Excel does: deflate)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = content if info.filename == member else source.read(info.filename)
            target.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=level)
    return out.getvalue()


def nested_entities_xlsx(depth: int = 40_000) -> bytes:
    """A Google Forms-like workbook whose sheet declares a chain of ``depth`` entities, each
    made of the previous one, and uses the last in a cell (the "quadratic blow-up" family
    of XML attacks; at this depth Python's bundled expat overflows its stack)."""
    base = xlsx([GOOGLE_HEADERS, GOOD_ROW])
    with zipfile.ZipFile(io.BytesIO(base)) as source:
        sheet = source.read("xl/worksheets/sheet1.xml").decode()
    chain = "".join(f'<!ENTITY e{i} "&e{i - 1};">' if i else '<!ENTITY e0 "x">' for i in range(depth))
    sheet = f'<!DOCTYPE worksheet [{chain}]>' + sheet  # openpyxl writes no XML declaration to put it after
    sheet = sheet.replace("<t>Strongly agree</t>", f"<t>&e{depth - 1};</t>", 1)
    return _replace_member(base, "xl/worksheets/sheet1.xml", sheet.encode())


def billion_laughs_yaml() -> str:
    """A mapping file of some 370 bytes whose aliases nest to 9^9 strings."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    lines.append("columns: {Q1: child-talked}")
    lines.append("answers: {x: *i}")
    return "\n".join(lines) + "\n"


def million_columns_csv(columns: int = 1_000_000) -> bytes:
    """A Google Forms-like CSV whose header row has a million columns (about 7 MB)."""
    header = ",".join(["Timestamp", "Email Address"] + [f"q{i}" for i in range(columns - 2)])
    return (header + "\n" + ",".join(GOOD_ROW) + "\n").encode()


def huge_cell_xlsx(length: int = 50_000_000) -> bytes:
    """A workbook of some 48 KB holding one cell of 50 million characters (an inline string:
    the sheet's XML compresses a thousand to one)."""
    marker = "HUGECELLMARKER"
    base = xlsx([GOOGLE_HEADERS, [*GOOD_ROW[:4], marker]])
    with zipfile.ZipFile(io.BytesIO(base)) as source:
        sheet = source.read("xl/worksheets/sheet1.xml")
    return _replace_member(base, "xl/worksheets/sheet1.xml", sheet.replace(marker.encode(), b"A" * length))


def many_rows_xlsx(rows: int = 400_000, *, honest_dimension: bool = False) -> bytes:
    """A workbook of ``rows`` answer rows. Unless ``honest_dimension``, its sheet claims to be
    two rows high ("A1:E2", as some tools write wrong dimensions), so only reading the rows
    can tell."""
    base = xlsx([GOOGLE_HEADERS, GOOD_ROW])
    with zipfile.ZipFile(io.BytesIO(base)) as source:
        sheet = source.read("xl/worksheets/sheet1.xml").decode()
    start = sheet.index("<sheetData>") + len("<sheetData>")
    end = sheet.index("</sheetData>")

    def cell(column: str, number: int, text: str) -> str:
        return f'<c r="{column}{number}" t="inlineStr"><is><t>{text}</t></is></c>'

    parts = ['<row r="1">' + "".join(cell("ABCDE"[i], 1, h) for i, h in enumerate(GOOGLE_HEADERS)) + "</row>"]
    for number in range(2, rows + 2):
        parts.append(f'<row r="{number}">' + "".join(cell("ABCDE"[i], number, v) for i, v in enumerate(GOOD_ROW))
                     + "</row>")
    sheet = sheet[:start] + "".join(parts) + sheet[end:]
    ref = f"A1:E{rows + 1}" if honest_dimension else "A1:E2"
    sheet = sheet.replace('<dimension ref="A1:E2"/>', f'<dimension ref="{ref}"/>')
    return _replace_member(base, "xl/worksheets/sheet1.xml", sheet.encode(), level=1)  # fast to build; Excel compresses more


def many_strings_xlsx(count: int = 2_600_000) -> bytes:
    """A workbook of two rows whose shared-string table lists ``count`` short texts (some
    17 MB for the default: openpyxl loads them all on opening, 22 s before it was bounded)."""
    import base64

    base = xlsx([GOOGLE_HEADERS, GOOD_ROW])
    texts = base64.b32encode(os.urandom(count * 5)).decode()
    table = (f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{count}" '
             f'uniqueCount="{count}">' + "".join(f"<si><t>{texts[i * 8:i * 8 + 8]}</t></si>" for i in range(count)) + "</sst>")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdStrings" Type="http://schemas.'
                                    b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                                    b'Target="sharedStrings.xml"/></Relationships>')
            target.writestr(info.filename, data)
        target.writestr("xl/sharedStrings.xml", table)
    return out.getvalue()


MAPPING_UNKNOWN_TAG = "columns:\n  Q1: child-talked\nanswers:\n  x: !!python/object:os.system rm\n"
MAPPING_CUSTOM_TAG = "columns:\n  Q1: !foo child-talked\n"
DEEP_NESTING = "columns:\n  Q1: " + "[" * 100_000 + "]" * 100_000 + "\n"
LONG_INTEGER = "columns:\n  Q1: child-talked\nanswers:\n  x: " + "7" * 5_000 + "\n"


# --- running a command as an operator would ----------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """How a command ended and what it cost (the child process alone)."""

    returncode: int  # negative: killed by that signal
    stdout: str
    stderr: str
    cpu_seconds: float
    max_rss_mb: float
    wall_seconds: float

    @property
    def crashed(self) -> bool:
        return self.returncode < 0


#: Runs ``argv[3:]`` and writes its rusage as JSON to the file ``argv[1]``, killing it after
#: ``argv[2]`` seconds. A small process of its own: a child's peak RSS counts the memory of
#: the process it was forked from, and the test process is large.
_WAITER = """
import json, os, subprocess, sys, time
result, timeout, command = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
started = time.monotonic()
process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
while True:
    pid, status, usage = os.wait4(process.pid, os.WNOHANG)
    if pid:
        break
    if time.monotonic() - started > timeout:
        process.kill()
        pid, status, usage = os.wait4(process.pid, 0)
        break
    time.sleep(0.02)
process.returncode = os.waitstatus_to_exitcode(status)
with open(result, "w") as out:
    json.dump({"returncode": process.returncode, "cpu": usage.ru_utime + usage.ru_stime,
               "rss_kb": usage.ru_maxrss, "wall": time.monotonic() - started}, out)
"""

#: ``assess ARGS`` in a fresh interpreter.
_ASSESS = "import sys; from assess.cli import cli; sys.exit(cli.main(args=sys.argv[1:], prog_name='assess'))"


def run_measured(args: list[str], *, env: dict[str, str] | None = None, timeout: float = 300,
                 code: str | None = None) -> Outcome:
    """Run ``assess ARGS`` in a child Python and measure it with ``os.wait4``, which gives the
    CPU time (user + system) and peak RSS of that child alone (``getrusage(RUSAGE_CHILDREN)``
    would mix in every child the test process ever waited for)."""
    import json

    environment = {**os.environ, **(env or {})}
    if code:
        environment["PYTHONPATH"] = code + os.pathsep + environment.get("PYTHONPATH", "")
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "usage.json"
        with open(Path(tmp) / "out", "w+b") as out, open(Path(tmp) / "err", "w+b") as err:
            subprocess.run([sys.executable, "-c", _WAITER, str(result), str(timeout), sys.executable, "-c", _ASSESS,
                            *args], stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=environment,
                           cwd=code or None, check=True)
            out.seek(0)
            err.seek(0)
            usage = json.loads(result.read_text())
            return Outcome(
                returncode=usage["returncode"], stdout=out.read().decode(errors="replace"),
                stderr=err.read().decode(errors="replace"), cpu_seconds=usage["cpu"],
                max_rss_mb=usage["rss_kb"] / 1024, wall_seconds=usage["wall"],
            )


def make_database(folder: Path) -> tuple[str, int]:
    """A migrated SQLite file holding one teacher's project: (URL, project id)."""
    from assess.storage.db import make_engine, make_session_factory, upgrade_database
    from tests.services.helpers import make_project, make_user

    url = f"sqlite:///{folder / 'assess.db'}"
    engine = make_engine(url)
    try:
        upgrade_database(engine)
        with make_session_factory(engine).begin() as session:
            owner = make_user(session, email="claire@example.org")
            return url, make_project(session, owner=owner).id
    finally:
        engine.dispose()


def write_cases(folder: Path) -> dict[str, tuple[str, ...]]:
    """Every hostile case as files in ``folder``: name -> (upload, mapping file or "")."""
    csv_ok = folder / "answers.csv"
    csv_ok.write_text(",".join(GOOGLE_HEADERS) + "\n" + ",".join(f'"{v}"' for v in GOOD_ROW) + "\n")
    files = {
        "nested-entities.xlsx": nested_entities_xlsx(),
        "million-columns.csv": million_columns_csv(),
        "huge-cell.xlsx": huge_cell_xlsx(),
        "many-rows.xlsx": many_rows_xlsx(),
        "many-strings.xlsx": many_strings_xlsx(),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    mappings = {
        "billion-laughs.yaml": billion_laughs_yaml(),
        "python-tag.yaml": MAPPING_UNKNOWN_TAG,
        "custom-tag.yaml": MAPPING_CUSTOM_TAG,
        "deep-nesting.yaml": DEEP_NESTING,
        "long-integer.yaml": LONG_INTEGER,
    }
    for name, text in mappings.items():
        (folder / name).write_text(text)
    cases = {name: (str(folder / name), "") for name in files}
    cases.update({name: (str(csv_ok), str(folder / name)) for name in mappings})
    return cases


def import_args(upload: str, mapping: str, project_id: int) -> list[str]:
    args = ["survey", "import", upload, "--project", str(project_id), "--audience", "families", "--dry-run"]
    return args + (["--mapping", mapping] if mapping else [])


#: Previews a ``rows``-row Google Forms export (bench/bench_import.py's file) of the families'
#: questionnaire as the import page does, and prints how long a database transaction was
#: open meanwhile, and the whole preview's time. Runs the code of the current directory:
#: with ``import_context`` (the file read before, the rows after the transaction) or
#: without (the former ``preview_import`` inside the page's transaction).
_PREVIEW = """
import json, sys, tempfile, time
from pathlib import Path
sys.path[:0] = [".", "bench"]
from bench_import import google_export
from assess.services import survey_imports
from assess.storage.db import make_engine, make_session_factory, upgrade_database
from tests.services.helpers import make_project, make_user
folder = Path(tempfile.mkdtemp())
engine = make_engine(f"sqlite:///{folder / 'assess.db'}")
upgrade_database(engine)
factory = make_session_factory(engine)
with factory.begin() as session:
    owner = make_user(session, email="claire@example.org")
    project_id = make_project(session, owner=owner).id
data = google_export(int(sys.argv[1]))
start = time.perf_counter()
if hasattr(survey_imports, "import_context"):
    upload = survey_imports.read_upload(file_name="answers.csv", data=data)
    began = time.perf_counter()
    with factory.begin() as session:
        context = survey_imports.import_context(session, actor=owner, project_id=project_id, audience="families")
    held = time.perf_counter() - began
    report = survey_imports.preview(context, upload)
else:
    began = time.perf_counter()
    with factory.begin() as session:
        report = survey_imports.preview_import(session, actor=owner, project_id=project_id, audience="families",
                                               file_name="answers.csv", data=data)
    held = time.perf_counter() - began
print(json.dumps({"rows": report.rows_read, "held": held, "total": time.perf_counter() - start,
                  "megabytes": len(data) / 1e6}))
"""


def measure_preview(rows: int, code: str | None) -> dict:
    import json

    environment = dict(os.environ)
    if code:
        environment["PYTHONPATH"] = code + os.pathsep + environment.get("PYTHONPATH", "")
    done = subprocess.run([sys.executable, "-c", _PREVIEW, str(rows)], capture_output=True, text=True, check=True,
                          env=environment, cwd=code or Path(__file__).parents[2])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--code", help="folder holding the assess package to run (default: this checkout)")
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--only", nargs="*", help="the cases to run (default: all)")
    parser.add_argument("--preview-rows", type=int, help="measure the import preview of a file of so many rows instead")
    options = parser.parse_args()
    if options.preview_rows:
        found = measure_preview(options.preview_rows, options.code)
        print(f"preview of {found['rows']:,} rows ({found['megabytes']:.1f} MB): a transaction open for "
              f"{found['held']:.2f} s of the preview's {found['total']:.1f} s")
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url, project_id = make_database(folder)
        print(f"{'case':26} {'size':>10} {'exit':>5} {'CPU s':>7} {'wall s':>7} {'max RSS MB':>10}  message")
        cases = write_cases(folder)
        cases = {"two-row file (start-up)": (cases["billion-laughs.yaml"][0], ""), **cases}
        for name, (upload, mapping) in cases.items():
            if options.only and name not in options.only:
                continue
            outcome = run_measured(import_args(upload, mapping, project_id), env={"ASSESS_DATABASE_URL": url},
                                   timeout=options.timeout, code=options.code)
            size = os.path.getsize(mapping or upload)
            lines = (outcome.stderr.strip() or outcome.stdout.strip()).splitlines()
            message = lines[-1][:90] if lines else ""
            print(f"{name:26} {size:>10} {outcome.returncode:>5} {outcome.cpu_seconds:>7.1f} "
                  f"{outcome.wall_seconds:>7.1f} {outcome.max_rss_mb:>10.0f}  {message}")


if __name__ == "__main__":
    main()
