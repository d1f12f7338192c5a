"""The approved reports' values, given to the reporting engine (``reporting.extensions``).

Which reports count is this app's rule: those approved – on a report date, those whose last workflow
step up to that day approved them (a report unlocked later still counts as it stood then; one
approved later does not). How the values add up is the engine's (``reporting/measures.py``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from khuyencong.core.permissions import VIEW, Scope
from khuyencong.periodic.models import PeriodicReport, ReportEvent, ReportValue, State


def approved_reports(scope: Scope, on: datetime.date | None = None):
    """The reports the scope may read that were approved (on ``on``: at the end of that day)."""
    reports = PeriodicReport.objects.within(scope, VIEW)
    if on is None or on >= timezone.localdate():
        return reports.filter(state=State.APPROVED)
    last_step = (
        ReportEvent.objects.filter(report=OuterRef("pk"), at__date__lte=on)
        .exclude(to_state="")
        .order_by("-at", "-id")
        .values("to_state")[:1]
    )
    return reports.annotate(state_then=Subquery(last_step)).filter(state_then=State.APPROVED)


def approved_values(scope: Scope, codes: Iterable[str], on: datetime.date | None = None) -> list[dict]:
    """The answer to ``reporting.extensions.PERIODIC_VALUES``: one dict per value."""
    reports = approved_reports(scope, on)
    rows = ReportValue.objects.filter(
        report__in=reports.values("pk"), field__code__in=list(codes)
    ).values_list(
        "report_id",
        "report__province_id",
        "report__period_start",
        "report__period_end",
        "field__code",
        "number",
        "flag",
        "text",
    )
    names = ("report", "province", "period_start", "period_end", "code", "number", "flag", "text")
    return [dict(zip(names, row, strict=True)) for row in rows]
