"""How many rows a list has, without counting a million rows on every page view.

A card on the home page and the header of the list it links to show the same :class:`Tally` of the
same queryset. Up to ``KC_EXACT_COUNT_LIMIT`` rows (10,000 by default) the figure is exact: the
database counts at most that many rows plus one (``SELECT COUNT(*) FROM (… LIMIT 10001)``), which
stays cheap whatever the size of the table. Above it, PostgreSQL's planner estimate of the same
query is shown as “khoảng …” (about), rounded to three significant digits. SQLite has no such
estimate: there the count is always exact (SQLite serves small installations).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Count, Q, QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from khuyencong.core.formatting import format_number


def exact_limit() -> int:
    """Up to how many rows a list is counted exactly: the setting, else the environment variable
    ``KC_EXACT_COUNT_LIMIT``, else 10,000."""
    value = getattr(settings, "KC_EXACT_COUNT_LIMIT", None) or os.environ.get("KC_EXACT_COUNT_LIMIT")
    return int(value or 10_000)


@dataclass(frozen=True)
class Tally:
    """A count as shown to users: exact, or an estimate above the exact limit."""

    value: int
    exact: bool = True

    def __str__(self) -> str:
        if self.exact:
            return format_number(self.value)
        return _("about %(count)s") % {"count": format_number(self.value)}

    def __int__(self) -> int:
        return self.value


def _round(value: int, digits: int = 3) -> int:
    size = len(str(value))
    if size <= digits:
        return value
    unit = 10 ** (size - digits)
    return (value + unit // 2) // unit * unit


def planner_estimate(queryset: QuerySet) -> int | None:
    """PostgreSQL's estimate of the rows ``queryset`` returns (``EXPLAIN``), or None elsewhere."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def tally(queryset: QuerySet, limit: int | None = None) -> Tally:
    """The number of rows of ``queryset``: exact up to ``limit``, an estimate above (PostgreSQL)."""
    limit = exact_limit() if limit is None else limit
    if connections[queryset.db].vendor != "postgresql":
        return Tally(queryset.count())
    bounded = queryset.order_by().values("pk")[: limit + 1].count()
    if bounded <= limit:
        return Tally(bounded)
    estimate = planner_estimate(queryset) or 0
    return Tally(_round(max(estimate, bounded)), exact=False)


def tally_many(queryset: QuerySet, subsets: dict[str, Q]) -> dict[str, Tally]:
    """:func:`tally` of several subsets of ``queryset`` (``{name: condition}``), in one query while
    each is within the exact limit (the usual case); a subset above it is tallied on its own."""
    limit = exact_limit()
    either = Q()
    for condition in subsets.values():
        either |= condition
    counts = queryset.filter(either).aggregate(
        **{name: Count("pk", filter=condition) for name, condition in subsets.items()}
    )
    postgres = connections[queryset.db].vendor == "postgresql"
    return {
        name: tally(queryset.filter(subsets[name])) if postgres and n > limit else Tally(n)
        for name, n in counts.items()
    }


class TallyPaginator(Paginator):
    """A paginator whose count is a :func:`tally`: no full ``COUNT(*)`` of a huge list per page."""

    @cached_property
    def tally(self) -> Tally:
        if isinstance(self.object_list, QuerySet):
            return tally(self.object_list)
        return Tally(len(self.object_list))

    @cached_property
    def count(self) -> int:
        return self.tally.value
