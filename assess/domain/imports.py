"""Answers collected with other tools: Google Forms, Microsoft Forms and LimeSurvey exports.

Pure (no database, no pages): reads the bytes of an export, recognises its format, finds
the questionnaire item each column stands for and turns each row into raw answers
checked by :func:`assess.domain.answers.validate_answers`, the same checks as the
answering page. :mod:`assess.services.survey_imports` stores the result.

Privacy: the columns that identify a respondent or the moment of answering (e-mail,
name, token, IP address, referrer, start and completion times, response ids, seed...)
are recognised by their header and dropped: no answer is ever read from them. Only the
*day* of the row's timestamp and the language it was answered in are kept. The service
keys each row by a keyed hash of all its cells (to skip rows imported before), never by
the cells themselves.

How cells are read, per item type (normalised: case, accents, punctuation and spaces
do not matter):

- agreement: the words of the scale in English or French ("Strongly agree", "Tout à
  fait d'accord"... "I don't know", "Sans objet"), a number 1-5 (5 = strongly agree),
  or a LimeSurvey answer code ``A1``..``A5`` / ``AO01``..``AO05`` (1 = strongly
  disagree);
- single choice: an option's text in either language, its id, or its LimeSurvey code
  ``A<n>`` / ``AO0<n>`` (the n-th option, in the questionnaire's order);
- multiple choice: the same, several separated by ``;`` or ``,`` (option texts that
  contain commas are recognised whole); a LimeSurvey column per option
  (``Q5[SQ001]``, mapped to ``item:option``) holds ``Y``/``Yes``/``Oui``/``1``/``X``
  when chosen;
- text: kept as written (past the item's limit, cut there with a note).

Emoji and other symbols outside ASCII count in the comparison, each as a word (see
:func:`normalise`): a form answered with faces is read through a mapping file. A bad cell
costs that cell, not the response: "Other: ..." words typed into a choice question go to
the questionnaire's comment (its last text item), noted by row and column; a bilingual
label (``D'accord / Agree``) is read by either half.

A mapping file (YAML) can name the item of any column and the answer of any cell text:
see docs/surveys.md, "Importing answers from other tools".
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated, Any, Iterable, Iterator, Mapping, NamedTuple

from pydantic import BeforeValidator, Field, field_validator

from assess.domain import safe_yaml
from assess.domain.answers import DONT_KNOW, Answer, AnswerError, validate_answers
from assess.domain.content import (
    IDENTIFIER,
    ContentError,
    Path_,
    Problem,
    StrictModel,
    load_content,
)
from assess.domain.questionnaire import AGREEMENT_POINTS, Item, ItemType, Questionnaire
from assess.i18n import LANGUAGES

#: The export formats read, by the name stored as the response's ``source``.
FORMATS: tuple[str, ...] = ("google", "msforms", "limesurvey")
#: A file with more data rows is refused (about 20 times a large school's pupils, per audience).
MAX_ROWS = 200_000
#: Cell values quoted back in a report are cut to this length.
QUOTE_LENGTH = 60


class ImportFileError(Exception):
    """The file cannot be read as a survey export. ``key`` is a catalogue key (``imports.errors.*``)."""

    def __init__(self, key: str, /, **params: Any):
        self.key = key
        self.params = params
        super().__init__(f"{key} {params}")


class UnsafeXmlParser(RuntimeError):
    """openpyxl would parse XML without defusedxml: the installation is at fault, not the file."""


# --- text normalisation -----------------------------------------------------------------

_PUNCTUATION = re.compile(r"[\W_]+")
#: Symbols kept as answers, outside ASCII: emoji faces and pictures (So), maths (Sm) and
#: currency (Sc). ASCII signs (+ < = $...) stay punctuation, as they always were here, and
#: so do modifier symbols (Sk): the backquote and acute accent used as apostrophes.
_KEPT_SYMBOLS = frozenset(("So", "Sm", "Sc"))
#: Left out of a picture, as they do not change its meaning: variation selectors (text or
#: emoji presentation of the same character) and emoji skin-tone modifiers.
_PRESENTATION = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef\U0001f3fb-\U0001f3ff]")


def _kept(ch: str) -> bool:
    return not ch.isascii() and unicodedata.category(ch) in _KEPT_SYMBOLS


def _symbol(ch: str) -> str:
    return f" {ch} " if _kept(ch) else ch


def normalise(text: Any) -> str:
    """Compare texts as a person would: no case, no accents, punctuation and runs of spaces
    as one space. ``"Tout à fait d’accord !"`` -> ``"tout a fait d accord"``.

    Symbols are kept, each as a word of its own: ``"😀"`` and ``"🙁"`` are different
    answers (a form for young pupils answers with faces), and ``"★★"`` stays two stars.
    Variation selectors and skin tones are left out (``"🙂\ufe0f"`` is ``"🙂"``)."""
    decomposed = unicodedata.normalize("NFKD", _PRESENTATION.sub("", str(text)))
    plain = "".join(_symbol(ch) for ch in decomposed if not unicodedata.combining(ch)).casefold()
    if plain.isascii():  # the usual case: no symbol to keep
        return " ".join(_PUNCTUATION.sub(" ", plain).split())
    return " ".join(_PUNCTUATION.sub(_keep_symbols, plain).split())


def _keep_symbols(found: re.Match[str]) -> str:
    """A run of punctuation becomes a space, the kept symbols in it stay (spaced)."""
    return " " + " ".join(ch for ch in found.group() if _kept(ch)) + " "


_QUOTES = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"}


def _fold_char(ch: str) -> str:
    ch = _QUOTES.get(ch, ch)
    base = next((c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)), ch)
    lowered = base.lower()
    return lowered if len(lowered) == 1 else ch


def _fold(text: str) -> str:
    """Like :func:`normalise` but keeping punctuation, one character for one: used to find
    option texts inside a cell listing several."""
    return "".join(_fold_char(ch) for ch in " ".join(text.split()))


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, as spreadsheets name columns."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _quote(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= QUOTE_LENGTH else value[: QUOTE_LENGTH - 1] + "\u2026"


# --- reading the file -------------------------------------------------------------------


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


# --- limits ------------------------------------------------------------------------------
#
# An upload may be hostile: a file small on the wire that unpacks to gigabytes, a header of a
# million columns, one cell of 50 million characters, 400,000 rows, XML entities nested
# until the parser's stack overflows. Each limit is checked while the file is read, before
# the work it guards grows, and refused with the file's name and, when it helps, the row
# and column. The limits sit far above what a real export holds (see docs/surveys.md).

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
_RATIO_FROM_BYTES = 1024 * 1024

_MB = 1024 * 1024


def _mb(size: int) -> int:
    return size // _MB


# --- reading a CSV file --------------------------------------------------------------------
#
# Spreadsheet programs write "CSV" as the computer's region wants it: `;` in French, German,
# Italian or Spanish Excel, tabs from "Unicode text", Windows code pages of the teacher's
# language. The separator and the encoding are decided from the content (a bounded sample at
# the start), and a person can override both: the choice is shown in the preview.

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
        if category[0] in "SCN" or (category[0] == "P" and category != "Pd"):
            bad += 1
        elif ch.isalpha() and any(n.isascii() and n.isalpha() for n in (before, after)) \
                and not unicodedata.name(ch, "LATIN").startswith("LATIN"):
            bad += 1
        elif ch.isupper() and before.islower() and after.islower():  # "rÈponses": Mac Roman read for Windows
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


def _records_csv(data: bytes, name: str, *, delimiter: str | None = None, encoding: str | None = None,
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
# process's setting, only ever raised; a line is held to MAX_RECORD_CHARS before the csv reader sees it.
csv.field_size_limit(max(csv.field_size_limit(), MAX_RECORD_CHARS))


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
        while line := text.readline(MAX_RECORD_CHARS + 1):
            pending += len(line)
            if pending > MAX_RECORD_CHARS:
                if line.count(delimiter) >= MAX_COLUMNS:
                    raise ImportFileError("imports.errors.too_many_columns", name=name, row=number, max=MAX_COLUMNS)
                raise ImportFileError("imports.errors.row_too_long", name=name, row=number, max=_mb(MAX_RECORD_CHARS))
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
                                  max=MAX_CSV_CELL_CHARS) from None
        raise ImportFileError("imports.errors.unreadable_row", name=name, row=number) from None


# --- reading an XLSX file --------------------------------------------------------------------

#: A row, a cell (in a worksheet) and a shared string (elsewhere), with or without a prefix.
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,31}:)?row[\s/>]")
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,31}:)?c[\s/>]")
_STRING_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,31}:)?si[\s/>]")
#: Markup that declares a document type or entities, which the Open Packaging Conventions
#: forbid in an Office file: the whole family of entity attacks needs it.
_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")
_WORKSHEETS = "xl/worksheets/"
#: Shared strings beyond the cells that could use them (Excel keeps none unused; slack for
#: other tools). openpyxl loads them all before the first row: without this bound a 17 MB
#: file of 2.6 million short strings took 22 s to open.
_SPARE_STRINGS = 1_000


@dataclass
class _PartCounts:
    rows: int = 0
    cells: int = 0
    strings: int = 0


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, counts: _PartCounts) -> None:
    """Unpack one part as a stream (the zip module stops at the size the directory declares)
    looking for document type declarations and for text runs of more than a megabyte (a
    cell holds 32,767 characters at most); count a worksheet's rows (stopping past the
    limit) and cells, and the shared strings of other parts. The counts add up over every
    worksheet: on opening a workbook, openpyxl reads every sheet that does not state its
    size in full, not only the first one that is imported."""
    worksheet = info.filename.startswith(_WORKSHEETS)
    carry = b""
    run = 0  # bytes since the last "<"

    def check(scanned: bytes) -> None:
        nonlocal run
        if any(marker in scanned for marker in _DECLARATIONS):
            raise ImportFileError("imports.errors.xml_declarations", name=name, part=info.filename)
        first, last = scanned.find(b"<"), scanned.rfind(b"<")
        if run + (len(scanned) if first < 0 else first) > _MB:
            raise ImportFileError("imports.errors.text_too_long", name=name, part=info.filename, max=MAX_CELL_CHARS)
        run = run + len(scanned) if last < 0 else len(scanned) - last
        if worksheet:
            counts.rows += len(_ROW_TAG.findall(scanned))
            if counts.rows > MAX_ROWS_READ:
                raise ImportFileError("imports.errors.too_many_rows", name=name, max=MAX_ROWS)
            counts.cells += len(_CELL_TAG.findall(scanned))
            if counts.cells > MAX_XLSX_CELLS:
                raise ImportFileError("imports.errors.too_many_cells", name=name, max=MAX_XLSX_CELLS)
        else:
            counts.strings += len(_STRING_TAG.findall(scanned))

    with archive.open(info) as part:
        while chunk := part.read(_MB):
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
    declaration anywhere, no worksheet of more rows than MAX_ROWS_READ, no more shared
    strings than cells."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportFileError("imports.errors.unreadable", name=name) from None
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_XLSX_PARTS:
            raise ImportFileError("imports.errors.unreadable", name=name)
        total = 0
        for info in parts:
            total += info.file_size
            if total > MAX_XLSX_UNPACKED_BYTES or (
                info.file_size > MAX_XLSX_PART_BYTES and not info.filename.startswith(_WORKSHEETS)
            ):
                raise ImportFileError("imports.errors.unpacked_too_large", name=name,
                                      max=_mb(MAX_XLSX_UNPACKED_BYTES))
            if info.file_size > _RATIO_FROM_BYTES and info.file_size > MAX_XLSX_RATIO * max(info.compress_size, 1):
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


def _records_xlsx(data: bytes, name: str) -> Iterator[tuple[str, ...]]:
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
        sheet = workbook.worksheets[0]
        with sheet._get_source() as source:
            parser = WorkSheetParser(source, sheet._shared_strings, data_only=True, epoch=workbook.epoch,
                                     date_formats=workbook._date_formats,
                                     timedelta_formats=workbook._timedelta_formats)
            expected = 1
            for number, cells in parser.parse():
                if number > MAX_ROWS_READ:
                    raise ImportFileError("imports.errors.too_many_rows", name=name, max=MAX_ROWS)
                while expected < number:  # rows the file leaves out are blank rows
                    yield ()
                    expected += 1
                expected = number + 1
                width = max((cell["column"] for cell in cells), default=0)
                if width > MAX_COLUMNS:
                    raise ImportFileError("imports.errors.too_many_columns", name=name, row=number, max=MAX_COLUMNS)
                values = [""] * width
                for cell in cells:
                    values[cell["column"] - 1] = _cell_text(cell["value"])
                yield tuple(values)
    finally:
        workbook.close()


def _blank(cells: Iterable[str]) -> bool:
    return not "".join(cells).strip()  # every cell empty or spaces (one C call, for every row)


def _check_record(cells: tuple[str, ...], number: int, name: str, max_cell: int = MAX_CELL_CHARS,
                  too_long: str = "imports.errors.cell_too_long") -> None:
    if len(cells) > MAX_COLUMNS:
        raise ImportFileError("imports.errors.too_many_columns", name=name, row=number, max=MAX_COLUMNS)
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
    if not data or not data.strip():
        raise ImportFileError("imports.errors.empty", name=name)
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError("imports.errors.too_large", name=name, max=_mb(MAX_FILE_BYTES))
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # the old binary .xls
        raise ImportFileError("imports.errors.unreadable", name=name)
    container = "xlsx" if data.startswith(b"PK\x03\x04") else "csv"
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff")) or "16" in (encoding or "")
    if container == "csv" and b"\x00" in data[:65536] and not utf16:
        raise ImportFileError("imports.errors.unreadable", name=name)  # binary, not text
    chosen: dict[str, str] = {}
    if container == "csv":
        records = _records_csv(data, name, delimiter=delimiter, encoding=encoding, chosen=chosen)
        max_cell, too_long = MAX_CSV_CELL_CHARS, "imports.reading.csv_cell_too_long"
    else:
        records, max_cell, too_long = _records_xlsx(data, name), MAX_CELL_CHARS, "imports.errors.cell_too_long"
    headers: tuple[str, ...] | None = None
    rows: list[tuple[int, tuple[str, ...]]] = []
    try:
        number = 0
        for cells in records:
            number += 1
            _check_record(cells, number, name, max_cell, too_long)
            if headers is None:
                if not _blank(cells):
                    headers = tuple(" ".join(c.split()) for c in cells)
                continue
            rows.append((number, cells))
            if len(rows) > MAX_ROWS_READ:  # stop reading early; blank tails are dropped below
                raise ImportFileError("imports.errors.too_many_rows", name=name, max=MAX_ROWS)
    except (ImportFileError, UnsafeXmlParser):
        raise
    except Exception:  # noqa: BLE001 - any parser failure means the same to the teacher
        raise ImportFileError("imports.errors.unreadable", name=name) from None
    if headers is None:
        raise ImportFileError("imports.errors.empty", name=name)
    while headers and not headers[-1]:
        headers = headers[:-1]
    while rows and _blank(rows[-1][1]):
        rows.pop()
    if len(rows) > MAX_ROWS:
        raise ImportFileError("imports.errors.too_many_rows", name=name, max=MAX_ROWS)
    return Table(headers=headers, rows=tuple(rows), container=container, delimiter=chosen.get("delimiter", ""),
                 encoding=chosen.get("encoding", ""))


# --- recognising the format and the columns ---------------------------------------------

_GOOGLE_FIRST = {"timestamp", "horodateur"}
_MSFORMS_TIMES = ({"start time", "completion time"}, {"heure de debut", "heure de fin"})
_LIMESURVEY_FIRST = (
    ("id", "submitdate", "lastpage", "startlanguage"),
    ("response id", "date submitted", "last page", "start language"),
    ("id de la reponse", "date de soumission", "derniere page", "langue de depart"),
)

#: Headers of columns that identify a respondent or the moment of answering, normalised.
IDENTIFYING = frozenset(
    normalise(h)
    for h in (
        # Google Forms
        "Timestamp", "Horodateur", "Email Address", "Email", "E-mail", "Adresse e-mail", "Adresse email",
        "Adresse électronique", "Courriel", "Username", "Nom d'utilisateur",
        # Microsoft Forms
        "ID", "Start time", "Completion time", "Name", "Last modified time", "Heure de début", "Heure de fin",
        "Adresse de messagerie", "Nom", "Heure de la dernière modification", "Heure de dernière modification",
        # LimeSurvey, codes and full headings (EN, FR)
        "id", "submitdate", "lastpage", "startlanguage", "seed", "token", "startdate", "datestamp", "ipaddr",
        "refurl", "firstname", "lastname", "email", "interviewtime",
        "Response ID", "Date submitted", "Last page", "Start language", "Seed", "Token", "Access code",
        "Date started", "Date last action", "IP address", "Referrer URL", "First name", "Last name",
        "Email address", "Total time",
        "ID de la réponse", "Date de soumission", "Dernière page", "Langue de départ", "Graine", "Jeton",
        "Code d'accès", "Date de début", "Date de la dernière action", "Adresse IP", "URL de provenance",
        "URL de référence", "Prénom", "Nom de famille", "Durée totale",
        # Anything else asking who answered
        "Full name", "Your name", "Your email", "Nom complet", "Votre nom", "Votre e-mail", "Votre adresse e-mail",
        "Student name", "Pupil name", "Nom de l'élève", "Prénom de l'élève", "Phone", "Téléphone",
    )
)
_TIMESTAMPS = {
    "google": ({"timestamp", "horodateur"},),
    "msforms": ({"completion time", "heure de fin"}, {"start time", "heure de debut"}),
    "limesurvey": (
        {"submitdate", "date submitted", "date de soumission"},
        {"datestamp", "date last action", "date de la derniere action"},
        {"startdate", "date started", "date de debut"},
    ),
}
_LANGUAGE_HEADERS = {"startlanguage", "start language", "langue de depart"}
_DAY_FIRST_HEADERS = {"horodateur", "heure de fin", "heure de debut"}


def _detect(headers: tuple[str, ...]) -> str | None:
    norm = [normalise(h) for h in headers]
    if not norm:
        return None
    if norm[0] in _GOOGLE_FIRST:
        return "google"
    if tuple(norm[:4]) in _LIMESURVEY_FIRST:
        return "limesurvey"
    if norm[0] == "id" and any(times <= set(norm[1:7]) for times in _MSFORMS_TIMES):
        return "msforms"
    return None


def detect_format(*, file_name: str, data: bytes) -> str:
    """``"google"``, ``"msforms"`` or ``"limesurvey"``, recognised by the file's header row
    (CSV or XLSX alike). Raises :class:`ImportFileError` naming what was expected."""
    return format_of(read_table(file_name=file_name, data=data), file_name=file_name)


def format_of(table: Table, *, file_name: str = "") -> str:
    found = _detect(table.headers)
    if found is None:
        raise ImportFileError(
            "imports.errors.unknown_format", name=re.split(r"[\\/]", file_name or "")[-1],
            first=_quote(table.headers[0]) if table.headers else "",
        )
    return found


# --- the mapping file -------------------------------------------------------------------


def _no_boolean(value: Any) -> Any:
    if isinstance(value, bool):  # YAML reads yes/no/on/off/true/false as booleans
        raise ValueError("yes/no/true/false is not an answer: write 1 to 5, dont_know or an option id")
    return value


#: 1..5, dont_know or an option id.
AnswerValue = Annotated[int | str, BeforeValidator(_no_boolean)]


class ImportMapping(StrictModel):
    """Which item a column holds, and what a cell text means, for exports the suite cannot
    match by itself (LimeSurvey question codes, reworded questions, other answer words)."""

    columns: dict[str, str | None] = Field(
        default_factory=dict, description="Header or LimeSurvey code -> item id, 'item:option', or null to ignore."
    )
    answers: dict[str, AnswerValue] = Field(
        default_factory=dict, description="Cell text -> 1..5, dont_know or an option id."
    )

    @field_validator("columns", "answers", mode="before")
    @classmethod
    def _text_keys(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k).strip(): v for k, v in value.items()}
        return value


@dataclass(frozen=True)
class MappingFile:
    """A mapping file as given: its name (for FILE:LINE messages) and its content."""

    name: str
    text: str | bytes


def _keys_as_read(text: str) -> dict[tuple[str, str], str | int]:
    """("columns" | "answers", key as text) -> the key as YAML read it: unquoted ``1`` or
    ``yes`` are a number and a boolean, and the lines of the file are known by those."""
    try:
        loaded = safe_yaml.load(text)
    except safe_yaml.YamlProblem:
        return {}  # load_content reports it, located
    keys: dict[tuple[str, str], str | int] = {}
    for section in ("columns", "answers"):
        table = loaded.get(section) if isinstance(loaded, dict) else None
        if isinstance(table, dict):
            keys.update({(section, str(k).strip()): k if isinstance(k, (str, int)) else str(k) for k in table})
    return keys


def check_mapping(
    mapping: ImportMapping, questionnaire: Questionnaire | None, keys: Mapping[tuple[str, str], str | int] | None = None
) -> Iterator[tuple[Path_, str]]:
    """Problems of a mapping against a questionnaire (or, without one, of its form alone).
    ``keys``: see :func:`_keys_as_read`, for the line numbers."""
    keys = keys or {}
    items = {item.id: item for item in questionnaire.items} if questionnaire else {}
    known = ", ".join(items)
    for header, target in mapping.columns.items():
        path = ("columns", keys.get(("columns", header), header))
        if not header:
            yield path, "a column name is empty"
        if target is None:
            continue
        item_id, _, option_id = target.partition(":")
        if questionnaire is None:
            if not IDENTIFIER.match(item_id) or (option_id and not IDENTIFIER.match(option_id)):
                yield path, f"column '{header}': '{target}' is not an item id (or item:option)"
            continue
        item = items.get(item_id)
        if item is None:
            yield path, f"column '{header}' is mapped to unknown item '{item_id}' (items of '{questionnaire.id}': {known})"
        elif option_id and item.type is not ItemType.MULTIPLE:
            yield path, f"column '{header}': '{item_id}' is not a multiple-choice item, it takes no ':{option_id}'"
        elif option_id and option_id not in {o.id for o in item.options}:
            yield path, (
                f"column '{header}': '{option_id}' is not an option of '{item_id}' "
                f"(options: {', '.join(o.id for o in item.options)})"
            )
    yield from _collisions(mapping.columns, "columns", "column", keys)
    option_ids = {o.id for item in items.values() for o in item.options}
    seen: dict[str, tuple[str, Any]] = {}
    for text, value in mapping.answers.items():
        path = ("answers", keys.get(("answers", text), text))
        if not text:
            yield path, "an answer text is empty"
        elif not normalise(text):
            yield path, (f"answer '{text}' is only punctuation: cells are compared without it, "
                         "so it would match every cell of punctuation alone")
        else:
            yield from _collision(seen, text, value, path, "answer")
        if text in ("True", "False"):
            yield path, f"'{text}': YAML reads yes/no/on/off as true/false; put the cell text in double quotes (\"Yes\")"
        if isinstance(value, int):
            if value not in AGREEMENT_POINTS:
                yield path, f"answer '{text}': {value} is not on the scale 1 to 5"
        elif value != DONT_KNOW and (
            not IDENTIFIER.match(value) if questionnaire is None else value not in option_ids
        ):
            yield path, f"answer '{text}' is mapped to '{value}', which is neither 1 to 5, dont_know nor an option id" + (
                f" of '{questionnaire.id}'" if questionnaire else ""
            )


def _collision(seen: dict[str, tuple[str, Any]], text: str, value: Any, path: Path_, what: str) -> Iterator[tuple[Path_, str]]:
    """A key that reads the same as an earlier one once normalised (``"Yes"`` and ``"yes "``)
    but means something else: cells are compared normalised, so one of the two would be
    silently lost."""
    norm = normalise(text)
    earlier = seen.setdefault(norm, (text, value))
    if earlier[1] != value:
        yield path, (f"{what} '{text}' reads the same as '{earlier[0]}' (case, accents, punctuation and "
                     f"spaces do not count) but is mapped to '{value}', not '{earlier[1]}': keep one of them")


def _collisions(table: Mapping[str, Any], section: str, what: str,
                keys: Mapping[tuple[str, str], str | int]) -> Iterator[tuple[Path_, str]]:
    seen: dict[str, tuple[str, Any]] = {}
    for text, value in table.items():
        if normalise(text):
            yield from _collision(seen, text, value, (section, keys.get((section, text), text)), what)


def parse_mapping(text: str | bytes, *, file: str = "<mapping>", questionnaire: Questionnaire | None = None) -> ImportMapping:
    """Load a mapping file; raise :class:`ContentError` (``FILE:LINE: message`` per problem).
    With ``questionnaire``, item, option and answer ids are checked against it too."""
    if len(text) > safe_yaml.MAX_BYTES:  # before decoding it
        raise ContentError([Problem(file, 1, f"the file is larger than {safe_yaml.MAX_BYTES // 1024:,} KB")])
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ContentError([Problem(file, 1, "cannot read file: it is not UTF-8 text")]) from None
    keys = _keys_as_read(text)
    return load_content(
        text=text, file=file, model=ImportMapping, checks=[lambda m: check_mapping(m, questionnaire, keys)]
    )


def load_mapping_file(path: Path | str, *, questionnaire: Questionnaire | None = None) -> ImportMapping:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ContentError([Problem(str(path), 1, f"cannot read file: {exc.strerror or exc}")]) from None
    return parse_mapping(data, file=str(path), questionnaire=questionnaire)


# --- planning the columns ---------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column read for answers: ``option_id`` set for a column per option (checkbox)."""

    index: int
    header: str
    item_id: str
    option_id: str | None = None

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    @property
    def target(self) -> str:
        return f"{self.item_id}:{self.option_id}" if self.option_id else self.item_id


