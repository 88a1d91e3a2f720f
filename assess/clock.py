"""What day and time it is for the national office: one place, so deadlines agree.

Campaigns and rounds open and close on calendar dates. Which date "today" is depends on
where the office is: at 23:30 UTC it is already tomorrow in Brussels. The server's own
clock zone (often UTC in a container) must not decide when a survey closes, so every
deadline is read against :func:`today`, in the zone named by ``ASSESS_TIME_ZONE``
(an IANA name such as ``Europe/Brussels``, the default).
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIME_ZONE = "Europe/Brussels"


@cache
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise RuntimeError(f"ASSESS_TIME_ZONE={name!r} is not a time zone name (e.g. Europe/Brussels)") from error


def office_zone() -> ZoneInfo:
    """The office's time zone (``ASSESS_TIME_ZONE``, default Europe/Brussels)."""
    return _zone(os.environ.get("ASSESS_TIME_ZONE") or DEFAULT_TIME_ZONE)


def now() -> datetime:
    """The current moment, aware, in UTC (how the database stores moments)."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in the office's time zone: the date deadlines are read against."""
    return datetime.now(office_zone()).date()
