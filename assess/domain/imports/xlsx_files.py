"""Reading an XLSX file: the zip checked for bombs and entity declarations as it unpacks,
then the first sheet's rows, each checked before its values are made."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Container, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import IO, Any, Protocol, cast

from assess.domain.imports import limits
from assess.domain.imports.errors import ImportFileError, UnsafeXmlParser


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


#: A row, a cell (in a worksheet) and a shared string (elsewhere), with or without a prefix.
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,31}:)?row[\s/>]")
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,31}:)?c[\s/>]")
_STRING_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,31}:)?si[\s/>]")
#: Markup that declares a document type or entities, which the Open Packaging Conventions
#: forbid in an Office file: the whole family of entity attacks needs it.
_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")
_WORKSHEETS = "xl/worksheets/"
_SHARED_STRINGS = "xl/sharedStrings.xml"
#: Shared strings beyond the cells that could use them (Excel keeps none unused; slack for
#: other tools). openpyxl loads them all before the first row: without this bound a 17 MB
#: file of 2.6 million short strings took 22 s to open.
_SPARE_STRINGS = 1_000


@dataclass
class _PartCounts:
    rows: int = 0
    cells: int = 0
    strings: int = 0
    #: Tags of the parts openpyxl reads whole up front (see limits.MAX_XLSX_MARKUP).
    markup: int = 0


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, counts: _PartCounts) -> None:
    """Unpack one part as a stream (the zip module stops at the size the directory declares)
    looking for document type declarations and for text runs of more than a megabyte (a
    cell holds 32,767 characters at most); count a worksheet's rows (stopping past the
    limit) and cells, and the shared strings of other parts. The counts add up over every
    worksheet: on opening a workbook, openpyxl reads every sheet that does not state its
    size in full, not only the first one that is imported."""
    worksheet = info.filename.startswith(_WORKSHEETS)
    bounded = not worksheet and info.filename != _SHARED_STRINGS  # those are bounded by their rows and cells
    carry = b""
    run = 0  # bytes since the last "<"

    def check(scanned: bytes) -> None:
        nonlocal run
        if any(marker in scanned for marker in _DECLARATIONS):
            raise ImportFileError("imports.errors.xml_declarations", name=name, part=info.filename)
        first, last = scanned.find(b"<"), scanned.rfind(b"<")
        if run + (len(scanned) if first < 0 else first) > limits.MB:
            raise ImportFileError("imports.errors.text_too_long", name=name, part=info.filename, max=limits.MAX_CELL_CHARS)
        run = run + len(scanned) if last < 0 else len(scanned) - last
        if worksheet:
            counts.rows += len(_ROW_TAG.findall(scanned))
            if counts.rows > limits.MAX_ROWS_READ:
                raise ImportFileError("imports.errors.too_many_rows", name=name, max=limits.MAX_ROWS)
            counts.cells += len(_CELL_TAG.findall(scanned))
            if counts.cells > limits.MAX_XLSX_CELLS:
                raise ImportFileError("imports.errors.too_many_cells", name=name, max=limits.MAX_XLSX_CELLS)
        else:
            counts.strings += len(_STRING_TAG.findall(scanned))
        if bounded:
            counts.markup += scanned.count(b"<")
            if counts.markup > limits.MAX_XLSX_MARKUP:
                raise ImportFileError("imports.errors.unreadable", name=name)

    with archive.open(info) as part:
        while chunk := part.read(limits.MB):
            block = carry + chunk
            # What may be the start of a tag cut by the chunk's end goes with the next chunk.
            cut = block.rfind(b"<", max(len(block) - 64, 0))
            cut = len(block) if cut < 0 else cut
            check(block[:cut])
            carry = block[cut:]
    check(carry)


def _check_package(data: bytes, name: str) -> None:
    """Refuse a zip bomb from the zip's central directory alone (sizes and ratios, before
    anything is unpacked), then scan every XML part as it unpacks: no document type
    declaration anywhere, no worksheet of more rows than limits.MAX_ROWS_READ, no more shared
    strings than cells."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportFileError("imports.errors.unreadable", name=name) from None
    with archive:
        parts = archive.infolist()
        if len(parts) > limits.MAX_XLSX_PARTS:
            raise ImportFileError("imports.errors.unreadable", name=name)
        total = 0
        for info in parts:
            total += info.file_size
            if total > limits.MAX_XLSX_UNPACKED_BYTES or (
                info.file_size > limits.MAX_XLSX_PART_BYTES and not info.filename.startswith(_WORKSHEETS)
            ):
                raise ImportFileError("imports.errors.unpacked_too_large", name=name,
                                      max=limits.mb(limits.MAX_XLSX_UNPACKED_BYTES))
            if info.file_size > limits.RATIO_FROM_BYTES and info.file_size > limits.MAX_XLSX_RATIO * max(info.compress_size, 1):
                raise ImportFileError("imports.errors.zip_bomb", name=name, part=info.filename,
                                      ratio=info.file_size // max(info.compress_size, 1))
        counts = _PartCounts()
        try:
            for info in parts:
                if info.filename.endswith((".xml", ".rels", ".vml")) or info.filename.startswith(_WORKSHEETS):
                    _scan_part(archive, info, name, counts)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError):
            raise ImportFileError("imports.errors.unreadable", name=name) from None
        if counts.strings > counts.cells + _SPARE_STRINGS:
            raise ImportFileError("imports.errors.too_many_strings", name=name, strings=counts.strings,
                                  cells=counts.cells)


