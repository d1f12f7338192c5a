"""What apps above geography add to its pages (see ``core/extensions.py``)."""

from khuyencong.core.extensions import ExtensionPoint

# A province's page: ``provider(unit) -> dict`` adds to the template's context (the organisations
# app: the organisations of the province).
PROVINCE_PAGE = ExtensionPoint("geo.province_page")
