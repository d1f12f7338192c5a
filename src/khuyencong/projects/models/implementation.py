"""Carrying out an approved project: contract, progress, acceptance, settlement."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from khuyencong.core.fields import DateField, MoneyField
from khuyencong.projects.models.project import Project, ProjectPart


class Contract(ProjectPart):
    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="contract")
    number = models.CharField(_("number"), max_length=100)
    signed_on = DateField(_("signed on"))
    parties = models.CharField(_("parties"), max_length=500)
    value = MoneyField(_("state support in the contract (VND)"), validators=[MinValueValidator(1)])
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")

    def __str__(self) -> str:
        return self.number


class ProgressReport(ProjectPart):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="progress_reports")
    month = DateField(_("month"), help_text=_("Any day of the month reported."))
    percent_done = models.PositiveSmallIntegerField(
        _("work done (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    narrative = models.TextField(_("progress"))
    problems = models.TextField(_("problems and proposals"), blank=True)

    class Meta:
        ordering = ["project", "-month", "-id"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self) -> str:
        return f"{self.project.code} {self.month:%m/%Y}: {self.percent_done}%"


class Acceptance(ProjectPart):
    """Nghiệm thu: the implementing unit and the DOIT/agency accept the results."""

    RESULTS = [
        ("passed", pgettext_lazy("acceptance result", "passed")),
        ("failed", pgettext_lazy("acceptance result", "failed")),
    ]

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="acceptance")
    accepted_on = DateField(_("date"))
    minutes_number = models.CharField(_("minutes number"), max_length=100)
    result = models.CharField(_("result"), max_length=10, choices=RESULTS)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("acceptance")
        verbose_name_plural = _("acceptances")

    def __str__(self) -> str:
        return f"{self.project.code}: {self.minutes_number}"


class Settlement(ProjectPart):
    """Quyết toán: the state support finally recognised as spent."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="settlement")
    settled_on = DateField(_("date"))
    document = models.CharField(_("settlement document"), max_length=100)
    amount = MoneyField(_("settled amount (VND)"), validators=[MinValueValidator(0)])
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")

    def __str__(self) -> str:
        return f"{self.project.code}: {self.document}"