@dataclass(frozen=True)
class ColumnPlan:
    file_format: str
    headers: tuple[str, ...]
    matched: tuple[Column, ...]
    unmatched: tuple[str, ...]
    identifying: tuple[str, ...]
    ignored: tuple[str, ...]  # set to null in the mapping file
    timestamp_index: int | None
    language_index: int | None
    day_first: bool
    #: LimeSurvey's "Date submitted" column: a row where it is blank was never sent (skipped).
    submitted_index: int | None = None
    #: Cells that mean "not answered" in this format (LimeSurvey's N/A: a page never reached).
    unanswered: frozenset[str] = frozenset()

    @property
    def matched_columns(self) -> dict[str, str]:
        return {c.header or c.letter: c.target for c in self.matched}


_NUMBERING = re.compile(r"^\s*\[?(?:[a-z]{0,3}\d+[a-z0-9]*)\]?\s*[.):\-\u2013]\s*", re.IGNORECASE)
_BRACKET = re.compile(r"^(.*?)\s*\[([^\[\]]+)\]\s*$")


def _item_texts(questionnaire: Questionnaire) -> dict[str, str]:
    """Normalised text (either language) or id -> item id."""
    texts: dict[str, str] = {}
    for item in questionnaire.items:
        for candidate in (item.text.en, item.text.fr, item.id):
            texts.setdefault(normalise(candidate), item.id)
    return texts


