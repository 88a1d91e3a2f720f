"""The errors services raise, under the name the services and pages import them by.

They are defined in :mod:`assess.errors`, below every layer, since the storage layer
raises them too (a text value holding a NUL character is ``InvalidInput``) and storage
must not import the services.
"""

from assess.errors import (
           Conflict,
           FieldError,
           InvalidInput,
           NotFound,
           PermissionDenied,
           ServiceError,
           message_of,
           reader_params,
)

__all__ = ["Conflict", "FieldError", "InvalidInput", "NotFound", "PermissionDenied", "ServiceError", "message_of",
           "reader_params"]
