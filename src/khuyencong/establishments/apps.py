from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _cards(request, scope):
    from django.urls import reverse

    from khuyencong.core.counting import tally
    from khuyencong.core.navigation import Card
    from khuyencong.establishments.queries import registry

    if not scope.can_use_workspace:
        return []
    # exact up to the counting limit, “about …” above it – the same figure as the list's header
    count = tally(registry(scope))
    return [Card(_("Establishments"), str(count), reverse("establishments:list"), "shop")]


class EstablishmentsConfig(AppConfig):
    name = "khuyencong.establishments"
    label = "establishments"
    verbose_name = _("Establishments")

    def ready(self) -> None:
        from khuyencong.core import navigation
        from khuyencong.core.loading import register_loader
        from khuyencong.establishments.loaders import load_establishment_reference

        register_loader(25, "establishments", load_establishment_reference)

        from khuyencong.core.demo import register_demo_loader
        from khuyencong.establishments.demo import load_demo_establishments

        register_demo_loader(20, "establishments", load_demo_establishments)
        navigation.add_cards(20, _cards)

        from khuyencong.establishments.queries import province_map_measure
        from khuyencong.geo.extensions import PROVINCE_MAP_MEASURES

        PROVINCE_MAP_MEASURES.register(province_map_measure)

        def writer(scope):
            return scope.national_write or bool(scope.province_write)

        navigation.add_menu_item(
            "establishments", navigation.MenuItem(_("All establishments"), "establishments:list", "list-ul")
        )
        navigation.add_menu_item(
            "establishments",
            navigation.MenuItem(_("Register an establishment"), "establishments:create", "plus-lg", writer),
        )
        navigation.add_menu_item(
            "establishments",
            navigation.MenuItem(_("Possible duplicates"), "establishments:duplicates", "intersect"),
        )
