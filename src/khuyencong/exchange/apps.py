from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _export_columns():
    """The establishment list exports the import template's columns (a round trip gives the same file)."""
    from django.utils.text import capfirst

    from khuyencong.core.tables import Column
    from khuyencong.exchange.kinds.establishments import ESTABLISHMENTS

    def cell(index):
        def value(record):
            row = record.__dict__.get("_export_row")
            if row is None:
                row = record.__dict__["_export_row"] = ESTABLISHMENTS.export_values(record)
            return row[index]

        return value

    return [
        Column(c.key, capfirst(c.title), accessor=cell(i), kind="number" if c.type == "integer" else "text")
        for i, c in enumerate(ESTABLISHMENTS.columns)
    ]


class ExchangeConfig(AppConfig):
    name = "khuyencong.exchange"
    label = "exchange"
    verbose_name = _("Data in and out")

    def ready(self) -> None:
        from khuyencong.core import navigation
        from khuyencong.core.provenance import PROVENANCE
        from khuyencong.establishments.extensions import EXPORT_COLUMNS
        from khuyencong.exchange import jobs
        from khuyencong.exchange.kinds import (  # noqa: F401 – registers the kinds
            establishments,
            indicators,
            movements,
            periodic,
            projects,
        )

        jobs.register()
        from khuyencong.exchange.provenance import imports_of

        PROVENANCE.register(imports_of)

        from khuyencong.core.housekeeping import CLEANERS
        from khuyencong.exchange.housekeeping import remove_import_files

        CLEANERS.register(remove_import_files)
        EXPORT_COLUMNS.register(_export_columns)

        def writer(scope):
            return scope.national_write or bool(scope.province_write)

        navigation.add_menu_item(
            "establishments",
            navigation.MenuItem(_("Import data"), "exchange:start", "upload", writer),
        )

        from khuyencong.periodic.apps import SECTION

        def province_writer(scope):
            return bool(scope.province_write)

        def result_reporter(scope):
            return scope.national_write or bool(scope.current_write) or bool(scope.organisation_ids)

        navigation.add_menu_item(
            "reports",
            navigation.MenuItem(
                _("Import report values"), "exchange:start", "upload", province_writer, section=SECTION
            ),
        )
        navigation.add_menu_item(
            "projects",
            navigation.MenuItem(_("Import indicator actuals"), "exchange:start", "upload", result_reporter),
        )
