"""Reads over the registry: accent-insensitive search, duplicate candidates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from khuyencong.core.formatting import format_number
from khuyencong.core.permissions import VIEW, Scope
from khuyencong.core.text import fold, search_q
from khuyencong.establishments.models import Establishment, Status, name_key

if TYPE_CHECKING:
    from khuyencong.geo.maps import MapMeasure, MeasureFigures

# The records the registry lists unless merged ones are asked for (list, its card, exports, API).
LIVE = ~Q(status=Status.MERGED)


def registry(scope: Scope) -> QuerySet[Establishment]:
    """The establishments the home page counts: the list's default rows (no filter) in ``scope``."""
    return Establishment.objects.within(scope, VIEW).filter(LIVE)


def search(queryset: QuerySet[Establishment], text: str | None) -> QuerySet[Establishment]:
    """Words in any order, without accents: “Gom su Quang Vinh” finds “Gốm sứ Quang Vinh”; digits
    also match tax codes (“0100233488”, “0314409058-002”)."""
    if not text or not fold(text):
        return queryset
    digits = text.replace("-", "").replace(" ", "").replace(".", "")
    condition = search_q("search_text", text)
    if digits.isdigit() and len(digits) >= 3:
        condition |= Q(tax_code__startswith=text.strip())
    return queryset.filter(condition)


@dataclass
class DuplicatePair:
    first: Establishment
    second: Establishment
    reason: str


def possible_duplicates_of(establishment: Establishment, scope: Scope) -> QuerySet[Establishment]:
    """Other records with the same reduced name in the same province (as it is today)."""
    return (
        Establishment.objects.within(scope, VIEW)
        .filter(province_now=establishment.province_now, name_key=name_key(establishment.name))
        .exclude(pk=establishment.pk)
        .exclude(status=Status.MERGED)
        .select_related("commune", "province_now")
    )


def duplicate_candidates(scope: Scope, limit: int = 500) -> list[DuplicatePair]:
    """Pairs that are probably the same establishment: the same reduced name in the same province
    (today's geography – a record from before 2025 and one from after meet here)."""
    base = Establishment.objects.within(scope, VIEW).exclude(status=Status.MERGED).exclude(name_key="")
    groups = (
        base.values("province_now", "name_key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("name_key")[:limit]
    )
    pairs: list[DuplicatePair] = []
    for group in groups:
        members = list(
            base.filter(province_now=group["province_now"], name_key=group["name_key"])
            .select_related("commune", "province", "province_now")
            .order_by("id")
        )
        first = members[0]
        for other in members[1:]:
            same_commune = other.commune_id == first.commune_id
            pairs.append(DuplicatePair(first, other, "same_commune" if same_commune else "same_province"))
    return pairs


def count_by_province(scope: Scope, geography: str) -> MeasureFigures:
    """The registry's establishments (not merged records) per province, as ``scope`` may see them.

    ``"34"``: by the province holding them today. ``"63"``: by the province as registered; one
    registered in the 2025 geography counts for its province's only predecessor when the province
    was formed from one (Hà Nội, Cao Bằng, …); one in a province merged from several cannot be
    placed in one of the 63 and is counted in a note. A province outside the scope has no figure.
    """
    from khuyencong.geo.maps import GEOGRAPHIES, MeasureFigures
    from khuyencong.geo.queries import provinces_on, sole_predecessors

    live = registry(scope)
    notes: list[str] = []
    if geography == "34":
        rows = live.order_by().values_list("province_now").annotate(n=Count("id"))
        values: dict[int, int] = {pid: n for pid, n in rows if pid is not None}
        covered = None if scope.national_read else set(scope.current_read)
        notes.append(
            _(
                "Establishments in the registry (merged duplicates not counted), "
                "by the province holding them today."
            )
        )
        return MeasureFigures(values=values, covered=covered, notes=notes)
    old = set(provinces_on(GEOGRAPHIES["63"]["on"]).values_list("pk", flat=True))
    sole = sole_predecessors()
    covered = None if scope.national_read else {p for p in scope.province_read if p in old}
    values = {}
    unplaced = 0
    for pid, n in live.order_by().values_list("province").annotate(n=Count("id")):
        target = pid if pid in old else sole.get(pid)
        if target is not None:
            values[target] = values.get(target, 0) + n
        elif covered is None or pid in scope.province_read:
            unplaced += n
    notes.append(
        _("Establishments in the registry (merged duplicates not counted), by the province as registered.")
    )
    if unplaced:
        notes.append(
            ngettext(
                "%(count)s establishment registered after 01/07/2025 in a province merged from several "
                "is not placed in one of the 63.",
                "%(count)s establishments registered after 01/07/2025 in provinces merged from several "
                "are not placed in one of the 63.",
                unplaced,
            )
            % {"count": format_number(unplaced)}
        )
    return MeasureFigures(values=values, covered=covered, notes=notes)


def province_map_measure(scope: Scope) -> MapMeasure | None:
    """The number of establishments per province, for the province map page."""
    from khuyencong.geo.maps import MapMeasure

    if not scope.can_use_workspace:
        return None
    return MapMeasure(
        key="establishments",
        label=str(_("Registered rural industrial establishments")),
        unit=str(_("establishments")),
        figures=lambda geography: count_by_province(scope, geography),
    )
