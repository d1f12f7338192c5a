"""Load organisations, their names over time and their successions (``orgs/data/*.csv``)."""

from __future__ import annotations

from khuyencong.core.loading import LoadRun
from khuyencong.geo.loaders import NEW_FROM, OLD_FROM
from khuyencong.geo.models import AdministrativeUnit, Level
from khuyencong.orgs.models import (
    CentreFunction,
    Organisation,
    OrganisationName,
    OrganisationSuccession,
    OrgKind,
)


def load_organisations(run: LoadRun) -> None:
    up = run.upserter
    provinces = {
        ("2008" if u.valid_from == OLD_FROM else "2025", u.code): u
        for u in AdministrativeUnit.objects.filter(level=Level.PROVINCE, valid_from__in=[OLD_FROM, NEW_FROM])
    }
    columns = [
        "code",
        "kind",
        "name",
        "short_name",
        "province",
        "generation",
        "parent",
        "functions",
        "valid_from",
        "valid_until",
        "name_verified",
        "source",
    ]
    table = run.table("orgs", "organisations.csv", columns)
    parsed = []
    codes: set[str] = set()
    for row in table.rows():
        code = row.text("code", max_length=40)
        if code in codes:
            row.error("code", f"mã {code} bị trùng")
        codes.add(code)
        province = None
        province_code = row.text("province", required=False)
        if province_code:
            generation = row.choice("generation", ["2008", "2025"])
            province = provinces.get((generation, province_code))
            if province is None:
                row.error("province", f"không có tỉnh mã {province_code} (thế hệ {generation})")
        functions = [f for f in row.text("functions", required=False).split(";") if f]
        for f in functions:
            if f not in CentreFunction.values:
                row.error("functions", f"chức năng “{f}” không hợp lệ")
        valid_from, valid_until = row.date("valid_from"), row.date("valid_until")
        if valid_from and valid_until and valid_until < valid_from:
            row.error("valid_until", "trước ngày bắt đầu hiệu lực")
        parsed.append(
            (
                code,
                row.text("parent", required=False),
                {
                    "kind": row.choice("kind", OrgKind.values),
                    "name": row.text("name", max_length=255),
                    "short_name": row.text("short_name", required=False, max_length=80),
                    "province_id": province.pk if province else None,
                    "functions": functions,
                    "valid_from": valid_from,
                    "valid_until": valid_until,
                    "name_verified": row.boolean("name_verified"),
                    "source": row.text("source", required=False, max_length=300),
                },
                row,
            )
        )
    for _code, parent, _values, row in parsed:
        if parent and parent not in codes:
            row.error("parent", f"không có cơ quan mã “{parent}” trong tệp")
    run.check(table)
    existing = {o.code: o for o in Organisation.objects.all()}
    orgs: dict[str, Organisation] = {}
    for code, parent, values, _row in parsed:
        current = existing.get(code)
        if not parent:
            parent_id = None
        elif parent in orgs:  # parents normally come first in the file
            parent_id = orgs[parent].pk
        else:  # a parent further down: linked in the second pass
            parent_id = current.parent_id if current else None
        values = {**values, "parent_id": parent_id}
        orgs[code] = up.upsert(Organisation, {"code": code}, values, existing=current, lookup=False)
    for code, parent, _values, _row in parsed:
        wanted = orgs[parent].pk if parent else None
        if orgs[code].parent_id != wanted:
            up.upsert(Organisation, {"code": code}, {"parent_id": wanted}, existing=orgs[code], lookup=False)

    table = run.table(
        "orgs",
        "organisation_names.csv",
        ["organisation", "name", "short_name", "valid_from", "valid_until", "legal_basis"],
    )
    names = []
    for row in table.rows():
        names.append(
            (
                row.ref("organisation", orgs, "cơ quan mã"),
                row.text("name", max_length=255),
                {
                    "short_name": row.text("short_name", required=False, max_length=80),
                    "valid_from": row.date("valid_from"),
                    "valid_until": row.date("valid_until"),
                    "legal_basis": row.text("legal_basis", required=False, max_length=200),
                },
            )
        )
    run.check(table)
    for org, name, values in names:
        up.upsert(OrganisationName, {"organisation": org, "name": name}, values)

    table = run.table(
        "orgs", "organisation_successions.csv", ["predecessor", "successor", "effective_date", "legal_basis"]
    )
    links = []
    for row in table.rows():
        links.append(
            (
                row.ref("predecessor", orgs, "cơ quan mã"),
                row.ref("successor", orgs, "cơ quan mã"),
                {
                    "effective_date": row.date("effective_date", required=True),
                    "legal_basis": row.text("legal_basis", required=False, max_length=200),
                },
            )
        )
    run.check(table)
    for pred, succ, values in links:
        up.upsert(OrganisationSuccession, {"predecessor": pred, "successor": succ}, values)
