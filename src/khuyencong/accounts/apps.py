from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _cards(request, scope):
    """For administrators: the active accounts, linked to the same filter in the user admin."""
    from django.urls import reverse

    from khuyencong.accounts.models import User
    from khuyencong.core.formatting import format_number
    from khuyencong.core.navigation import Card

    if not scope.is_admin:
        return []
    count = User.objects.filter(is_active=True).count()
    url = reverse("admin:accounts_user_changelist") + "?is_active__exact=1"
    return [Card(_("Active users"), format_number(count), url, "people")]


class AccountsConfig(AppConfig):
    name = "khuyencong.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from khuyencong.core import navigation

        navigation.add_cards(95, _cards)

        from khuyencong.accounts.demo import load_demo_accounts
        from khuyencong.core.demo import register_demo_loader

        register_demo_loader(10, "accounts", load_demo_accounts)
