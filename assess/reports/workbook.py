"""Excel workbooks written as a stream: whatever the number of rows, memory stays flat.

openpyxl's write-only workbook makes every part of the file (styles, sheet views, column
widths, auto-filters, charts, the zip archive). The rows are serialised here, straight
into each sheet's temporary file: openpyxl's own row path builds a cell object per value
and writes it as three nested XML elements through lxml, about ten times the cost of
the f-string per cell below (profiled: ``Cell._bind_value``, ``check_string``,
``coordinate`` and lxml's element context managers dominate; see bench/bench_workbook.py).

Every cell is written with the type of its column, never guessed from the value:

- a text cell is always an inline string (``t="inlineStr"``): a text that looks like a
  formula (``=1+1``, ``+cmd``, ``@SUM(A1)``), an error (``#N/A``) or a number stays the
  text it is. openpyxl would have written ``"=1+1"`` as a formula;
- ``&``, ``<``, ``>`` are escaped, a carriage return is written as a character reference
  (XML would turn it into a line feed), characters XML cannot hold (NUL and the other C0
  controls but tab and line feed) become U+FFFD, and a text is cut at Excel's 32,767
  characters a cell;
- numbers that are not finite (NaN, infinities) are left blank: Excel has none.

Styled data cells cost nothing extra here (a style is the ``s`` index of the cell), so
means, shares and months carry their number format on every cell.

A sheet holds at most :data:`MAX_ROWS` rows, its header included (Excel's limit); a
table with more continues on "Name (2)", "Name (3)"... each with the same header,
filter and frozen header row.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from itertools import chain, islice
from typing import IO, Any, Protocol, cast
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart._chart import ChartBase
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.child import _WorkbookChild
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import ALL_TEMP_FILES, WorksheetWriter
from openpyxl.worksheet.dimensions import ColumnDimension, DimensionHolder
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import tostring

from assess.files import partial_file

#: Excel's rows per sheet, header included. Tests lower it to check continuation sheets.
MAX_ROWS = 1_048_576
#: Excel's characters per cell.
MAX_TEXT = 32_767
#: Rows serialised between two writes to the sheet's file (and two progress reports).
CHUNK_ROWS = 5_000
#: Distinct short texts per column whose XML is kept for reuse.
TEXT_CACHE = 4_096

_EXCEL_EPOCH = date(1899, 12, 30).toordinal()
_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SHEET_START = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<worksheet xmlns="{SHEET_MAIN_NS}" xmlns:r="{_REL_NS}">')


class Kind(StrEnum):
    """How a column's values are written and shown."""

    INTEGER = "integer"  # whole numbers
    NUMBER = "number"  # shown with two decimals (means, aggregates)
    SHARE = "share"  # 0..1, shown as a percentage
    TEXT = "text"  # always a string, never a formula
    BOOLEAN = "boolean"
    MONTH = "month"  # a date, shown yyyy-mm


_NUMBER_FORMATS = {Kind.NUMBER: "0.00", Kind.SHARE: "0.0%", Kind.MONTH: "yyyy-mm"}


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = Kind.TEXT
    width: float = 12.0


@dataclass(frozen=True)
class SheetRows:
    """A sheet written: its name and its rows (the header row not counted)."""

    name: str
    rows: int


@dataclass(frozen=True)
class ChartBlock:
    """A small table on the summary sheet and the bar chart drawn from it: the first
    column holds the categories, each other column a series."""

    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]
    stacked: bool = False
    y_title: str = ""


def text(value: str) -> str:
    """``value`` as the content of an XML text element (see the module's docstring)."""
    if len(value) > MAX_TEXT:
        value = value[:MAX_TEXT]
    if _SPECIAL.search(value) is None:
        return value
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return _ILLEGAL.sub("\ufffd", value)


# --- cells -----------------------------------------------------------------------------------
# A cell writer takes (value, row number as text) and returns the cell's XML, "" for none.


def _inline(value: str) -> str:
    """The inline-string content of a text cell ("" for an empty text)."""
    if not value:
        return ""
    if value[0].isspace() or value[-1].isspace():
        return f'<is><t xml:space="preserve">{text(value)}</t></is>'
    return f"<is><t>{text(value)}</t></is>"


def _text_cell(ref: str, style: str) -> Callable[[Any, str], str]:
    # Most text columns repeat a few values (audiences, item ids, languages): their XML is
    # made once. Bounded, so a column of free texts costs a missed lookup per cell.
    cache: dict[str, str] = {}

    def write(value: Any, row: str) -> str:
        if type(value) is str:
            inner = cache.get(value)
            if inner is None:
                inner = _inline(value)
                if len(cache) < TEXT_CACHE and len(value) <= 100:
                    cache[value] = inner
        else:
            inner = _inline(_as_text(value))
        return f'<c r="{ref}{row}"{style} t="inlineStr">{inner}</c>' if inner else ""

    return write