def _match_header(header: str, texts: Mapping[str, str]) -> str | None:
    candidates = [header]
    bracket = _BRACKET.match(header)
    if bracket:  # Google Forms grids: "Title [row]"; the row may be the item, or the title
        candidates += [bracket.group(2), bracket.group(1)]
    candidates += [_NUMBERING.sub("", c, count=1) for c in list(candidates)]
    for candidate in candidates:
        found = texts.get(normalise(candidate))
        if found:
            return found
    # "Question title.Statement" (Microsoft Forms Likert) and the like: the longest item
    # text the header ends with.
    norm = normalise(header)
    endings = [t for t in texts if len(t) >= 12 and (norm.endswith(" " + t))]
    return texts[max(endings, key=len)] if endings else None


#: Quiz marks (Google Forms "Score", Microsoft Forms "Total points"...): not answers, not questions.
_QUIZ_SCORES = frozenset(normalise(h) for h in (
    "Score", "Total score", "Score total", "Points", "Total points", "Points totaux", "Note", "Note totale",
    "Quiz feedback", "Commentaires du questionnaire",
))
_QUIZ_PER_QUESTION = re.compile(r"^(?:points|feedback|commentaires?)\s*-\s", re.IGNORECASE)
#: LimeSurvey's subquestion codes as it numbers them by default: SQ001, SQ002...
_SUBQUESTION_CODE = re.compile(r"^sq0*(\d{1,3})$")
_SUBMITTED = {"submitdate", "date submitted", "date de soumission"}
#: LimeSurvey's "question code & question text" headings: ``G2Q2[SQ001]. Which activities... [Option]``.
_CODE_PREFIX = re.compile(r"^(?=[A-Za-z0-9_]*\d)[A-Za-z][A-Za-z0-9_]*(?:\[[A-Za-z0-9_]+\])?\.\s+")


