"""Load VSIC 2018 sections and divisions and the eligibility rules (``establishments/data``)."""

from __future__ import annotations

from khuyencong.core.loading import LoadRun
from khuyencong.establishments.models import (
    Dimension,
    EligibilityRule,
    EligibilityRuleSet,
    EstablishmentKind,
    Outcome,
    SectorDivision,
    SectorSection,
)
from khuyencong.programmes.models import LegalDocument


def load_establishment_reference(run: LoadRun) -> None:
    up = run.upserter
    table = run.table("establishments", "vsic_2018.csv", ["level", "code", "section", "name"])
    sections: dict[str, SectorSection] = {}
    divisions = []
    for row in table.rows():
        level = row.choice("level", ["section", "division"])
        code = row.text("code", max_length=2)
        name = row.text("name", max_length=300)
        if level == "section":
            sections[code] = up.upsert(SectorSection, {"code": code}, {"name": name})
        else:
            divisions.append((code, row.ref("section", sections, "ngành cấp 1"), name))
    run.check(table)
    for code, section, name in divisions:
        up.upsert(SectorDivision, {"code": code}, {"section": section, "name": name})

    documents = {d.number: d for d in LegalDocument.objects.all()}
    table = run.table(
        "establishments",
        "eligibility_rule_sets.csv",
        ["code", "name", "legal_basis", "effective_from", "effective_until", "note"],
    )
    rule_sets = {}
    parsed = []
    for row in table.rows():
        start, end = row.date("effective_from", required=True), row.date("effective_until")
        if start and end and end < start:
            row.error("effective_until", "trước ngày có hiệu lực")
        parsed.append(
            (
                row.text("code", max_length=40),
                {
                    "name": row.text("name", max_length=300),
                    "legal_basis": row.ref("legal_basis", documents, "văn bản số"),
                    "effective_from": start,
                    "effective_until": end,
                    "note": row.text("note", required=False),
                },
            )
        )
    run.check(table)
    for code, values in parsed:
        rule_sets[code] = up.upsert(EligibilityRuleSet, {"code": code}, values)

    table = run.table(
        "establishments",
        "eligibility_rules.csv",
        ["rule_set", "dimension", "value", "outcome", "reason", "reason_en", "article"],
    )
    allowed_values = {
        Dimension.KIND: set(EstablishmentKind.values),
        Dimension.SECTOR_SECTION: set(sections),
        Dimension.SECTOR_DIVISION: {code for code, _s, _n in divisions},
    }
    rules = []
    for row in table.rows():
        dimension = row.choice("dimension", Dimension.values)
        value = row.text("value", max_length=40)
        if dimension in allowed_values and value and value not in allowed_values[dimension]:
            row.error("value", f"“{value}” không phải giá trị hợp lệ của {dimension}")
        rules.append(
            (
                row.ref("rule_set", rule_sets, "bộ quy tắc"),
                dimension,
                value,
                {
                    "outcome": row.choice("outcome", Outcome.values),
                    "reason": row.text("reason", max_length=500),
                    "reason_en": row.text("reason_en", required=False, max_length=500),
                    "article": row.text("article", required=False, max_length=100),
                },
            )
        )
    run.check(table)
    for rule_set, dimension, value, values in rules:
        up.upsert(EligibilityRule, {"rule_set": rule_set, "dimension": dimension, "value": value}, values)
