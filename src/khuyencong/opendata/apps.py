from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    name = "khuyencong.opendata"
    label = "opendata"
    verbose_name = _("Open data")

    def ready(self) -> None:
        from khuyencong.core import navigation

        def everyone(scope):  # open data needs no account
            return True

        navigation.add_menu_item(
            "reference", navigation.MenuItem(_("Open data"), "opendata:index", "database-down", everyone)
        )
