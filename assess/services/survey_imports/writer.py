"""Writing converted rows (:class:`~assess.services.survey_imports.rows.Row`) in bulk,
inside the caller's write transaction."""

from __future__ import annotations

import queue
import threading
from typing import cast

from sqlalchemy import Table
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assess.services.errors import Conflict
from assess.services.survey_imports.report import CHUNK
from assess.services.survey_imports.rows import Row
from assess.storage import bulk
from assess.storage.models import SurveyAnswer, SurveyResponse

_RESPONSES = cast(Table, SurveyResponse.__table__)
_ANSWERS = cast(Table, SurveyAnswer.__table__)
_RESPONSE_COLUMNS = ("id", "campaign_id", "submitted_month", "language", "source", "import_key", "released")
_ANSWER_COLUMNS = ("response_id", "campaign_id", "item_id", "score", "dont_know", "choices", "text")


class Writer:
    """Inserts converted rows (:class:`Row`), a chunk at a time, in the session's
    transaction (on PostgreSQL, on a thread of its own while the next chunk is prepared).

    A large export is mostly answers (a 100,000-row file of the families' questionnaire
    holds some 800,000), so this is written for speed, measured by bench/bench_import.py:

    - on PostgreSQL, making the tuples is Python's work and writing them mostly the
      server's (the driver waits with the GIL released), so the two overlap on two
      cores: chunks go to a writing thread. At most two chunks wait. The session is not
      touched meanwhile; :meth:`finish` waits for the last chunk and raises, in the
      caller's thread, whatever writing raised, so the caller rolls back. SQLite writes in
      the caller's thread: its driver releases and takes back the GIL for every row, and
      two threads fighting for it made the import slower, not faster;
    - rows are plain tuples, not the ORM's objects nor Core's dicts, whose per-row
      processing took more time than the database;
    - response ids are reserved first and the rows written by COPY on PostgreSQL, the
      driver's executemany on SQLite (:mod:`assess.storage.bulk`).
    """

    def __init__(self, session: Session, *, campaign_id: int, source: str, released: bool = False):
        self.connection = session.connection()
        self.released = released  # stored released: see survey_release.releases_import
        self.postgresql = self.connection.dialect.name == "postgresql"
        self.campaign_id = campaign_id
        self.source = source
        self._chunks: queue.Queue[list[Row] | None] = queue.Queue(maxsize=2)
        self._failure: BaseException | None = None
        self._thread: threading.Thread | None = None
        if self.postgresql:
            self._thread = threading.Thread(target=self._run, name="survey-import-writer", daemon=True)
            self._thread.start()

    def write_all(self, rows: list[Row]) -> None:
        """Insert every row, a chunk at a time; raise what writing raised."""
        try:
            for start in range(0, len(rows), CHUNK):
                self.write(rows[start:start + CHUNK])
            self.finish()
        finally:
            self.close()  # a failure: the thread ends before the caller rolls back

    def write(self, batch: list[Row]) -> None:
        """Hand a chunk over; waits while two are waiting already."""
        self._raise_failure()
        if self._thread is None:
            self._write_now(batch)
            self._raise_failure()
        else:
            self._chunks.put(batch)

    def finish(self) -> None:
        """Wait until every chunk handed over is written; raise what writing raised."""
        self.close()
        self._raise_failure()

    def close(self) -> None:
        """Stop the writing thread once it has written what it holds (also on failure:
        the connection must be idle before the caller rolls back)."""
        if self._thread is not None and self._thread.is_alive():
            self._chunks.put(None)
            self._thread.join()

    def _run(self) -> None:
        while (batch := self._chunks.get()) is not None:
            self._write_now(batch)

    def _write_now(self, batch: list[Row]) -> None:
        if self._failure is None:  # after a failure, chunks are taken and dropped: the caller never waits forever
            try:
                self._write_batch(batch)
            except BaseException as error:  # raised again in the caller's thread
                self._failure = error

    def _raise_failure(self) -> None:
        failure = self._failure
        if failure is None:
            return
        dbapi = self.connection.dialect.dbapi
        if isinstance(failure, IntegrityError) or (dbapi is not None and isinstance(failure, dbapi.IntegrityError)):
            # (COPY goes to the driver itself: its errors are not SQLAlchemy's.) The same
            # rows imported by someone else at this very moment: the caller rolls back.
            raise Conflict("imports.errors.concurrent") from None
        raise failure

    def _write_batch(self, batch: list[Row]) -> None:
        ids = bulk.reserve_ids(self.connection, _RESPONSES, len(batch))
        campaign_id, source = self.campaign_id, self.source
        responses = []
        answers = []
        for response_id, row in zip(ids, batch, strict=True):
            responses.append((response_id, campaign_id, row.month, row.language, source, row.key, self.released))
            head = (response_id, campaign_id)
            answers.extend([head + answer for answer in row.answers])
        # NUL characters were refused as the rows were converted (Converter), outside the transaction.
        bulk.write_rows(self.connection, _RESPONSES, _RESPONSE_COLUMNS, responses, nul_checked=True)
        bulk.write_rows(self.connection, _ANSWERS, _ANSWER_COLUMNS, answers, nul_checked=True)
