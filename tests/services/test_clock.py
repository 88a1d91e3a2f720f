"""Deadlines are read against the office's calendar, not the server's."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from assess import clock


def test_today_is_the_offices_date_not_utcs(monkeypatch):
    # Half past eleven at night in UTC is already the next day in Brussels (UTC+1 in winter).
    monkeypatch.setenv("ASSESS_TIME_ZONE", "Europe/Brussels")
    brussels = clock.office_zone()
    utc_date = datetime.now(UTC).date()
    local_date = datetime.now(brussels).date()
    assert clock.today() == local_date
    assert local_date - utc_date in (timedelta(0), timedelta(days=1))


def test_a_zone_far_west_can_still_be_yesterday(monkeypatch):
    monkeypatch.setenv("ASSESS_TIME_ZONE", "Pacific/Pago_Pago")  # UTC-11, no summer time
    expected = datetime.now(timezone(timedelta(hours=-11))).date()
    assert clock.today() == expected


def test_a_misspelt_zone_is_named_in_the_error(monkeypatch):
    monkeypatch.setenv("ASSESS_TIME_ZONE", "Europe/Bruxelles")
    with pytest.raises(RuntimeError, match="Europe/Bruxelles"):
        clock.today()


def test_now_is_aware_utc():
    assert clock.now().tzinfo is UTC
