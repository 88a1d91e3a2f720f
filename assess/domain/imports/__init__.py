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

- agreement: the words of the scale in the languages of vocabularies/answers.toml
  ("Strongly agree", "Tout à fait d'accord", "Stimme voll und ganz zu"... "I don't
  know"), a number 1-5 (5 = strongly agree), or a LimeSurvey answer code
  ``A1``..``A5`` / ``AO01``..``AO05`` (1 = strongly disagree);
- single choice: an option's text in any language of the questionnaire, its id, or its LimeSurvey code
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

The package, in the order a file goes through it:

- :mod:`.reading` bytes -> :class:`Table` (:mod:`.csv_files`: encodings, separators;
  :mod:`.xlsx_files`; the bounds of an upload in :mod:`.limits`);
- :mod:`.formats` which tool made the export;
- :mod:`.mapping` the mapping file; :mod:`.columns` which item each column holds;
- :mod:`.cells` a cell's value -> an answer; :mod:`.dates` timestamps and their day order;
- :mod:`.rows` a row -> a response (or the reasons it is skipped);
- :mod:`.text` comparing texts as a person would; :mod:`.vocabulary` the words each tool
  writes, read from the data files in ``vocabularies/``.

What callers use is imported here: ``from assess.domain.imports import read_table``.
"""

from __future__ import annotations

from assess.domain.imports import vocabulary
from assess.domain.imports.cells import AGREEMENT_WORDS, CellNote, CellOther, CellProblem
from assess.domain.imports.columns import Column, ColumnPlan, plan_columns
from assess.domain.imports.csv_files import DELIMITERS, ENCODING_NAMES, ENCODINGS, SAMPLE_BYTES
from assess.domain.imports.dates import DateOrder, date_order
from assess.domain.imports.errors import ImportFileError, UnsafeXmlParser
from assess.domain.imports.formats import FORMATS, detect_format, format_of
from assess.domain.imports.limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_CSV_CELL_CHARS,
    MAX_FILE_BYTES,
    MAX_RECORD_CHARS,
    MAX_ROWS,
    MAX_ROWS_READ,
    MAX_XLSX_CELLS,
    MAX_XLSX_PART_BYTES,
    MAX_XLSX_PARTS,
    MAX_XLSX_RATIO,
    MAX_XLSX_UNPACKED_BYTES,
)
from assess.domain.imports.mapping import ImportMapping, MappingFile, check_mapping, load_mapping_file, parse_mapping
from assess.domain.imports.reading import Table, read_table
from assess.domain.imports.rows import ImportedRow, Skipped, SkippedRow, fingerprint, read_rows, response_content
from assess.domain.imports.text import QUOTE_LENGTH, column_letter, normalise
from assess.domain.imports.vocabulary import Vocabulary, VocabularyError

#: Headers of columns that identify a respondent or the moment of answering, normalised.
IDENTIFYING: frozenset[str] = vocabulary.SHIPPED.identifying

__all__ = [
    "AGREEMENT_WORDS", "DELIMITERS", "ENCODINGS", "ENCODING_NAMES", "FORMATS", "IDENTIFYING", "MAX_CELL_CHARS",
    "MAX_COLUMNS", "MAX_CSV_CELL_CHARS", "MAX_FILE_BYTES", "MAX_RECORD_CHARS", "MAX_ROWS", "MAX_ROWS_READ",
    "MAX_XLSX_CELLS", "MAX_XLSX_PARTS", "MAX_XLSX_PART_BYTES", "MAX_XLSX_RATIO", "MAX_XLSX_UNPACKED_BYTES",
    "QUOTE_LENGTH", "SAMPLE_BYTES", "CellNote", "CellOther", "CellProblem", "Column", "ColumnPlan", "DateOrder",
    "ImportFileError", "ImportMapping", "ImportedRow", "MappingFile", "Skipped", "SkippedRow", "Table",
    "UnsafeXmlParser", "Vocabulary", "VocabularyError", "check_mapping", "column_letter", "date_order",
    "detect_format", "fingerprint", "format_of", "load_mapping_file", "normalise", "parse_mapping", "plan_columns",
    "read_rows", "read_table", "response_content",
]
