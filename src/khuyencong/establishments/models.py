"""The registry of rural industrial establishments (cơ sở công nghiệp nông thôn, CNNT).

One record per establishment, nationally: a micro/small/medium enterprise, a cooperative, a
cooperative group, a household business (or, since Decree 235/2025, an artisan). Each keeps its
address *as it was when registered* (province and commune of that time) and the province that
holds it today (``province_now``), so lists and reports work in either geography.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from khuyencong.core.fields import DateField, MoneyField
from khuyencong.core.links import record_url
from khuyencong.core.models import AuditedModel, ReferenceModel
from khuyencong.core.permissions import CHANGE, VIEW, Scope
from khuyencong.core.text import fold, normalise
from khuyencong.establishments.extensions import VISIBLE_TO

# Words naming the legal form, ignored when comparing names for duplicates.
LEGAL_FORM_WORDS = re.compile(
    r"\b(cong ty|cty|tnhh|co phan|mot thanh vien|mtv|hop tac xa|htx|to hop tac|tht|ho kinh doanh|hkd|"
    r"co so|doanh nghiep tu nhan|dntn|xuong)\b"
)


def name_key(name: str) -> str:
    """A name reduced for duplicate detection: folded, without legal-form words and punctuation."""
    text = re.sub(r"[^a-z0-9 ]", " ", fold(name))
    text = LEGAL_FORM_WORDS.sub(" ", text)
    return " ".join(text.split())[:255]


class EstablishmentKind(models.TextChoices):
    MICRO_ENTERPRISE = "micro", _("micro enterprise")
    SMALL_ENTERPRISE = "small", _("small enterprise")
    MEDIUM_ENTERPRISE = "medium", _("medium enterprise")
    LARGE_ENTERPRISE = "large", _("large enterprise")
    COOPERATIVE = "cooperative", _("cooperative")
    COOPERATIVE_GROUP = "cooperative_group", _("cooperative group")
    HOUSEHOLD = "household", _("household business")
    ARTISAN = "artisan", _("artisan (individual)")


ENTERPRISE_KINDS = {
    EstablishmentKind.MICRO_ENTERPRISE,
    EstablishmentKind.SMALL_ENTERPRISE,
    EstablishmentKind.MEDIUM_ENTERPRISE,
    EstablishmentKind.LARGE_ENTERPRISE,
}
# Kinds that must have a tax code (enterprises and cooperatives are registered with one).
KINDS_REQUIRING_TAX_CODE = ENTERPRISE_KINDS | {EstablishmentKind.COOPERATIVE}


class Status(models.TextChoices):
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")
    CLOSED = "closed", _("closed")
    MERGED = "merged", _("merged into another record")


class ArtisanTitle(models.TextChoices):
    NONE = "", _("none")
    PEOPLES = "peoples", _("People's Artisan")
    MERITORIOUS = "meritorious", _("Meritorious Artisan")
    PROVINCIAL = "provincial", _("provincial-level artisan")


class SectorSection(ReferenceModel):
    """A section (letter) of the Vietnam Standard Industrial Classification VSIC 2018."""

    code = models.CharField(_("code"), max_length=1, unique=True)
    name = models.CharField(_("name"), max_length=300)

    class Meta:
        ordering = ["code"]
        verbose_name = _("VSIC section")
        verbose_name_plural = _("VSIC sections")

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class SectorDivision(ReferenceModel):
    """A division (two digits) of VSIC 2018, e.g. 23 – other non-metallic mineral products."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    section = models.ForeignKey(SectorSection, on_delete=models.PROTECT, related_name="divisions")
    name = models.CharField(_("name"), max_length=300)

    class Meta:
        ordering = ["code"]
        verbose_name = _("VSIC division")
        verbose_name_plural = _("VSIC divisions")

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class Establishment(AuditedModel):
    # identity
    name = models.CharField(_("legal name"), max_length=255)
    other_names = models.CharField(
        _("other names"), max_length=255, blank=True, help_text=_("Trade or former names.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EstablishmentKind.choices)
    tax_code = models.CharField(
        _("tax code / enterprise code"),
        max_length=14,
        null=True,
        blank=True,
        unique=True,
        help_text=_("10 digits, or 13 digits for a branch (e.g. 0100233488 or 0314409058-002)."),
    )
    registration_number = models.CharField(
        _("business registration number"),
        max_length=50,
        blank=True,
        help_text=_("For household businesses and cooperative groups without a tax code."),
    )
    registration_date = DateField(_("date of business registration"), null=True, blank=True)
    established_on = DateField(_("date established"), null=True, blank=True)
    # owner / representative
    representative = models.CharField(_("owner or legal representative"), max_length=150)
    representative_title = models.CharField(_("title"), max_length=100, blank=True)
    women_owned = models.BooleanField(_("owned or run by a woman"), default=False)
    ethnic_minority_owned = models.BooleanField(_("owned by an ethnic-minority person"), default=False)
    artisan_title = models.CharField(
        _("artisan title of the owner"), max_length=20, choices=ArtisanTitle.choices, blank=True, default=""
    )
    # address as registered, and the province holding it today
    address = models.CharField(_("address (house, street, village)"), max_length=300)
    commune = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("commune / ward"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "commune"},
    )
    province = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("province (as registered)"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    province_now = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("province today"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    address_as_of = DateField(
        _("address valid on"),
        help_text=_("The date the address refers to; the commune must exist on that date."),
    )
    in_craft_village = models.BooleanField(_("in a craft village"), default=False)
    craft_village = models.CharField(_("craft village"), max_length=200, blank=True)
    craft_village_recognised = models.BooleanField(
        _("craft village recognised by the province"), default=False
    )
    # activity
    vsic_code = models.CharField(
        _("main sector (VSIC 2018 code)"),
        max_length=5,
        help_text=_("At least the two-digit division, e.g. 23 or 2393."),
    )
    division = models.ForeignKey(SectorDivision, on_delete=models.PROTECT, related_name="+", editable=False)
    section = models.CharField(_("VSIC section"), max_length=1, editable=False, db_index=True)
    is_handicraft = models.BooleanField(_("handicraft / fine-art products"), default=False)
    products = models.TextField(_("main products"))
    employees = models.PositiveIntegerField(
        _("employees"), default=0, validators=[MaxValueValidator(1_000_000)]
    )
    # contact
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # status
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    status_since = DateField(_("status since"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="absorbed",
        editable=False,
    )
    note = models.TextField(_("note"), blank=True)
    # search and concurrency
    search_text = models.CharField(max_length=700, editable=False, db_index=True)
    name_key = models.CharField(max_length=255, editable=False, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    constraint_fields = {"est_merged_has_target": "merged_into"}

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("establishment")
        verbose_name_plural = _("establishments")
        # Lists are ordered by (name, id): every index a list walks ends with them, so a page of 50
        # reads 50 rows however large the table (see benchmarks/establishments.py).
        indexes = [
            models.Index(fields=["name", "id"], name="est_name_id"),
            models.Index(fields=["province_now", "name", "id"], name="est_province_now_name"),
            models.Index(fields=["province", "name", "id"], name="est_province_name"),
            models.Index(fields=["commune", "name_key"], name="est_commune_key"),
            models.Index(fields=["province_now", "name_key"], name="est_province_now_key"),
            models.Index(fields=["kind"], name="est_kind"),
            models.Index(fields=["status"], name="est_status"),
            # narrow index over the live records: an exact count reads it alone
            models.Index(fields=["id"], condition=~Q(status="merged"), name="est_live_id"),
            # …and a province's live records: its list's count and the home page's card read it alone
            models.Index(
                fields=["province_now", "id"], condition=~Q(status="merged"), name="est_live_province"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="merged", merged_into__isnull=False) | ~Q(status="merged"),
                name="est_merged_has_target",
                violation_error_code="merged_without_target",
                violation_error_message=_(
                    "A merged establishment must name the establishment it was merged into."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("establishments:detail", self.pk)

    def save(self, *args, **kwargs) -> None:
        self.prepare()
        super().save(*args, **kwargs)

    def prepare(self) -> None:
        """Derive the stored helpers: provinces (as registered and today), division, search keys."""
        from khuyencong.geo.queries import province_now

        reference = reference_in_use()
        self.name = normalise(self.name)
        if reference is not None:
            self.commune = reference.unit(self.commune_id) or self.commune
        province = self.commune.province()
        self.province = province
        self.province_now = reference.province_now(province) if reference else province_now(province)
        division = division_of(self.vsic_code[:2])
        if division is not None:
            self.division = division
            self.section = division.section.code
        self.search_text = " ".join(
            part
            for part in (fold(self.name), fold(self.other_names), (self.tax_code or "").replace("-", ""))
            if part
        )[:700]
        self.name_key = name_key(self.name)

    def clean(self) -> None:
        """The rules every entry point (page, API, import) applies; errors name the field."""
        from django.utils import timezone

        from khuyencong.establishments.validators import normalise_tax_code

        errors: dict[str, list] = {}

        def add(field: str, message) -> None:
            errors.setdefault(field, []).append(message)

        self.name = normalise(self.name)
        try:
            self.tax_code = normalise_tax_code(self.tax_code)
        except ValidationError as error:
            add("tax_code", error)
        if not self.tax_code and self.kind in KINDS_REQUIRING_TAX_CODE:
            add("tax_code", _("Enterprises and cooperatives must have a tax code."))
        today = timezone.localdate()
        for field in ("registration_date", "established_on", "address_as_of", "status_since"):
            value = getattr(self, field)
            if value and value > today:
                add(field, _("This date is in the future."))
        if self.commune_id:
            commune = self.commune
            if commune.level != "commune":
                add("commune", _("Choose a commune, ward or special zone."))
            elif self.address_as_of and not commune.valid_on(self.address_as_of):
                add(
                    "commune",
                    _("“%(name)s” did not exist on %(date)s (it was valid %(start)s – %(end)s).")
                    % {
                        "name": commune.full_name,
                        "date": self.address_as_of.strftime("%d/%m/%Y"),
                        "start": commune.valid_from.strftime("%d/%m/%Y") if commune.valid_from else "…",
                        "end": commune.valid_until.strftime("%d/%m/%Y") if commune.valid_until else "…",
                    },
                )
        code = (self.vsic_code or "").strip()
        self.vsic_code = code
        if code and (not code.isdigit() or not 2 <= len(code) <= 5):
            add("vsic_code", _("A VSIC code has 2 to 5 digits (e.g. 23 or 2393)."))
        elif code and division_of(code[:2]) is None:
            add("vsic_code", _("Division “%(code)s” does not exist in VSIC 2018.") % {"code": code[:2]})
        if self.in_craft_village and not self.craft_village.strip():
            add("craft_village", _("Name the craft village."))
        if self.craft_village_recognised and not self.in_craft_village:
            add(
                "craft_village_recognised",
                _("Only an establishment in a craft village can be in a recognised one."),
            )
        if self.status == Status.MERGED and not self.merged_into_id:
            add("status", _("Records are marked merged only by merging them."))
        if errors:
            raise ValidationError(errors)

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | bool:
        """Provinces see and change their establishments (by today's province, so the former
        provinces merged into theirs are included); the agency sees all."""
        # ``province_now`` is always a current province: compare with those only (an IN-list of the
        # former provinces too would stop the database from walking the ordered index)
        condition = scope.province_q("province_now", action, current_only=True)
        if condition is True or action == CHANGE:
            return condition
        extras = [Q(pk__in=scope.establishment_ids)] if scope.establishment_ids else []
        if condition is False:
            # e.g. implementing units and experts: the beneficiaries of the projects they may see
            extras.extend(VISIBLE_TO.results(scope))
        for extra in extras:
            condition = extra if condition is False else condition | extra
        return condition

    @property
    def is_enterprise(self) -> bool:
        return self.kind in ENTERPRISE_KINDS

    @property
    def priority_groups(self) -> list[str]:
        groups = []
        if self.women_owned:
            groups.append("women")
        if self.ethnic_minority_owned:
            groups.append("ethnic_minority")
        if self.artisan_title:
            groups.append("artisan")
        return groups


class EstablishmentFigure(AuditedModel):
    """Yearly figures of an establishment (revenue, production value, employees)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="figures")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    revenue = MoneyField(_("revenue (VND)"), null=True, blank=True, validators=[MinValueValidator(0)])
    production_value = MoneyField(
        _("production value (VND)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)

    constraint_fields = {"est_figure_year_unique": "year"}

    class Meta:
        ordering = ["establishment", "-year"]
        verbose_name = _("yearly figures")
        verbose_name_plural = _("yearly figures")
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "year"],
                name="est_figure_year_unique",
                violation_error_code="figures_year_exists",
                violation_error_message=_(
                    "Figures for this year have already been entered for this establishment."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.establishment} – {self.year}"

    def audit_parent(self):
        return self.establishment

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | bool:
        inner = Establishment.scope_filter(scope, action)
        if isinstance(inner, bool):
            return inner
        return Q(establishment__in=Establishment.objects.filter(inner))

    @classmethod
    def merge_establishments(cls, *, survivor: Establishment, absorbed: Establishment) -> dict:
        """Years the survivor lacks move over; for years both have, the survivor's figures stay and
        the absorbed record's are kept in the merge record."""
        kept_years = set(cls.objects.filter(establishment=survivor).values_list("year", flat=True))
        dropped = []
        moved = []
        for figure in cls.objects.filter(establishment=absorbed):
            if figure.year in kept_years:
                dropped.append(
                    {
                        "year": figure.year,
                        "revenue": figure.revenue,
                        "production_value": figure.production_value,
                        "employees": figure.employees,
                    }
                )
                figure.delete()
            else:
                figure.establishment = survivor
                figure.save()
                moved.append(figure.year)
        return {"moved_years": moved, "dropped": dropped}


class EstablishmentMerge(AuditedModel):
    """Two records found to be the same establishment: ``absorbed`` was merged into ``survivor``."""

    survivor = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="merges")
    absorbed = models.OneToOneField(Establishment, on_delete=models.PROTECT, related_name="merged_away")
    reason = models.TextField(_("reason"))
    moved = models.JSONField(_("records moved"), default=dict)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("merge of duplicate records")
        verbose_name_plural = _("merges of duplicate records")

    def __str__(self) -> str:
        return f"{self.absorbed} → {self.survivor}"

    def audit_parent(self):
        return self.survivor

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | bool:
        inner = Establishment.scope_filter(scope, VIEW)
        if isinstance(inner, bool):
            return inner
        return Q(survivor__in=Establishment.objects.filter(inner))


# --- reference data read once for many records --------------------------------------------------


class ReferenceData:
    """What checking and preparing an establishment looks up – the VSIC divisions, the administrative
    units with their parents, the province holding each province today – read once for a whole set
    of records (an import of 100,000 rows), so that no record asks the database again. Inside
    :func:`reference_cached` the model's ``clean`` and ``prepare`` read from it; outside, they query
    as always. The answers are the same (``tests/test_set_wise.py``)."""

    def __init__(self, units: dict[int, Any] | None = None) -> None:
        from khuyencong.geo.models import AdministrativeUnit

        self.divisions = {d.code: d for d in SectorDivision.objects.select_related("section")}
        if units is None:
            units = {
                u.pk: u
                for u in AdministrativeUnit.objects.only(
                    "id",
                    "level",
                    "kind",
                    "code",
                    "name",
                    "full_name",
                    "parent_id",
                    "valid_from",
                    "valid_until",
                )
            }
            for unit in units.values():  # parents in memory: ``unit.province()`` without a query
                if unit.parent_id:
                    unit.parent = units[unit.parent_id]
        self.units = units
        self._now: dict[int, Any] = {}

    def division(self, code: str) -> SectorDivision | None:
        return self.divisions.get(code)

    def unit(self, pk: int | None) -> Any:
        return self.units.get(pk) if pk is not None else None

    def is_commune(self, pk: int | None) -> bool:
        """What the commune field's own check asks the database: a unit of level commune with this id."""
        unit = self.unit(pk)
        return unit is not None and unit.level == "commune"

    def province_now(self, province: Any) -> Any:
        """:func:`khuyencong.geo.queries.province_now`, once per province."""
        from khuyencong.geo.queries import province_now

        found = self._now.get(province.pk)
        if found is None:
            found = self._now[province.pk] = province_now(province)
        return found


_reference: ContextVar[ReferenceData | None] = ContextVar("kc_establishment_reference", default=None)


def reference_in_use() -> ReferenceData | None:
    return _reference.get()


@contextmanager
def reference_cached(reference: ReferenceData | None = None) -> Iterator[ReferenceData]:
    """Check and prepare records inside with ``reference`` (read now when not given); an enclosing
    one is kept when none is given."""
    enclosing = _reference.get()
    if enclosing is not None and reference in (None, enclosing):
        yield enclosing
        return
    data = reference or ReferenceData()
    token = _reference.set(data)
    try:
        yield data
    finally:
        _reference.reset(token)


def division_of(code: str) -> SectorDivision | None:
    """The VSIC division with this two-digit code (with its section), or ``None``."""
    reference = _reference.get()
    if reference is not None:
        return reference.division(code)
    return SectorDivision.objects.select_related("section").filter(code=code).first()


# --- eligibility rules (data, with effective dates) ----------------------------------------------


class Outcome(models.TextChoices):
    ELIGIBLE = "eligible", _("eligible")
    NOT_ELIGIBLE = "not_eligible", _("not eligible")
    REVIEW = "review", _("needs review")


class Dimension(models.TextChoices):
    LOCATION = "location", _("location (kind of commune)")
    CRAFT_VILLAGE = "craft_village", _("recognised craft village")
    KIND = "kind", _("kind and size")
    SECTOR_SECTION = "sector_section", _("sector (VSIC section)")
    SECTOR_DIVISION = "sector_division", _("sector (VSIC division)")
    STATUS = "status", _("status")
    PRIORITY = "priority", _("priority group")


class EligibilityRuleSet(ReferenceModel):
    """The eligibility rules of one legal regime, in force over a period."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    legal_basis = models.ForeignKey(
        "programmes.LegalDocument", verbose_name=_("legal basis"), on_delete=models.PROTECT, related_name="+"
    )
    effective_from = DateField(_("in force from"))
    effective_until = DateField(_("in force until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["effective_from"]
        verbose_name = _("eligibility rule set")
        verbose_name_plural = _("eligibility rule sets")

    def __str__(self) -> str:
        return self.name


class EligibilityRule(ReferenceModel):
    rule_set = models.ForeignKey(EligibilityRuleSet, on_delete=models.CASCADE, related_name="rules")
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    value = models.CharField(_("value"), max_length=40, help_text=_("E.g. ward, C, 37, closed, women."))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    reason = models.CharField(_("reason (Vietnamese)"), max_length=500)
    reason_en = models.CharField(_("reason (English)"), max_length=500, blank=True)
    article = models.CharField(_("article"), max_length=100, blank=True)

    constraint_fields = {"est_rule_unique": "value"}

    class Meta:
        ordering = ["rule_set", "dimension", "value"]
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "dimension", "value"],
                name="est_rule_unique",
                violation_error_code="rule_exists",
                violation_error_message=_("This rule set already has a rule for this value."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_set.code}: {self.dimension}={self.value} → {self.outcome}"

    def audit_parent(self):
        return self.rule_set