def _is_quiz_score(header: str, norm: str) -> bool:
    if norm in _QUIZ_SCORES or _QUIZ_PER_QUESTION.match(header):
        return True
    bracket = _BRACKET.match(header)  # Google Forms per-question "Question [Score]" / "[Feedback]"
    return bool(bracket) and normalise(bracket.group(2)) in {"score", "feedback", "points", "note", "commentaires"}


def _option_of(item: Item, text: str) -> str | None:
    """The option of a multiple-choice item a column per option stands for: by its text
    (either language), its id, or LimeSurvey's default subquestion code (SQ001 = the first)."""
    norm = normalise(text)
    for option in item.options:
        if norm in {normalise(option.text.en), normalise(option.text.fr), normalise(option.id)}:
            return option.id
    code = _SUBQUESTION_CODE.match(norm.replace(" ", ""))
    if code and 1 <= int(code.group(1)) <= len(item.options):
        return item.options[int(code.group(1)) - 1].id
    return None


def _option_column(
    header: str, texts: Mapping[str, str], items: Mapping[str, Item], by_normalised: Mapping[str, str | None]
) -> tuple[str, str | None] | None:
    """(item, option) of a column per option, ``Question [Option]`` (full texts: LimeSurvey,
    Google checkbox grids) or ``CODE[SQ001]`` whose ``CODE`` the mapping gives a multiple-choice
    item; the option is None when the bracket names none of its options (LimeSurvey's
    ``[Other]`` text). None when the bracket holds an item's text (a grid row:
    ``Title [Statement]``) or the title is no multiple-choice item."""
    bracket = _BRACKET.match(header)
    if not bracket or normalise(bracket.group(2)) in texts:
        return None
    title = bracket.group(1)
    item_id = by_normalised.get(normalise(title)) or texts.get(normalise(title)) or texts.get(
        normalise(_NUMBERING.sub("", title, count=1))) or texts.get(normalise(_CODE_PREFIX.sub("", title, count=1)))
    item = items.get(item_id or "")
    if item is None or item.type is not ItemType.MULTIPLE:
        return None
    return item.id, _option_of(item, bracket.group(2))


