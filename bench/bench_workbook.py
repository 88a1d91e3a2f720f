"""Benchmark: the Excel statistics workbook (issue 6, benchmark 1).

On the national database (about 3,000 applications over 3 rounds, 60 jurors, 1,500
projects, 300,000 survey responses with some 3 million answers: the Responses sheet runs
on "Responses (2)" and "Responses (3)"):

1. ours: ``assess.services.exports.write_workbook`` on everything, as the office runs it:
   by default the 3 million survey answers go to a CSV file of their own
   (``write_csv(what="responses")``, timed and sized apart) and the workbook keeps the
   other sheets, so that Excel opens it in seconds; ``ours, with every answer``
   (``with_responses=True``, ``assess export xlsx --with-responses``) is the workbook as
   it was before issue 13, every answer on "Responses", "Responses (2)"...;
2. xlsxwriter: ``Workbook(..., {"constant_memory": True})`` writing the same rows, fetched
   from the database the same way (the same table readers), with the same header style,
   frozen header row, filter, column widths, number formats, continuation sheets and a
   summary with two charts;
3. the queries alone: every table read and thrown away, to tell the writing from the
   fetching (printed apart; "writing" below is a run's time minus this);
4. pandas ``DataFrame.to_excel`` (openpyxl engine) cannot hold 3 million rows: it gets
   the other sheets plus the first ``--rows`` responses, fetched into memory beforehand,
   and so do ours and xlsxwriter in that round; writing alone is timed, per row.

5. opening: the default workbook (answers apart) is opened the way a spreadsheet program
   does, every cell of every sheet: LibreOffice Calc headless (``soffice --convert-to``,
   when installed: it loads the whole workbook before writing its first sheet out) and
   ``openpyxl.load_workbook`` (a cell object per value); the answers' CSV file is
   counted (rows, MiB). Issue 13's aim: the workbook opens in seconds.

Each run is a child process of its own, so its peak RSS (VmHWM, see peak_mib) is its own,
and so is its CPU time, printed beside the wall clock: the machine may be shared, and the
CPU seconds are the work done whatever the other programs take.
Targets (issue 6): ours within 1.1x of xlsxwriter, at least 1.5x faster than pandas,
peak memory under 300 MiB. ``--profile`` prints where our full run spends its time.

The database: a copy of ``bench/national.py``'s (``national_database_url()``), else of the
stand-in ``bench/bench_dashboard.py`` builds; a copy, since each run here holds SQLite's
lock for its transaction (rolled back at the end: an export writes its audit row).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from common import load_after_line, machine_line, peak_mib
from sqlalchemy import text

from assess.domain.permissions import Actor
from assess.domain.statistics import Filters
from assess.reports import workbook
from assess.reports.workbook import Kind, StreamingWorkbook
from assess.services import exports
from assess.services.national import _tables
from assess.services.national._tables import Table
from assess.services.national.applications import _applications
from assess.storage.db import make_engine, make_session_factory

COPY = HERE / ".cache" / "workbook-national.db"


def database_url() -> tuple[str, str]:
    """(URL of a private copy, where it comes from): every run here holds SQLite's write lock
    for its transaction (rolled back: an export writes its audit row), which other
    benchmarks sharing the national file must not wait for."""
    try:
        from national import national_database_url  # bench/national.py
    except ImportError:
        national_database_url = None
    if national_database_url is not None:
        url, origin = national_database_url(), "bench/national.py"
    else:
        import bench_dashboard

        url, origin = bench_dashboard.database_url()
    source = Path(url.removeprefix("sqlite:///"))
    if not COPY.exists() or COPY.stat().st_mtime < source.stat().st_mtime:
        partial = COPY.with_name(COPY.name + ".partial")
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(partial) as dst:
            src.backup(dst)
        partial.replace(COPY)
    return f"sqlite:///{COPY}", f"a copy of {origin}'s database"


# --- the writers -------------------------------------------------------------------------------


def write_xlsxwriter(path: str, tables: list[Table], *, facts: list, blocks: list, lang: str = "en") -> int:
    """The same sheets with xlsxwriter in constant-memory mode; returns the rows written."""
    import xlsxwriter

    book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                      "strings_to_urls": False, "strings_to_numbers": False})
    head = book.add_format({"bold": True, "bg_color": "#DDE4EE", "bottom": 1, "text_wrap": True, "valign": "top"})
    formats = {kind: book.add_format({"num_format": number_format})
               for kind, number_format in ((Kind.NUMBER, "0.00"), (Kind.SHARE, "0.0%"), (Kind.MONTH, "yyyy-mm"))}
    summary = book.add_worksheet(exports.sheet_name("summary", lang))
    written = 0
    for table in tables:
        calls = []
        for column in table.columns:
            style = formats.get(column.kind)
            if column.kind in (Kind.INTEGER, Kind.NUMBER, Kind.SHARE):
                calls.append((lambda s: lambda ws, r, c, v: ws.write_number(r, c, v, s))(style))
            elif column.kind is Kind.BOOLEAN:
                calls.append(lambda ws, r, c, v: ws.write_boolean(r, c, v))
            elif column.kind is Kind.MONTH:
                calls.append((lambda s: lambda ws, r, c, v: ws.write_datetime(r, c, v, s))(style))
            else:
                calls.append(lambda ws, r, c, v: ws.write_string(r, c, v if type(v) is str else str(v)))
        name, part, row, sheet = exports.sheet_name(table.key, lang), 1, workbook.MAX_ROWS, None
        for values in table.rows:
            if row == workbook.MAX_ROWS:
                if sheet is not None:
                    sheet.autofilter(0, 0, row - 1, len(table.columns) - 1)
                sheet = book.add_worksheet(name if part == 1 else f"{name} ({part})")
                part += 1
                for c, column in enumerate(table.columns):
                    sheet.set_column(c, c, column.width)
                    sheet.write_string(0, c, column.header, head)
                sheet.freeze_panes(1, 0)
                row = 1
            for c, (call, value) in enumerate(zip(calls, values, strict=True)):
                if value is not None:
                    call(sheet, row, c, value)
            row += 1
            written += 1
        if sheet is not None:
            sheet.autofilter(0, 0, row - 1, len(table.columns) - 1)
    summary.write_string(0, 0, "Summary", head)
    line = 2
    for label, value, *_kind in facts:
        summary.write_string(line, 0, label)
        if value is not None:
            summary.write(line, 1, value)
        line += 1
    for n, block in enumerate(blocks):
        line += 1
        first = line
        for c, column in enumerate(block.columns):
            summary.write_string(line, c, column.header, head)
        for values in block.rows:
            line += 1
            for c, value in enumerate(values):
                summary.write(line, c, value)
        chart = book.add_chart({"type": "column", **({"subtype": "stacked"} if block.stacked else {})})
        for c in range(1, len(block.columns)):
            chart.add_series({"name": [summary.name, first, c], "categories": [summary.name, first + 1, 0, line, 0],
                              "values": [summary.name, first + 1, c, line, c]})
        summary.insert_chart(n * 18, 8, chart)
        line += 1
    book.close()
    return written


def write_ours(path: str, tables: list[Table]) -> int:
    with StreamingWorkbook() as book:
        written = sum(s.rows for t in tables for s in book.table(exports.sheet_name(t.key, "en"), t.columns, t.rows))
        book.save(path)
    return written


def write_pandas(path: str, tables: list[Table]) -> tuple[int, float]:
    """(rows, seconds spent building the DataFrames); to_excel's own time is the caller's."""
    import pandas as pd

    start = time.perf_counter()
    frames = [(t, pd.DataFrame(list(t.rows), columns=[c.header for c in t.columns])) for t in tables]
    built = time.perf_counter() - start
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for table, frame in frames:
            frame.to_excel(writer, sheet_name=exports.sheet_name(table.key, "en"), index=False, freeze_panes=(1, 0))
    return sum(len(f) for _, f in frames), built


# --- one run, in a child process --------------------------------------------------------------


def _subset(session, rows: int) -> list[Table]:
    """The workbook's tables with the first ``rows`` responses, fetched into memory."""
    tables, _ = exports._workbook_tables(session, Filters(), lang="en", juror_names=False)
    kept = []
    for table in tables:
        found = []
        for values in table.rows:
            if table.key == "responses" and len(found) == rows:
                break
            found.append(tuple(values))
        kept.append(Table(table.key, table.columns, found, len(found)))
    return kept


