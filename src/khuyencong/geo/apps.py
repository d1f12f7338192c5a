from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _cards(request, scope):
    from django.utils import timezone

    from khuyencong.core.counting import tally
    from khuyencong.core.navigation import Card
    from khuyencong.geo.queries import provinces_on

    today = timezone.localdate()
    from django.urls import reverse

    return [
        Card(
            _("Provinces today"),
            str(tally(provinces_on(today))),
            reverse("geo:unit_list"),
            "geo-alt",
        )
    ]


class GeoConfig(AppConfig):
    name = "khuyencong.geo"
    label = "geo"
    verbose_name = _("Geography")

    def ready(self) -> None:
        from khuyencong.core import navigation
        from khuyencong.core.loading import register_loader
        from khuyencong.geo.loaders import load_geography

        register_loader(10, "geo", load_geography)

        from khuyencong.core.permissions import Territory, register_territory
        from khuyencong.geo.queries import province_with_predecessors, valid_unit_ids

        register_territory(Territory(province_with_predecessors, valid_unit_ids))

        navigation.add_cards(90, _cards)

        def everyone(scope):  # reference data is public
            return True

        navigation.add_menu_item(
            "reference", navigation.MenuItem(_("Administrative units"), "geo:unit_list", "geo-alt", everyone)
        )
        navigation.add_menu_item(
            "reference", navigation.MenuItem(_("Regions"), "geo:region_list", "map", everyone)
        )
        # figures per province are workspace data (the default: a workspace role)
        navigation.add_menu_item(
            "reference",
            navigation.MenuItem(_("Map of provinces"), "geo:province_map", "globe-asia-australia"),
        )
