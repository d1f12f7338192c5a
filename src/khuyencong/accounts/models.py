"""User accounts and their scoped roles."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from khuyencong.core.fields import DateField
from khuyencong.core.models import AuditedModel, RestrictedQuerySet
from khuyencong.core.permissions import (
    ROLES_ALLOWING_PROVINCE,
    ROLES_REQUIRING_ORGANISATION,
    ROLES_REQUIRING_PROVINCE,
    VIEW,
    Role,
    Scope,
)


class UserQuerySet(RestrictedQuerySet):
    pass


class KCUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AuditedModel, AbstractUser):
    """A person using the system. Roles (with their scope) are in :class:`RoleAssignment`."""

    audit_ignore = ("last_login",)
    audit_redact = ("password",)

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    language = models.CharField(
        _("interface language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    objects = KCUserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.get_username()

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.get_username()

    # --- a new password revokes the API tokens ---------------------------------------------------
    # Every way of setting a password – the password change page, a reset link, the admin, the
    # `changepassword` command, a service – ends in ``set_password`` (or ``set_unusable_password``)
    # and ``save``: the tokens go in the same transaction. A hash upgrade at sign-in is not a new
    # password (Django clears ``_password`` before that save) and keeps them.

    _kc_password_replaced = False

    def set_unusable_password(self) -> None:
        super().set_unusable_password()
        self._kc_password_replaced = True

    def save(self, *args, **kwargs) -> None:
        replaced = not self._state.adding and (self._password is not None or self._kc_password_replaced)
        with transaction.atomic(using=kwargs.get("using") or router.db_for_write(type(self), instance=self)):
            super().save(*args, **kwargs)
            if replaced:
                from khuyencong.accounts.services import revoke_api_tokens

                revoke_api_tokens(self)
        self._kc_password_replaced = False

    save.alters_data = True

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | bool:
        """Administrators manage accounts; everyone else sees only themselves."""
        if scope.is_admin:
            return True
        if scope.user_id is None:
            return False
        return Q(pk=scope.user_id) if action == VIEW else False

    @property
    def is_ministry_admin(self) -> bool:
        from khuyencong.core.permissions import get_scope

        return self.is_active and get_scope(self).is_admin


class RoleAssignmentQuerySet(RestrictedQuerySet):
    pass


class RoleAssignment(AuditedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    province = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": "province"},
        help_text=_("Provincial officers: their province. Leaders: empty for national, or a province."),
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Implementing units: the organisation whose proposals and projects they handle."),
    )
    valid_from = DateField(_("valid from"), null=True, blank=True)
    valid_until = DateField(_("valid until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["user", "role"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")

    def __str__(self) -> str:
        where = self.province or self.organisation
        return f"{self.get_role_display()}" + (f" – {where}" if where else "")

    def audit_parent(self):
        return self.user

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | bool:
        if scope.is_admin:
            return True
        if scope.user_id is None:
            return False
        return Q(user_id=scope.user_id) if action == VIEW else False

    def clean(self) -> None:
        errors = {}
        if self.role in ROLES_REQUIRING_PROVINCE and not self.province_id:
            errors["province"] = _("A provincial officer must be assigned to a province.")
        if self.province_id and self.role not in ROLES_ALLOWING_PROVINCE:
            errors["province"] = _("This role is not limited to a province; leave the province empty.")
        if self.province_id and self.province.level != "province":
            errors["province"] = _("Choose a province, not a lower administrative unit.")
        if self.role in ROLES_REQUIRING_ORGANISATION and not self.organisation_id:
            errors["organisation"] = _("An implementing unit must be linked to its organisation.")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("The end date is before the start date.")
        if errors:
            raise ValidationError(errors)
