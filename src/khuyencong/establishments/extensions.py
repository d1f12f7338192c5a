"""What apps above establishments add to them (see ``core/extensions.py``)."""

from khuyencong.core.extensions import ExtensionPoint

# Who else may read an establishment: ``rule(scope) -> Q | None``, a condition on establishments
# (the projects app: the beneficiaries of the projects the user may see). Reading only; changing
# stays with the province.
VISIBLE_TO = ExtensionPoint("establishments.visible_to")

# An establishment's page: ``provider(establishment, scope) -> dict`` adds to the template's
# context (the projects app: the support it received).
DETAIL_PAGE = ExtensionPoint("establishments.detail_page")

# The list's CSV/Excel export: ``provider() -> list[Column]`` replaces the shown columns (the exchange
# app: the import template's columns, so that an export imports back as it was).
EXPORT_COLUMNS = ExtensionPoint("establishments.export_columns")
