"""Reading a CSV file: its encoding, its separator, its records within bounds.

Spreadsheet programs write "CSV" as the computer's region wants it: `;` in French, German,
Italian or Spanish Excel, tabs from "Unicode text", Windows code pages of the teacher's
language. The separator and the encoding are decided from the content (a bounded sample at
the start), and a person can override both: the choice is shown in the preview.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import unicodedata
from collections.abc import Iterator

from assess.domain.imports import limits
from assess.domain.imports.errors import ImportFileError

#: Separators tried, in the order that wins a tie.
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
#: Encodings a person can choose instead of the one detected (any Python codec name is accepted).
ENCODINGS: tuple[str, ...] = ("utf-8", "utf-16", "cp1252", "cp1250", "iso-8859-2", "iso-8859-15", "cp1257", "cp1251")
#: Encodings the catalogues name in words (imports.reading.encodings.*), as codecs.lookup names them.
ENCODING_NAMES: tuple[str, ...] = ("utf-8", "utf-16", "cp1252", "cp1250", "iso8859-2", "iso8859-15", "cp1257",
                                   "iso8859-13", "cp1251", "cp1253", "cp1254", "mac-roman")
#: Bytes looked at to decide the encoding and the separator: the work stays bounded whatever the file.
SAMPLE_BYTES = 256 * 1024
#: Records of the sample compared to decide the separator.
_SAMPLE_RECORDS = 200
#: Encodings charset-normalizer chooses among when a file is not UTF: the code pages
#: Excel and the survey tools write in Europe (Western first, then Central European...).
_GUESSES = ("cp1252", "cp1250", "iso8859_2", "iso8859_15", "cp1257", "iso8859_13", "cp1251", "cp1253",
            "cp1254", "mac_roman")
_C1_BYTES = re.compile(rb"[\x80-\x9f]")


def _utf8_throughout(data: bytes) -> bool:
    """Whether all of ``data`` is UTF-8, checked by chunks (no second copy of a large file)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), 1024 * 1024):
            decoder.decode(data[start:start + 1024 * 1024])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _misread_letters(text: str) -> int:
    """Characters that a wrong code page produces next to letters: symbols, control
    characters, digits such as ³ or ¼, or a letter of another script (Cyrillic inside a
    Latin word). A right guess gives (almost) none."""
    bad = 0
    for index, ch in enumerate(text):
        if ch < "\x80":
            continue
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        if not (before.isalpha() or after.isalpha()):
            continue
        category = unicodedata.category(ch)
        if category[0] in "SCN" or (category[0] == "P" and category != "Pd") or (ch.isalpha() and any(n.isascii() and n.isalpha() for n in (before, after)) \
                and not unicodedata.name(ch, "LATIN").startswith("LATIN")) or (ch.isupper() and before.islower() and after.islower()):
            bad += 1
    return bad


def _guess_encoding(data: bytes, name: str) -> str:
    """charset-normalizer's candidates among :data:`_GUESSES` on the sample, ranked by how
    few misread letters they give, then by its language coherence less its chaos. Two candidates that read
    the sample differently and equally well leave the choice open: an ISO code page wins
    when the sample has no byte that only a Windows code page uses (0x80-0x9F), the Western
    one wins otherwise; a sample that no candidate reads cleanly is refused, never garbled."""
    from charset_normalizer import from_bytes  # imported when needed: UTF files never need it

    sample = data[:SAMPLE_BYTES]
    ranked = []
    for match in from_bytes(sample, cp_isolation=list(_GUESSES)):
        text = str(match)
        ranked.append((_misread_letters(text), -round(match.coherence, 2) + round(match.chaos, 2),
                       _GUESSES.index(match.encoding)
                       if match.encoding in _GUESSES else len(_GUESSES), match.encoding, text))
    ranked.sort()
    non_ascii = sum(1 for byte in sample if byte >= 0x80)
    if not ranked or ranked[0][0] > non_ascii // 50:
        raise ImportFileError("imports.reading.encoding_unsure", name=name)
    best = ranked[0]
    ties = [r for r in ranked if r[:2] == best[:2] and r[4] != best[4]]
    if ties and not _C1_BYTES.search(sample):
        iso = [r for r in (best, *ties) if r[3].startswith("iso")]
        if iso:
            best = iso[0]
    for usual in _GUESSES[: best[2]]:  # one that reads the sample alike: name the most usual code page
        if sample.decode(usual, errors="replace") == best[4]:
            return codecs.lookup(usual).name
    return codecs.lookup(best[3]).name