def plan_columns(
    headers: tuple[str, ...], *, questionnaire: Questionnaire, file_format: str, mapping: ImportMapping | None = None
) -> ColumnPlan:
    """Decide what each column is: identifying (dropped), an item's answers (matched),
    ignored by the mapping or as a quiz score, or unknown (unmatched).

    A column per option of a multiple-choice question (``Question [Option]``,
    ``CODE[SQ001]``) is matched to that item and option; a grid or array row
    (``Title [Statement]``, Microsoft Forms' ``Title.Statement``) to the item of its statement."""
    texts = _item_texts(questionnaire)
    items = {item.id: item for item in questionnaire.items}
    submitted_index = None
    by_header = {k: v for k, v in (mapping.columns.items() if mapping else ())}
    by_normalised = {normalise(k): v for k, v in by_header.items()}
    matched: list[Column] = []
    unmatched: list[str] = []
    identifying: list[str] = []
    ignored: list[str] = []
    timestamp_index = language_index = None
    timestamp_rank = len(_TIMESTAMPS.get(file_format, ())) + 1
    day_first = False
    for index, header in enumerate(headers):
        norm = normalise(header)
        label = header or column_letter(index)
        if norm in IDENTIFYING or norm in _LANGUAGE_HEADERS:
            identifying.append(label)
            for rank, names in enumerate(_TIMESTAMPS.get(file_format, ())):
                if norm in names and rank < timestamp_rank:
                    timestamp_index, timestamp_rank = index, rank
                    day_first = norm in _DAY_FIRST_HEADERS
            if norm in _LANGUAGE_HEADERS and language_index is None:
                language_index = index
            if file_format == "limesurvey" and norm in _SUBMITTED and submitted_index is None:
                submitted_index = index
            continue
        if header in by_header or (norm and norm in by_normalised):
            target = by_header[header] if header in by_header else by_normalised[norm]
            if target is None:
                ignored.append(label)
            else:
                item_id, _, option_id = target.partition(":")
                matched.append(Column(index, header, item_id, option_id or None))
            continue
        per_option = _option_column(header, texts, items, by_normalised) if norm else None
        if per_option:
            if per_option[1] is None:  # not an answer to the whole question: a cell would be refused
                unmatched.append(label)
            else:
                matched.append(Column(index, header, *per_option))
            continue
        if norm and _is_quiz_score(header, norm):
            ignored.append(label)
            continue
        item_id = _match_header(header, texts) if norm else None
        if item_id is None:
            unmatched.append(label)
        else:
            matched.append(Column(index, header, item_id))
    return ColumnPlan(
        file_format=file_format, headers=headers, matched=tuple(matched), unmatched=tuple(unmatched),
        identifying=tuple(identifying), ignored=tuple(ignored), timestamp_index=timestamp_index,
        language_index=language_index, day_first=day_first, submitted_index=submitted_index,
        unanswered=frozenset({"N/A"}) if file_format == "limesurvey" else frozenset(),
    )


# --- reading cells ----------------------------------------------------------------------


def _agreement_words() -> dict[str, int | str]:
    words: dict[int | str, tuple[str, ...]] = {
        5: ("Strongly agree", "Totally agree", "Completely agree", "Fully agree", "Agree strongly",
            "Tout à fait d'accord", "Totalement d'accord", "Complètement d'accord", "Fortement d'accord",
            "Très d'accord", "Entièrement d'accord"),
        4: ("Agree", "Somewhat agree", "Mostly agree", "Rather agree", "Tend to agree",
            "D'accord", "Plutôt d'accord", "Assez d'accord"),
        3: ("Neutral", "Neither agree nor disagree", "Neither agree or disagree", "Undecided",
            "Neutre", "Ni d'accord ni pas d'accord", "Ni d'accord, ni pas d'accord", "Ni en accord ni en désaccord",
            "Ni d'accord ni en désaccord"),
        2: ("Disagree", "Somewhat disagree", "Mostly disagree", "Rather disagree", "Tend to disagree",
            "Pas d'accord", "Plutôt pas d'accord", "En désaccord", "Plutôt en désaccord", "Pas vraiment d'accord"),
        1: ("Strongly disagree", "Totally disagree", "Completely disagree", "Disagree strongly",
            "Pas du tout d'accord", "Tout à fait en désaccord", "Fortement en désaccord", "Totalement en désaccord",
            "Complètement en désaccord", "Très en désaccord"),
        DONT_KNOW: ("I don't know", "I do not know", "Don't know", "Do not know", "dont_know", "Not applicable",
                    "N/A", "NA", "I don't know / not applicable", "Don't know / not applicable",
                    "Je ne sais pas", "Ne sais pas", "Ne sait pas", "NSP", "Sans objet", "Non applicable",
                    "Ne s'applique pas", "Je ne sais pas / sans objet", "Je ne sais pas / non applicable"),
    }
    return {normalise(text): value for value, texts in words.items() for text in texts}


