"""Administration of the shared pieces; base classes for every app's admin."""

from __future__ import annotations

from django.contrib import admin

from khuyencong.core.models import ObjectChange, SystemParameter
from khuyencong.core.permissions import get_scope


class AdministratorOnly:
    """Model admin permissions come from the role, not from Django's per-model permissions."""

    def _is_admin(self, request) -> bool:
        return request.user.is_active and get_scope(request.user).is_admin

    def has_module_permission(self, request) -> bool:
        return self._is_admin(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._is_admin(request)

    def has_add_permission(self, request, *args) -> bool:
        return self._is_admin(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._is_admin(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._is_admin(request)


class AuditedAdmin(AdministratorOnly, admin.ModelAdmin):
    """Reference and configuration data, which administrators maintain here: saves go through the
    model's audited ``save``/``delete`` (origin "admin")."""


class ReadOnlyAdmin(AdministratorOnly, admin.ModelAdmin):
    """Business records (establishments, projects, …) are shown here, never changed: their changes
    have rules (scope, validation, versions, events) that live in the services, which the pages,
    the API and the imports call. The administrator reads them here to support users."""

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(ObjectChange)
class ObjectChangeAdmin(AdministratorOnly, admin.ModelAdmin):
    list_display = ["time", "user_name", "origin", "action", "content_type", "object_repr"]
    list_filter = ["action", "origin", "content_type"]
    search_fields = ["user_name", "object_repr", "reason"]
    date_hierarchy = "time"

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(SystemParameter)
class SystemParameterAdmin(AuditedAdmin):
    list_display = ["key", "value", "kind", "description"]
