"""Organisations: the ministry, the agency, national and provincial centres, DOITs, partners.

Organisations carry validity dates and a dated history of names (the agency was renamed twice);
the 2025 reorganisation merged DOITs and extension centres, recorded as successions.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from khuyencong.core.fields import DateField, WebsiteField
from khuyencong.core.links import record_url
from khuyencong.core.models import DatedQuerySet, ReferenceModel
from khuyencong.core.permissions import VIEW, Scope
from khuyencong.core.text import fold


class OrgKind(models.TextChoices):
    MINISTRY = "ministry", _("ministry")
    AGENCY = "agency", _("managing agency")
    NATIONAL_CENTRE = "national_centre", _("national extension centre")
    PEOPLES_COMMITTEE = "peoples_committee", _("provincial People's Committee")
    DOIT = "doit", _("Department of Industry and Trade")
    EXTENSION_CENTRE = "extension_centre", _("provincial extension centre")
    PARTNER = "partner", _("service organisation (partner)")
    OTHER = "other", _("other")


PROVINCIAL_KINDS = {OrgKind.PEOPLES_COMMITTEE, OrgKind.DOIT, OrgKind.EXTENSION_CENTRE}


class CentreFunction(models.TextChoices):
    KHUYEN_CONG = "khuyen_cong", _("industrial promotion")
    CONSULTING = "consulting", _("industrial development consulting")
    TRADE_PROMOTION = "trade_promotion", _("trade promotion")
    ENERGY_SAVING = "energy_saving", _("energy saving")
    SUPPORTING_INDUSTRY = "supporting_industry", _("supporting industry")
    OTHER = "other", _("other")


class Organisation(ReferenceModel):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrgKind.choices)
    name = models.CharField(_("name"), max_length=255, help_text=_("The current (or last) official name."))
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    province = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        limit_choices_to={"level": "province"},
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    functions = models.JSONField(_("functions"), default=list, blank=True)
    valid_from = DateField(_("valid from"), null=True, blank=True)
    valid_until = DateField(_("valid until"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = WebsiteField(_("website"), blank=True)
    name_verified = models.BooleanField(
        _("name verified"),
        default=True,
        help_text=_(
            "False while the official name has not yet been confirmed against its founding decision."
        ),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    search_name = models.CharField(max_length=600, editable=False, blank=True, db_index=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "province__code", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def get_functions_display(self) -> list[str]:
        """The functions by their names, not their codes."""
        labels = dict(CentreFunction.choices)
        return [str(labels.get(code, code)) for code in self.functions]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | bool:
        """Everyone reads organisations; a province keeps its own bodies' details up to date."""
        if action == VIEW:
            return True
        if scope.is_admin:
            return True
        if scope.province_write:
            return Q(province__in=scope.province_write, kind__in=PROVINCIAL_KINDS)
        return False

    def save(self, *args, **kwargs) -> None:
        self.search_name = fold(" ".join([self.name, self.short_name, self.code]))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return record_url("orgs:organisation_detail", self.pk)

    def name_on(self, on: datetime.date) -> str:
        """The name the organisation bore on a date (from its name history)."""
        for entry in self.names.all():
            if (entry.valid_from is None or entry.valid_from <= on) and (
                entry.valid_until is None or entry.valid_until >= on
            ):
                return entry.name
        return self.name

    def valid_on(self, on: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_until is None or self.valid_until >= on
        )


class OrganisationName(ReferenceModel):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    valid_from = DateField(_("valid from"), null=True, blank=True)
    valid_until = DateField(_("valid until"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)

    class Meta:
        # a first name without a start date comes first on every database
        ordering = ["organisation", models.F("valid_from").asc(nulls_first=True)]
        verbose_name = _("organisation name")
        verbose_name_plural = _("organisation names")

    def __str__(self) -> str:
        return self.name

    def audit_parent(self):
        return self.organisation


class OrganisationSuccession(ReferenceModel):
    predecessor = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="successions")
    successor = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="predecessions")
    effective_date = DateField(_("effective date"))
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)

    constraint_fields = {"orgs_succession_unique": "successor"}

    class Meta:
        ordering = ["effective_date"]
        verbose_name = _("organisation succession")
        verbose_name_plural = _("organisation successions")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"],
                name="orgs_succession_unique",
                violation_error_code="succession_exists",
                violation_error_message=_(
                    "This succession between the two organisations is already recorded."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"

    def audit_parent(self):
        return self.successor