def _number_cell(ref: str, style: str) -> Callable[[Any, str], str]:
    def write(value: Any, row: str) -> str:
        kind = type(value)
        if kind is int or (kind is float and value - value == 0):  # finite
            return f'<c r="{ref}{row}"{style}><v>{value!r}</v></c>'
        return _any_cell(ref, style)(value, row)

    return write


def _boolean_cell(ref: str, style: str) -> Callable[[Any, str], str]:
    def write(value: Any, row: str) -> str:
        return f'<c r="{ref}{row}"{style} t="b"><v>{1 if value else 0}</v></c>'

    return write


def _date_cell(ref: str, style: str) -> Callable[[Any, str], str]:
    serials: dict[date, int] = {}  # dates repeat (months): each is converted once

    def write(value: Any, row: str) -> str:
        serial = serials.get(value)
        if serial is None:
            if not isinstance(value, date):
                return _any_cell(ref, "")(value, row)
            serial = value.toordinal() - _EXCEL_EPOCH
            if len(serials) < TEXT_CACHE:
                serials[value] = serial
        return f'<c r="{ref}{row}"{style}><v>{serial}</v></c>'

    return write


def _any_cell(ref: str, style: str) -> Callable[[Any, str], str]:
    """A cell typed from its value (the summary's facts; a value of an unexpected type)."""

    def write(value: Any, row: str) -> str:
        if isinstance(value, bool):
            return _boolean_cell(ref, style)(value, row)
        if isinstance(value, (int, float, Decimal)):
            number = float(value) if isinstance(value, Decimal) else value
            if isinstance(number, float) and not math.isfinite(number):
                return ""
            return f'<c r="{ref}{row}"{style}><v>{number!r}</v></c>'
        return _text_cell(ref, style)(value, row)

    return write


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


_CELL_WRITERS = {Kind.INTEGER: _number_cell, Kind.NUMBER: _number_cell, Kind.SHARE: _number_cell,
                 Kind.TEXT: _text_cell, Kind.BOOLEAN: _boolean_cell, Kind.MONTH: _date_cell}


# --- sheets ----------------------------------------------------------------------------------


def _scratch_file(folder: str | os.PathLike | None) -> str | None:
    """A new hidden temporary file in ``folder`` for a sheet's rows, removed with the
    workbook's other temporary files; None lets openpyxl use the system's folder."""
    if folder is None:
        return None
    path = str(partial_file(os.fspath(folder), "sheet.xml"))
    ALL_TEMP_FILES.append(path)  # openpyxl removes it after saving, and at exit
    return path


class _SheetWriter(WorksheetWriter):
    """openpyxl's sheet writer with a plain text stream instead of lxml's incremental
    writer: the parts openpyxl makes (views, columns, filter, drawing) are serialised as
    it would, and the rows go straight to the file in between."""

    def get_stream(self):
        with open(self.out, "w", encoding="utf-8", newline="", buffering=1 << 20) as out:
            out.write(_SHEET_START)
            try:
                while True:
                    element = yield
                    if element is True:
                        yield out
                    elif element is not None:
                        out.write(tostring(element).decode("utf-8"))
            except GeneratorExit:
                out.write("</worksheet>")


class _AddChart(Protocol):
    def __call__(self, chart: ChartBase, anchor: str | None = None) -> None: ...


