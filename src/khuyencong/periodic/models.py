"""Periodic reports: the forms (held as data) and the provinces' reports with their values and timeline.

A :class:`ReportForm` has a period type, a deadline rule and sections of fields; adding a form, a
section or a field is data (``periodic/data/*.csv``, ``khuyencong load-reference``), not code. A
:class:`PeriodicReport` is one province's report (the province as it was) for one period; its
values are :class:`ReportValue` rows, its workflow steps :class:`ReportEvent` rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from khuyencong.core.models import AuditedModel, ReferenceModel
from khuyencong.core.permissions import Scope
from khuyencong.core.text import localised
from khuyencong.periodic.periods import PeriodType, describe


class SectionKind(models.TextChoices):
    LEDGER_FUNDS = "ledger_funds", _("funds executed")
    INDICATORS = "indicators", _("results by indicator")
    CENTRE = "centre", _("extension centre")
    LEGAL_DOCUMENTS = "legal_documents", _("legal documents")
    TEXT = "text", _("assessment and proposals")


class ValueType(models.TextChoices):
    MONEY = "money", _("money (VND)")
    INTEGER = "integer", _("whole number")
    DECIMAL = "decimal", _("decimal number")
    TEXT = "text", _("text")
    YES_NO = "yes_no", _("yes / no")


class Prefill(models.TextChoices):
    NONE = "", _("typed by the province")
    LEDGER = "ledger", _("from the ledger")
    INDICATOR = "indicator", _("from the projects' results")


class State(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("periodic report", "draft")
    SUBMITTED = "submitted", pgettext_lazy("periodic report", "submitted")
    RETURNED = "returned", pgettext_lazy("periodic report", "returned")
    ACCEPTED = "accepted", pgettext_lazy("periodic report", "accepted")
    APPROVED = "approved", pgettext_lazy("periodic report", "approved")


EDITABLE_STATES = frozenset({State.DRAFT, State.RETURNED})


class ReportForm(ReferenceModel):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    period_type = models.CharField(_("period type"), max_length=20, choices=PeriodType.choices)
    months = models.PositiveSmallIntegerField(
        _("number of months"), null=True, blank=True, help_text=_("For “first N months” only.")
    )
    deadline_days = models.PositiveSmallIntegerField(_("deadline (days after the period ends)"), default=15)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("report form")
        verbose_name_plural = _("report forms")

    def __str__(self) -> str:
        return self.name_shown

    @property
    def name_shown(self) -> str:
        """The name in the reader's language (the English one in the English interface)."""
        return localised(self, "name")


class FormSection(ReferenceModel):
    constraint_fields = {"periodic_section_code_unique": "code"}

    form = models.ForeignKey(
        ReportForm, verbose_name=_("report form"), on_delete=models.CASCADE, related_name="sections"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.SlugField(_("code"), max_length=60)
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=SectionKind.choices)

    class Meta:
        ordering = ["form", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["form", "code"],
                name="periodic_section_code_unique",
                violation_error_message=_("The form already has a section with this code."),
                violation_error_code="section_code_taken",
            )
        ]
        verbose_name = _("form section")
        verbose_name_plural = _("form sections")

    def __str__(self) -> str:
        return self.title_shown

    @property
    def title_shown(self) -> str:
        return localised(self, "title")