class _ReadOnlySheetParts(Protocol):
    """What :func:`records` reads of openpyxl 3.1's read-only worksheet besides its public
    API (types-openpyxl describes the public one only)."""

    _shared_strings: Sequence[str]

    def _get_source(self) -> AbstractContextManager[IO[bytes]]: ...


class _WorkbookParts(Protocol):
    """The number formats a read-only workbook found, which its worksheet parser takes."""

    _date_formats: Container[int]
    _timedelta_formats: Container[int]


def records(data: bytes, name: str) -> Iterator[tuple[str, ...]]:
    """The rows of the first sheet, as text. openpyxl reads the workbook in read-only mode,
    its XML with defusedxml (it uses it whenever installed; checked below, as without it a
    nested-entity file crashes Python's expat) and lxml without resolving entities.

    The rows are taken from openpyxl's worksheet parser (the one its read-only sheets use,
    openpyxl 3.1) rather than from ``iter_rows``: that pads every row to its last cell,
    so a row holding one cell in column XFD would become 16,384 values before we could
    refuse it. Here each row's width and number are checked before a value is made."""
    import openpyxl.xml
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import WorkSheetParser

    if not openpyxl.xml.DEFUSEDXML:  # a deployment fault (OPENPYXL_DEFUSEDXML=False, package missing)
        raise UnsafeXmlParser("openpyxl must parse XML with defusedxml: install it and leave OPENPYXL_DEFUSEDXML unset")
    _check_package(data, name)
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = cast(_ReadOnlySheetParts, workbook.worksheets[0])  # read_only=True: a ReadOnlyWorksheet
        formats = cast(_WorkbookParts, workbook)
        with sheet._get_source() as source:
            parser = WorkSheetParser(source, sheet._shared_strings, data_only=True, epoch=workbook.epoch,
                                     date_formats=formats._date_formats,
                                     timedelta_formats=formats._timedelta_formats)
            expected = 1
            for number, cells in parser.parse():
                if number > limits.MAX_ROWS_READ:
                    raise ImportFileError("imports.errors.too_many_rows", name=name, max=limits.MAX_ROWS)
                while expected < number:  # rows the file leaves out are blank rows
                    yield ()
                    expected += 1
                expected = number + 1
                width = max((cell["column"] for cell in cells), default=0)
                if width > limits.MAX_COLUMNS:
                    raise ImportFileError("imports.errors.too_many_columns", name=name, row=number, max=limits.MAX_COLUMNS)
                values = [""] * width
                for cell in cells:
                    values[cell["column"] - 1] = _cell_text(cell["value"])
                yield tuple(values)
    finally:
        workbook.close()