#: Normalised agreement words (English and French) -> 1..5 or dont_know.
AGREEMENT_WORDS: dict[str, int | str] = _agreement_words()
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]0*)?$")
_LIMESURVEY_CODE = re.compile(r"^a(o)?(\d{1,3})$")
_CHECKED = frozenset(normalise(w) for w in ("Y", "Yes", "Oui", "1", "X", "True", "Vrai", "Checked", "Selected", "Coché", "Sélectionné"))
_UNCHECKED = frozenset(normalise(w) for w in ("N", "No", "Non", "0", "False", "Faux", "Not selected", "Non coché"))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class CellProblem(NamedTuple):
    key: str
    params: dict[str, Any]


class CellNote(NamedTuple):
    """A cell read, but not quite as written (``key``, ``params``: a catalogue key
    ``imports.note.*`` saying how): the report lists it by row and column."""

    value: Any
    key: str
    params: dict[str, Any]


class CellOther(NamedTuple):
    """An "Other: ..." answer typed into a choice question: ``value`` what the cell also
    chose among the options (None: nothing), ``text`` the words typed, for the
    questionnaire's comment item."""

    value: Any
    text: str


#: "Other: ..." / "Autre : ..." as a choice cell holds a typed answer, when the tool writes
#: the option's name before the words (a bare unknown text stays refused: it may be a typo).
_OTHER = re.compile(r"^\s*(?:others?|autres?|autre r[eé]ponse)\s*(?:\([^)]*\))?\s*[:\uff1a]\s*", re.IGNORECASE)
#: The halves of a bilingual answer label: "D'accord / Agree", "Agree - D'accord".
_HALVES = re.compile(r"\s+[/|\-\u2013\u2014]\s+")


def _other_text(cell: str) -> str | None:
    """The words typed after "Other:", or None if the cell is not an "Other" answer."""
    found = _OTHER.match(cell)
    return _CONTROL.sub("", cell[found.end():]).strip() if found else None


def _code_number(norm: str) -> int | None:
    found = _LIMESURVEY_CODE.match(norm.replace(" ", ""))
    return int(found.group(2)) if found else None


_UNSEEN = object()  # not in a cache yet (None is a value cached)


class _ItemReader:
    """Reads the cells of one item, with a cache (the same few words repeat on every row)."""

    def __init__(self, item: Item, answers: Mapping[str, int | str], questionnaire: Questionnaire):
        self.item = item
        self.answers = answers
        self.questionnaire = questionnaire
        self.text = item.type is ItemType.TEXT
        self.multiple = item.type is ItemType.MULTIPLE
        self.cache: dict[str, Any] = {}
        self.checked: dict[Any, Answer | AnswerError | None] = {}
        self.options: dict[str, str] = {}
        if item.type in (ItemType.SINGLE, ItemType.MULTIPLE):
            for option in item.options:
                for text in (option.text.en, option.text.fr, option.id):
                    self.options.setdefault(normalise(text), option.id)
            for text, value in answers.items():
                if isinstance(value, str) and value in {o.id for o in item.options}:
                    self.options.setdefault(text, value)
            # Longest first, for the greedy split of multiple answers.
            folded = {}
            for option in item.options:
                for text in (option.text.en, option.text.fr, option.id):
                    folded.setdefault(_fold(text), option.id)
            for text, value in answers.items():
                if isinstance(value, str) and value in {o.id for o in item.options}:
                    folded.setdefault(_fold(text), value)
            self.folded = sorted(folded.items(), key=lambda pair: -len(pair[0]))

    def read(self, cell: str) -> Any:
        """The raw answer of a non-blank cell, or a :class:`CellProblem`."""
        if self.text:
            return self._text(cell)
        found = self.cache.get(cell, _UNSEEN)
        if found is _UNSEEN:
            if len(self.cache) > 10_000:
                self.cache.clear()
            found = self.cache[cell] = self._read(cell)
        return found

    def check(self, value: Any) -> Answer | AnswerError | None:
        """The clean answer of a raw value as :func:`validate_answers` gives it (the answering
        page's checks), its error, or None for a blank value.

        Memoised per value: the rows of an export repeat the same few answers, and checking
        each once rather than once a row saves most of the time of a large import. The
        result is the same as checking the whole row at once, as validate_answers checks
        every item on its own (only ``complete`` looks across items, and a row is a draft
        here). Free text differs from row to row: it is checked every time."""
        if self.text:
            return self._check(value)
        key = tuple(value) if self.multiple else value
        found = self.checked.get(key, _UNSEEN)
        if found is _UNSEEN:
            if len(self.checked) > 10_000:
                self.checked.clear()
            found = self.checked[key] = self._check(value)
        return found

    def _check(self, value: Any) -> Answer | AnswerError | None:
        clean, errors = validate_answers(self.questionnaire, {self.item.id: value}, complete=False)
        return clean[self.item.id] if clean else (errors[0] if errors else None)

    def _text(self, cell: str) -> Any:
        """Free text as written; past the item's limit, cut there with a note (the answering
        page would not take more), rather than the whole response lost."""
        text = _CONTROL.sub("", cell).strip()
        limit = self.item.max_length
        if len(text) <= limit:
            return text
        return CellNote(text[:limit].rstrip(), "imports.note.cut", {"length": len(text), "max": limit})

    def _read(self, cell: str) -> Any:
        kind = self.item.type
        if kind is ItemType.AGREEMENT:
            return self._bilingual(cell, self._agreement)
        if kind is ItemType.SINGLE:
            found = self._bilingual(cell, self._single)
            if isinstance(found, CellProblem) and (other := _other_text(cell)) is not None:
                return CellOther(None, other)
            return found
        return self._multiple(cell)

    def _single(self, cell: str) -> Any:
        found = self._option(normalise(cell))
        return found if found else CellProblem("imports.skip.option", {"value": _quote(cell)})

    @staticmethod
    def _bilingual(cell: str, read: Any) -> Any:
        """``read(cell)``; if it is refused, a label in two languages (``D'accord / Agree``,
        ``Agree - D'accord``) is read half by half: the halves recognised must agree."""
        found = read(cell)
        if not isinstance(found, CellProblem):
            return found
        halves = _HALVES.split(cell.strip())
        if len(halves) < 2:
            return found
        values = {read(half) for half in halves}
        values = {v for v in values if not isinstance(v, CellProblem)}
        return values.pop() if len(values) == 1 else found

    def _agreement(self, cell: str) -> Any:
        norm = normalise(cell)
        mapped = self.answers.get(norm)
        if mapped == DONT_KNOW or (isinstance(mapped, int) and mapped in AGREEMENT_POINTS):
            return mapped
        if norm in AGREEMENT_WORDS:
            return AGREEMENT_WORDS[norm]
        number = None
        if _NUMBER.match(cell.strip()):
            number = int(re.split(r"[.,]", cell.strip())[0])
        elif (code := _code_number(norm)) is not None:
            number = code
        if number is not None:
            if number in AGREEMENT_POINTS:
                return number
            return CellProblem("imports.skip.out_of_scale", {"value": _quote(cell)})
        return CellProblem("imports.skip.agreement", {"value": _quote(cell)})

    def _option(self, norm: str) -> str | None:
        found = self.options.get(norm)
        if found:
            return found
        code = _code_number(norm)
        if code is not None and 1 <= code <= len(self.item.options):
            return self.item.options[code - 1].id
        return None

    def _multiple(self, cell: str) -> Any:
        original = " ".join(cell.split())
        text = _fold(original)  # one character for one: positions hold in both
        chosen: list[str] = []
        position = 0
        while position < len(text):
            while position < len(text) and text[position] in " ;,":
                position += 1
            if position >= len(text):
                break
            other = _other_text(original[position:])
            if other is not None:  # Google Forms writes the "Other" words last, commas and all
                return CellOther(chosen or None, other)
            for option_text, option_id in self.folded:
                if text.startswith(option_text, position):
                    end = position + len(option_text)
                    rest = text[end:].lstrip(" ")
                    if not rest or rest[0] in ";,":
                        chosen.append(option_id)
                        position = end
                        break
            else:
                ends = [i for i in (text.find(";", position), text.find(",", position)) if i >= 0]
                end = min(ends) if ends else len(text)
                found = self._bilingual(original[position:end], self._single)
                if isinstance(found, CellProblem):
                    return CellProblem("imports.skip.option", {"value": _quote(original[position:end])})
                chosen.append(found)
                position = end
        return chosen

    def checkbox(self, cell: str, option_id: str) -> Any:
        norm = normalise(cell)
        if norm in _CHECKED or self._option(norm) == option_id:
            return [option_id]
        if norm in _UNCHECKED:
            return []
        return CellProblem("imports.skip.checkbox", {"value": _quote(cell)})


