"""What refuses a file: the teacher's file (:class:`ImportFileError`, shown translated) or
the installation (:class:`UnsafeXmlParser`, a deployment fault)."""

from __future__ import annotations

from typing import Any


class ImportFileError(Exception):
    """The file cannot be read as a survey export. ``key`` is a catalogue key (``imports.errors.*``)."""

    def __init__(self, key: str, /, **params: Any):
        self.key = key
        self.params = params
        super().__init__(f"{key} {params}")


class UnsafeXmlParser(RuntimeError):
    """openpyxl would parse XML without defusedxml: the installation is at fault, not the file."""
