from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "khuyencong.documents"
    label = "documents"
    verbose_name = _("Report documents")
