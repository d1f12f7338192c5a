from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "khuyencong.programmes"
    label = "programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from khuyencong.core.loading import register_loader
        from khuyencong.programmes.loaders import load_programmes

        register_loader(20, "programmes", load_programmes)

        from khuyencong.core import navigation

        def everyone(scope):
            return True

        for label, url_name, icon in [
            (_("Programmes and targets"), "programmes:programme_list", "flag"),
            (_("Contents and indicators"), "programmes:content_list", "list-check"),
            (_("Legal documents"), "programmes:document_list", "file-earmark-text"),
        ]:
            navigation.add_menu_item("reference", navigation.MenuItem(label, url_name, icon, everyone))