def child(run: str, url: str, rows: int, out: str) -> dict[str, Any]:
    began_cpu = time.process_time()
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    result: dict[str, Any] = {}
    with sessions() as session:
        if run in ("ours", "ours-all"):
            start = time.perf_counter()
            summary = exports.write_workbook(session, actor=Actor.system(), out=out,
                                             with_responses=True if run == "ours-all" else None)
            result.update(seconds=time.perf_counter() - start, cpu=time.process_time() - began_cpu,
                          rows=summary.rows, sheets=len(summary.sheets), apart=summary.responses_apart,
                          per_sheet=[(sheet.name, sheet.rows) for sheet in summary.sheets])
            if summary.responses_apart:  # the answers' CSV file, as `assess export xlsx` writes it beside
                began = time.perf_counter()
                csv_path = out.removesuffix(".xlsx") + "-responses.csv"
                began_cpu = time.process_time()
                with open(csv_path, "w", encoding="utf-8", newline="") as handle:
                    written = exports.write_csv(session, actor=Actor.system(), what="responses", out=handle)
                result.update(csv_seconds=time.perf_counter() - began, csv_cpu=time.process_time() - began_cpu,
                              csv_size=os.path.getsize(csv_path), csv_rows=written.rows)
                os.remove(csv_path)
        elif run == "profile":
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.runcall(exports.write_workbook, session, actor=Actor.system(), out=out)
            stream = io.StringIO()
            pstats.Stats(profile, stream=stream).sort_stats("tottime").print_stats(22)
            result["profile"] = stream.getvalue()
        elif run == "query":
            start = time.perf_counter()
            tables, _ = exports._workbook_tables(session, Filters(), lang="en", juror_names=False)
            per_table = {}
            for table in tables:
                began = time.perf_counter()
                n = sum(1 for _ in table.rows)
                per_table[table.key] = (n, time.perf_counter() - began)
            result.update(seconds=time.perf_counter() - start, rows=sum(n for n, _ in per_table.values()),
                          tables=per_table)
        elif run == "xlsxwriter":
            start = time.perf_counter()
            scope = Filters()
            figures = _applications(session, scope)
            tables, totals = exports._workbook_tables(session, scope, lang="en", juror_names=False, figures=figures)
            counts = {t.key: t.expected for t in tables}
            rounds = _tables.per_round(figures)
            blocks = exports._blocks(rounds, tables[2], "en")
            facts = exports._facts(session, scope, None, "en", rounds=rounds, juror_names=False, counts=counts,
                                   totals=totals, sheets=[])
            written = write_xlsxwriter(out, tables, facts=facts, blocks=blocks)
            result.update(seconds=time.perf_counter() - start, rows=written)
        else:  # subset-ours, subset-xlsxwriter, subset-pandas: writing only, from rows in memory
            tables = _subset(session, rows)
            start = time.perf_counter()
            if run == "subset-ours":
                written = write_ours(out, tables)
            elif run == "subset-xlsxwriter":
                written = write_xlsxwriter(out, tables, facts=[], blocks=[])
            else:
                written, built = write_pandas(out, tables)
                result["dataframes_seconds"] = built
            result.update(seconds=time.perf_counter() - start, rows=written)
        session.rollback()
    engine.dispose()
    if os.path.exists(out):
        result["size"] = os.path.getsize(out)
    result.setdefault("cpu", time.process_time() - began_cpu)
    result["peak_mib"] = peak_mib()
    return result


