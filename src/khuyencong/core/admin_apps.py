from django.contrib.admin.apps import AdminConfig


class KCAdminConfig(AdminConfig):
    """Django's admin, on a site that only ministry administrators may enter."""

    default_site = "khuyencong.core.admin_site.KCAdminSite"
