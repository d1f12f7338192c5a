"""Load administrative units, regions and the 2025 succession.

Sources (see ``geo/data/README.md``):

* ``provinces_2008.csv`` – the 63 provinces valid 01/08/2008–30/06/2025, GSO codes and names from
  the PyPI package ``vietnam-provinces`` 0.6.0 (data of 04/01/2025); economic regions from seed 002
  (Part I.III.2); conference areas from seeds 001 and 003.
* the 34 provinces and 3,321 communes, wards and special zones valid from 01/07/2025: the pinned PyPI
  package ``vietnam-provinces`` 2025.x, read directly.
* ``succession_2025.csv`` – which old provinces form each new one (Resolution 202/2025/QH15).
* ``regions.csv`` – the six socio-economic regions and three conference areas.
"""

from __future__ import annotations

import datetime
import json

import vietnam_provinces

from khuyencong.core.loading import CsvTable, LoadError, LoadRun
from khuyencong.core.text import normalise
from khuyencong.geo.models import (
    KIND_BY_VIETNAMESE,
    AdministrativeUnit,
    Kind,
    Level,
    Region,
    RegionMembership,
    RegionScheme,
    Succession,
    SuccessionKind,
)

OLD_FROM = datetime.date(2008, 8, 1)
OLD_UNTIL = datetime.date(2025, 6, 30)
NEW_FROM = datetime.date(2025, 7, 1)
RESOLUTION_202 = "202/2025/QH15"
PACKAGE_SOURCE = (
    f"vietnam-provinces {getattr(vietnam_provinces, '__version__', '2025')} "
    f"(dữ liệu {getattr(vietnam_provinces, '__data_version__', '')}), mã theo danh mục hành chính mới"
)
OLD_SOURCE = "vietnam-provinces 0.6.0 (dữ liệu 04/01/2025), mã theo Tổng cục Thống kê"
PREFIXES = (
    "Thành phố ",
    "Thành Phố ",
    "Tỉnh ",
    "Phường ",
    "Xã ",
    "Đặc khu ",
    "Thị trấn ",
    "Thị xã ",
    "Huyện ",
    "Quận ",
)
OLD_UNITS_SOURCE = (
    "vietnam-provinces 0.6.0 (dữ liệu 04/01/2025) – danh sách cuối cùng trước ngày 01/7/2025; ngày thành lập "
    "không có trong nguồn"
)
KIND_BY_PREFIX = [
    ("Thị trấn ", Kind.TOWNSHIP),
    ("Thị xã ", Kind.TOWN),
    ("Thành phố ", Kind.PROVINCIAL_CITY),
    ("Thành Phố ", Kind.PROVINCIAL_CITY),
    ("Quận ", Kind.URBAN_DISTRICT),
    ("Huyện ", Kind.RURAL_DISTRICT),
    ("Phường ", Kind.WARD),
    ("Xã ", Kind.COMMUNE),
]


def short_name(full_name: str) -> str:
    for prefix in PREFIXES:
        if full_name.startswith(prefix):
            return full_name[len(prefix) :]
    return full_name


def kind_from_name(full_name: str) -> str | None:
    for prefix, kind in KIND_BY_PREFIX:
        if full_name.startswith(prefix):
            return kind
    return None


