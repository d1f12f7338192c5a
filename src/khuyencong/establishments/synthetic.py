"""Synthetic rural industrial establishments for ``khuyencong generate-demo`` and the benchmarks:
names of the usual forms and trades, a commune of the geography they were registered in (the 63
provinces' communes before 2025 and the communes of today), a sector, a size, mostly active.

Deterministic for a seed; each registration number starts with ``SYN-`` (the mark of generated
records). Written without audit records (the base ``QuerySet.bulk_create``) – never business data.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable

PREFIX = "SYN-"
FIRST_NAME = "Cơ sở Gốm sứ Quang Vinh"  # the first one, which the search benchmark looks for

WORDS_PRODUCT = [
    "Gốm sứ",
    "Mây tre đan",
    "Chè",
    "Dệt thổ cẩm",
    "Cơ khí",
    "Đồ gỗ",
    "Nước mắm",
    "Bánh đa",
    "Gạch ngói",
    "Thêu ren",
    "Sơn mài",
    "Rèn",
    "Chế biến nông sản",
    "Miến dong",
    "Rượu",
    "Tương",
    "Nón lá",
    "Chiếu cói",
    "Đan lát",
    "Mộc mỹ nghệ",
    "Đúc đồng",
    "Bạc",
    "Giấy dó",
    "Hương",
    "Muối",
    "Cà phê",
    "Hạt điều",
    "Tinh bột sắn",
]
WORDS_NAME = [
    "Quang",
    "Minh",
    "Phát",
    "Thành",
    "Hưng",
    "Thịnh",
    "An",
    "Bình",
    "Phúc",
    "Lộc",
    "Tài",
    "Đức",
    "Hoà",
    "Tiến",
    "Việt",
    "Nam",
    "Sơn",
    "Hà",
    "Long",
    "Toàn",
    "Thắng",
    "Lợi",
    "Vinh",
    "Hải",
    "Xuân",
    "Thu",
    "Đông",
    "Hạnh",
]
FORMS = [
    ("Cơ sở", "household"),
    ("Hộ kinh doanh", "household"),
    ("Hợp tác xã", "cooperative"),
    ("Công ty TNHH", "small"),
    ("Tổ hợp tác", "cooperative_group"),
    ("Công ty CP", "medium"),
]
DIVISIONS = ["10", "11", "13", "14", "16", "20", "23", "25", "28", "31", "32", "10", "16", "23"]


def generate_establishments(
    count: int, seed: int, first: int = 0, progress: Callable[[str], None] | None = None
) -> int:
    """Write the synthetic establishments number ``first`` to ``count - 1`` (a larger registry can be
    grown from a smaller one); return how many were written."""
    from django.db import models, transaction

    from khuyencong.core.text import fold
    from khuyencong.establishments.models import Establishment, SectorDivision, name_key
    from khuyencong.geo.models import AdministrativeUnit, Level
    from khuyencong.geo.queries import rollup_map

    rng = random.Random(f"{seed}-establishments-{first}")
    communes = list(
        AdministrativeUnit.objects.filter(level=Level.COMMUNE)
        .select_related("parent__parent")
        .only("id", "valid_from", "parent_id", "parent__level", "parent__parent_id", "kind")
        .order_by("pk")
    )
    if not communes:
        raise ValueError("load the reference data first (khuyencong load-reference)")
    province_of = {}
    for c in communes:
        province_of[c.pk] = c.parent_id if c.parent.level == Level.PROVINCE else c.parent.parent_id
    now_map = rollup_map(Level.PROVINCE, datetime.date(2026, 1, 1))
    divisions = {d.code: d.pk for d in SectorDivision.objects.all()}
    started = time.perf_counter()
    batch: list[Establishment] = []
    plain = models.QuerySet(Establishment)  # unaudited: synthetic data
    written = 0
    for i in range(first, count):
        form, kind = rng.choice(FORMS)
        name = f"{form} {rng.choice(WORDS_PRODUCT)} {rng.choice(WORDS_NAME)} {rng.choice(WORDS_NAME)}"
        if i == 0:
            name, kind = FIRST_NAME, "household"
        commune = rng.choice(communes)
        division = rng.choice(DIVISIONS)
        province = province_of[commune.pk]
        batch.append(
            Establishment(
                name=name,
                kind=kind,
                tax_code=None,
                registration_number=f"{PREFIX}{i + 1:07d}",
                representative="Người đại diện",
                address="Thôn",
                commune_id=commune.pk,
                province_id=province,
                province_now_id=now_map[province],
                address_as_of=commune.valid_from or datetime.date(2019, 1, 1),
                vsic_code=division + "00",
                division_id=divisions[division],
                products="Sản phẩm",
                employees=rng.randint(1, 200),
                status=rng.choices(["active", "suspended", "closed"], [90, 5, 5])[0],
                search_text=fold(name),
                name_key=name_key(name),
            )
        )
        if len(batch) == 20_000:
            with transaction.atomic():
                plain.bulk_create(batch)
            written += len(batch)
            batch.clear()
            if progress:
                rate = written / (time.perf_counter() - started)
                progress(f"  establishments: {first + written:,}/{count:,} ({rate:,.0f} rows/s)")
    if batch:
        with transaction.atomic():
            plain.bulk_create(batch)
        written += len(batch)
    return written


def wipe() -> None:
    """Delete the synthetic establishments, but for those another record refers to (after a
    ``--force`` run, demo or real records may have been attached to one: they keep it)."""
    from django.db import connection

    from khuyencong.establishments.models import Establishment

    qn = connection.ops.quote_name
    kept = []
    for relation in Establishment._meta.related_objects:
        if relation.many_to_many or not relation.field.concrete:
            continue
        other = relation.related_model._meta.db_table
        kept.append(
            f"id NOT IN (SELECT {qn(relation.field.column)} FROM {qn(other)} "
            f"WHERE {qn(relation.field.column)} IS NOT NULL)"
        )
    where = " AND ".join(["registration_number LIKE %s", *kept])
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {qn(Establishment._meta.db_table)} WHERE {where}", [PREFIX + "%"])
