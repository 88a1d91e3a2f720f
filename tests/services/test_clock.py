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


def test_a_round_closes_on_the_offices_date_not_the_servers(monkeypatch):
    """Issue 12, "What was seen" 5: deadlines were read with date.today(), the server's date.
    A round whose last day is the server's today is already closed where the office's
    calendar has moved on (and still open where it has not reached that day)."""
    from assess.services import rounds
    from assess.storage.models import Round

    server_today = datetime.now().date()  # noqa: DTZ005  (the server's own clock, on purpose)
    # UTC+14 and UTC-11 are 25 hours apart: their dates always differ, so at least one of
    # them is not the server's date, wherever the server is.
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        monkeypatch.setenv("ASSESS_TIME_ZONE", zone)
        if clock.today() != server_today:
            break
    office_today = clock.today()
    assert office_today != server_today
    last_day = min(office_today, server_today)
    stored = Round(opens_on=last_day - timedelta(days=10), closes_on=last_day, published_at=None)
    expected = rounds.RoundStatus.OPEN if office_today == last_day else rounds.RoundStatus.SCORING
    assert rounds.status(stored) == expected
