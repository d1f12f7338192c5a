"""What open data publishes, read once here: the approved projects without any personal data, the
money of each by year and the national tables – every figure from the reporting engine.

Open data has no account behind it: it is read in :data:`PUBLISHED`, a national reading scope that
only these queries use, each of which narrows it to the projects approved at some point
(:data:`STATUSES`) and to columns that name no person.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.db.models import Max, QuerySet
from django.utils import timezone

from khuyencong.core.permissions import Scope
from khuyencong.projects.models import DECIDED, Project, ProjectEvent
from khuyencong.reporting.engine import aggregate

# the whole country, read-only: what the programme publishes (never a user's scope)
PUBLISHED = Scope(national_read=True)
# only from the approval on: proposals, rejected and withdrawn ones are not published
STATUSES = tuple(sorted(DECIDED))
# the engine's measures in every money table, in đồng
MONEY = ("plan", "paid", "settled", "refunded")


def approved_projects() -> QuerySet[Project]:
    """The approved projects (whatever became of them since), in code order."""
    return (
        Project.objects.filter(status__in=STATUSES)
        .select_related("content", "implementing_org")
        .order_by("code")
    )


def project_rows(projects: QuerySet[Project] | None = None) -> Iterator[list[Any]]:
    """One row per approved project: what it is, where, by which organisation – never a person.
    A project an establishment carries out for itself names no implementer (a household business
    is a person)."""
    for p in (approved_projects() if projects is None else projects).iterator(chunk_size=2000):
        yield [
            p.code,
            p.name,
            p.plan_year,
            p.source,
            p.content.code,
            p.kind,
            p.lead_province_id,
            p.lead_province_now_id,
            p.implementing_org.code if p.implementing_org is not None else None,
            p.status,
            p.start_date,
            p.end_date,
        ]


def project_amount_rows() -> Iterator[list[Any]]:
    """The money of each approved project by year of movement, from the engine."""
    table = aggregate(PUBLISHED, MONEY, ["project", "movement_year"], {"status": STATUSES})
    for row in table.rows:
        values = [int(row.value(m)) for m in MONEY]
        if any(values):
            yield [row.labels["project"], row.keys["movement_year"], *values]


def national_rows(place: str) -> Iterator[list[Any]]:
    """The national table by plan year, funding source and ``place`` (``content``, ``province`` as
    it was or ``province_now``): the approved projects and their money, from the engine."""
    measures = ["projects", *MONEY]
    table = aggregate(PUBLISHED, measures, ["plan_year", "source", place], {"status": STATUSES}, labels=False)
    codes = _content_codes() if place == "content" else {}
    for row in table.rows:
        key = row.keys[place]
        yield [
            row.keys["plan_year"],
            row.keys["source"],
            codes.get(key, key),
            *(int(row.value(m)) for m in measures),
        ]


def _content_codes() -> dict[int, str]:
    from khuyencong.programmes.models import Content

    return dict(Content.objects.values_list("pk", "code"))


def last_updated() -> datetime.datetime:
    """When the published records last changed: the latest event of an approved project."""
    latest = ProjectEvent.objects.filter(project__status__in=STATUSES).aggregate(at=Max("at"))["at"]
    return latest or timezone.now()
