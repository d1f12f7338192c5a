"""Support norms and advance rules: dated data with their legal source."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from khuyencong.core.fields import DateField, MoneyField
from khuyencong.core.models import DatedQuerySet, ReferenceModel
from khuyencong.projects.models.project import Project, ProjectPart


class NormBasis(models.TextChoices):
    PROJECT = "project", _("per project")
    ESTABLISHMENT = "establishment", _("per establishment supported")


class SupportNorm(ReferenceModel):
    """The most the state may pay: a share of the cost and/or a ceiling in đồng."""

    code = models.SlugField(_("code"), max_length=60)
    content = models.ForeignKey(
        "programmes.Content",
        verbose_name=_("content"),
        on_delete=models.PROTECT,
        related_name="support_norms",
    )
    name = models.CharField(_("name"), max_length=300)
    max_percent = models.DecimalField(
        # xgettext:no-python-format
        _("at most (% of the cost)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    max_amount = MoneyField(_("ceiling (VND)"), null=True, blank=True, validators=[MinValueValidator(0)])
    basis = models.CharField(
        _("ceiling applies"), max_length=20, choices=NormBasis.choices, default=NormBasis.PROJECT
    )
    legal_basis = models.ForeignKey(
        "programmes.LegalDocument", verbose_name=_("legal basis"), on_delete=models.PROTECT, related_name="+"
    )
    article = models.CharField(_("article"), max_length=100, blank=True)
    valid_from = DateField(_("in force from"))
    valid_until = DateField(_("in force until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = DatedQuerySet.as_manager()

    constraint_fields = {"proj_norm_unique": "valid_from"}

    class Meta:
        ordering = ["content__order", "code", "-valid_from"]
        verbose_name = _("support norm")
        verbose_name_plural = _("support norms")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "valid_from"],
                name="proj_norm_unique",
                violation_error_code="norm_exists",
                violation_error_message=_("A support norm with this code already takes effect on this date."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class AdvanceRule(ReferenceModel):
    """How much of the contract may be advanced, per content (e.g. up to 70 % for training and
    consulting contents; 30 % for cluster infrastructure once more than half the work is done)."""

    content = models.ForeignKey(
        "programmes.Content",
        verbose_name=_("content"),
        on_delete=models.PROTECT,
        related_name="advance_rules",
    )
    max_percent = models.DecimalField(
        # xgettext:no-python-format
        _("advance at most (% of the contract)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    min_progress = models.PositiveSmallIntegerField(
        _("only after work done (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    legal_basis = models.ForeignKey(
        "programmes.LegalDocument", verbose_name=_("legal basis"), on_delete=models.PROTECT, related_name="+"
    )
    valid_from = DateField(_("in force from"))
    valid_until = DateField(_("in force until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = DatedQuerySet.as_manager()

    constraint_fields = {"proj_advance_rule_unique": "valid_from"}

    class Meta:
        ordering = ["content__order", "-valid_from"]
        verbose_name = _("advance rule")
        verbose_name_plural = _("advance rules")
        constraints = [
            models.UniqueConstraint(
                fields=["content", "valid_from"],
                name="proj_advance_rule_unique",
                violation_error_code="advance_rule_exists",
                violation_error_message=_(
                    "An advance rule for this content already takes effect on this date."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.content.short_shown}: ≤ {self.max_percent}%"


class NormException(ProjectPart):
    """An authorised officer's recorded exception to a support norm, with the reason."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="norm_exceptions")
    norm = models.ForeignKey(SupportNorm, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))

    constraint_fields = {"proj_norm_exception_unique": "norm"}

    class Meta:
        verbose_name = _("exception to a support norm")
        verbose_name_plural = _("exceptions to support norms")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "norm"],
                name="proj_norm_exception_unique",
                violation_error_code="norm_exception_exists",
                violation_error_message=_("This project already has an exception to this norm."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.norm}"