def _day(cell: str, *, day_first: bool) -> date | None:
    """The day of a timestamp as the tools write it: ``2025-10-03 09:41:12`` (LimeSurvey,
    XLSX), ``2025/10/03 9:41:12 AM GMT+2`` (Google), ``10/3/2025 9:41:12`` (English) or
    ``03/10/2025 09:41:12`` (French). Ambiguous days follow ``day_first``, decided for
    the whole column by :func:`date_order`."""
    text = cell.strip()
    found = re.match(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text)
    try:
        if found:
            return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        found = re.match(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})\b", text)
        if found:
            first, second, year = (int(g) for g in found.groups())
            year += 2000 if year < 100 else 0
            if first > 12 or (day_first and second <= 12):
                return date(year, second, first)
            return date(year, first, second)
    except ValueError:
        return None
    return None


_CLOCK = re.compile(r"\b(\d{1,2})[:h.](\d{2})(?::\d{2}(?:[.,]\d+)?)?\s*([ap])?\.?\s*m?\b", re.IGNORECASE)


def _moment(cell: str, *, day_first: bool) -> str:
    """The timestamp to the minute, ``2025-10-03T09:41`` (the day alone without a time,
    "" when unreadable): the same moment whichever tool wrote it. Google Forms writes
    ``2025/10/03 9:41:12 AM GMT+2``, its spreadsheet ``10/3/2025 9:41:12``, a re-save by
    Excel ``03/10/2025 09:41``; the zone is dropped (every tool writes the form's local time)."""
    day = _day(cell, day_first=day_first)
    if day is None:
        return ""
    rest = cell.strip()
    rest = rest[re.match(r"^[^\sT]+T?", rest).end():]  # the date part (and ISO's T)
    found = _CLOCK.search(rest)
    if not found:
        return day.isoformat()
    hour, minute = int(found.group(1)), int(found.group(2))
    half = (found.group(3) or "").lower()
    if half == "p" and hour < 12:
        hour += 12
    elif half == "a" and hour == 12:
        hour = 0
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}"


_NUMERIC_DAY = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})\b")


class DateOrder(NamedTuple):
    """How the day-and-month dates of a file are read. ``basis``: ``values`` (a date
    such as 28/05/2025 proves it), ``heading`` (the timestamp heading's language, e.g.
    French ``Horodateur``), ``choice`` (chosen by the person importing), ``unambiguous``
    (no date could be read both ways, or there is no date), ``assumed`` (nothing
    decides: month first assumed, reported) or ``conflict`` (values prove both orders)."""

    day_first: bool
    basis: str

    @property
    def undecided(self) -> bool:
        return self.basis in ("assumed", "conflict")


def date_order(table: Table, plan: ColumnPlan, *, day_first: bool | None = None) -> DateOrder:
    """The order of day and month in the file's timestamps, decided for the whole column
    from all its values (and those of the file's other time columns), the heading as a
    hint: a single ``28/05/2025`` makes ``02/06/2025`` the 2nd of June. ``day_first``
    given (True or False): the person importing chose."""
    if day_first is not None:
        return DateOrder(day_first, "choice")
    time_names = set().union(*_TIMESTAMPS.get(plan.file_format, ()))
    indexes = [i for i, h in enumerate(plan.headers) if normalise(h) in time_names]
    if plan.timestamp_index is not None and plan.timestamp_index not in indexes:
        indexes.append(plan.timestamp_index)
    proves_day = proves_month = ambiguous = False
    seen: set[str] = set()
    for _number, cells in table.rows:
        for index in indexes:
            cell = cells[index] if index < len(cells) else ""
            found = _NUMERIC_DAY.match(cell) if cell else None
            if found is None or found.group(0) in seen:
                continue
            seen.add(found.group(0))
            first, second = int(found.group(1)), int(found.group(2))
            if first > 12 and second <= 12:
                proves_day = True
            elif second > 12 and first <= 12:
                proves_month = True
            elif first != second:
                ambiguous = True
    hint = plan.timestamp_index is not None and normalise(plan.headers[plan.timestamp_index]) in _DAY_FIRST_HEADERS
    if proves_day and proves_month:
        return DateOrder(hint, "conflict")
    if proves_day or proves_month:
        return DateOrder(proves_day, "values")
    if not ambiguous:
        return DateOrder(hint, "unambiguous")
    if hint:
        return DateOrder(True, "heading")
    return DateOrder(False, "assumed")


def _language(cell: str) -> str | None:
    code = re.split(r"[-_]", cell.strip().lower(), maxsplit=1)[0]
    return code if code in LANGUAGES else None


# --- reading rows -----------------------------------------------------------------------


class Skipped(NamedTuple):
    """Why a row was not imported: ``row`` as the file numbers it (header = row 1),
    ``column`` its letter ("" for the whole row), a catalogue key and its parameters."""

    row: int
    column: str
    key: str
    params: Mapping[str, Any]
    header: str = ""


@dataclass(frozen=True)
class ImportedRow:
    row: int
    answers: dict[str, Answer]
    language: str | None
    submitted_on: date | None
    #: (header, cell) of every non-blank cell, identifying ones included, in a stable
    #: order: hashed with a secret key to recognise the row later, never stored.
    fingerprint: tuple[tuple[str, str], ...] = field(repr=False)
    #: Cells read but not as written (cut, "Other" words moved): by row and column.
    notes: tuple[Skipped, ...] = ()
    #: The timestamp to the minute (see :func:`_moment`), "" without one: with the
    #: answers, what recognises the response in another export of it (:func:`response_content`).
    moment: str = field(default="", repr=False)


