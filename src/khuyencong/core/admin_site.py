"""The Django administration site, open only to ministry administrators."""

from __future__ import annotations

from django.contrib import admin

from khuyencong.core.permissions import get_scope


class KCAdminSite(admin.AdminSite):
    site_header = "Khuyến công – Quản trị hệ thống"
    site_title = "Khuyến công"
    index_title = "Quản trị"

    def has_permission(self, request) -> bool:
        return request.user.is_active and get_scope(request.user).is_admin