def opened(path: str, *, with_openpyxl: bool = True) -> dict[str, Any]:
    """Open the workbook as a spreadsheet program would, every cell of every sheet: in
    LibreOffice Calc (headless, when installed) and with openpyxl's full reader. Seconds
    of each (wall clock; Calc runs in a process of its own, its CPU time is its children's
    usage), and the cells openpyxl found."""
    import resource

    import openpyxl

    found: dict[str, Any] = {}
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice:
        with tempfile.TemporaryDirectory() as folder:  # a profile and an output of its own
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            done = subprocess.run([soffice, f"-env:UserInstallation=file://{folder}/profile", "--headless",
                                   "--convert-to", "csv", "--outdir", folder, path], capture_output=True, text=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            found["calc_seconds"] = time.perf_counter() - start
            found["calc_cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            found["calc_ok"] = done.returncode == 0 and any(name.endswith(".csv") for name in os.listdir(folder))
    if not with_openpyxl:  # millions of cell objects would not fit in memory
        return found
    start, start_cpu = time.perf_counter(), time.process_time()
    book = openpyxl.load_workbook(path)  # not read-only: a cell object per value, as a spreadsheet holds them
    found["cells"] = sum(sheet.max_row * sheet.max_column for sheet in book.worksheets)
    found["openpyxl_seconds"] = time.perf_counter() - start
    found["openpyxl_cpu"] = time.process_time() - start_cpu
    found["sheets"] = len(book.worksheets)
    book.close()
    return found


def spawn(run: str, url: str, rows: int, folder: str, *, keep: bool = False) -> dict[str, Any]:
    out = os.path.join(folder, f"{run}.xlsx")
    done = subprocess.run([sys.executable, __file__, "--child", run, "--url", url, "--rows", str(rows), "--out", out],
                          capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"the {run} run failed:\n{done.stderr}")
    found = json.loads(done.stdout.strip().splitlines()[-1])
    if keep:
        found["path"] = out
    elif os.path.exists(out):
        os.remove(out)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="responses in the pandas round")
    parser.add_argument("--profile", action="store_true", help="also profile our full run (cProfile, slow)")
    parser.add_argument("--only", choices=["full", "subset", "profile"], help="run one round only")
    parser.add_argument("--open-all", action="store_true",
                        help="also open the workbook with every answer in LibreOffice Calc (minutes)")
    parser.add_argument("--skip-peer", action="store_true",
                        help="not xlsxwriter's workbook (8 minutes or more), nor the subset round")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.url, args.rows, args.out)))
        return

    url, origin = database_url()
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        size = {table: session.scalar(text(f"SELECT count(*) FROM {table}"))
                for table in ("applications", "juror_scores", "survey_responses", "survey_answers")}
    engine.dispose()
    print(machine_line())
    print(f"database: {origin}: " + ", ".join(f"{n:,} {t}" for t, n in size.items()))

    def line(name: str, found: dict, floor: float = 0.0) -> None:
        writing = found["seconds"] - floor
        per_row = writing / max(found["rows"], 1) * 1e6
        size_note = f", {found['size'] / 2**20:.0f} MiB file" if "size" in found else ""
        print(f"  {name:<34} {found['seconds']:7.1f} s, CPU {found['cpu']:6.1f} s  (writing {writing:6.1f} s, "
              f"{per_row:5.1f} µs/row), {found['rows']:,} rows, peak RSS {found['peak_mib']:.0f} MiB{size_note}")

    with tempfile.TemporaryDirectory() as folder:
        if args.only in (None, "full"):
            print("whole workbook, everything:")
            query = spawn("query", url, args.rows, folder)
            print(f"  {'queries alone':<34} {query['seconds']:7.1f} s, {query['rows']:,} rows, peak RSS "
                  f"{query['peak_mib']:.0f} MiB; " + ", ".join(f"{k} {n:,} in {s:.1f} s"
                                                                 for k, (n, s) in query["tables"].items()))
            ours = spawn("ours", url, args.rows, folder, keep=True)
            line("ours, answers apart (default)", ours)
            print("    sheets: " + ", ".join(f"{name} {rows:,}" for name, rows in ours["per_sheet"]))
            if ours.get("apart"):
                print(f"  {'  + the answers CSV file':<34} {ours['csv_seconds']:7.1f} s, CPU {ours['csv_cpu']:6.1f} s, "
                      f"{ours['csv_rows']:,} rows ({ours['apart']:,} answers left out of the workbook, past "
                      f"{exports.RESPONSES_IN_WORKBOOK:,}), {ours['csv_size'] / 2**20:.0f} MiB file")
            opening = opened(ours["path"])
            os.remove(ours["path"])
            if "calc_seconds" in opening:
                print(f"  {'  opened in LibreOffice Calc':<34} {opening['calc_seconds']:7.1f} s, CPU "
                      f"{opening['calc_cpu']:6.1f} s" + ("" if opening["calc_ok"] else "  FAILED TO OPEN"))
            else:
                print("  (LibreOffice not installed: the workbook was not opened in Calc)")
            print(f"  {'  opened with openpyxl (every cell)':<34} {opening['openpyxl_seconds']:7.1f} s, CPU "
                  f"{opening['openpyxl_cpu']:6.1f} s, {opening['sheets']} sheets, {opening['cells']:,} cells")
            every = spawn("ours-all", url, args.rows, folder, keep=True)
            line("ours, with every answer", every, query["seconds"])
            if args.open_all and shutil.which("soffice"):  # the workbook as it was before issue 13
                opening = opened(every["path"], with_openpyxl=False)
                print(f"  {'  opened in LibreOffice Calc':<34} {opening['calc_seconds']:7.1f} s, CPU "
                      f"{opening['calc_cpu']:6.1f} s" + ("" if opening["calc_ok"] else "  FAILED TO OPEN"))
            os.remove(every["path"])
            if args.skip_peer:
                print(load_after_line())
                return
            theirs = spawn("xlsxwriter", url, args.rows, folder)
            ours = every  # compared with xlsxwriter on the same rows
            line("xlsxwriter constant_memory", theirs, query["seconds"])
            print(f"  ratio ours / xlsxwriter: {ours['seconds'] / theirs['seconds']:.2f}x in all, writing "
                  f"{(ours['seconds'] - query['seconds']) / (theirs['seconds'] - query['seconds']):.2f}x "
                  f"(target within 1.1x); our peak RSS {ours['peak_mib']:.0f} MiB (target under 300 MiB)")
        if args.only in (None, "subset"):
            print(f"other sheets and the first {args.rows:,} responses, from memory, writing only:")
            subset = {run: spawn(f"subset-{run}", url, args.rows, folder) for run in ("ours", "xlsxwriter", "pandas")}
            for run, found in subset.items():
                line(run, found)
            pandas = subset["pandas"]
            print(f"  pandas also spent {pandas['dataframes_seconds']:.1f} s building its DataFrames (not counted)")
            print(f"  ratio ours / xlsxwriter {subset['ours']['seconds'] / subset['xlsxwriter']['seconds']:.2f}x; "
                  f"pandas / ours {pandas['seconds'] / subset['ours']['seconds']:.1f}x (target at least 1.5x)")
        if args.profile or args.only == "profile":
            print("our full run under cProfile (slower than without; shares, not times, are the point):")
            print(spawn("profile", url, args.rows, folder)["profile"])
    print(load_after_line())


if __name__ == "__main__":
    main()
