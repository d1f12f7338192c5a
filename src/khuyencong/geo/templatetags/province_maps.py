"""``{% province_map %}``: a map of provinces coloured by a figure, with its table.

::

    {% load province_maps %}
    {% province_map title=_("Establishments") unit=_("establishments") rows34=rows34 rows63=rows63 %}

``rows34`` / ``rows63``: ``(province id or code, value, formatted value)`` for the provinces that
have a figure (the others show “no data”); give one or both (both: a 34/63 toggle). One list may
also be given as ``rows=… geography="63"``. An id must be a province of that geography; a code is
its GSO code (the 2025 codes for the 34). ``initial``: the geography shown first; ``scale``:
``"continuous"`` (default) or ``"piecewise"`` (five classes of about as many provinces each).
The page loads ECharts and ``geo/province-map.js`` once, from the first map on it.
"""

from __future__ import annotations

import itertools

from django import template

from khuyencong.geo.maps import ATTRIBUTION, map_config

register = template.Library()
_ids = itertools.count(1)


@register.inclusion_tag("geo/includes/province_map.html", takes_context=True)
def province_map(
    context,
    title,
    unit,
    rows34=None,
    rows63=None,
    rows=None,
    geography="34",
    initial=None,
    scale="continuous",
    decimals=0,
    height=640,
):
    series = {}
    if rows is not None and geography in ("34", "63"):
        series[geography] = rows
    if rows34 is not None:
        series["34"] = rows34
    if rows63 is not None:
        series["63"] = rows63
    config = map_config(
        series,
        title=title,
        unit=unit,
        initial=initial or geography,
        scale="piecewise" if scale == "piecewise" else "continuous",
        decimals=int(decimals),
    )
    request = context.get("request")
    first = request is not None and not getattr(request, "_kc_province_map_loaded", False)
    if request is not None:
        request._kc_province_map_loaded = True
    map_id = f"kc-province-map-{next(_ids)}"
    return {
        "map_id": map_id,
        "data_id": f"{map_id}-data",
        "config": config,
        "geographies": config["geographies"],
        "title": title,
        "unit": unit,
        "height": int(height),
        "attribution": ATTRIBUTION,
        "load_scripts": first or request is None,
    }
