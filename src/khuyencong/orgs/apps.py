from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _cards(request, scope):
    """The organisations in existence today: the list filtered on today's date (``?on=``)."""
    from django.urls import reverse
    from django.utils import timezone

    from khuyencong.core.counting import tally
    from khuyencong.core.navigation import Card
    from khuyencong.orgs.models import Organisation

    today = timezone.localdate()
    count = tally(Organisation.objects.restrict(request.user).valid_on(today))
    url = f"{reverse('orgs:organisation_list')}?on={today.isoformat()}"
    return [Card(_("Organisations today"), str(count), url, "building")]


class OrgsConfig(AppConfig):
    name = "khuyencong.orgs"
    label = "orgs"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from khuyencong.core import navigation
        from khuyencong.core.loading import register_loader
        from khuyencong.orgs.loaders import load_organisations

        register_loader(30, "orgs", load_organisations)

        navigation.add_cards(91, _cards)
        navigation.add_menu_item(
            "reference",
            navigation.MenuItem(_("Organisations"), "orgs:organisation_list", "building", lambda scope: True),
        )
