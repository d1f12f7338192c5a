"""Figures computed from the engine's sums: percentages, means, growth, leverage.

Each works on exact sums (whole đồng or result values) and returns a ``Decimal`` rounded to
``PLACES`` decimals (half up, as the ministry rounds), or ``None`` where it is undefined (a share of
nothing); display formats them (:mod:`khuyencong.core.formatting`). Nothing here rounds a sum.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from khuyencong.core.formatting import format_money, format_number

PLACES = 2


def _round(value: Decimal, places: int = PLACES) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def ratio(part: int | Decimal, whole: int | Decimal, places: int = PLACES) -> Decimal | None:
    if not whole:
        return None
    return _round(Decimal(part) / Decimal(whole), places)


def percent(part: int | Decimal, whole: int | Decimal, places: int = PLACES) -> Decimal | None:
    """``part`` as a percentage of ``whole``."""
    if not whole:
        return None
    return _round(Decimal(part) * 100 / Decimal(whole), places)


def percent_of_plan(executed: int, plan: int) -> Decimal | None:
    """Execution against the plan (both cut at the same date by the engine)."""
    return percent(executed, plan)


def share_of_total(part: int, total: int) -> Decimal | None:
    return percent(part, total)


def shares(values: Mapping, total: int | None = None) -> dict:
    """Each value's share of ``total`` (default: their sum), in percent."""
    whole = sum(values.values()) if total is None else total
    return {key: share_of_total(value, whole) for key, value in values.items()}


def change_on_previous(current: int | Decimal, previous: int | Decimal) -> Decimal | None:
    """The change on the same period of the previous year, in percent (``None`` without a base)."""
    if not previous:
        return None
    return _round((Decimal(current) - Decimal(previous)) * 100 / Decimal(previous))


def leverage(counterpart: int, state: int) -> Decimal | None:
    """Counterpart đồng mobilised per đồng of state funds."""
    return ratio(counterpart, state)


@dataclass(frozen=True)
class Mean:
    """A per-province mean as the ministry states it: the national total divided by the number of
    provinces of the geography (63 in 2014–2020, 34 from 07/2025), whether or not each had money."""

    total: int
    provinces: int
    value: Decimal

    @property
    def formula(self) -> str:
        return _("%(total)s ÷ %(n)s provinces = %(mean)s") % {
            "total": format_money(self.total, "ty"),
            "n": format_number(self.provinces),
            "mean": format_money(int(self.value), "ty"),
        }


def mean_per_province(total: int, provinces: int) -> Mean:
    if provinces <= 0:
        raise ValueError("the number of provinces must be positive")
    return Mean(total, provinces, _round(Decimal(total) / provinces, 0))


def above_mean(values: Mapping, mean: Mean) -> list:
    """The keys (provinces) whose value is above the mean, largest first."""
    return [key for key, value in sorted(values.items(), key=lambda kv: -kv[1]) if value > mean.value]


@dataclass(frozen=True)
class Target:
    actual: Decimal
    target: Decimal
    percent: Decimal | None  # of the target
    over: Decimal | None  # percent beyond the target, when exceeded

    @property
    def text(self) -> str:
        if self.percent is None:
            return "–"
        if self.over:
            return _("+%(over)s %% over target") % {"over": format_number(self.over, PLACES)}
        return _("%(percent)s %% of target") % {"percent": format_number(self.percent, PLACES)}


def against_target(actual: int | Decimal, target: int | Decimal) -> Target:
    """The result against the phase target: its percentage, and “+x % over target” beyond 100 %."""
    pct = percent(actual, target)
    over = pct - 100 if pct is not None and pct > 100 else None
    return Target(Decimal(actual), Decimal(target), pct, over)


def growth(series: Mapping[int, int | Decimal]) -> dict[int, Decimal | None]:
    """Each year's growth on the year before, in percent (the first year has none)."""
    years = sorted(series)
    return {year: change_on_previous(series[year], series[prev]) for prev, year in itertools.pairwise(years)}


def mean_growth(series: Mapping[int, int | Decimal]) -> Decimal | None:
    """The arithmetic mean of the yearly growth rates (how the phase reports state “grew on average
    x % a year”); ``None`` with fewer than two years or a year without a base."""
    rates = list(growth(series).values())
    if not rates or any(r is None for r in rates):
        return None
    return _round(sum((r for r in rates if r is not None), Decimal(0)) / len(rates))


def excluding(whole: Mapping, part: Mapping) -> dict:
    """Each key's ``whole`` less its ``part`` (a region's funds less those its service organisations
    carried out: what its localities did), exact to the đồng; keys left with nothing are dropped."""
    result = {key: value - part.get(key, 0) for key, value in whole.items()}
    return {key: value for key, value in result.items() if value}


def total_of(values: Iterable[int]) -> int:
    return sum(values, 0)


__all__ = [
    "Mean",
    "Target",
    "above_mean",
    "against_target",
    "change_on_previous",
    "excluding",
    "growth",
    "leverage",
    "mean_growth",
    "mean_per_province",
    "percent",
    "percent_of_plan",
    "ratio",
    "share_of_total",
    "shares",
]


def difference(today: int | Decimal | None, published: int | Decimal | None) -> int | Decimal | None:
    """How far today's figure is from the published one (a figure missing on one side counts as
    nothing there; percentages differ in points). ``None`` when neither side is a figure."""
    if today is None and published is None:
        return None
    return (today or 0) - (published or 0)


__all__ += ["difference"]