def _encoding(data: bytes, name: str = "") -> str:
    """UTF-8 (with or without its BOM) or UTF-16 (with its BOM), else charset-normalizer's
    best guess (:func:`_guess_encoding`)."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _utf8_throughout(data):
        return "utf-8-sig"
    return _guess_encoding(data, name)


def _delimiter(head: str) -> str:
    """The separator whose records in ``head`` (the start of the file) have more than one
    column and the same number of columns, header and rows alike; among equals, the one
    with the fewest tabs or bars left inside cells, then the most columns (comma on a tie).
    Counting the header's columns alone is not enough: a `;` file whose questions hold
    commas has more commas than semicolons. A record cut at the sample's end is left out."""
    complete = head if len(head) < 65536 else head[: head.rfind("\n") + 1] or head
    best, best_score = ",", (False, 0.0, 0, 0)
    for candidate in DELIMITERS:
        try:
            records = [r for r in itertools.islice(csv.reader(io.StringIO(complete), delimiter=candidate),
                                                   _SAMPLE_RECORDS) if any(c.strip() for c in r)]
        except csv.Error:
            continue
        if not records:
            continue
        widths = [len(r) for r in records]
        rows = widths[1:]
        consistent = sum(1 for w in rows if w == widths[0]) / len(rows) if rows else 1.0
        # Text holds commas and semicolons, rarely tabs or vertical bars: left in a cell, they
        # were separators.
        strays = sum(1 for r in records for c in r if "\t" in c or "|" in c)
        score = (widths[0] > 1, consistent, -strays, widths[0])
        if score > best_score:
            best, best_score = candidate, score
    return best


def records(data: bytes, name: str, *, delimiter: str | None = None, encoding: str | None = None,
                 chosen: dict[str, str] | None = None) -> Iterator[tuple[str, ...]]:
    """The records of a CSV file, decoded as they are read, in the encoding and with the
    separator given, else detected (:func:`_encoding`, :func:`_delimiter`). ``chosen``
    receives the ones used."""
    encoding = encoding or _encoding(data, name)
    if codecs.lookup(encoding).name == "utf-8":
        encoding = "utf-8-sig"  # a BOM is not part of the first heading
    try:
        yield from _records_csv_as(data, name, encoding, delimiter=delimiter, chosen=chosen)
    except _NotThisEncoding:
        shown = "utf-8" if encoding == "utf-8-sig" else codecs.lookup(encoding).name
        raise ImportFileError("imports.reading.wrong_encoding", name=name, encoding=shown) from None


class _NotThisEncoding(Exception):
    pass


# One long cell (a pasted essay, over the csv module's default of 131,072 characters) must not
# make the whole file unreadable: cells may be as long as a record may be. This is the whole
# process's setting, only ever raised; a line is held to limits.MAX_RECORD_CHARS before the csv reader sees it.
csv.field_size_limit(max(csv.field_size_limit(), limits.MAX_RECORD_CHARS))


def _records_csv_as(data: bytes, name: str, encoding: str, *, delimiter: str | None = None,
                    chosen: dict[str, str] | None = None) -> Iterator[tuple[str, ...]]:
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    try:
        delimiter = delimiter or _delimiter(text.read(65536))
        text.seek(0)
    except UnicodeDecodeError:
        raise _NotThisEncoding from None
    if chosen is not None:
        canonical = codecs.lookup(encoding).name
        chosen.update(delimiter=delimiter, encoding="utf-8" if canonical == "utf-8-sig" else canonical)
    pending = 0  # characters given to the csv reader since it last gave a record
    number = 1

    def lines() -> Iterator[str]:
        # Each line is read with a bound, and so is a record spanning lines (quoted line
        # breaks): a file of one 100 MB line, or a million columns, is refused at 4 MB.
        nonlocal pending
        while line := text.readline(limits.MAX_RECORD_CHARS + 1):
            pending += len(line)
            if pending > limits.MAX_RECORD_CHARS:
                if line.count(delimiter) >= limits.MAX_COLUMNS:
                    raise ImportFileError("imports.errors.too_many_columns", name=name, row=number, max=limits.MAX_COLUMNS)
                raise ImportFileError("imports.errors.row_too_long", name=name, row=number, max=limits.mb(limits.MAX_RECORD_CHARS))
            yield line

    reader = csv.reader(lines(), delimiter=delimiter)
    try:
        for record in reader:
            pending = 0
            yield tuple(record)
            number += 1
    except UnicodeDecodeError:
        raise _NotThisEncoding from None
    except csv.Error as error:
        if "field larger than" in str(error):
            raise ImportFileError("imports.reading.csv_cell_too_long", name=name, row=number, column="?",
                                  max=limits.MAX_CSV_CELL_CHARS) from None
        raise ImportFileError("imports.errors.unreadable_row", name=name, row=number) from None
