"""The streaming workbook writer on its own: types, escaping, layout, continuation sheets,
read back with openpyxl and looked at in the sheet XML itself."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import openpyxl
import pytest

from assess.reports import workbook
from assess.reports.workbook import ChartBlock, Column, Kind, StreamingWorkbook

COLUMNS = (Column("Id", Kind.INTEGER, 8), Column("Text", width=30), Column("Mean", Kind.NUMBER),
           Column("Share", Kind.SHARE), Column("Flag", Kind.BOOLEAN), Column("Month", Kind.MONTH))
TRICKY = ["=1+1", "+SUM(A1:A9)", "-2+3", "@cmd", "=HYPERLINK(\"http://evil.example\",\"x\")", "#N/A", "#DIV/0!",
          "0012", "1e5", "TRUE", "<b>&amp;</b>", "  padded  ", "line\r\nbreak", "nul\x00and\x1fbell\x07", "é ☃ 𝄞"]


def write(rows, columns=COLUMNS, name="Data") -> bytes:
    out = io.BytesIO()
    with StreamingWorkbook() as book:
        book.table(name, columns, rows)
        book.save(out)
    return out.getvalue()


def sheet_xml(data: bytes) -> list[str]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]


def test_text_is_always_a_string_never_a_formula_or_an_error():
    data = write([(n, text, None, None, None, None) for n, text in enumerate(TRICKY)])
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Data"]
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert [c.data_type for c in cells] == ["s"] * len(TRICKY)
    expected = [t.replace("\x00", "\ufffd").replace("\x1f", "\ufffd").replace("\x07", "\ufffd") for t in TRICKY]
    assert [c.value for c in cells] == expected
    for xml in sheet_xml(data):
        assert "<f>" not in xml and "<f " not in xml and 't="e"' not in xml and 't="str"' not in xml


def test_openpyxl_alone_would_have_written_a_formula():
    """Why the writer types its cells: openpyxl guesses a formula from a leading '='."""
    book = openpyxl.Workbook(write_only=True)
    book.create_sheet("Data").append(["=1+1"])
    out = io.BytesIO()
    book.save(out)
    assert "<f>1+1</f>" in sheet_xml(out.getvalue())[0]


def test_values_keep_their_types_and_number_formats():
    data = write([(1, "a", 2.5, 0.25, True, date(2026, 3, 1)), (2, "b", float("nan"), float("inf"), False, None),
                  (3, "c", 4, 1, None, date(2025, 12, 1))])
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Data"]
    first, second, third = (list(r) for r in sheet.iter_rows(min_row=2))
    assert [c.value for c in first] == [1, "a", 2.5, 0.25, True, first[5].value]
    assert first[5].value.date() == date(2026, 3, 1) and first[5].number_format == "yyyy-mm"
    assert (first[2].number_format, first[3].number_format) == ("0.00", "0.0%")
    assert (second[2].value, second[3].value, second[4].value) == (None, None, False), "NaN and infinity left blank"
    assert third[3].value == 1 and third[4].value is None


def test_header_frozen_filtered_and_sized():
    data = write([(n, f"row {n}", None, None, None, None) for n in range(3)])
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Data"]
    header = next(sheet.iter_rows(max_row=1))
    assert [c.value for c in header] == [c.header for c in COLUMNS]
    assert all(c.font.b for c in header) and header[0].fill.fgColor.rgb.endswith("DDE4EE")
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:F4"
    assert sheet.column_dimensions["A"].width == 8 and sheet.column_dimensions["B"].width == 30


def test_long_text_is_cut_at_excels_limit():
    data = write([(1, "x" * (workbook.MAX_TEXT + 10), None, None, None, None)])
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Data"]
    assert len(sheet["B2"].value) == workbook.MAX_TEXT


def test_a_table_past_the_row_limit_continues_on_numbered_sheets(monkeypatch):
    monkeypatch.setattr(workbook, "MAX_ROWS", 4)  # a header and three rows per sheet
    out = io.BytesIO()
    with StreamingWorkbook() as book:
        written = book.table("Responses", COLUMNS, [(n, f"t{n}", None, None, None, None) for n in range(7)])
        exact = book.table("Exact", COLUMNS, [(n, "x", None, None, None, None) for n in range(3)])
        empty = book.table("Empty", COLUMNS, [])
        book.save(out)
    assert [(s.name, s.rows) for s in written] == [("Responses", 3), ("Responses (2)", 3), ("Responses (3)", 1)]
    assert [(s.name, s.rows) for s in exact + empty] == [("Exact", 3), ("Empty", 0)]
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Responses", "Responses (2)", "Responses (3)", "Exact", "Empty"]
    ids = []
    for name in ("Responses", "Responses (2)", "Responses (3)"):
        sheet = book[name]
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0] == tuple(c.header for c in COLUMNS)
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:F{len(rows)}"
        ids += [r[0] for r in rows[1:]]
    assert ids == list(range(7))


def test_progress_is_told_per_chunk_and_while_compressing(monkeypatch):
    monkeypatch.setattr(workbook, "CHUNK_ROWS", 10)
    told = []
    out = io.BytesIO()
    with StreamingWorkbook() as book:
        book.table("Data", COLUMNS, [(n, "x", None, None, None, None) for n in range(25)], on_rows=told.append)
        assert told == [10, 10, 5]
        book.save(out, on_rows=told.append)
    assert sum(told) == 50


def test_summary_sheet_comes_first_with_its_charts():
    out = io.BytesIO()
    with StreamingWorkbook() as book:
        book.table("Data", COLUMNS, [])
        block = ChartBlock("Per round", (Column("Round"), Column("Applications", Kind.INTEGER)), [("A", 3), ("B", 5)])
        book.summary("Summary", title="Figures", facts=[("Applications", 8), ("Filter", "=cmd"), ("Rate", None)],
                     blocks=[block])
        book.save(out)
    loaded = openpyxl.load_workbook(out)
    assert loaded.sheetnames == ["Summary", "Data"]
    sheet = loaded["Summary"]
    assert sheet["A1"].value == "Figures" and sheet["A1"].font.b
    assert (sheet["A3"].value, sheet["B3"].value, sheet["B4"].value, sheet["B4"].data_type) == (
        "Applications", 8, "=cmd", "s")
    assert len(sheet._charts) == 1
    assert "<f>'Summary'!$B$8:$B$9</f>" in zipfile.ZipFile(out).read("xl/charts/chart1.xml").decode()


def test_an_error_removes_the_temporary_files():
    import os

    book = StreamingWorkbook()
    with pytest.raises(RuntimeError), book:
        book.table("Data", COLUMNS, [(1, "x", None, None, None, None)])

        def failing():
            yield (2, "y", None, None, None, None)
            raise RuntimeError("database gone")

        book.table("More", COLUMNS, failing())
    assert all(not os.path.exists(s._writer.out) if s._writer else True for s in book._sheets)
    assert all(s._writer is None for s in book._sheets)