def load_geography(run: LoadRun) -> None:
    up = run.upserter
    existing_units = {(u.level, u.code, u.valid_from): u for u in AdministrativeUnit.objects.all()}

    # --- regions ---------------------------------------------------------------------------
    table = run.table("geo", "regions.csv", ["scheme", "code", "order", "name", "name_en", "source"])
    parsed = []
    for row in table.rows():
        parsed.append(
            (
                row.choice("scheme", RegionScheme.values),
                row.text("code", max_length=20),
                {
                    "order": row.integer("order", minimum=0) or 0,
                    "name": row.text("name", max_length=150),
                    "name_en": row.text("name_en", required=False, max_length=150),
                    "source": row.text("source", required=False, max_length=300),
                },
            )
        )
    run.check(table)
    regions = {
        (scheme, code): up.upsert(Region, {"scheme": scheme, "code": code}, values)
        for scheme, code, values in parsed
    }

    # --- the 63 provinces (2008 – 30/06/2025) ------------------------------------------------
    table = run.table(
        "geo",
        "provinces_2008.csv",
        ["code", "name", "full_name", "kind", "economic_region", "conference_area", "other_names"],
    )
    old_rows = []
    seen: set[str] = set()
    for row in table.rows():
        code = row.text("code", max_length=10)
        if code in seen:
            row.error("code", f"mã {code} bị trùng")
        seen.add(code)
        old_rows.append(
            {
                "code": code,
                "name": normalise(row.text("name", max_length=100)),
                "full_name": normalise(row.text("full_name", max_length=150)),
                "kind": row.choice("kind", [Kind.PROVINCE, Kind.CENTRAL_CITY]),
                "other_names": row.text("other_names", required=False, max_length=300),
                "economic": row.ref(
                    "economic_region",
                    {c: r for (s, c), r in regions.items() if s == "economic"},
                    "vùng kinh tế",
                ),
                "conference": row.ref(
                    "conference_area",
                    {c: r for (s, c), r in regions.items() if s == "conference"},
                    "khu vực hội nghị",
                ),
            }
        )
    if len(old_rows) != 63 and not table.errors:
        table.errors.append(LoadError(table.name, None, None, f"có {len(old_rows)} tỉnh, cần đúng 63"))
    run.check(table)
    old_units: dict[str, AdministrativeUnit] = {}
    for r in old_rows:
        old_units[r["code"]] = up.upsert(
            AdministrativeUnit,
            {"level": Level.PROVINCE, "code": r["code"], "valid_from": OLD_FROM},
            {
                "name": r["name"],
                "full_name": r["full_name"],
                "kind": r["kind"],
                "other_names": r["other_names"],
                "valid_until": OLD_UNTIL,
                "source": OLD_SOURCE,
                "parent_id": None,
            },
            existing=existing_units.get((Level.PROVINCE, r["code"], OLD_FROM)),
            lookup=False,
        )
        for region in (r["economic"], r["conference"]):
            up.upsert(RegionMembership, {"region": region, "unit": old_units[r["code"]]}, {"note": ""})

    # --- districts and communes of the 63 provinces (until 30/06/2025) -----------------------
    load_old_units(run, old_units, existing_units)

    # --- the 34 provinces and their communes (from 01/07/2025) -------------------------------
    new_units = load_package(run, existing_units)

    # --- succession (Resolution 202/2025/QH15) ------------------------------------------------
    table = run.table("geo", "succession_2025.csv", ["new_code", "old_code", "is_seat"])
    links = []
    for row in table.rows():
        links.append(
            (
                row.ref("new_code", new_units, "tỉnh mới mã"),
                row.ref("old_code", old_units, "tỉnh cũ mã"),
                row.boolean("is_seat"),
                row.number,
            )
        )
    successors: dict[int, list] = {}
    predecessors: dict[int, list] = {}
    for new, old, seat, number in links:
        if new is None or old is None:
            continue
        successors.setdefault(old.pk, []).append(new)
        predecessors.setdefault(new.pk, []).append((old, seat, number))
    for code, unit in old_units.items():
        count = len(successors.get(unit.pk, []))
        if count != 1:
            table.errors.append(
                LoadError(
                    table.name,
                    None,
                    "old_code",
                    f"tỉnh cũ {code} {unit.name} có {count} tỉnh kế thừa, cần đúng 1",
                )
            )
    for code, unit in new_units.items():
        preds = predecessors.get(unit.pk, [])
        seats = [p for p in preds if p[1]]
        if not preds or len(seats) != 1:
            table.errors.append(
                LoadError(
                    table.name,
                    None,
                    "is_seat",
                    f"tỉnh mới {code} {unit.name} cần ít nhất 1 tỉnh cũ "
                    "và đúng 1 nơi đặt trung tâm hành chính",
                )
            )
    run.check(table)
    memberships = {(m.region_id, m.unit_id) for m in RegionMembership.objects.all()}
    for new_id, preds in predecessors.items():
        new = next(u for u in new_units.values() if u.pk == new_id)
        kind = SuccessionKind.CONTINUED if len(preds) == 1 else SuccessionKind.MERGED
        for old, seat, _number in preds:
            up.upsert(
                Succession,
                {"predecessor": old, "successor": new},
                {
                    "effective_date": NEW_FROM,
                    "kind": kind,
                    "share_percent": 100,
                    "legal_basis": RESOLUTION_202,
                    "is_seat": seat,
                },
            )
            if seat:
                # The 2025 province belongs to the regions of the old province that holds its seat.
                for region in Region.objects.filter(memberships__unit=old):
                    up.upsert(
                        RegionMembership,
                        {"region": region, "unit": new},
                        {"note": f"Theo tỉnh {old.name} (nơi đặt trung tâm hành chính)"},
                        lookup=(region.pk, new.pk) in memberships,
                    )


