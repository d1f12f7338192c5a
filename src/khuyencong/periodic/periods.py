"""The periods a report form asks for, built on the engine's own periods (``reporting.dimensions``).

A form's *period type* gives the periods of a year (four quarters, two half-years, one “first N
months”, …) and each period's deadline: a number of days after the period ends.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from khuyencong.reporting import dimensions as dims
from khuyencong.reporting.dimensions import Period


class PeriodType(models.TextChoices):
    MONTH = "month", _("month")
    QUARTER = "quarter", _("quarter")
    HALF = "half", _("half-year")
    NINE_MONTHS = "nine_months", _("9 months")
    YEAR = "year", _("year")
    FIRST_MONTHS = "first_months", _("first N months")


def periods_of(period_type: str, year: int, months: int | None = None) -> list[Period]:
    """The periods of ``year`` a form of ``period_type`` reports (``months``: N of “first N months”)."""
    if period_type == PeriodType.MONTH:
        return [dims.month(year, m) for m in range(1, 13)]
    if period_type == PeriodType.QUARTER:
        return [dims.quarter(year, q) for q in range(1, 5)]
    if period_type == PeriodType.HALF:
        return [dims.half(year, h) for h in (1, 2)]
    if period_type == PeriodType.NINE_MONTHS:
        return [dims.nine_months(year)]
    if period_type == PeriodType.YEAR:
        return [dims.year(year)]
    if period_type == PeriodType.FIRST_MONTHS:
        if months is None:
            raise ValueError("“first N months” needs N")
        return [dims.first_months(year, months)]
    raise ValueError(period_type)


def period_matching(
    period_type: str, start: datetime.date, end: datetime.date, months: int | None = None
) -> Period | None:
    """The form's period that runs exactly from ``start`` to ``end`` (``None``: not one of them)."""
    if start.year != end.year:
        return None
    for period in periods_of(period_type, start.year, months):
        if period.start == start and period.end == end:
            return period
    return None


def deadline(period: Period, days_after: int) -> datetime.date:
    """The last day to submit: ``days_after`` days after the period ends."""
    return period.end + datetime.timedelta(days=days_after)


def period_key(period: Period) -> str:
    """The period as it travels in addresses: ``2026-04-01_2026-06-30``."""
    return f"{period.start.isoformat()}_{period.end.isoformat()}"


def parse_period_key(text: str | None) -> tuple[datetime.date, datetime.date] | None:
    """``period_key`` read back; ``None`` for anything else (never an exception)."""
    if not text or "_" not in text:
        return None
    first, _sep, last = str(text).partition("_")
    try:
        start, end = datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)
    except ValueError:
        return None
    return (start, end) if start <= end else None


_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def describe(start: datetime.date, end: datetime.date) -> str:
    """The period as the ministry writes it: “Quý II/2026”, “6 tháng đầu năm 2026”, “Năm 2026”."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if start.year == end.year and start.day == 1:
        y = start.year
        if months == 12:
            return str(_("Year %(year)s") % {"year": y})
        if months == 1:
            return str(_("Month %(month)s/%(year)s") % {"month": f"{start.month:02d}", "year": y})
        if months == 3 and start.month in (1, 4, 7, 10):
            q = _ROMAN[(start.month + 2) // 3]
            return str(_("Quarter %(quarter)s/%(year)s") % {"quarter": q, "year": y})
        if months == 6 and start.month == 7:
            return str(_("Second half of %(year)s") % {"year": y})
        if start.month == 1:
            return str(_("First %(months)s months of %(year)s") % {"months": months, "year": y})
    return f"{start:%d/%m/%Y}–{end:%d/%m/%Y}"
