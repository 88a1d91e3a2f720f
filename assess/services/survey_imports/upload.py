"""An uploaded export read and recognised (:func:`read_upload`), with no database: before
the caller opens a transaction."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Any

from assess.domain import imports as reading
from assess.domain.imports import FORMATS
from assess.domain.questionnaire import Audience
from assess.services.errors import FieldError, InvalidInput, ServiceError


def _base_name(file_name: str) -> str:
    return re.split(r"[\\/]", file_name or "")[-1][:300] or "file"


@dataclass(frozen=True)
class Upload:
    """An export read and recognised (:func:`read_upload`): parsed once, outside any
    transaction, then previewed and imported as often as needed."""

    file_name: str
    file_format: str
    table: reading.Table = field(repr=False)

    @property
    def delimiter(self) -> str:
        return self.table.delimiter

    @property
    def encoding(self) -> str:
        return self.table.encoding


def check_request(*, audience: str | None, file_format: str, data: Any) -> None:
    errors = []
    if audience is not None and audience not in Audience.__members__.values():
        errors.append(FieldError("audience", "errors.required", {}))
    if file_format not in ("auto", *FORMATS):
        errors.append(FieldError("file_format", "imports.errors.format_choice", {"value": str(file_format)[:30]}))
    if data is not None and not isinstance(data, (bytes, bytearray)):
        errors.append(FieldError("file", "errors.required", {}))
    if errors:
        raise InvalidInput(errors)


def _check_reading(delimiter: str | None, encoding: str | None) -> None:
    errors = []
    if delimiter is not None and delimiter not in reading.DELIMITERS:
        errors.append(FieldError("delimiter", "imports.reading.delimiter_choice", {"value": str(delimiter)[:10]}))
    if encoding is not None:
        try:
            codecs.lookup(str(encoding))
        except LookupError:
            errors.append(FieldError("encoding", "imports.reading.encoding_choice", {"value": str(encoding)[:30]}))
    if errors:
        raise InvalidInput(errors)


def read_upload(*, file_name: str, data: bytes, file_format: str = "auto", delimiter: str | None = None,
                encoding: str | None = None) -> Upload:
    """Read an export (CSV or XLSX) and recognise its format (``auto``) or take the one given.
    A CSV file's separator (one of :data:`assess.domain.imports.DELIMITERS`) and encoding (a
    codec name) are detected from its content unless given (None). No database: call it
    before opening a transaction (reading a large file takes seconds, a hostile one is
    refused within its limits, :mod:`assess.domain.imports`).

    Raises InvalidInput (format, separator, encoding) or ServiceError ``imports.errors.*`` /
    ``imports.reading.*`` (unreadable, encoding unsure, unknown format, a limit passed: the
    message names the file, and the row and column when known)."""
    check_request(audience=None, file_format=file_format, data=data)
    _check_reading(delimiter, encoding)
    name = _base_name(file_name)
    try:
        table = reading.read_table(file_name=name, data=bytes(data), delimiter=delimiter, encoding=encoding)
        detected = reading.format_of(table, file_name=name) if file_format == "auto" else file_format
    except reading.ImportFileError as error:
        raise ServiceError(error.key, **error.params) from None
    return Upload(file_name=name, file_format=detected, table=table)


def upload_of(upload: Upload | None, file_name: str | None, data: Any, file_format: str) -> Upload:
    if upload is not None:
        return upload
    return read_upload(file_name=file_name or "", data=data, file_format=file_format)