def load_old_units(run: LoadRun, old_provinces: dict[str, AdministrativeUnit], existing_units: dict) -> None:
    """Districts and communes as they stood before 01/07/2025 (``units_2008.csv.gz``).

    Their start dates are not in the source (left empty); they end on 30/06/2025. Districts were
    abolished; which 2025 commune took over each old commune is not in the source either, so an old
    commune rolls up to the 2025 geography through its province.
    """
    up = run.upserter
    table = run.table("geo", "units_2008.csv.gz", ["level", "code", "parent", "full_name"])
    districts: dict[str, AdministrativeUnit] = {}
    pending: list[AdministrativeUnit] = []
    pending_communes: list[tuple[str, AdministrativeUnit]] = []
    for row in table.rows():
        level = row.choice("level", [Level.DISTRICT, Level.COMMUNE])
        code = row.text("code", max_length=10)
        full_name = normalise(row.text("full_name", max_length=150))
        kind = kind_from_name(full_name)
        if kind is None:
            row.error("full_name", f"không xác định được loại đơn vị từ tên “{full_name}”")
            continue
        parent_code = row.text("parent")
        values = {
            "name": short_name(full_name),
            "full_name": full_name,
            "kind": kind,
            "valid_until": OLD_UNTIL,
            "source": OLD_UNITS_SOURCE,
            "other_names": "",
        }
        if level == Level.DISTRICT:
            parent = old_provinces.get(parent_code)
            if parent is None:
                row.error("parent", f"không có tỉnh cũ mã {parent_code}")
                continue
            values["parent_id"] = parent.pk
        current = existing_units.get((level, code, None))
        if current is not None:
            if level == Level.COMMUNE:
                district = districts.get(parent_code)
                values["parent_id"] = district.pk if district else current.parent_id
            up.upsert(AdministrativeUnit, {}, values, existing=current, lookup=False)
            if level == Level.DISTRICT:
                districts[code] = current
            continue
        unit = AdministrativeUnit(level=level, code=code, valid_from=None, **values)
        unit.search_name = unit.compute_search_name()
        if level == Level.DISTRICT:
            pending.append(unit)
            districts[code] = unit
        else:
            pending_communes.append((parent_code, unit))
    run.check(table)
    up.create_many(AdministrativeUnit, pending)  # districts first: communes need their ids
    for parent_code, unit in pending_communes:
        district = districts.get(parent_code)
        if district is None or district.pk is None:
            table.errors.append(LoadError(table.name, None, "parent", f"không có huyện mã {parent_code}"))
            continue
        unit.parent_id = district.pk
    run.check(table)
    up.create_many(AdministrativeUnit, [u for _p, u in pending_communes])


def load_package(run: LoadRun, existing_units: dict) -> dict[str, AdministrativeUnit]:
    """The 2025 provinces and communes, from the installed ``vietnam-provinces`` package."""
    up = run.upserter
    name = "vietnam_provinces/nested-divisions.json"
    data = json.loads(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH.read_text(encoding="utf-8"))
    table = CsvTable(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH, [])
    if len(data) != 34:
        table.errors.append(LoadError(name, None, None, f"có {len(data)} tỉnh, cần đúng 34"))
    run.check(table)
    provinces: dict[str, AdministrativeUnit] = {}
    new_communes: list[AdministrativeUnit] = []
    for p in data:
        code = f"{int(p['code']):02d}"
        kind = KIND_BY_VIETNAMESE.get(p["division_type"])
        if kind not in (Kind.PROVINCE, Kind.CENTRAL_CITY):
            table.errors.append(
                LoadError(name, None, "division_type", f"loại “{p['division_type']}” của {p['name']}")
            )
            continue
        full = normalise(p["name"] if p["name"].startswith("Thành phố") else f"Tỉnh {p['name']}")
        province = up.upsert(
            AdministrativeUnit,
            {"level": Level.PROVINCE, "code": code, "valid_from": NEW_FROM},
            {
                "name": short_name(full),
                "full_name": full,
                "kind": kind,
                "valid_until": None,
                "source": PACKAGE_SOURCE,
                "other_names": "",
                "parent_id": None,
            },
            existing=existing_units.get((Level.PROVINCE, code, NEW_FROM)),
            lookup=False,
        )
        provinces[code] = province
        for w in p.get("wards", []):
            ward_code = f"{int(w['code']):05d}"
            ward_kind = KIND_BY_VIETNAMESE.get(w["division_type"])
            if ward_kind not in (Kind.COMMUNE, Kind.WARD, Kind.SPECIAL_ZONE):
                table.errors.append(
                    LoadError(name, None, "division_type", f"loại “{w['division_type']}” của {w['name']}")
                )
                continue
            full_ward = normalise(w["name"])
            values = {
                "name": short_name(full_ward),
                "full_name": full_ward,
                "kind": ward_kind,
                "valid_until": None,
                "source": PACKAGE_SOURCE,
                "other_names": "",
                "parent_id": province.pk,
            }
            current = existing_units.get((Level.COMMUNE, ward_code, NEW_FROM))
            if current is None:
                unit = AdministrativeUnit(level=Level.COMMUNE, code=ward_code, valid_from=NEW_FROM, **values)
                unit.search_name = unit.compute_search_name()
                new_communes.append(unit)
            else:
                up.upsert(AdministrativeUnit, {}, values, existing=current, lookup=False)
    run.check(table)
    up.create_many(AdministrativeUnit, new_communes)
    return provinces
