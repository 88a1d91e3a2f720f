"""How spreadsheets split a CSV file, to check that none of its cells would run as a formula.

A French Excel opens a CSV file with ";" as its separator, an English one with ",".
Each file is read four ways: Python's csv module with "," and with ";" (a quote opens a
quoted cell only at the start of a cell, as Excel does), and a simple reader that honours
every quote mark (inside quotes nothing splits), with "," and with ";".
"""

from __future__ import annotations

import csv
import io
import unicodedata

SEPARATORS = (",", ";")
#: What people type, or an import brings, in the texts the CSV files carry: formulas behind
#: a ";" or "," or new line, behind spaces, invisible characters or quotes, in full-width form.
HOSTILE = (
    "Merci;=cmd|' /C calc'!A0",
    " =1+1",
    "＝1+1",
    "\u3000＋SUM(A1:A9)",
    "Bien,@SUM(A1)",
    "Oui\n-2+3",
    'Il a dit "non";"=1+1',
    "\u200b=1+1",
    "\t=1",
    "－5+5",
    "＠cmd",
    "Super ; ﹦HYPERLINK(\"http://x\")",
    "a;\r\n+1",
)


def python_rows(text: str, separator: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))


def quote_honouring_rows(text: str, separator: str) -> list[list[str]]:
    """Rows as a reader that honours every quote mark splits them: a separator or line
    break between quotes belongs to the cell; the quote marks are kept."""
    rows, row, cell, quoted = [], [], [], False
    for char in text:
        if char == '"':
            quoted = not quoted
            cell.append(char)
        elif not quoted and char == separator:
            row.append("".join(cell))
            cell = []
        elif not quoted and char in "\r\n":
            if cell or row:
                rows.append([*row, "".join(cell)])
            row, cell = [], []
        else:
            cell.append(char)
    if cell or row:
        rows.append([*row, "".join(cell)])
    return rows


def cells(text: str) -> list[tuple[str, str]]:
    """Every cell of the file read each way, as (how it was read, cell)."""
    found = []
    for separator in SEPARATORS:
        for name, reader in (("csv module", python_rows), ("quote-honouring", quote_honouring_rows)):
            found += [(f"{name} with {separator!r}", cell) for row in reader(text, separator) for cell in row]
    return found


def is_number(cell: str) -> bool:
    try:
        float(cell.strip().replace(",", "."))
    except ValueError:
        return False
    return True


def opens_like_a_formula(cell: str) -> bool:
    """The cell, once spaces, invisible characters and quote marks in front are dropped
    and it is put in NFKC form, starts with = + - or @ and is not a number."""
    start = 0
    while start < len(cell) and (cell[start].isspace() or cell[start] == '"'
                                 or unicodedata.category(cell[start]) in ("Cc", "Cf")):
        start += 1
    visible = cell[start:]
    first = unicodedata.normalize("NFKC", visible[:1])[:1]
    return first in ("=", "+", "-", "@", "\u2212") and not is_number(visible)


def formula_cells(text: str) -> list[tuple[str, str]]:
    """The cells a spreadsheet could run, read every way; empty when the file is safe."""
    return [(how, cell) for how, cell in cells(text) if opens_like_a_formula(cell)]