@dataclass(frozen=True)
class SkippedRow:
    row: int
    problems: tuple[Skipped, ...]


def _comment_item(questionnaire: Questionnaire) -> Item | None:
    """Where "Other" words typed into a choice question go: the questionnaire's free-text
    item (the last one if there are several: the closing "anything else?")."""
    texts = [item for item in questionnaire.items if item.type is ItemType.TEXT]
    return texts[-1] if texts else None


def _keep_others(others: list[tuple[Column, str]], raw: dict[str, Any], comment: Item | None,
                 number: int) -> Iterator[Skipped]:
    """Add each "Other" text to the comment item's answer (after what the row wrote there,
    within its limit), and note each cell: kept, cut or dropped."""
    for column, text in others:
        if not text:
            continue
        params = {"value": _quote(text)}
        if comment is None:
            yield Skipped(number, column.letter, "imports.note.other_dropped", params, column.header)
            continue
        before = raw.get(comment.id) or ""
        joined = f"{before}\n{text}" if before else text
        if len(joined) > comment.max_length:
            joined = joined[: comment.max_length].rstrip()
            yield Skipped(number, column.letter, "imports.note.other_cut", {**params, "max": comment.max_length},
                          column.header)
        else:
            yield Skipped(number, column.letter, "imports.note.other_kept", params, column.header)
        raw[comment.id] = joined


def fingerprint(headers: tuple[str, ...], cells: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The row's content as (normalised header, cell) pairs of its non-blank cells, sorted:
    independent of the order of the columns and of columns added to the form later (blank
    in older rows). ``headers`` are normalised already."""
    pairs = []
    for index, cell in enumerate(cells):
        cell = cell.strip()
        if cell:
            pairs.append((headers[index] if index < len(headers) else f"#{index}", cell))
    return tuple(sorted(pairs))


def _spaced(text: str | None) -> str | None:
    return " ".join(text.split()) if text is not None else None


def _answer_json(answer: Answer) -> str:
    return json.dumps([answer.item_id, answer.score, answer.dont_know, sorted(answer.choices), _spaced(answer.text)],
                      ensure_ascii=False, separators=(",", ":"))


def response_content(row: ImportedRow, cache: dict[Answer, str] | None = None) -> str:
    """The response as read, independent of how the file was written: the timestamp to the
    minute and each answer (item id -> score, don't know, choices, text, spaces folded), as
    compact JSON. A Google Forms CSV, the same answers downloaded from Google Sheets and
    an Excel re-save of either (quoting, separator, timestamp format changed) give the same
    text; hashed with a secret key to recognise the response, never stored. ``cache``:
    each distinct answer's JSON, kept across the rows of a file (most answers repeat)."""
    if cache is None:
        cache = {}
    parts = []
    for _item_id, answer in sorted(row.answers.items()):
        text = cache.get(answer)
        if text is None:
            text = cache[answer] = _answer_json(answer)
        parts.append(text)
    # The moment holds digits, "-", "T" and ":" only: quoted as JSON would.
    return f'["{row.moment}",[{",".join(parts)}]]'


def read_rows(
    table: Table, plan: ColumnPlan, *, questionnaire: Questionnaire, mapping: ImportMapping | None = None
) -> Iterator[ImportedRow | SkippedRow]:
    """Each data row, in file order, as answers checked by validate_answers (a draft's
    rules: required items may be blank) or as the reasons it is skipped.

    This loop runs for every cell of files of up to 200,000 rows, so what can be is worked
    out once per file or once per distinct value (see bench/bench_import.py): the columns
    as plain tuples, the readers' caches of cells read and of answers checked."""
    answers_map = {normalise(k): v for k, v in (mapping.answers.items() if mapping else ())}
    # In the questionnaire's order, the order validate_answers checks and returns answers in.
    readers = {item.id: _ItemReader(item, answers_map, questionnaire) for item in questionnaire.items}
    first_column: dict[str, Column] = {}
    for column in plan.matched:
        first_column.setdefault(column.item_id, column)
    columns = [(column.index, column.item_id, column.option_id, readers[column.item_id], column)
               for column in plan.matched]
    headers = tuple(normalise(h) for h in plan.headers)
    unanswered, submitted = plan.unanswered, plan.submitted_index
    comment = _comment_item(questionnaire)
    for number, cells in table.rows:
        if _blank(cells):
            yield SkippedRow(number, (Skipped(number, "", "imports.skip.empty", {}),))
            continue
        if submitted is not None and (submitted >= len(cells) or not cells[submitted].strip()):
            # LimeSurvey: never sent (left before the last page); see docs/surveys.md.
            yield SkippedRow(number, (Skipped(number, column_letter(submitted), "imports.skip.not_submitted", {},
                                              plan.headers[submitted]),))
            continue
        width = len(cells)
        raw: dict[str, Any] = {}
        problems: list[Skipped] = []
        notes: list[Skipped] = []
        others: list[tuple[Column, str]] = []
        for index, item_id, option_id, reader, column in columns:
            cell = cells[index] if index < width else ""
            if not cell or cell.isspace() or cell in unanswered:
                continue
            value = reader.checkbox(cell, option_id) if option_id else reader.read(cell)
            if isinstance(value, CellOther):
                others.append((column, value.text))
                if value.value is None:
                    continue
                value = value.value
            if isinstance(value, CellNote):
                notes.append(Skipped(number, column.letter, value.key, value.params, column.header))
                value = value.value
            if isinstance(value, CellProblem):
                problems.append(Skipped(number, column.letter, value.key, value.params, column.header))
                continue
            if reader.multiple:
                merged = raw.setdefault(item_id, [])
                merged.extend(v for v in value if v not in merged)
            elif item_id in raw and raw[item_id] != value:
                problems.append(Skipped(number, column.letter, "imports.skip.conflict",
                                        {"other": first_column[item_id].letter}, column.header))
            elif value != "":
                raw[item_id] = value
        if others:
            notes.extend(_keep_others(others, raw, comment, number))
        clean: dict[str, Answer] = {}
        if not problems:  # validate_answers(questionnaire, raw, complete=False), item by item
            for item_id, reader in readers.items():
                checked = reader.check(raw[item_id]) if item_id in raw else None
                if isinstance(checked, Answer):
                    clean[item_id] = checked
                elif checked is not None:
                    column = first_column.get(item_id)
                    problems.append(Skipped(number, column.letter if column else "", checked.key,
                                            dict(checked.params), column.header if column else ""))
        if problems:
            yield SkippedRow(number, tuple(problems))
            continue
        if not clean:
            yield SkippedRow(number, (Skipped(number, "", "imports.skip.no_answer", {}),))
            continue
        stamp = cells[plan.timestamp_index] if plan.timestamp_index is not None and plan.timestamp_index < width else ""
        spoken = cells[plan.language_index] if plan.language_index is not None and plan.language_index < width else ""
        moment = _moment(stamp, day_first=plan.day_first) if stamp else ""  # the day, and the minute
        yield ImportedRow(
            row=number, answers=clean, language=_language(spoken) if spoken else None,
            submitted_on=date.fromisoformat(moment[:10]) if moment else None,
            fingerprint=fingerprint(headers, cells), notes=tuple(notes),
            moment=moment,
        )
