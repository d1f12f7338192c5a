from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.models import RoleAssignment, User
from khuyencong.core.admin import AdministratorOnly


class RoleAssignmentInline(AdministratorOnly, admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["province", "organisation"]
    fields = ["role", "province", "organisation", "valid_from", "valid_until", "note"]


@admin.register(User)
class UserAdmin(AdministratorOnly, DjangoUserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ["username", "full_name", "email", "organisation", "is_active", "last_login"]
    list_filter = ["is_active", "role_assignments__role", "organisation__kind"]
    search_fields = ["username", "full_name", "email"]
    autocomplete_fields = ["organisation"]
    ordering = ["username"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["full_name", "email", "phone", "organisation", "job_title", "language"]}),
        (_("Status"), {"fields": ["is_active", "is_staff", "is_superuser", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "full_name", "email", "organisation", "password1", "password2"],
            },
        ),
    ]
    readonly_fields = ["last_login", "date_joined"]


# Sign-in lockouts (django-axes): the ministry administrators unlock an account by deleting its
# failed attempts here (docs/operations.md, "Locked accounts"). Axes registers the model for
# Django superusers only; here the role decides, as everywhere in this admin.
admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LockoutAdmin(AdministratorOnly, AccessAttemptAdmin):
    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
