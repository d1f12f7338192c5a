"""Writing the money ledger, and reading each project's own money: while writing (a payment against
its plan, a refund against its settlement) and on its pages and lists. Every total over many
projects is the reporting engine's (``reporting.engine``); both read the same kind sets
(``PLAN_KINDS``, ``PAID_KINDS`` in ``projects.models.choices``)."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import OuterRef, Subquery, Sum

from khuyencong.projects.extensions import LEDGER_WRITTEN
from khuyencong.projects.models import PAID_KINDS, PLAN_KINDS, LedgerEntry, LedgerKind, Project
from khuyencong.projects.services import batch


def split_amount(amount: int, shares: list[int]) -> list[int]:
    """Split whole đồng by shares (basis points) so that the parts add up exactly (largest remainder).

    >>> split_amount(100, [5000, 5000])
    [50, 50]
    >>> split_amount(100, [3333, 3333, 3334])
    [33, 33, 34]
    >>> split_amount(-7, [5000, 5000])
    [-4, -3]
    """
    total_share = sum(shares)
    if total_share <= 0:
        raise ValueError("shares must be positive")
    sign = -1 if amount < 0 else 1
    magnitude = abs(amount)
    exact = [magnitude * s for s in shares]
    parts = [e // total_share for e in exact]
    remainders = sorted(range(len(shares)), key=lambda i: (-(exact[i] % total_share), i))
    for i in remainders[: magnitude - sum(parts)]:
        parts[i] += 1
    return [sign * p for p in parts]


def _locations(project: Project) -> list[tuple[int, int, int]]:
    """(province id, province-now id, share) of the project; the lead province when none is set."""
    rows = list(project.locations.values_list("province_id", "province_now_id", "share_bp"))
    if not rows:
        return [(project.lead_province_id, project.lead_province_now_id, 10_000)]
    return rows


def record(
    project: Project,
    kind: str,
    amount: int,
    value_date: datetime.date,
    *,
    decision=None,
    reference: str = "",
    note: str = "",
) -> list[LedgerEntry]:
    """Write one movement, split across the project's locations."""
    if amount == 0:
        return []
    unit = batch.current()
    if unit is not None and not unit.knows(project):
        unit = None  # a project the batch does not hold is written at once
    locations = unit.locations(project) if unit is not None else _locations(project)
    parts = split_amount(amount, [share for _p, _n, share in locations])
    movement = uuid.uuid4()
    entries = [
        LedgerEntry(
            movement=movement,
            project=project,
            kind=kind,
            amount=part,
            value_date=value_date,
            plan_year=project.plan_year,
            source=project.source,
            content_id=project.content_id,
            province_id=province,
            province_now_id=province_now,
            organisation_id=project.implementing_org_id,
            decision=decision,
            reference=reference[:200],
            note=note[:500],
        )
        for (province, province_now, _share), part in zip(locations, parts, strict=True)
        if part != 0
    ]
    if unit is not None:
        unit.add_entries(entries)  # written with the batch
        return entries
    with transaction.atomic(savepoint=False):
        written = LedgerEntry.objects.bulk_create(entries)
        LEDGER_WRITTEN.results(written)
    return written


def total(project: Project, *kinds: str, on: datetime.date | None = None) -> int:
    unit = batch.current()
    if unit is not None and unit.knows(project):
        return unit.total(project, kinds, on)
    qs = LedgerEntry.objects.filter(project=project, kind__in=kinds)
    if on is not None:
        qs = qs.filter(value_date__lte=on)
    return qs.aggregate(s=Sum("amount"))["s"] or 0


def set_level(project: Project, kind: str, target: int, value_date: datetime.date, **kwargs) -> int:
    """Make the sum of ``kind`` equal ``target`` by recording the difference; returns it."""
    delta = target - total(project, kind)
    record(project, kind, delta, value_date, **kwargs)
    return delta


def plan_total(project: Project, on: datetime.date | None = None) -> int:
    """The approved state support: allocations and amendments up to ``on``."""
    return total(project, *PLAN_KINDS, on=on)


def paid_total(project: Project, on: datetime.date | None = None) -> int:
    return total(project, *PAID_KINDS, on=on)


@dataclass
class Money:
    """A project's money, read from the ledger."""

    requested: int = 0
    counterpart_requested: int = 0
    recommended_doit: int = 0
    recommended: int = 0
    plan: int = 0
    advanced: int = 0
    disbursed: int = 0
    settled: int = 0
    refunded: int = 0
    counterpart_actual: int = 0
    is_settled: bool = False
    is_stopped: bool = False

    @property
    def paid(self) -> int:
        return self.advanced + self.disbursed

    @property
    def net_paid(self) -> int:
        return self.paid - self.refunded

    @property
    def executed(self) -> int:
        """What counts as spent: the settled amount, or until settlement what was paid (net)."""
        return self.settled if self.is_settled else self.net_paid

    @property
    def refund_due(self) -> int:
        """Paid beyond what is finally recognised (settled amount, or the plan of a stopped project)."""
        if self.is_settled:
            return max(0, self.net_paid - self.settled)
        if self.is_stopped:
            return max(0, self.net_paid - self.plan)
        return 0

    @property
    def still_to_pay(self) -> int:
        limit = self.settled if self.is_settled else self.plan
        return max(0, limit - self.net_paid)


def money_of(project: Project, on: datetime.date | None = None) -> Money:
    unit = batch.current()
    if unit is not None and unit.knows(project):
        sums = unit.sums_of(project, on)
    else:
        qs = LedgerEntry.objects.filter(project=project)
        if on is not None:
            qs = qs.filter(value_date__lte=on)
        sums = dict(qs.values_list("kind").annotate(s=Sum("amount")).values_list("kind", "s"))
    from khuyencong.projects.models import Status

    return Money(
        requested=sums.get(LedgerKind.REQUESTED, 0),
        counterpart_requested=sums.get(LedgerKind.COUNTERPART_REQUESTED, 0),
        recommended_doit=sums.get(LedgerKind.RECOMMENDED_DOIT, 0),
        recommended=sums.get(LedgerKind.RECOMMENDED, 0),
        plan=sum(sums.get(kind, 0) for kind in PLAN_KINDS),
        advanced=sums.get(LedgerKind.ADVANCED, 0),
        disbursed=sums.get(LedgerKind.DISBURSED, 0),
        settled=sums.get(LedgerKind.SETTLED, 0),
        refunded=sums.get(LedgerKind.REFUNDED, 0),
        counterpart_actual=sums.get(LedgerKind.COUNTERPART_ACTUAL, 0),
        is_settled=project.status == Status.SETTLED,
        is_stopped=project.status == Status.STOPPED,
    )


def project_sum(*kinds: str):
    """Each project's own sum of ``kinds``, as a correlated subquery to annotate a list of projects
    with (the cost is per row shown, whatever the size of the ledger)."""
    entries = LedgerEntry.objects.filter(project=OuterRef("pk"), kind__in=kinds).values("project")
    return Subquery(entries.annotate(s=Sum("amount")).values("s")[:1])


def money_by_project(projects, on: datetime.date | None = None) -> dict[int, dict[str, int]]:
    """``{project id: {kind: sum}}`` for many projects in one query (list pages)."""
    qs = LedgerEntry.objects.filter(project__in=projects)
    if on is not None:
        qs = qs.filter(value_date__lte=on)
    result: dict[int, dict[str, int]] = {}
    for project_id, kind, amount in (
        qs.values("project", "kind").annotate(s=Sum("amount")).values_list("project", "kind", "s")
    ):
        result.setdefault(project_id, {})[kind] = amount
    return result
