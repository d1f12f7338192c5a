from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _cards(request, scope):
    """The plan of this year and its execution, cut at today – the figures of the plan page the
    card links to (one query)."""
    from django.urls import reverse
    from django.utils import timezone

    from khuyencong.core.formatting import format_money
    from khuyencong.core.navigation import Card
    from khuyencong.reporting.engine import aggregate

    if not scope.can_use_workspace:
        return []
    today = timezone.localdate()
    year = today.year
    figures = aggregate(scope, ["plan", "executed"], filters={"plan_year": year}, on=today).total
    return [
        Card(
            _("Approved plan %(year)s") % {"year": year},
            format_money(int(figures.value("plan")), "ty"),
            reverse("reporting:plan") + f"?plan_year={year}",
            "cash-stack",
            note=_("settled: %(amount)s") % {"amount": format_money(int(figures.value("executed")), "ty")},
        )
    ]


class ReportingConfig(AppConfig):
    name = "khuyencong.reporting"
    label = "reporting"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from khuyencong.core import navigation

        navigation.add_menu_item(
            "reports",
            navigation.MenuItem(_("Consolidation of proposals"), "reporting:consolidation", "table"),
        )
        navigation.add_menu_item(
            "reports", navigation.MenuItem(_("Plan and execution"), "reporting:plan", "graph-up")
        )
        navigation.add_cards(11, _cards)  # after the projects' cards, before the establishments'


def _register_standard_reports() -> None:
    """The "Báo cáo" menu lists the standard reports of the catalogue (``reporting.catalogue``)."""
    from khuyencong.core import navigation

    navigation.add_menu_item(
        "reports", navigation.MenuItem(_("Standard reports"), "reports:index", "journal-text")
    )
    from khuyencong.reporting.catalogue import REPORTS

    for slug, report in REPORTS.items():
        navigation.add_menu_item(
            "reports", navigation.MenuItem(report.title, f"reports:{slug}", "file-earmark-text")
        )


_ready = ReportingConfig.ready


def _ready_with_reports(self) -> None:
    _ready(self)
    _register_standard_reports()


ReportingConfig.ready = _ready_with_reports  # type: ignore[method-assign]
