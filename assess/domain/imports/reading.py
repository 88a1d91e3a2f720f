"""Bytes -> table: the header and rows of an uploaded CSV or XLSX file, as text, within
the bounds of :mod:`assess.domain.imports.limits` (the CSV and XLSX readers are
:mod:`~assess.domain.imports.csv_files` and :mod:`~assess.domain.imports.xlsx_files`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from assess.domain.imports import csv_files, limits, xlsx_files
from assess.domain.imports.errors import ImportFileError, UnsafeXmlParser
from assess.domain.imports.text import column_letter


@dataclass(frozen=True)
class Table:
    """The cells of an export, as text. ``rows`` holds ``(row number, cells)``, numbered as
    a spreadsheet shows them (the header row is row 1); trailing blank rows are left out."""

    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    container: str  # "csv" or "xlsx"
    #: A CSV file's separator and encoding (a Python codec name), as detected or given; "" for XLSX.
    delimiter: str = ""
    encoding: str = ""


def blank(cells: Iterable[str]) -> bool:
    return not "".join(cells).strip()  # every cell empty or spaces (one C call, for every row)


def _check_record(cells: tuple[str, ...], number: int, name: str, max_cell: int = limits.MAX_CELL_CHARS,
                  too_long: str = "imports.errors.cell_too_long") -> None:
    if len(cells) > limits.MAX_COLUMNS:
        raise ImportFileError("imports.errors.too_many_columns", name=name, row=number, max=limits.MAX_COLUMNS)
    if cells and max(map(len, cells)) > max_cell:
        index = next(i for i, cell in enumerate(cells) if len(cell) > max_cell)
        raise ImportFileError(too_long, name=name, row=number, column=column_letter(index), max=max_cell)


def read_table(*, file_name: str, data: bytes, delimiter: str | None = None, encoding: str | None = None) -> Table:
    """The header and rows of a CSV or XLSX file (its first sheet). A CSV file's separator
    (:data:`DELIMITERS`) and encoding (UTF-8, UTF-16, else a code page guessed by
    charset-normalizer) are detected from its content unless given; the table says which
    were used. Raises :class:`ImportFileError` if it is neither, if the encoding is unsure,
    or if it breaks a limit (size, columns, rows, cell length, zip bomb, XML declarations):
    checked while reading, so a hostile file is refused before it costs more than a few seconds."""
    name = re.split(r"[\\/]", file_name or "")[-1]
    if not data or data.isspace():  # not data.strip(): no copy of a 100 MB upload
        raise ImportFileError("imports.errors.empty", name=name)
    if len(data) > limits.MAX_FILE_BYTES:
        raise ImportFileError("imports.errors.too_large", name=name, max=limits.mb(limits.MAX_FILE_BYTES))
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # the old binary .xls
        raise ImportFileError("imports.errors.unreadable", name=name)
    container = "xlsx" if data.startswith(b"PK\x03\x04") else "csv"
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff")) or "16" in (encoding or "")
    if container == "csv" and b"\x00" in data[:65536] and not utf16:
        raise ImportFileError("imports.errors.unreadable", name=name)  # binary, not text
    chosen: dict[str, str] = {}
    if container == "csv":
        records = csv_files.records(data, name, delimiter=delimiter, encoding=encoding, chosen=chosen)
        max_cell, too_long = limits.MAX_CSV_CELL_CHARS, "imports.reading.csv_cell_too_long"
    else:
        records, max_cell, too_long = xlsx_files.records(data, name), limits.MAX_CELL_CHARS, "imports.errors.cell_too_long"
    headers: tuple[str, ...] | None = None
    rows: list[tuple[int, tuple[str, ...]]] = []
    try:
        number = 0
        for cells in records:
            number += 1
            _check_record(cells, number, name, max_cell, too_long)
            if headers is None:
                if not blank(cells):
                    headers = tuple(" ".join(c.split()) for c in cells)
                continue
            rows.append((number, cells))
            if len(rows) > limits.MAX_ROWS_READ:  # stop reading early; blank tails are dropped below
                raise ImportFileError("imports.errors.too_many_rows", name=name, max=limits.MAX_ROWS)
    except (ImportFileError, UnsafeXmlParser):
        raise
    except Exception:
        raise ImportFileError("imports.errors.unreadable", name=name) from None
    if headers is None:
        raise ImportFileError("imports.errors.empty", name=name)
    while headers and not headers[-1]:
        headers = headers[:-1]
    while rows and blank(rows[-1][1]):
        rows.pop()
    if len(rows) > limits.MAX_ROWS:
        raise ImportFileError("imports.errors.too_many_rows", name=name, max=limits.MAX_ROWS)
    return Table(headers=headers, rows=tuple(rows), container=container, delimiter=chosen.get("delimiter", ""),
                 encoding=chosen.get("encoding", ""))
