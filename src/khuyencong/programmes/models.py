"""Legal documents, programmes and their phases, contents, indicators and targets.

All of it is data: a new programme (2026–2030 under Decision 2646/QĐ-BCT), a new content (digital
transformation under Decree 235/2025) or a new indicator is added by an administrator, with no
code change, and every change is recorded in the audit trail.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from khuyencong.core.fields import DateField, MoneyField
from khuyencong.core.links import record_url
from khuyencong.core.models import DatedQuerySet, ReferenceModel
from khuyencong.core.permissions import VIEW, Scope
from khuyencong.core.text import fold


class DocumentKind(models.TextChoices):
    LAW = "law", _("law")
    NA_RESOLUTION = "na_resolution", _("resolution of the National Assembly")
    DECREE = "decree", _("decree")
    GOV_RESOLUTION = "gov_resolution", _("resolution of the Government")
    PM_DECISION = "pm_decision", _("decision of the Prime Minister")
    DIRECTIVE = "directive", _("directive")
    CIRCULAR = "circular", _("circular")
    JOINT_CIRCULAR = "joint_circular", _("joint circular")
    MINISTER_DECISION = "minister_decision", _("decision of the Minister")
    OFFICIAL_LETTER = "official_letter", _("official letter")
    PROVINCIAL_RESOLUTION = "provincial_resolution", _("resolution of the provincial People's Council")
    PROVINCIAL_DECISION = "provincial_decision", _("decision of the provincial People's Committee")
    PROVINCIAL_PROGRAMME = "provincial_programme", _("provincial programme")
    PROVINCIAL_REGULATION = "provincial_regulation", _("provincial regulation")
    OTHER = "other", _("other")


PROVINCIAL_DOCUMENT_KINDS = {
    DocumentKind.PROVINCIAL_RESOLUTION,
    DocumentKind.PROVINCIAL_DECISION,
    DocumentKind.PROVINCIAL_PROGRAMME,
    DocumentKind.PROVINCIAL_REGULATION,
}


class ProvincialReferenceModel(ReferenceModel):
    """Reference data that a province keeps for itself (its programme, its regulations).

    Everyone reads it; administrators change all of it, provincial officers the rows of their
    province.
    """

    class Meta:
        abstract = True

    province_lookup = "province"

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | bool:
        if action == VIEW or scope.is_admin:
            return True
        if scope.province_write:
            return Q(**{f"{cls.province_lookup}__in": scope.province_write})
        return False


class LegalDocument(ProvincialReferenceModel):
    number = models.CharField(_("number"), max_length=60, help_text=_("E.g. 45/2012/NĐ-CP"))
    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices)
    title = models.CharField(_("subject"), max_length=500)
    issuer = models.CharField(_("issuer"), max_length=200)
    issued_on = DateField(_("date issued"))
    effective_from = DateField(_("in force from"), null=True, blank=True)
    effective_until = DateField(_("in force until"), null=True, blank=True)
    province = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legal_documents",
        help_text=_("For provincial documents."),
    )
    url = models.URLField(_("link to the text"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    search_name = models.CharField(max_length=800, editable=False, blank=True, db_index=True)

    constraint_fields = {"programmes_document_unique": "number"}

    class Meta:
        ordering = ["-issued_on", "number"]
        verbose_name = _("legal document")
        verbose_name_plural = _("legal documents")
        constraints = [
            models.UniqueConstraint(
                fields=["number", "issuer"],
                name="programmes_document_unique",
                violation_error_code="document_number_taken",
                violation_error_message=_("This issuer already has a document with this number."),
            )
        ]

    def __str__(self) -> str:
        kind = str(self.get_kind_display())
        return f"{kind[:1].upper()}{kind[1:]} {self.number}"

    def save(self, *args, **kwargs) -> None:
        self.search_name = fold(f"{self.number} {self.title} {self.issuer}")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return record_url("programmes:document_detail", self.pk)

    def in_force_on(self, on: datetime.date) -> bool:
        start = self.effective_from or self.issued_on
        return start <= on and (self.effective_until is None or self.effective_until >= on)


class RelationKind(models.TextChoices):
    REPLACES = "replaces", _("replaces")
    AMENDS = "amends", _("amends and supplements")
    GUIDES = "guides", _("guides the implementation of")
    IMPLEMENTS = "implements", _("implements")


class DocumentRelation(ReferenceModel):
    """``source`` *replaces / amends / guides* ``target`` (e.g. 235/2025/NĐ-CP amends 45/2012/NĐ-CP)."""

    source = models.ForeignKey(LegalDocument, on_delete=models.CASCADE, related_name="relations_out")
    target = models.ForeignKey(LegalDocument, on_delete=models.CASCADE, related_name="relations_in")
    kind = models.CharField(_("relation"), max_length=20, choices=RelationKind.choices)

    constraint_fields = {"programmes_relation_unique": "target"}

    class Meta:
        ordering = ["source", "kind"]
        verbose_name = _("relation between documents")
        verbose_name_plural = _("relations between documents")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "kind"],
                name="programmes_relation_unique",
                violation_error_code="relation_exists",
                violation_error_message=_("This relation between the two documents is already recorded."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.source.number} {self.get_kind_display()} {self.target.number}"

    def audit_parent(self):
        return self.source


class Content(ReferenceModel):
    """A khuyến công content (sub-programme), e.g. demonstration models and advanced machinery."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    short_name = models.CharField(_("short name"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    legal_basis = models.ForeignKey(
        LegalDocument,
        verbose_name=_("legal basis"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    valid_from = DateField(_("valid from"), null=True, blank=True)
    valid_until = DateField(_("valid until"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("content")
        verbose_name_plural = _("contents")

    def __str__(self) -> str:
        return self.name

    @property
    def short_shown(self) -> str:
        """The short name a list shows: in the English interface the English name (the data gives
        no short one in English), else the Vietnamese short name."""
        from khuyencong.core.text import english_wanted

        return (english_wanted() and self.name_en) or self.short_name

    def get_absolute_url(self) -> str:
        return reverse("programmes:content_list") + f"#content-{self.code}"


class Aggregation(models.TextChoices):
    SUM = "sum", _("sum")
    MEAN = "mean", _("average")
    MAX = "max", _("largest value")


class Indicator(ReferenceModel):
    """A result indicator of a content, with its unit (e.g. demonstration models built, in *mô hình*).

    ``cumulative`` says whether values reported per period are running totals (take the latest)
    or amounts of the period (add them up) – the distinction whose absence gives wrong totals.
    """

    code = models.SlugField(_("code"), max_length=60, unique=True)
    content = models.ForeignKey(
        Content, verbose_name=_("content"), on_delete=models.PROTECT, related_name="indicators"
    )
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=50)
    unit_en = models.CharField(_("English unit"), max_length=50, blank=True)
    aggregation = models.CharField(
        _("aggregation"), max_length=10, choices=Aggregation.choices, default=Aggregation.SUM
    )
    cumulative = models.BooleanField(_("cumulative"), default=False)
    ascending = models.BooleanField(_("higher is better"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.TextField(_("description"), blank=True)
    valid_from = DateField(_("valid from"), null=True, blank=True)
    valid_until = DateField(_("valid until"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["content__order", "order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    def audit_parent(self):
        return self.content


class ProgrammeLevel(models.TextChoices):
    NATIONAL = "national", _("national (KCQG)")
    PROVINCIAL = "provincial", _("provincial (KCĐP)")


class Programme(ProvincialReferenceModel):
    """A programme and its phase: the national programme 2021–2025, a provincial programme, …"""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    level = models.CharField(_("level"), max_length=20, choices=ProgrammeLevel.choices)
    province = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
    )
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    legal_basis = models.ForeignKey(
        LegalDocument,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
    )
    contents = models.ManyToManyField(
        Content, through="ProgrammeContent", related_name="programmes", blank=True
    )
    planned_state_funds = MoneyField(
        _("planned state funds (VND)"),
        null=True,
        blank=True,
        help_text=_("Whole đồng. Empty when the programme states none."),
    )
    planned_funds_source = models.CharField(_("source of the planned funds"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    constraint_fields = {"programmes_years": "end_year", "programmes_level_province": "province"}

    class Meta:
        ordering = ["level", "-start_year", "code"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="programmes_years",
                violation_error_code="end_year_before_start",
                violation_error_message=_("The end year cannot be before the start year."),
            ),
            models.CheckConstraint(
                condition=Q(level="national", province__isnull=True)
                | Q(level="provincial", province__isnull=False),
                name="programmes_level_province",
                violation_error_code="level_province_mismatch",
                violation_error_message=_(
                    "A provincial programme names its province; a national programme names none."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("programmes:programme_detail", self.pk)

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | bool:
        if action == VIEW or scope.is_admin:
            return True
        if scope.province_write:
            return Q(level=ProgrammeLevel.PROVINCIAL, province__in=scope.province_write)
        return False

    @property
    def period(self) -> str:
        return f"{self.start_year}–{self.end_year}"

    def covers_year(self, year: int) -> bool:
        return self.start_year <= year <= self.end_year


class ProgrammeContent(ReferenceModel):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="programme_contents")
    content = models.ForeignKey(Content, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    constraint_fields = {"programmes_programme_content_unique": "content"}

    class Meta:
        ordering = ["programme", "order"]
        verbose_name = _("content of a programme")
        verbose_name_plural = _("contents of programmes")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "content"],
                name="programmes_programme_content_unique",
                violation_error_code="programme_content_exists",
                violation_error_message=_("This content is already part of the programme."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme} – {self.content}"

    def audit_parent(self):
        return self.programme


class TargetQualifier(models.TextChoices):
    EXACT = "exact", _("exactly")
    APPROXIMATELY = "approximately", _("about")
    AT_LEAST = "at_least", _("at least")


class Target(ProvincialReferenceModel):
    """A programme's target for one indicator over the whole phase."""

    province_lookup = "programme__province"

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="targets"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="targets"
    )
    value = models.DecimalField(_("target"), max_digits=18, decimal_places=2)
    qualifier = models.CharField(
        _("qualifier"), max_length=20, choices=TargetQualifier.choices, default=TargetQualifier.EXACT
    )
    back_computed = models.BooleanField(
        _("back-computed"),
        default=False,
        help_text=_(
            "Derived from a reported result and its stated achievement rate, not read from the decision."
        ),
    )
    source = models.CharField(_("source"), max_length=500)
    note = models.CharField(_("note"), max_length=500, blank=True)

    constraint_fields = {"programmes_target_unique": "indicator", "programmes_target_non_negative": "value"}

    class Meta:
        ordering = ["programme", "indicator__content__order", "indicator__order"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "indicator"],
                name="programmes_target_unique",
                violation_error_code="target_exists",
                violation_error_message=_("The programme already has a target for this indicator."),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="programmes_target_non_negative",
                violation_error_code="target_negative",
                violation_error_message=_("The target cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code}: {self.indicator.code} = {self.value}"

    def audit_parent(self):
        return self.programme

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | bool:
        if action == VIEW or scope.is_admin:
            return True
        if scope.province_write:
            return Q(programme__level=ProgrammeLevel.PROVINCIAL, programme__province__in=scope.province_write)
        return False
