"""Errors a person reads: each carries a catalogue key and parameters, translated where shown.

Below every layer (storage raises `InvalidInput` too); services import them from
`assess.services.errors`, which names the same classes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from assess.domain.permissions import PermissionDenied
from assess.i18n import t
from assess.i18n.formats import format_date

__all__ = ["Conflict", "FieldError", "InvalidInput", "NotFound", "PermissionDenied", "ServiceError", "message_of",
           "reader_params"]


def reader_params(params: dict[str, Any], lang: str) -> dict[str, Any]:
    """An error's parameters as a person reads them in ``lang``: a date (or a moment) is
    written in words ('12 mars 2027'), never as ISO; the rest stays as it is. Services pass
    dates as dates, so the same error reads right in every language."""
    return {key: format_date(value, lang) if isinstance(value, date) else value for key, value in params.items()}


class ServiceError(Exception):
    key = "errors.generic"

    def __init__(self, key: str | None = None, /, **params: Any):
        self.key = key or self.key
        self.params = params
        super().__init__(t(self.key, "en", **reader_params(params, "en")))

    def message(self, lang: str) -> str:
        return t(self.key, lang, **reader_params(self.params, lang))


class NotFound(ServiceError):
    """Also raised for objects that exist but are not the actor's: nothing is leaked."""

    key = "errors.not_found"


class Conflict(ServiceError):
    key = "errors.conflict"


@dataclass(frozen=True)
class FieldError:
    field: str
    key: str
    params: dict[str, Any]

    def message(self, lang: str) -> str:
        return t(self.key, lang, **reader_params(self.params, lang))


class InvalidInput(ServiceError):
    """One or more fields are wrong; ``errors`` says which and why."""

    key = "errors.invalid_input"

    def __init__(self, errors: list[FieldError]):
        self.errors = errors
        super().__init__(self.key, count=len(errors))

    def for_field(self, field: str) -> list[FieldError]:
        return [e for e in self.errors if e.field == field]


def message_of(error: Exception, lang: str) -> str:
    """What to show a person for an error raised by a service."""
    if isinstance(error, ServiceError):
        return error.message(lang)
    if isinstance(error, PermissionDenied):
        return t("errors.permission_denied", lang)
    return t("errors.generic", lang)
