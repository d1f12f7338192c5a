"""The money ledger: every amount that moves is a dated entry; every total is a sum of entries.

Entries are written only by ``khuyencong.projects.services.ledger`` and never changed or deleted:
a correction is a new entry. An amount is split across the project's locations when it is
written (largest remainder, whole đồng), so province totals add up exactly to the national total.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from khuyencong.core.fields import DateField, MoneyField
from khuyencong.core.models import AuditedModel, RestrictedQuerySet
from khuyencong.core.permissions import Scope
from khuyencong.projects.models.choices import FundingSource, LedgerKind


class LedgerQuerySet(RestrictedQuerySet):
    def update(self, **kwargs):
        raise PermissionDenied(_("Ledger entries cannot be changed; record a correcting entry."))

    def delete(self):
        raise PermissionDenied(_("Ledger entries cannot be deleted; record a correcting entry."))


class LedgerEntry(AuditedModel):
    movement = models.UUIDField(_("movement"), default=uuid.uuid4, db_index=True)
    # project and province_now lead the indexes ledger_project_kind and ledger_province_now_year
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="ledger", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=30, choices=LedgerKind.choices)
    amount = MoneyField(_("amount (VND)"))
    value_date = DateField(_("date"))
    # dimensions copied from the project when written (as they were)
    plan_year = models.PositiveSmallIntegerField(_("plan year"))
    source = models.CharField(_("funding source"), max_length=10, choices=FundingSource.choices)
    content = models.ForeignKey("programmes.Content", on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey("geo.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    province_now = models.ForeignKey(
        "geo.AdministrativeUnit", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision = models.ForeignKey(
        "projects.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="ledger"
    )
    reference = models.CharField(_("document"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        ordering = ["value_date", "id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [
            models.Index(fields=["project", "kind"], name="ledger_project_kind"),
            models.Index(fields=["plan_year", "source", "kind"], name="ledger_year_source_kind"),
            models.Index(fields=["province_now", "plan_year"], name="ledger_province_now_year"),
            # the tables of a phase read a few kinds over several plan years (the plan: allocated and
            # amended) – without it PostgreSQL scans the whole ledger for each of them
            models.Index(fields=["kind", "plan_year"], name="ledger_kind_year"),
            # the part of a month the ledger's summary (``reporting.rollups``) cannot answer – a
            # report as it stood on the 15th – is read from the entries of those days
            models.Index(fields=["value_date"], name="ledger_value_date"),
        ]

    def __str__(self) -> str:
        from khuyencong.core.formatting import format_money
        from khuyencong.core.tables import choice_label  # the label without translating every choice

        return f"{choice_label(LedgerEntry, 'kind', self.kind)}: {format_money(self.amount, 'dong')}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionDenied(_("Ledger entries cannot be changed; record a correcting entry."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied(_("Ledger entries cannot be deleted; record a correcting entry."))

    def audit_parent(self):
        return self.project

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | bool:
        from khuyencong.projects.models.project import Project

        inner = Project.scope_filter(scope, action)
        if isinstance(inner, bool):
            return inner
        return Q(project__in=Project.objects.filter(inner))
