"""An accepted row made ready to insert (:class:`Row`), and the keys that recognise it
when it is imported again (:class:`RowKeys`)."""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from datetime import date
from json.encoder import encode_basestring  # what json.dumps(ensure_ascii=False) uses for a string

from assess import clock
from assess.domain import imports as reading
from assess.domain.answers import month_of
from assess.services.errors import FieldError, InvalidInput


class RowKeys:
    """The keys of a row, HMAC-SHA256 with the installation's secret.

    ``content(digest)`` is the ``import_key`` stored: of ``[campaign_id,"answers","<digest
    in hex>"]``, ``digest`` the BLAKE2b digest (16 bytes) of the response as read
    (:func:`assess.domain.imports.response_content`, the timestamp to the minute and the
    answers) followed by its rank among the file's responses with the same content (4
    bytes, big-endian); it recognises the response exported again by another route or
    re-saved (another quoting, separator or timestamp format). The digest, not the text,
    is kept until the rows are written: 100,000 rows wait in little memory.

    Called with a row's raw fingerprint, it gives the key stored before: of
    ``[campaign_id, fingerprint]`` as compact JSON (``json.dumps(..., ensure_ascii=False,
    separators=(",", ":"))``). It is still made for each row, to recognise files imported
    before the keys changed (rows stored with it) and a row repeated cell for cell within
    a file: the JSON is the same, byte for byte (a test compares it with json.dumps). It is
    only put together here with each header encoded once per file rather than once a row,
    which halves the time of keying a large file."""

    def __init__(self, secret: bytes, campaign_id: int):
        self.secret = secret
        self.prefix = f"[{campaign_id},["
        self.content_prefix = f'[{campaign_id},"answers",'
        self.headers: dict[str, str] = {}

    def content(self, digest: bytes) -> str:
        message = f'{self.content_prefix}"{digest.hex()}"]'
        return hmac.digest(self.secret, message.encode(), "sha256").hex()

    def __call__(self, fingerprint: tuple[tuple[str, str], ...]) -> str:
        headers = self.headers
        pairs = []
        for header, cell in fingerprint:
            if header not in headers:
                headers[header] = encode_basestring(header)
            pairs.append(f"[{headers[header]},{encode_basestring(cell)}]")
        message = self.prefix + ",".join(pairs) + "]]"
        return hmac.digest(self.secret, message.encode(), "sha256").hex()


#: One answer ready to insert: (item id, score, don't know, choices as JSON text, text).
AnswerRow = tuple[str, "int | None", bool, str, "str | None"]


@dataclass(frozen=True, slots=True)
class Row:
    """One accepted row, converted to what is inserted; no ImportedRow nor fingerprint is
    kept, so 100,000 rows wait in little memory between checking and writing. Answers
    that are the same (most agreement answers are) are one shared tuple."""

    key: str
    month: str
    language: str | None
    answers: tuple[AnswerRow, ...]
    #: What the key is made of (see :class:`RowKeys`): made again with it when the row's
    #: key must be made for another campaign id (see :func:`store_import`).
    content: bytes


class Converter:
    """ImportedRow -> :class:`Row`: the month as ISO text, choices as JSON text (JSON
    null when empty, as the ORM writes them), in the form the columns' types would give
    them, each made once per distinct value; equal answers shared."""

    def __init__(self) -> None:
        self.today = clock.today()
        self._months: dict[date | None, str] = {}
        self._choice_texts: dict[tuple[str, ...], str] = {}
        self._answers: dict[AnswerRow, AnswerRow] = {}

    def __call__(self, key: str, row: reading.ImportedRow, content: bytes) -> Row:
        shared = self._answers
        answers = []
        for a in row.answers.values():
            if a.text is None:
                answer = (a.item_id, a.score, a.dont_know, self._choices(a.choices), None)
                answers.append(shared.setdefault(answer, answer))
            else:
                # What assess.storage.db refuses in every statement, refused here, before the
                # write transaction (the inserts skip the check): a NUL character, by field.
                if "\x00" in a.text:
                    raise InvalidInput([FieldError("text", "errors.nul_byte", {})])
                answers.append((a.item_id, a.score, a.dont_know, self._choices(a.choices), a.text))
        if row.language is not None and "\x00" in row.language:
            raise InvalidInput([FieldError("language", "errors.nul_byte", {})])
        return Row(key, self._month(row.submitted_on), row.language, tuple(answers), content)

    def _month(self, day: date | None) -> str:
        if day not in self._months:
            self._months[day] = month_of(day or self.today).isoformat()
        return self._months[day]

    def _choices(self, choices: tuple[str, ...]) -> str:
        if choices not in self._choice_texts:
            self._choice_texts[choices] = json.dumps(list(choices)) if choices else "null"
        return self._choice_texts[choices]
