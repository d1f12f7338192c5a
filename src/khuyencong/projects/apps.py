from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _can_propose(scope) -> bool:
    return (
        scope.national_write
        or bool(scope.province_write)
        or bool(scope.organisation_ids)
        or bool(scope.establishment_ids)
    )


def _cards(request, scope):
    """Each figure is the count of the list it links to, from the same definition
    (``projects.queries``): following the link shows exactly that many rows. The money of the
    year is the reports' card (``reporting.apps``)."""
    from django.urls import reverse
    from django.utils import timezone

    from khuyencong.core.counting import tally_many
    from khuyencong.core.navigation import Card
    from khuyencong.projects.models import Project
    from khuyencong.projects.queries import dashboard_sets

    if not scope.can_use_workspace:
        return []
    today = timezone.localdate()
    year = today.year
    counts = tally_many(Project.objects.within(scope), dashboard_sets(year))  # one query
    url = reverse("projects:list")
    cards = []
    if scope.is_expert:
        cards.extend(_expert_cards(scope))
    cards += [
        Card(
            _("Projects running %(year)s") % {"year": year},
            str(counts["running"]),
            f"{url}?plan_year={year}&flag=running",
            "kanban",
        ),
        Card(
            _("Proposals in appraisal"),
            str(counts["in_appraisal"]),
            f"{url}?flag=in_appraisal",
            "hourglass-split",
        ),
    ]
    return cards


def _expert_cards(scope):
    """The score sheets waiting for the expert: assignments not submitted, as on “My reviews”."""
    from django.urls import reverse

    from khuyencong.core.formatting import format_number
    from khuyencong.core.navigation import Card
    from khuyencong.projects.queries import pending_reviews

    pending = list(pending_reviews(scope).select_related("project").order_by("project__code"))
    return [
        Card(
            _("Score sheets waiting for you"),
            format_number(len(pending)),
            reverse("projects:my_reviews") + "?state=pending",
            "pencil-square",
            items=[
                (f"{a.project.code} – {a.project.name}", reverse("projects:review", args=[a.pk]))
                for a in pending[:5]  # the first few; the card's link lists them all
            ],
        )
    ]


def _beneficiaries_visible(scope):
    """Implementing units and experts read the establishments their visible projects support."""
    if not (scope.organisation_ids or scope.is_expert):
        return None
    from django.db.models import Q

    from khuyencong.core.permissions import VIEW
    from khuyencong.projects.models import Project, ProjectBeneficiary

    projects = Project.objects.within(scope, VIEW)
    return Q(pk__in=ProjectBeneficiary.objects.filter(project__in=projects).values("establishment"))


def _establishment_page(establishment, scope) -> dict:
    from khuyencong.projects.queries import support_history

    return {"support_history": support_history(establishment, scope)}


class ProjectsConfig(AppConfig):
    name = "khuyencong.projects"
    label = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from khuyencong.core.loading import register_loader
        from khuyencong.projects.loaders import load_project_reference

        register_loader(40, "projects", load_project_reference)

        from khuyencong.core.demo import register_demo_loader
        from khuyencong.projects.demo import load_history_2020, load_live_projects

        register_demo_loader(30, "projects-2020", load_history_2020)
        register_demo_loader(40, "projects", load_live_projects)

        from khuyencong.core import navigation

        def agency(scope):
            return scope.national_write

        def decider(scope):
            return scope.national_write or bool(scope.current_write)

        def expert(scope):
            return scope.is_expert

        for item in [
            navigation.MenuItem(_("All projects"), "projects:list", "list-ul"),
            navigation.MenuItem(_("New proposal"), "projects:create", "plus-lg", _can_propose),
            navigation.MenuItem(_("Registration rounds"), "projects:round_list", "calendar-event"),
            navigation.MenuItem(_("Appraisal councils"), "projects:council_list", "people", agency),
            navigation.MenuItem(_("My reviews"), "projects:my_reviews", "pencil-square", expert),
            navigation.MenuItem(_("Decisions"), "projects:decision_list", "file-earmark-check", decider),
        ]:
            navigation.add_menu_item("projects", item)
        navigation.add_menu_item(
            "reference",
            navigation.MenuItem(_("Support norms"), "projects:norms", "rulers", lambda scope: True),
        )
        navigation.add_cards(10, _cards)

        from khuyencong.establishments.extensions import DETAIL_PAGE, VISIBLE_TO

        VISIBLE_TO.register(_beneficiaries_visible)
        DETAIL_PAGE.register(_establishment_page)
