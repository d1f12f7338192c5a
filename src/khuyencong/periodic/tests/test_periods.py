"""Period arithmetic at year boundaries: quarters, half-years, first N months, the same period last
year, deadlines – on the engine's own periods (``reporting.dimensions``)."""

from __future__ import annotations

import datetime

import pytest

from khuyencong.periodic.periods import (
    PeriodType,
    deadline,
    describe,
    parse_period_key,
    period_key,
    period_matching,
    periods_of,
)
from khuyencong.reporting import dimensions as dims

D = datetime.date


def spans(periods):
    return [(p.start, p.end) for p in periods]


def test_quarters_of_a_year_end_on_the_last_day_of_their_month():
    assert spans(periods_of(PeriodType.QUARTER, 2026)) == [
        (D(2026, 1, 1), D(2026, 3, 31)),
        (D(2026, 4, 1), D(2026, 6, 30)),
        (D(2026, 7, 1), D(2026, 9, 30)),
        (D(2026, 10, 1), D(2026, 12, 31)),
    ]


def test_half_years_nine_months_year_and_first_n_months():
    assert spans(periods_of(PeriodType.HALF, 2025)) == [
        (D(2025, 1, 1), D(2025, 6, 30)),
        (D(2025, 7, 1), D(2025, 12, 31)),
    ]
    assert spans(periods_of(PeriodType.NINE_MONTHS, 2025)) == [(D(2025, 1, 1), D(2025, 9, 30))]
    assert spans(periods_of(PeriodType.YEAR, 2025)) == [(D(2025, 1, 1), D(2025, 12, 31))]
    assert spans(periods_of(PeriodType.FIRST_MONTHS, 2024, 4)) == [(D(2024, 1, 1), D(2024, 4, 30))]
    with pytest.raises(ValueError):
        periods_of(PeriodType.FIRST_MONTHS, 2024)


def test_months_including_february_of_a_leap_year():
    months = periods_of(PeriodType.MONTH, 2024)
    assert len(months) == 12
    assert (months[1].start, months[1].end) == (D(2024, 2, 1), D(2024, 2, 29))
    assert (dims.month(2025, 2).end) == D(2025, 2, 28)
    assert (months[11].start, months[11].end) == (D(2024, 12, 1), D(2024, 12, 31))
    with pytest.raises(ValueError):
        dims.month(2024, 13)


def test_the_same_period_last_year_across_the_boundary_and_a_leap_day():
    q1 = dims.quarter(2026, 1).previous_year()
    assert (q1.start, q1.end) == (D(2025, 1, 1), D(2025, 3, 31))
    feb = dims.month(2024, 2).previous_year()
    assert (feb.start, feb.end) == (D(2023, 2, 1), D(2023, 2, 28))
    first4 = dims.first_months(2025, 4).previous_year()
    assert (first4.start, first4.end) == (D(2024, 1, 1), D(2024, 4, 30))


def test_deadline_after_the_period_crosses_into_the_next_year():
    assert deadline(dims.quarter(2026, 4), 15) == D(2027, 1, 15)
    assert deadline(dims.quarter(2026, 2), 15) == D(2026, 7, 15)
    assert deadline(dims.month(2024, 2), 1) == D(2024, 3, 1)


def test_a_period_is_matched_only_when_it_is_one_of_the_forms():
    assert period_matching(PeriodType.QUARTER, D(2026, 4, 1), D(2026, 6, 30)) is not None
    assert period_matching(PeriodType.QUARTER, D(2026, 4, 1), D(2026, 7, 31)) is None
    assert period_matching(PeriodType.QUARTER, D(2026, 12, 1), D(2027, 2, 28)) is None
    assert period_matching(PeriodType.FIRST_MONTHS, D(2026, 1, 1), D(2026, 6, 30), 6) is not None


def test_period_keys_round_trip_and_odd_keys_are_none():
    q = dims.quarter(2026, 2)
    assert parse_period_key(period_key(q)) == (q.start, q.end)
    for odd in ["", "abc", "2026-13-01_2026-12-31", "2026-06-30_2026-04-01", None, "x_y"]:
        assert parse_period_key(odd) is None


def test_periods_are_named_as_the_ministry_writes_them():
    from django.utils import translation

    with translation.override("vi"):
        assert describe(D(2026, 4, 1), D(2026, 6, 30)) == "Quý II/2026"
        assert describe(D(2026, 1, 1), D(2026, 12, 31)) == "Năm 2026"
        assert describe(D(2026, 1, 1), D(2026, 6, 30)) == "6 tháng đầu năm 2026"
        assert describe(D(2026, 7, 1), D(2026, 12, 31)) == "6 tháng cuối năm 2026"
        assert describe(D(2026, 2, 1), D(2026, 2, 28)) == "Tháng 02/2026"