class _Sheet(WriteOnlyWorksheet):
    """A write-only sheet whose rows are written once, by :meth:`write`."""

    # Made by Worksheet._setup, which openpyxl's write-only sheet runs too, and Worksheet's
    # add_chart, which it borrows (types-openpyxl leaves them out of WriteOnlyWorksheet).
    column_dimensions: DimensionHolder[str, ColumnDimension]
    auto_filter: AutoFilter
    add_chart: _AddChart

    _finished = False
    _data = False
    #: Data rows written (the header row not counted).
    rows = 0

    #: The folder of the sheet's temporary file (None: the system's temporary folder).
    _scratch: str | os.PathLike | None = None

    def _get_writer(self):
        if self._writer is None:
            self._writer = _SheetWriter(self, out=_scratch_file(self._scratch))
            self._writer.write_top()

    def write(self, chunks: Iterable[str]) -> None:
        """Write the sheet's rows: XML ``<row>`` elements, in chunks."""
        self._get_writer()
        out = self._writer.xf.send(True)
        out.write("<sheetData>")
        for chunk in chunks:
            out.write(chunk)
        out.write("</sheetData>")
        self._writer.xf.send(None)
        self._data = True

    @property
    def closed(self) -> bool:
        return self._finished

    def close(self) -> None:
        if not self._data:
            self.write(())
        self._writer.write_tail()
        self._writer.close()
        self._finished = True

    def discard(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with suppress(FileNotFoundError):
                os.remove(self._writer.out)
            with suppress(ValueError):
                ALL_TEMP_FILES.remove(self._writer.out)
            self._writer = None
        self._finished = True


class _SheetList(Protocol):
    """How a workbook takes a sheet made outside it (openpyxl's own create_sheet makes a
    plain WriteOnlyWorksheet; types-openpyxl leaves the private method out)."""

    def _add_sheet(self, sheet: _WorkbookChild, index: int | None = None) -> None: ...


@dataclass
class StreamingWorkbook:
    """A workbook whose sheets are written one after the other, each in one pass.

    Use as a context manager: leaving it on an error removes the temporary files of the
    sheets written so far (they may hold gigabytes). ``scratch`` is the folder for those
    files: give the folder of the file being written, so that answers never sit in the
    shared temporary folder (default: the system's, for a workbook made in memory)."""

    _book: Workbook = field(default_factory=lambda: Workbook(write_only=True))
    _sheets: list[_Sheet] = field(default_factory=list)
    scratch: str | os.PathLike | None = None

    def __post_init__(self) -> None:
        # Never added to the workbook: it lends the workbook's style tables to the cells below.
        owner = WriteOnlyWorksheet(self._book, "styles")

        def style(**attributes: Any) -> str:
            cell = WriteOnlyCell(owner)
            for name, value in attributes.items():
                setattr(cell, name, value)
            return f' s="{cell.style_id}"'

        edge = Side(style="thin", color="808080")
        self._header_style = style(font=Font(bold=True), fill=PatternFill("solid", fgColor="DDE4EE"),
                                   border=Border(bottom=edge), alignment=Alignment(vertical="top", wrap_text=True))
        self._title_style = style(font=Font(bold=True, size=14))
        self._label_style = style(font=Font(bold=True))
        self._kind_styles = {kind: style(number_format=fmt) for kind, fmt in _NUMBER_FORMATS.items()}

    def __enter__(self) -> StreamingWorkbook:
        return self

    def __exit__(self, kind, error, trace) -> None:
        if error is not None:
            self.discard()

    def discard(self) -> None:
        """Remove every temporary file; the workbook cannot be saved after."""
        for sheet in self._sheets:
            sheet.discard()

    def _new_sheet(self, name: str, index: int | None = None) -> _Sheet:
        sheet = _Sheet(parent=self._book, title=name)
        sheet._scratch = self.scratch
        cast(_SheetList, self._book)._add_sheet(sheet, index)
        self._sheets.append(sheet)
        return sheet

    def _writers(self, columns: Sequence[Column]) -> list[Callable[[Any, str], str]]:
        return [_CELL_WRITERS[c.kind](get_column_letter(i), self._kind_styles.get(c.kind, ""))
                for i, c in enumerate(columns, 1)]

    def table(self, name: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]], *,
              on_rows: Callable[[int], None] | None = None) -> list[SheetRows]:
        """Write ``rows`` under a header row of ``columns``: bold header, frozen, with an
        auto-filter, the columns' widths and number formats. Past :data:`MAX_ROWS` the
        table continues on "name (2)"... ``on_rows(n)`` is told of every chunk of ``n``
        rows written. Returns the sheets written."""
        per_sheet = MAX_ROWS - 1
        writers = self._writers(columns)
        last = get_column_letter(max(len(columns), 1))
        header = "".join(_text_cell(get_column_letter(i), self._header_style)(c.header, "1")
                         for i, c in enumerate(columns, 1))
        remaining: Iterator[Sequence[Any]] = iter(rows)
        written: list[SheetRows] = []
        while True:
            sheet = self._new_sheet(name if not written else f"{name} ({len(written) + 1})")
            for i, column in enumerate(columns, 1):
                sheet.column_dimensions[get_column_letter(i)].width = column.width
            sheet.freeze_panes = "A2"
            count = [0]
            sheet.write(self._chunks(header, writers, islice(remaining, per_sheet), count, on_rows))
            sheet.auto_filter.ref = f"A1:{last}{count[0] + 1}"
            sheet.rows = count[0]
            written.append(SheetRows(sheet.title, count[0]))
            following = next(remaining, None)
            if following is None:
                return written
            remaining = chain((following,), remaining)

    @staticmethod
    def _chunks(header: str, writers: Sequence[Callable[[Any, str], str]], rows: Iterable[Sequence[Any]],
                count: list[int], on_rows: Callable[[int], None] | None) -> Iterator[str]:
        yield f'<row r="1">{header}</row>'
        number = 1
        chunk: list[str] = []
        for values in rows:
            number += 1
            row = str(number)
            cells = "".join([w(v, row) for w, v in zip(writers, values, strict=True) if v is not None])
            chunk.append(f'<row r="{row}">{cells}</row>')
            if len(chunk) == CHUNK_ROWS:
                yield "".join(chunk)
                chunk.clear()
                count[0] = number - 1
                if on_rows:
                    on_rows(CHUNK_ROWS)
        if chunk:
            yield "".join(chunk)
            count[0] = number - 1
            if on_rows:
                on_rows(len(chunk))

    def summary(self, name: str, *, title: str, facts: Sequence[tuple[str, Any] | tuple[str, Any, Kind]],
                blocks: Sequence[ChartBlock], index: int = 0) -> SheetRows:
        """A first sheet (at ``index``) with a title, key figures as label-value rows (typed
        from the value, or by the kind given third), and one small table per block with
        its bar chart beside it."""
        sheet = self._new_sheet(name, index)
        sheet.column_dimensions["A"].width = 42
        for letter in "BCDEFG":
            sheet.column_dimensions[letter].width = 14
        lines = [f'<row r="1">{_text_cell("A", self._title_style)(title, "1")}</row>']
        number = 2
        for label, value, *kind in facts:
            number += 1
            row = str(number)
            cell = _CELL_WRITERS[kind[0]]("B", self._kind_styles.get(kind[0], "")) if kind else _any_cell("B", "")
            lines.append(f'<row r="{row}">{_text_cell("A", self._label_style)(label, row)}'
                         f'{"" if value is None else cell(value, row)}</row>')
        anchor_row = 1
        for block in blocks:
            number += 2
            first = number
            row = str(number)
            lines.append(f'<row r="{row}">' + "".join(
                _text_cell(get_column_letter(i), self._header_style)(c.header, row)
                for i, c in enumerate(block.columns, 1)) + "</row>")
            writers = self._writers(block.columns)
            for values in block.rows:
                number += 1
                row = str(number)
                cells = "".join(w(v, row) for w, v in zip(writers, values, strict=True) if v is not None)
                lines.append(f'<row r="{row}">{cells}</row>')
            if block.rows and len(block.columns) > 1:
                sheet.add_chart(self._chart(sheet, block, first, number), f"I{anchor_row}")
                anchor_row += 18
        sheet.write(["".join(lines)])
        return SheetRows(sheet.title, number)

    @staticmethod
    def _chart(sheet: _Sheet, block: ChartBlock, first: int, last: int) -> BarChart:
        chart = BarChart()
        chart.type = "col"
        chart.title = block.title
        chart.y_axis.title = block.y_title or None
        if block.stacked:
            chart.grouping = "stacked"
            chart.overlap = 100
        chart.add_data(Reference(sheet, min_col=2, max_col=len(block.columns), min_row=first, max_row=last),
                       titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=first + 1, max_row=last))
        chart.width, chart.height = 18, 8.5
        return chart

    def save(self, out: str | IO[bytes], *, on_rows: Callable[[int], None] | None = None) -> None:
        """Write the .xlsx file (a path or a binary file object) and remove the temporary
        files. Compressing a sheet into the file is reported through ``on_rows`` too, in
        rows of that sheet (compressing takes about as long as writing the rows)."""
        rows = {sheet._writer.out: sheet.rows for sheet in self._sheets if sheet._writer is not None}
        try:
            archive = _Archive(out, rows=rows, on_rows=on_rows)
            self._book.properties.modified = datetime.now(UTC).replace(tzinfo=None)
            ExcelWriter(self._book, archive).save()
        except BaseException:
            self.discard()
            raise


class _Archive(ZipFile):
    """The .xlsx zip, telling how far it got through each sheet's file."""

    def __init__(self, out: str | IO[bytes], *, rows: dict[str, int], on_rows: Callable[[int], None] | None):
        super().__init__(out, "w", ZIP_DEFLATED, allowZip64=True)
        self._rows = rows
        self._on_rows = on_rows

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None) -> None:
        rows = self._rows.get(filename, 0)
        if not rows or self._on_rows is None:
            super().write(filename, arcname, compress_type, compresslevel)
            return
        info = ZipInfo.from_file(filename, arcname)
        info.compress_type = self.compression
        info._compresslevel = self.compresslevel  # type: ignore[attr-defined]  # private, as zipfile sets it
        size, done, told = max(info.file_size, 1), 0, 0
        with open(filename, "rb") as source, self.open(info, "w") as target:
            while block := source.read(1 << 20):
                target.write(block)
                done += len(block)
                now = rows * done // size
                if now > told:
                    self._on_rows(now - told)
                    told = now
        if rows > told:
            self._on_rows(rows - told)
