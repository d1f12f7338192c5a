"""Administrative units with validity dates, regions, and the succession between them.

Vietnam had 63 provinces (with districts and communes) until 30 June 2025 and has 34 provinces
with communes, wards and special zones (no districts) since 1 July 2025. Both generations are
kept: a record keeps the unit *as it was*, and :mod:`khuyencong.geo.queries` rolls any old unit
up into its successor so every report can be shown in either geography.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from khuyencong.core.fields import DateField
from khuyencong.core.links import record_url
from khuyencong.core.models import DatedQuerySet, ReferenceModel
from khuyencong.core.text import fold


class Level(models.TextChoices):
    PROVINCE = "province", _("province")
    DISTRICT = "district", _("district")
    COMMUNE = "commune", _("commune")


class Kind(models.TextChoices):
    # provincial level
    PROVINCE = "province", _("province (tỉnh)")
    CENTRAL_CITY = "central_city", _("centrally-run city")
    # district level (until 30 June 2025)
    RURAL_DISTRICT = "rural_district", _("rural district (huyện)")
    URBAN_DISTRICT = "urban_district", _("urban district (quận)")
    TOWN = "town", _("town (thị xã)")
    PROVINCIAL_CITY = "provincial_city", _("provincial city")
    # commune level
    COMMUNE = "commune", _("commune (xã)")
    WARD = "ward", _("ward (phường)")
    TOWNSHIP = "township", _("township (thị trấn)")
    SPECIAL_ZONE = "special_zone", _("special zone (đặc khu)")


KIND_BY_VIETNAMESE = {
    "tỉnh": Kind.PROVINCE,
    "thành phố trung ương": Kind.CENTRAL_CITY,
    "thành phố trực thuộc trung ương": Kind.CENTRAL_CITY,
    "huyện": Kind.RURAL_DISTRICT,
    "quận": Kind.URBAN_DISTRICT,
    "thị xã": Kind.TOWN,
    "thành phố thuộc tỉnh": Kind.PROVINCIAL_CITY,
    "thành phố thuộc thành phố trung ương": Kind.PROVINCIAL_CITY,
    "xã": Kind.COMMUNE,
    "phường": Kind.WARD,
    "thị trấn": Kind.TOWNSHIP,
    "đặc khu": Kind.SPECIAL_ZONE,
}

# Whether a commune-level unit is urban or rural – what eligibility rules look at.
URBAN_KINDS = {Kind.WARD}
RURAL_KINDS = {Kind.COMMUNE, Kind.TOWNSHIP}


class AdministrativeUnit(ReferenceModel):
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(_("official code"), max_length=10)
    name = models.CharField(_("name"), max_length=100, help_text=_("Without the kind, e.g. “Hà Giang”."))
    full_name = models.CharField(_("full name"), max_length=150, help_text=_("E.g. “Tỉnh Hà Giang”."))
    other_names = models.CharField(
        _("other names"),
        max_length=300,
        blank=True,
        help_text=_("Former or alternative names, comma-separated."),
    )
    search_name = models.CharField(max_length=500, editable=False, blank=True, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    valid_from = DateField(_("valid from"), null=True, blank=True)
    valid_until = DateField(_("valid until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    objects = DatedQuerySet.as_manager()

    constraint_fields = {"geo_unit_unique_code": "code", "geo_unit_valid_range": "valid_until"}

    class Meta:
        ordering = ["level", "code", "valid_from"]
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        constraints = [
            models.UniqueConstraint(
                fields=["level", "code", "valid_from"],
                name="geo_unit_unique_code",
                violation_error_code="unit_code_taken",
                violation_error_message=_(
                    "A unit of this level with this code already takes effect on this date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="geo_unit_valid_range",
                violation_error_code="validity_end_before_start",
                violation_error_message=_("The end of validity cannot be before its start."),
            ),
        ]
        indexes = [models.Index(fields=["level", "valid_from", "valid_until"], name="geo_unit_level_dates")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.search_name = self.compute_search_name()
        super().save(*args, **kwargs)

    def compute_search_name(self) -> str:
        return fold(" ".join(filter(None, [self.full_name, self.name, self.other_names])))

    def get_absolute_url(self) -> str:
        return record_url("geo:unit_detail", self.pk)

    @property
    def is_urban(self) -> bool:
        return self.kind in URBAN_KINDS

    @property
    def is_rural(self) -> bool:
        return self.kind in RURAL_KINDS

    @property
    def generation(self) -> str:
        """``2025`` for units of the two-level structure, ``2008`` for the 63-province one."""
        if self.valid_from is not None and self.valid_from >= datetime.date(2025, 7, 1):
            return "2025"
        return "2008"

    def valid_on(self, on: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_until is None or self.valid_until >= on
        )

    def province(self) -> AdministrativeUnit:
        unit = self
        while unit.parent_id is not None and unit.level != Level.PROVINCE:
            unit = unit.parent
        return unit


class RegionScheme(models.TextChoices):
    ECONOMIC = "economic", _("socio-economic region")
    CONFERENCE = "conference", _("khuyến công conference area")


class Region(ReferenceModel):
    scheme = models.CharField(_("scheme"), max_length=20, choices=RegionScheme.choices)
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=150)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    source = models.CharField(_("source"), max_length=300, blank=True)

    constraint_fields = {"geo_region_unique_code": "code"}

    class Meta:
        ordering = ["scheme", "order", "code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "code"],
                name="geo_region_unique_code",
                violation_error_code="region_code_taken",
                violation_error_message=_("This scheme already has a region with this code."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class RegionMembership(ReferenceModel):
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="region_memberships",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    constraint_fields = {"geo_membership_unique": "unit"}

    class Meta:
        ordering = ["region", "unit__code"]
        verbose_name = _("region membership")
        verbose_name_plural = _("region memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "unit"],
                name="geo_membership_unique",
                violation_error_code="membership_exists",
                violation_error_message=_("This unit already belongs to the region."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} ∈ {self.region}"

    def audit_parent(self):
        return self.unit


class SuccessionKind(models.TextChoices):
    CONTINUED = "continued", _("continued (same territory)")
    MERGED = "merged", _("merged into")
    SPLIT = "split", _("split (part of territory)")
    RENAMED = "renamed", _("renamed")


class Succession(ReferenceModel):
    """``predecessor`` became (all or ``share_percent`` of) ``successor`` on ``effective_date``."""

    predecessor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("predecessor"),
        on_delete=models.CASCADE,
        related_name="successions",
    )
    successor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("successor"),
        on_delete=models.CASCADE,
        related_name="predecessions",
    )
    effective_date = DateField(_("effective date"))
    kind = models.CharField(_("kind"), max_length=20, choices=SuccessionKind.choices)
    share_percent = models.PositiveSmallIntegerField(
        _("share of the predecessor (%)"),
        default=100,
        help_text=_("For a unit split between several successors: the part going to this one."),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    is_seat = models.BooleanField(
        _("seat of the successor"),
        default=False,
        help_text=_("The successor's political-administrative centre is in this predecessor."),
    )

    constraint_fields = {"geo_succession_unique": "successor", "geo_succession_share": "share_percent"}

    class Meta:
        ordering = ["effective_date", "successor__code", "predecessor__code"]
        verbose_name = _("succession")
        verbose_name_plural = _("successions")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"],
                name="geo_succession_unique",
                violation_error_code="succession_exists",
                violation_error_message=_("This succession between the two units is already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(share_percent__gte=1) & Q(share_percent__lte=100),
                name="geo_succession_share",
                violation_error_code="share_out_of_range",
                violation_error_message=_("The share must be between 1 and 100 per cent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective_date:%d/%m/%Y})"

    def audit_parent(self):
        return self.successor
