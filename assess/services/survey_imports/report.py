"""What an import found and did (:class:`ImportReport`), and its words in the reader's
language: the skipped cells, the separator and encoding a CSV file was read with."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from assess.domain import imports as reading
from assess.domain.content import Problem
from assess.domain.imports import Skipped
from assess.i18n import t
from assess.services.errors import ServiceError

CHUNK = 1000

Progress = Callable[[int, int], None]


class MappingError(ServiceError):
    """The mapping file has problems; ``problems`` lists them (``str(problem)`` is ``FILE:LINE: message``)."""

    key = "imports.errors.mapping"

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__(self.key, count=len(self.problems), problems="\n".join(str(p) for p in self.problems))

    def message(self, lang: str) -> str:
        """The count and every problem (``FILE:LINE: message``), all in ``lang``."""
        return t(self.key, lang, count=len(self.problems), problems="\n".join(p.located(lang) for p in self.problems))


def describe_skipped(skipped: Skipped, lang: str) -> str:
    """``row 7, column D: '7' is not on the 1-5 scale`` in ``lang``."""
    reason = t(skipped.key, lang, **skipped.params)
    if skipped.column:
        return t("imports.report.skipped_cell", lang, row=skipped.row, column=skipped.column, reason=reason)
    return t("imports.report.skipped_row", lang, row=skipped.row, reason=reason)


@dataclass(frozen=True)
class ImportReport:
    """What an import found and did. ``stored`` False: a preview or dry run, whose figures
    are those the import would give (``rows_imported``: rows it would add)."""

    file_name: str
    file_format: str
    #: Header (or column letter when blank) -> item id, or ``item:option`` for a column per option.
    matched_columns: Mapping[str, str]
    unmatched_columns: tuple[str, ...]
    #: Identifying columns (e-mail, name, times, ids...): never read, never stored.
    dropped_columns: tuple[str, ...]
    rows_read: int
    rows_imported: int
    rows_repeated: int
    #: One entry per problem: (row, column letter, catalogue key, params, header).
    skipped: tuple[Skipped, ...]
    stored: bool
    #: Columns the mapping file set to null.
    ignored_columns: tuple[str, ...] = ()
    #: The import campaign; None in a preview or dry run before the first import.
    campaign_id: int | None = None
    questionnaire_id: str = ""
    #: Rows per language when the file says (LimeSurvey's startlanguage).
    languages: Mapping[str, int] = field(default_factory=dict)
    #: Cells of imported rows read with a note (a text cut, "Other" words moved to the
    #: comment): the cell is changed or lost, the rest of the response imported.
    notes: tuple[Skipped, ...] = ()
    #: A CSV file's separator and encoding, as detected or chosen ("" for a workbook).
    delimiter: str = ""
    encoding: str = ""
    #: How dates such as 02/06/2025 were read: day first or not, and on what basis
    #: (:class:`assess.domain.imports.DateOrder`; ``assumed`` or ``conflict``: undecided).
    day_first: bool = False
    date_basis: str = "unambiguous"

    def reading_message(self, lang: str) -> str:
        """How a CSV file was read, in words ("" for a workbook): see :func:`describe_reading`."""
        return describe_reading(self.delimiter, self.encoding, lang)

    @property
    def rows_skipped(self) -> int:
        return len({s.row for s in self.skipped})

    @property
    def date_undecided(self) -> bool:
        return self.date_basis in ("assumed", "conflict")

    def date_message(self, lang: str) -> str:
        """What was assumed of the order of day and month, "" when nothing needs saying."""
        if self.date_basis not in ("values", "heading", "choice", "assumed", "conflict"):
            return ""
        order = t("imports.dates.day_first" if self.day_first else "imports.dates.month_first", lang)
        return t(f"imports.dates.{self.date_basis}", lang, order=order)

    @property
    def refusal(self) -> tuple[str, dict[str, Any]] | None:
        """Why importing this file would store no answer (a catalogue key and its
        parameters), None when it would store some or only finds rows imported before."""
        if self.rows_read == 0:
            return "imports.errors.no_rows", {"name": self.file_name}
        if not self.matched_columns:
            return "imports.errors.no_columns", {"name": self.file_name, "count": len(self.unmatched_columns)}
        if self.rows_imported == 0 and self.rows_repeated == 0:
            return "imports.errors.no_valid_rows", {"name": self.file_name, "count": self.rows_skipped}
        return None

    def message(self, lang: str) -> str:
        """One sentence: format, rows read, imported, repeated, skipped."""
        return t(
            "imports.report.summary" if self.stored else "imports.report.summary_preview", lang,
            format=t(f"imports.format.{self.file_format}", lang), read=self.rows_read, imported=self.rows_imported,
            repeated=self.rows_repeated, skipped=self.rows_skipped,
        )

    def skipped_messages(self, lang: str) -> list[str]:
        return [describe_skipped(s, lang) for s in self.skipped]

    def note_messages(self, lang: str) -> list[str]:
        """``row R, column C: what was done``, one per cell noted."""
        return [describe_skipped(s, lang) for s in self.notes]





def describe_delimiter(delimiter: str, lang: str) -> str:
    names = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
    return t(f"imports.reading.delimiters.{names[delimiter]}", lang) if delimiter in names else repr(delimiter)


def describe_encoding(encoding: str, lang: str) -> str:
    key = f"imports.reading.encodings.{encoding}"
    return t(key, lang) if encoding in reading.ENCODING_NAMES else encoding


def describe_reading(delimiter: str, encoding: str, lang: str) -> str:
    """"Read as Windows-1250 (Central European), columns separated by semicolons (;)": what
    the preview shows of a CSV file's separator and encoding ("" for a workbook)."""
    if not delimiter and not encoding:
        return ""
    return t("imports.reading.read_as", lang, encoding=describe_encoding(encoding, lang),
             delimiter=describe_delimiter(delimiter, lang))
