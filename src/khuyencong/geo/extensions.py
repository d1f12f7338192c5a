"""What apps above geography add to its pages (see ``core/extensions.py``)."""

from khuyencong.core.extensions import ExtensionPoint

# A province's page: ``provider(unit) -> dict`` adds to the template's context (the organisations
# app: the organisations of the province).
PROVINCE_PAGE = ExtensionPoint("geo.province_page")

# The province map page: ``provider(scope) -> MapMeasure | None`` offers a figure per province
# (``khuyencong.geo.maps.MapMeasure``) that this viewer may see; the establishments app: the number
# of registered establishments. The reporting engine adds its measures the same way.
PROVINCE_MAP_MEASURES = ExtensionPoint("geo.province_map_measures")
