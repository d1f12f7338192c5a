"""A published report: a standard report's figures frozen on the day the agency published them.

The figures are kept as the tables were built (every cell exact: whole đồng, decimals, texts), so
the published page and its Excel, PDF, CSV and JSON files show them as published for ever, without
computing anything again. A publication is never changed or deleted (the model, its queryset and
the audit trail all refuse); a correction is a new publication.

Who reads it: the figures were computed for the whole country, so only readers of the whole
country (the agency, the administrators and the national leaders) open a publication; for anyone
else it does not exist (404), as a provincial user must not see other provinces' figures.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.core.fields import DateField
from khuyencong.core.models import AuditedModel, RestrictedQuerySet
from khuyencong.core.permissions import CHANGE, Scope

NATIONAL = "national"


class PublishedQuerySet(RestrictedQuerySet):
    def update(self, **kwargs):
        raise PermissionDenied(_("A published report cannot be changed; publish it again."))

    def delete(self):
        raise PermissionDenied(_("A published report cannot be deleted."))


class PublishedReport(AuditedModel):
    report = models.CharField(_("report"), max_length=60, db_index=True)
    title = models.CharField(_("title"), max_length=500)
    # a document of several tables: the title its heading carries (the phase report's own), if any
    document_title = models.CharField(_("document title"), max_length=500, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict)
    scope = models.CharField(
        _("figures of"), max_length=20, choices=[(NATIONAL, _("the whole country"))], default=NATIONAL
    )
    as_of = DateField(_("figures as they stood on"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    publisher_name = models.CharField(_("publisher"), max_length=200)
    number = models.CharField(_("number"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=10, default="vi")
    tables = models.JSONField(_("frozen tables"), default=list)
    chart = models.JSONField(_("chart"), default=dict, blank=True)
    # the last ledger entry and project event recorded when the figures were computed: what came
    # after them is what may have changed the figures since
    ledger_mark = models.BigIntegerField(default=0)
    event_mark = models.BigIntegerField(default=0)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("published report")
        verbose_name_plural = _("published reports")
        indexes = [models.Index(fields=["report", "-published_at"], name="published_report_date")]

    def __str__(self) -> str:
        return f"{self.title} ({self.as_of:%d/%m/%Y})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionDenied(_("A published report cannot be changed; publish it again."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied(_("A published report cannot be deleted."))

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | bool:
        if action == CHANGE:
            return False  # nobody changes a publication
        return Q(scope=NATIONAL) if scope.national_read else False


# --- figures kept ready (``reporting.rollups``) ----------------------------------------------------


class LedgerRollup(models.Model):
    """The money ledger added up by plan year, month of movement, kind, funding source, content,
    province as it was, province in today's geography and the project's status (as it is now): the
    sum of the entries and how many there are. Kept up to date as entries are written and as a
    project's status changes, in the same transaction (``reporting.rollups``); the engine reads it
    instead of the entries wherever it can answer exactly (``reporting.engine``). Derived data: not
    audited, never edited – ``khuyencong rebuild-rollups`` writes it again from the ledger."""

    constraint_fields = {"ledger_rollup_key": "plan_year"}

    plan_year = models.PositiveSmallIntegerField()
    month = DateField()  # the first day of the month the amounts moved in
    kind = models.CharField(max_length=30)
    source = models.CharField(max_length=10)
    content = models.ForeignKey(
        "programmes.Content", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    province = models.ForeignKey(
        "geo.AdministrativeUnit", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    province_now = models.ForeignKey(
        "geo.AdministrativeUnit", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    status = models.CharField(max_length=20)
    amount = models.BigIntegerField(default=0)
    entries = models.IntegerField(default=0)

    KEY = ("plan_year", "month", "kind", "source", "content_id", "province_id", "province_now_id", "status")

    class Meta:
        verbose_name = _("ledger summary row")
        verbose_name_plural = _("ledger summary")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "plan_year",
                    "month",
                    "kind",
                    "source",
                    "content",
                    "province",
                    "province_now",
                    "status",
                ],
                name="ledger_rollup_key",
                violation_error_code="rollup_row_exists",
                violation_error_message=_("The ledger summary already has a row for these keys."),
            )
        ]
        indexes = [models.Index(fields=["kind", "plan_year"], name="ledger_rollup_kind_year")]

    def __str__(self) -> str:
        return f"{self.plan_year} {self.month:%m/%Y} {self.kind} {self.status}: {self.amount}"


class IndicatorActual(models.Model):
    """What one project achieved on one indicator, from its approved result reports: their sum for
    a flow, the last value (latest period end, then the last recorded) for a running total – with
    the last period end and how many reports count. Kept up to date when a report is recorded,
    approved, rejected, changed or deleted and when an indicator's ``cumulative`` flag changes, in
    the same transaction (``reporting.rollups``). The project is not a database constraint: the
    synthetic dataset's bulk removal deletes projects with SQL and rebuilds this table after."""

    constraint_fields = {"indicator_actual_key": "indicator"}

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    indicator = models.ForeignKey("programmes.Indicator", on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(max_digits=20, decimal_places=2)
    last_period_end = DateField()
    reports = models.IntegerField()

    class Meta:
        verbose_name = _("project's achieved result")
        verbose_name_plural = _("projects' achieved results")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "indicator"],
                name="indicator_actual_key",
                violation_error_code="achieved_result_exists",
                violation_error_message=_("The project already has an achieved result for this indicator."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.indicator_id}: {self.value}"


__all__ = ["NATIONAL", "IndicatorActual", "LedgerRollup", "PublishedReport"]
