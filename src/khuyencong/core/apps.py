from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "khuyencong.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from khuyencong.core import navigation
        from khuyencong.core.models import connect_audit_signals

        connect_audit_signals()

        from django.core.signals import setting_changed

        from khuyencong.core import links

        setting_changed.connect(navigation.clear_menu_cache, dispatch_uid="kc-menu-cache")
        setting_changed.connect(links.clear, dispatch_uid="kc-link-templates")

        from khuyencong.core.loaders import load_parameters
        from khuyencong.core.loading import register_loader

        register_loader(5, "core", load_parameters)

        from khuyencong.core.generic import EXPORT_JOB, export_list_job
        from khuyencong.core.jobs import register_job

        # a list too long to export while the user waits (KC_JOBS_EXPORT_ROWS); reads only: no transaction
        register_job(EXPORT_JOB, export_list_job, _("List export"), atomic=False)
        # The shell's menu groups; apps add their items in their own ready().
        navigation.menu_group("projects", _("Projects"), "kanban", 10)
        navigation.menu_group("establishments", _("Establishments"), "shop", 20)
        navigation.menu_group("reports", _("Reports"), "bar-chart-line", 30)
        navigation.menu_group("reference", _("Reference data"), "journal-bookmark", 50)
        navigation.menu_group("admin", _("Administration"), "gear", 90)
        navigation.add_menu_item(
            "admin",
            navigation.MenuItem(_("Change log"), "core:audit_log", "clock-history", lambda s: s.is_admin),
        )
        navigation.add_menu_item(
            "admin",
            navigation.MenuItem(
                _("Users and roles"), "admin:accounts_user_changelist", "people", lambda s: s.is_admin
            ),
        )
