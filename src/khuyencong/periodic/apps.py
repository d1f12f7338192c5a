from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _cards(request, scope):
    """A province's reminder: the reports of the current period not yet submitted, before (or
    past) their deadline."""
    from khuyencong.periodic.queries import reminders

    return reminders(scope)


SECTION = _("Provinces' periodic reports")  # their heading in the "Báo cáo" menu


class PeriodicConfig(AppConfig):
    name = "khuyencong.periodic"
    label = "periodic"
    verbose_name = _("Periodic reports")

    def ready(self) -> None:
        from khuyencong.core.loading import register_loader
        from khuyencong.periodic.loaders import load_report_forms

        register_loader(50, "periodic", load_report_forms)

        from khuyencong.core.demo import register_demo_loader
        from khuyencong.periodic.demo import load_demo_reports

        register_demo_loader(50, "periodic", load_demo_reports)

        from khuyencong.core import navigation

        def agency(scope):
            return scope.national_read

        navigation.add_menu_item(
            "reports",
            navigation.MenuItem(_("Periodic reports"), "periodic:list", "calendar-check", section=SECTION),
        )
        navigation.add_menu_item(
            "reports",
            navigation.MenuItem(
                _("Reporting completeness"), "periodic:completeness", "ui-checks", agency, section=SECTION
            ),
        )
        navigation.add_cards(5, _cards)

        # the approved reports' values are facts of the reporting engine (``reporting.extensions``)
        from khuyencong.periodic.facts import approved_values
        from khuyencong.reporting.extensions import PERIODIC_VALUES

        PERIODIC_VALUES.register(approved_values)
