"""The bounds of an upload, checked while the file is read.

An upload may be hostile: a file small on the wire that unpacks to gigabytes, a header of a
million columns, one cell of 50 million characters, 400,000 rows, XML entities nested
until the parser's stack overflows. Each limit is checked while the file is read, before
the work it guards grows, and refused with the file's name and, when it helps, the row
and column. The limits sit far above what a real export holds (see docs/surveys.md).

The readers look the limits up here when they run (``limits.MAX_ROWS``, not a copy
imported by name), so a test can lower one for a small file.
"""

from __future__ import annotations

#: A file with more data rows is refused (about 20 times a large school's pupils, per audience).
MAX_ROWS = 200_000

#: Bytes of an uploaded file (CSV or XLSX, as uploaded).
MAX_FILE_BYTES = 100 * 1024 * 1024
#: Columns of a row (a LimeSurvey export with a column per option and timings stays under 500).
MAX_COLUMNS = 1_000
#: Characters of a cell: Excel's own limit.
MAX_CELL_CHARS = 32_767
#: Characters of a CSV cell: a CSV file has no such limit, and one long text (a pasted essay)
#: must cost that cell (cut to its item's limit when cells are read), not the file.
MAX_CSV_CELL_CHARS = 1_000_000
#: Characters of one CSV record (all its cells): far above 1,000 short cells or a few long texts.
MAX_RECORD_CHARS = 4 * 1024 * 1024
#: Rows read in all, blank ones included (a blank tail does not count against MAX_ROWS, within reason).
MAX_ROWS_READ = MAX_ROWS + 10_000
#: An XLSX file is a zip of XML parts: their number, the unpacked size of each part that is
#: not a worksheet (shared strings, styles...), of all parts together, and how much more a
#: part may unpack to than it takes in the zip. Excel's parts compress 5 to 30 to one;
#: a hundred to one is Apache POI's zip-bomb threshold, applied to parts over 1 MB.
MAX_XLSX_PARTS = 1_000
MAX_XLSX_PART_BYTES = 64 * 1024 * 1024
MAX_XLSX_UNPACKED_BYTES = 1024 * 1024 * 1024
MAX_XLSX_RATIO = 100
#: Cells of all the sheets of a workbook: 200,000 rows of 50 answers.
MAX_XLSX_CELLS = 10_000_000
#: Tags of the parts that are neither a worksheet nor the shared strings (styles, workbook,
#: relationships...): openpyxl makes objects of them all before the first row, some 30 us a
#: tag, so 60 MB of cell formats zipped to 1 MB took 40 s. A form tool's export holds a few
#: hundred; Excel allows 64,000 cell formats, a few tags each.
MAX_XLSX_MARKUP = 100_000
RATIO_FROM_BYTES = 1024 * 1024

MB = 1024 * 1024


def mb(size: int) -> int:
    return size // MB
