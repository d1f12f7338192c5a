"""Reads over administrative units: validity on a date, succession, roll-up between geographies."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection
from django.db.models import QuerySet

from khuyencong.core.unitmemo import remembered
from khuyencong.geo.models import (
    AdministrativeUnit,
    Level,
    Region,
    RegionMembership,
    RegionScheme,
    Succession,
)

REORGANISATION_2025 = datetime.date(2025, 7, 1)
LAST_DAY_OF_63 = datetime.date(2025, 6, 30)


def units_valid_on(on: datetime.date, level: str = Level.PROVINCE) -> QuerySet[AdministrativeUnit]:
    return AdministrativeUnit.objects.valid_on(on).filter(level=level)


def provinces_on(on: datetime.date) -> QuerySet[AdministrativeUnit]:
    return units_valid_on(on, Level.PROVINCE).order_by("code")


def geography_date(generation: str) -> datetime.date:
    """A date inside each geography: ``"63"`` (until 30/06/2025) or ``"34"`` (from 01/07/2025)."""
    return LAST_DAY_OF_63 if generation == "63" else REORGANISATION_2025


_cached_edges: ContextVar[dict[int, list[tuple[int, datetime.date, int]]] | None] = ContextVar(
    "kc_successions", default=None
)


@contextmanager
def successions_cached() -> Iterator[None]:
    """Read the successions once for the work inside (an import asks for thousands of rows' provinces
    today); outside it, every call reads them afresh."""
    token = _cached_edges.set(_load_successor_edges())
    try:
        yield
    finally:
        _cached_edges.reset(token)


def _successor_edges() -> dict[int, list[tuple[int, datetime.date, int]]]:
    cached = _cached_edges.get()
    return cached if cached is not None else _load_successor_edges()


def _load_successor_edges() -> dict[int, list[tuple[int, datetime.date, int]]]:
    edges: dict[int, list[tuple[int, datetime.date, int]]] = defaultdict(list)
    for pred, succ, when, share in Succession.objects.values_list(
        "predecessor_id", "successor_id", "effective_date", "share_percent"
    ):
        edges[pred].append((succ, when, share))
    return edges


def successor_of(unit: AdministrativeUnit, on: datetime.date | None = None) -> AdministrativeUnit:
    """The unit that holds ``unit``'s territory on ``on`` (default: today).

    Follows the succession chain; where a unit was split, the successor with the largest share.
    A unit valid on ``on`` is its own successor.
    """
    on = on or datetime.date.today()
    edges = _successor_edges()
    current_id = unit.pk
    seen = {current_id}
    current = unit
    while not current.valid_on(on):
        nexts = [e for e in edges.get(current_id, []) if e[1] <= on]
        if not nexts:
            break
        current_id = max(nexts, key=lambda e: e[2])[0]
        if current_id in seen:  # a cycle in the data; stop rather than loop
            break
        seen.add(current_id)
        current = AdministrativeUnit.objects.get(pk=current_id)
    return current


def province_now(unit: AdministrativeUnit, on: datetime.date | None = None) -> AdministrativeUnit:
    """The province holding ``unit`` on ``on`` (default: today), for any level and generation."""
    on = on or datetime.date.today()
    return remembered(("province_now", unit.pk, on), lambda: successor_of(unit.province(), on))


def rollup_map(level: str = Level.PROVINCE, on: datetime.date | None = None) -> dict[int, int]:
    """``{unit id: id of the unit holding it on `on`}`` for every unit of ``level``.

    Units already valid on ``on`` map to themselves. This is what reports use to show old
    records in the 2025 geography (``on`` = 01/07/2025 or later) without double counting.
    """
    on = on or datetime.date.today()
    units = {u.pk: u for u in AdministrativeUnit.objects.filter(level=level)}
    edges = _successor_edges()
    result: dict[int, int] = {}
    for uid, unit in units.items():
        current_id, seen = uid, {uid}
        current: AdministrativeUnit | None = unit
        while current is not None and not current.valid_on(on):
            nexts = [e for e in edges.get(current_id, []) if e[1] <= on]
            if not nexts:
                break
            current_id = max(nexts, key=lambda e: e[2])[0]
            if current_id in seen:
                break
            seen.add(current_id)
            current = units.get(current_id)
        result[uid] = current_id
    return result


def predecessors_of(unit_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each id: itself and every unit that was (transitively) merged into it.

    One recursive query reads only the successions that lead to the units asked for, not the whole
    table (every provincial user's scope is built from it on every request)."""
    unit_ids = list(unit_ids)
    asked = sorted({uid for uid in unit_ids if uid is not None})
    back: dict[int, set[int]] = defaultdict(set)
    if asked:
        table = connection.ops.quote_name(Succession._meta.db_table)
        # UNION (not UNION ALL) keeps each edge once, so even a cycle in the data ends
        sql = f"""
            WITH RECURSIVE chain(predecessor_id, successor_id) AS (
                SELECT predecessor_id, successor_id FROM {table}
                WHERE successor_id IN ({", ".join(["%s"] * len(asked))})
                UNION
                SELECT s.predecessor_id, s.successor_id FROM {table} s
                JOIN chain ON s.successor_id = chain.predecessor_id
            )
            SELECT predecessor_id, successor_id FROM chain"""  # noqa: S608 – a table name, ids as parameters
        with connection.cursor() as cursor:
            cursor.execute(sql, asked)
            for pred, succ in cursor.fetchall():
                back[succ].add(pred)
    result: dict[int, set[int]] = {}
    for uid in unit_ids:
        seen = {uid}
        stack = [uid]
        while stack:
            for p in back.get(stack.pop(), ()):
                if p not in seen:
                    seen.add(p)
                    stack.append(p)
        result[uid] = seen
    return result


def province_with_predecessors(unit_ids: Iterable[int]) -> dict[int, set[int]]:
    ids = [u for u in unit_ids if u is not None]
    if not ids:
        return {}
    return predecessors_of(ids)


def valid_unit_ids(unit_ids: Iterable[int], on: datetime.date) -> set[int]:
    """Those of ``unit_ids`` that exist on ``on``."""
    units = AdministrativeUnit.objects.valid_on(on).filter(pk__in=list(unit_ids)).order_by()
    return set(units.values_list("pk", flat=True))


def region_map(scheme: str = RegionScheme.ECONOMIC) -> dict[int, Region]:
    """``{unit id: region}`` for every unit with a membership in ``scheme``."""
    result: dict[int, Region] = {}
    regions = {r.pk: r for r in Region.objects.filter(scheme=scheme)}
    for region_id, unit_id in RegionMembership.objects.filter(region__scheme=scheme).values_list(
        "region_id", "unit_id"
    ):
        result[unit_id] = regions[region_id]
    return result


def sole_predecessors(on: datetime.date = REORGANISATION_2025) -> dict[int, int]:
    """``{province id: id of its only predecessor}`` for the provinces formed on ``on`` from
    exactly one former province (the same territory under a new record, e.g. Hà Nội in 2025)."""
    found: dict[int, list[int]] = defaultdict(list)
    for pred, succ in Succession.objects.filter(
        effective_date=on, successor__level=Level.PROVINCE
    ).values_list("predecessor_id", "successor_id"):
        found[succ].append(pred)
    return {succ: preds[0] for succ, preds in found.items() if len(preds) == 1}
