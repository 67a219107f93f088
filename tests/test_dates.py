"""Dates of content/: Paris wall-clock in, UTC inside, French out."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from catalog.dates import DateFormatError, format_day, format_long, format_short, parse_paris


@pytest.mark.parametrize(
    "text, expected",
    [
        ("01/11/2027 08:00", datetime(2027, 11, 1, 7, 0, tzinfo=UTC)),  # winter: UTC+1
        ("2027-06-15 08:00", datetime(2027, 6, 15, 6, 0, tzinfo=UTC)),  # summer: UTC+2
        ("15/06/2027", datetime(2027, 6, 14, 22, 0, tzinfo=UTC)),  # a day alone: midnight
        ("28/03/2027 03:30", datetime(2027, 3, 28, 1, 30, tzinfo=UTC)),  # just after the change
    ],
)
def test_parse_paris_time(text, expected):
    assert parse_paris(text) == expected


def test_day_alone_takes_the_default_time():
    assert parse_paris("29/11/2027", default_time=(23, 59)) == datetime(
        2027, 11, 29, 22, 59, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "text", ["31/02/2027 08:00", "2027-13-01", "demain", "1/11/2027", "01/11/2027 25:00", ""]
)
def test_malformed_dates_are_refused_with_the_expected_format(text):
    with pytest.raises(DateFormatError, match=r"JJ/MM/AAAA|impossible"):
        parse_paris(text)


def test_french_formats_with_weekday_in_paris_time():
    moment = datetime(2027, 11, 29, 17, 0, tzinfo=UTC)  # 18:00 in Paris
    assert format_long(moment) == "lundi 29 novembre 2027 18:00"
    assert format_day(moment) == "lundi 29 novembre 2027"
    assert format_day(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "vendredi 1 janvier 2027"
    assert format_long(datetime(2027, 8, 1, 22, 5, tzinfo=UTC)) == "lundi 2 août 2027 00:05"


def test_short_format_in_paris_time_on_both_sides_of_each_clock_change():
    assert format_short(datetime(2027, 3, 28, 0, 59, tzinfo=UTC)) == "28/03/2027 01:59"
    assert format_short(datetime(2027, 3, 28, 1, 0, tzinfo=UTC)) == "28/03/2027 03:00"
    assert format_short(datetime(2027, 10, 31, 0, 59, tzinfo=UTC)) == "31/10/2027 02:59"
    assert format_short(datetime(2027, 10, 31, 1, 0, tzinfo=UTC)) == "31/10/2027 02:00"
    assert format_short(datetime(2026, 12, 31, 23, 5, tzinfo=UTC)) == "01/01/2027 00:05"


def test_a_stored_time_is_shown_in_paris_time_as_format_short_shows_it():
    """worker.clock.short cuts a stamp's text instead of converting it: the same text as
    format_short, minute by minute across both changes of time of a year, and for a time
    written some other way (a fraction of a second, another offset)."""
    from datetime import timedelta

    from worker import clock

    for start in (datetime(2027, 3, 27, 22, tzinfo=UTC), datetime(2027, 10, 30, 22, tzinfo=UTC)):
        for minutes in range(0, 6 * 60, 7):
            moment = start + timedelta(minutes=minutes, seconds=minutes % 60)
            assert clock.short(clock.stamp(moment)) == format_short(moment)
    assert clock.short("2027-03-28T01:00:00+00:00") == "28/03/2027 03:00"  # summer time
    assert clock.short("2027-10-31T00:30:00+00:00") == "31/10/2027 02:30"  # still summer
    assert clock.short("2027-10-31T01:30:00+00:00") == "31/10/2027 02:30"  # winter again
    assert clock.short("2027-11-01T07:05:09.250000+00:00") == "01/11/2027 08:05"
    assert clock.short("2027-11-01T08:05:09+01:00") == "01/11/2027 08:05"
