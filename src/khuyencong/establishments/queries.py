"""Reads over the registry: accent-insensitive search, duplicate candidates."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from khuyencong.core.permissions import VIEW, Scope
from khuyencong.core.text import fold, search_q
from khuyencong.establishments.models import Establishment, Status, name_key

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
