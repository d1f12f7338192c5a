from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _cards(request, scope):
    """The plan of this year and its execution, cut at today – the figures of the plan page the
    card links to – and the officers' way to the dashboard, with the share of that plan executed:
    one query for both cards."""
    from django.urls import reverse
    from django.utils import timezone

    from khuyencong.core.formatting import format_money, format_percent
    from khuyencong.core.navigation import Card
    from khuyencong.reporting.derived import percent_of_plan
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
        ),
        Card(
            _("Dashboard"),
            format_percent(percent_of_plan(int(figures.value("executed")), int(figures.value("plan")))),
            reverse("dashboard"),
            "speedometer2",
            note=_("executed of the %(year)s plan") % {"year": year},
        ),
    ]


# the headings of the "Báo cáo" menu
MONITORING = _("Monitoring")
STATISTICS = _("Statistical reports")


class ReportingConfig(AppConfig):
    name = "khuyencong.reporting"
    label = "reporting"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from khuyencong.core import navigation

        navigation.add_menu_item(
            "reports",
            navigation.MenuItem(
                _("Consolidation of proposals"), "reporting:consolidation", "table", section=MONITORING
            ),
        )
        navigation.add_menu_item(
            "reports",
            navigation.MenuItem(_("Plan and execution"), "reporting:plan", "graph-up", section=MONITORING),
        )
        navigation.add_cards(11, _cards)  # after the projects' cards, before the establishments'

        navigation.add_menu_item(
            "reports",
            navigation.MenuItem(_("Custom summary"), "reports:pivot", "grid-3x3", section=MONITORING),
        )
        _register_dashboard()
        _register_standard_reports()
        _register_project_results()
        _register_rollups()

        from khuyencong.core.jobs import register_job
        from khuyencong.reporting.snapshots import PUBLISH_JOB, publish_job

        register_job(PUBLISH_JOB, publish_job, _("Publishing a report"))


def _register_dashboard() -> None:
    from khuyencong.core import navigation
    from khuyencong.geo.extensions import PROVINCE_MAP_MEASURES
    from khuyencong.reporting.dashboards import MAP_PROVIDERS
    from khuyencong.reporting.views import leaders_home

    navigation.add_menu_item(
        "reports", navigation.MenuItem(_("Dashboard"), "dashboard", "speedometer2", section=MONITORING)
    )
    navigation.add_home_page(leaders_home)
    for provider in MAP_PROVIDERS:
        PROVINCE_MAP_MEASURES.register(provider)


def _register_standard_reports() -> None:
    """The "Báo cáo" menu lists the standard reports of the catalogue (``reporting.catalogue``)."""
    from khuyencong.core import navigation

    navigation.add_menu_item(
        "reports",
        navigation.MenuItem(_("Standard reports"), "reports:index", "journal-text", section=STATISTICS),
    )
    from khuyencong.reporting.catalogue import REPORTS

    for slug, report in REPORTS.items():
        navigation.add_menu_item(
            "reports",
            navigation.MenuItem(report.title, f"reports:{slug}", "file-earmark-text", section=STATISTICS),
        )


def achieved_results(project, scope) -> dict:
    """Per indicator, what the project's approved reports achieved – the engine's figure, for the
    project's page (``projects.extensions.ACHIEVED_RESULTS``)."""
    from khuyencong.reporting.engine import aggregate

    figures = aggregate(
        scope, ["indicator_actual"], by=["indicator"], filters={"project": project}, labels=False
    )
    return {row.keys["indicator"]: row.value("indicator_actual") for row in figures.rows}


def _register_project_results() -> None:
    from khuyencong.projects.extensions import ACHIEVED_RESULTS

    ACHIEVED_RESULTS.register(achieved_results)


def _register_rollups() -> None:
    """The figures kept ready (``reporting.rollups``): kept up to date as the facts are written,
    and written again after the demo data (loaded last)."""
    from khuyencong.core.demo import register_demo_loader
    from khuyencong.reporting import rollups

    rollups.connect()

    def rebuild() -> str:
        counts = rollups.rebuild()
        return ", ".join(f"{n:,} {name}" for name, n in counts.items())

    register_demo_loader(1000, "rollups", rebuild)
