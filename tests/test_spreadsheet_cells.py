"""CSV cells never start a formula (issue 16): full-width signs and leading whitespace
included."""

from __future__ import annotations

import csv
import io

import pytest

from worker.rules.spreadsheet import csv_text, paris_time, safe_cell

HOSTILE = [
    "=1+1",
    '\uff1dHYPERLINK("http://evil.example","x")',  # ＝
    "\uff0bcmd|' /C calc'!A0",  # ＋
    "\uff0d2+3",  # －
    "\uff20SUM(A1)",  # ＠
    " =1+1",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    " \t\r\uff1d1+1",
    "\u00a0+1",  # no-break space, then +
    "\u3000\uff0b1",  # ideographic space, then ＋
    "\ufe66 1",  # ﹦, small equals
    "\u22121",  # minus sign
    "\t",
]


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_formula_starts_are_neutralised_even_full_width_or_indented(value):
    """SECURITY.md, input and files: text going into CSV exports is treated as data."""
    assert safe_cell(value) == "'" + value
    exported = csv_text(["a", "b"], [["x", value]]).lstrip("\ufeff")
    (_, (_, cell)) = csv.reader(io.StringIO(exported, newline=""), delimiter=";")
    assert cell == "'" + value


@pytest.mark.parametrize("value", ["Dubois", "Jean-Pierre", "a=b", "O'Neil", "", "1 + 1", "Ｄ"])
def test_ordinary_text_is_left_alone(value):
    """SECURITY.md, input and files: exports keep what was typed when it is harmless."""
    assert safe_cell(value) == value


def test_times_are_written_in_paris_time_as_the_screens_show_them():
    assert paris_time("2026-12-03T07:49:14+00:00") == "2026-12-03 08:49"  # winter: UTC+1
    assert paris_time("2027-06-01T07:00:00+00:00") == "2027-06-01 09:00"  # summer: UTC+2
    assert paris_time(None) == "" and paris_time("") == ""