class FormField(ReferenceModel):
    constraint_fields = {"periodic_field_code_unique": "code"}

    section = models.ForeignKey(
        FormSection, verbose_name=_("section"), on_delete=models.CASCADE, related_name="fields"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.SlugField(_("code"), max_length=60)
    label = models.CharField(_("label"), max_length=300)
    label_en = models.CharField(_("English label"), max_length=300, blank=True)
    value_type = models.CharField(_("value type"), max_length=10, choices=ValueType.choices)
    required = models.BooleanField(_("required"), default=False)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    unit_en = models.CharField(_("English unit"), max_length=50, blank=True)
    prefill = models.CharField(_("pre-filled"), max_length=10, choices=Prefill.choices, blank=True)
    measure = models.CharField(_("ledger measure"), max_length=40, blank=True)
    source = models.CharField(_("funding source"), max_length=10, blank=True)
    content = models.ForeignKey(
        "programmes.Content",
        verbose_name=_("content"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    indicator = models.ForeignKey(
        "programmes.Indicator",
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    help_text_en = models.CharField(_("English help text"), max_length=300, blank=True)
    parts = models.CharField(
        _("sum of"),
        max_length=200,
        blank=True,
        help_text=_("Codes of the fields whose sum must equal this one, joined by “+”."),
    )

    class Meta:
        ordering = ["section__order", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "code"],
                name="periodic_field_code_unique",
                violation_error_message=_("The section already has a field with this code."),
                violation_error_code="field_code_taken",
            )
        ]
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")

    def __str__(self) -> str:
        return self.label_shown

    # what a reader reads: the English text in the English interface where the form gives one
    @property
    def label_shown(self) -> str:
        return localised(self, "label")

    @property
    def unit_shown(self) -> str:
        return localised(self, "unit")

    @property
    def help_shown(self) -> str:
        return localised(self, "help_text")

    @property
    def locked(self) -> bool:
        """Pre-filled from the ledger: the ledger knows it, the province does not type it."""
        return self.prefill == Prefill.LEDGER

    @property
    def is_number(self) -> bool:
        return self.value_type in (ValueType.MONEY, ValueType.INTEGER, ValueType.DECIMAL)


class PeriodicReport(AuditedModel):
    constraint_fields = {"periodic_report_unique": "period_start", "periodic_period": "period_end"}

    form = models.ForeignKey(
        ReportForm, verbose_name=_("report form"), on_delete=models.PROTECT, related_name="reports"
    )
    province = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("province (as it was)"),
        on_delete=models.PROTECT,
        related_name="periodic_reports",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # what the Department's clerk and its Director put on the document when it is issued
    number = models.CharField(
        _("document number"), max_length=40, blank=True, help_text=_("E.g. 125/BC-SCT.")
    )
    signer_name = models.CharField(_("signed by"), max_length=120, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    audit_ignore = ("updated_at",)

    class Meta:
        ordering = ["-period_end", "form__order", "province__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["form", "province", "period_start", "period_end"],
                name="periodic_report_unique",
                violation_error_message=_("This province already has this report for this period."),
                violation_error_code="report_exists",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="periodic_period",
                violation_error_message=_("The period ends before it starts."),
                violation_error_code="period_reversed",
            ),
        ]
        verbose_name = _("periodic report")
        verbose_name_plural = _("periodic reports")

    def __str__(self) -> str:
        return f"{self.form.name_shown} – {self.province.name} – {self.period_label}"

    def get_absolute_url(self) -> str:
        return reverse("periodic:detail", args=[self.pk])

    @property
    def period_label(self) -> str:
        return describe(self.period_start, self.period_end)

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def is_locked(self) -> bool:
        return self.state == State.APPROVED

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | bool:
        """A province reads and writes its own reports (and its predecessors'); the agency all;
        leaders read theirs."""
        return scope.province_q("province", action)


class ReportValue(AuditedModel):
    constraint_fields = {"periodic_value_unique": "field"}

    report = models.ForeignKey(
        PeriodicReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="values"
    )
    field = models.ForeignKey(FormField, verbose_name=_("field"), on_delete=models.PROTECT, related_name="+")
    number = models.BigIntegerField(_("whole number"), null=True, blank=True)
    decimal = models.DecimalField(_("decimal number"), max_digits=20, decimal_places=4, null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    flag = models.BooleanField(_("yes / no"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    # a pre-filled indicator the province changed by hand: no longer refreshed from the projects
    typed = models.BooleanField(_("typed by the province"), default=False)

    audit_scope_from_parent = True

    class Meta:
        ordering = ["field__section__order", "field__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "field"],
                name="periodic_value_unique",
                violation_error_message=_("The report already has a value for this field."),
                violation_error_code="value_exists",
            )
        ]
        verbose_name = _("report value")
        verbose_name_plural = _("report values")

    def __str__(self) -> str:
        return f"{self.field.label_shown}: {self.value_display}"

    @property
    def value_display(self) -> str:
        """The value as the report page shows it (money and numbers grouped, yes/no in words)."""
        from django.utils.text import Truncator

        from khuyencong.core import formatting

        value, kind = self.value, self.field.value_type
        if value is None:
            return "–"
        if kind == ValueType.MONEY:
            return formatting.format_money(value, "dong")
        if kind == ValueType.INTEGER:
            return formatting.format_number(value)
        if kind == ValueType.DECIMAL:
            return formatting.format_number(value, 2)
        if kind == ValueType.YES_NO:
            return str(_("yes") if value else _("no"))
        return Truncator(str(value)).chars(80)

    @classmethod
    def history_labels(cls, pks) -> dict[int, dict[str, str]]:
        """The history names a value's columns after the report's line it holds (“Số xã có cộng tác
        viên khuyến công”), not after the column's type (“whole number”)."""
        rows = (
            cls._base_manager.filter(pk__in=list(pks))
            .select_related("field")
            .only("pk", "field__label", "field__label_en")
        )
        return {v.pk: dict.fromkeys(("number", "decimal", "text", "flag"), v.field.label_shown) for v in rows}

    def audit_parent(self):
        return self.report

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | bool:
        return scope.province_q("report__province", action)

    @property
    def value(self):
        kind = self.field.value_type
        if kind in (ValueType.MONEY, ValueType.INTEGER):
            return self.number
        if kind == ValueType.DECIMAL:
            return self.decimal
        if kind == ValueType.YES_NO:
            return self.flag
        return self.text or None


class ReportEvent(models.Model):
    """The report's timeline: who did what, when, and why (a return's or an unlock's reason)."""

    report = models.ForeignKey(
        PeriodicReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20)
    from_state = models.CharField(_("from state"), max_length=12, choices=State.choices, blank=True)
    to_state = models.CharField(_("to state"), max_length=12, choices=State.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("report event")
        verbose_name_plural = _("report events")

    def __str__(self) -> str:
        return f"{self.report_id} {self.action}"


__all__ = [
    "EDITABLE_STATES",
    "FormField",
    "FormSection",
    "PeriodicReport",
    "Prefill",
    "ReportEvent",
    "ReportForm",
    "ReportValue",
    "SectionKind",
    "State",
    "ValueType",
]
