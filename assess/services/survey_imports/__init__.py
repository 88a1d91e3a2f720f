"""Importing answers a teacher collected with another tool (Google Forms, Microsoft Forms,
LimeSurvey) into the import campaign of one audience of a project.

The file is read by :mod:`assess.domain.imports`; each row it accepts becomes one
response of the project's import campaign (:func:`campaigns.import_campaign`), next to
the answers given on the web. Nothing identifying is stored: the columns naming or
timing the respondent are dropped, the response keeps the month only, and the row is
recognised later by ``import_key``, a keyed hash (HMAC-SHA256 with the installation's
secret) of the campaign id, the answers as read and the timestamp to the minute (see
:class:`~assess.services.survey_imports.rows.RowKeys`). Importing a file twice, a later export that repeats earlier rows, or
the same responses exported by another route or re-saved by a spreadsheet program,
therefore adds nothing twice: those rows are counted as *repeated*. An import that would
store no answer is refused (:attr:`ImportReport.refusal`).

As every service, this one never commits: a failure anywhere (a refused mapping, a
database error, a progress callback that raises) leaves the caller's transaction to
roll back, and nothing of the file is stored.

Reading a file is kept out of transactions (on SQLite a transaction that writes holds
the whole database): :func:`read_upload` reads and recognises the file without a
session, before the caller opens one; a preview is :func:`import_context` (a few reads,
in a short transaction) then :func:`preview` (every row, without a session). An import
is :func:`import_upload`: a short read (:func:`import_context_for_import`), every row
checked and converted with no transaction open (:func:`prepare_import`), then one short
write transaction that checks again what may have changed and only inserts
(:func:`store_import`). :func:`run_import` does the same steps in the caller's session
(its transaction stays open while rows are checked: for tests and scripts, not the app).

The package, in the order an import goes: :mod:`.upload` (reading the file),
:mod:`.context` (what the database says, read briefly), :mod:`.checking` (every row
checked, with no session: a preview, or an import prepared), :mod:`.rows` (a row converted and keyed), :mod:`.writer` and
:mod:`.storing` (the write transaction); :mod:`.report` what the person is told.
"""

from __future__ import annotations

from assess.domain.imports import FORMATS, MappingFile
from assess.services.survey_imports.checking import PreparedImport, prepare_import, preview, preview_import
from assess.services.survey_imports.context import ImportContext, import_context, import_context_for_import
from assess.services.survey_imports.report import (
    CHUNK,
    ImportReport,
    MappingError,
    Progress,
    describe_delimiter,
    describe_encoding,
    describe_reading,
    describe_skipped,
)
from assess.services.survey_imports.storing import import_upload, run_import, store_import
from assess.services.survey_imports.upload import Upload, read_upload

__all__ = ["CHUNK", "FORMATS", "ImportContext", "ImportReport", "MappingError", "MappingFile", "PreparedImport",
           "Progress", "Upload", "describe_delimiter", "describe_encoding", "describe_reading", "describe_skipped",
           "import_context", "import_context_for_import", "import_upload", "prepare_import", "preview",
           "preview_import", "read_upload", "run_import", "store_import"]
