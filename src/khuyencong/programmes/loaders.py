"""Load legal documents, contents, indicators, programmes and targets (``programmes/data/*.csv``)."""

from __future__ import annotations

from khuyencong.core.loading import LoadRun
from khuyencong.core.text import normalise
from khuyencong.programmes.models import (
    Aggregation,
    Content,
    DocumentKind,
    DocumentRelation,
    Indicator,
    LegalDocument,
    Programme,
    ProgrammeContent,
    ProgrammeLevel,
    RelationKind,
    Target,
    TargetQualifier,
)


def load_legal_documents(run: LoadRun) -> dict[str, LegalDocument]:
    up = run.upserter
    table = run.table(
        "programmes",
        "legal_documents.csv",
        ["number", "kind", "issuer", "issued_on", "effective_from", "effective_until", "title", "source"],
    )
    parsed = []
    numbers: set[str] = set()
    for row in table.rows():
        number = normalise(row.text("number", max_length=60))
        if number in numbers:
            row.error("number", f"số hiệu {number} bị trùng")
        numbers.add(number)
        issued = row.date("issued_on", required=True)
        start, end = row.date("effective_from"), row.date("effective_until")
        if issued and start and start < issued:
            row.error("effective_from", "trước ngày ban hành")
        if start and end and end < start:
            row.error("effective_until", "trước ngày có hiệu lực")
        parsed.append(
            (
                number,
                row.text("issuer", max_length=200),
                {
                    "kind": row.choice("kind", DocumentKind.values),
                    "issued_on": issued,
                    "effective_from": start,
                    "effective_until": end,
                    "title": normalise(row.text("title", max_length=500)),
                    "source": row.text("source", required=False, max_length=300),
                },
            )
        )
    run.check(table)
    documents = {
        number: up.upsert(LegalDocument, {"number": number, "issuer": issuer}, values)
        for number, issuer, values in parsed
    }

    table = run.table("programmes", "document_relations.csv", ["source", "relation", "target"])
    relations = []
    for row in table.rows():
        relations.append(
            (
                row.ref("source", documents, "văn bản số"),
                row.choice("relation", RelationKind.values),
                row.ref("target", documents, "văn bản số"),
            )
        )
    run.check(table)
    for source, kind, target in relations:
        up.upsert(DocumentRelation, {"source": source, "target": target, "kind": kind}, {})
    return documents


def load_programmes(run: LoadRun) -> None:
    up = run.upserter
    documents = load_legal_documents(run)

    table = run.table(
        "programmes",
        "contents.csv",
        ["code", "order", "short_name", "name", "name_en", "legal_basis", "valid_from", "valid_until"],
    )
    parsed = []
    for row in table.rows():
        parsed.append(
            (
                row.text("code", max_length=40),
                {
                    "order": row.integer("order", minimum=0),
                    "short_name": row.text("short_name", max_length=80),
                    "name": row.text("name", max_length=300),
                    "name_en": row.text("name_en", required=False, max_length=300),
                    "legal_basis": row.ref("legal_basis", documents, "văn bản số", required=False),
                    "valid_from": row.date("valid_from"),
                    "valid_until": row.date("valid_until"),
                },
            )
        )
    run.check(table)
    contents = {code: up.upsert(Content, {"code": code}, values) for code, values in parsed}

    table = run.table(
        "programmes",
        "indicators.csv",
        ["code", "content", "order", "name", "name_en", "unit", "unit_en", "aggregation", "cumulative"],
    )
    parsed = []
    for row in table.rows():
        parsed.append(
            (
                row.text("code", max_length=60),
                {
                    "content": row.ref("content", contents, "nội dung mã"),
                    "order": row.integer("order", minimum=0),
                    "name": row.text("name", max_length=300),
                    "name_en": row.text("name_en", required=False, max_length=300),
                    "unit": row.text("unit", max_length=50),
                    "unit_en": row.text("unit_en", required=False, max_length=50),
                    "aggregation": row.choice("aggregation", Aggregation.values),
                    "cumulative": row.boolean("cumulative"),
                },
            )
        )
    run.check(table)
    indicators = {code: up.upsert(Indicator, {"code": code}, values) for code, values in parsed}

    table = run.table(
        "programmes",
        "programmes.csv",
        [
            "code",
            "name",
            "level",
            "start_year",
            "end_year",
            "legal_basis",
            "contents",
            "planned_state_funds",
            "planned_funds_source",
            "source",
        ],
    )
    parsed = []
    for row in table.rows():
        start, end = row.integer("start_year", minimum=2000), row.integer("end_year", minimum=2000)
        if start and end and end < start:
            row.error("end_year", "trước năm bắt đầu")
        content_codes = [c for c in row.text("contents", required=False).split(";") if c]
        for c in content_codes:
            if c not in contents:
                row.error("contents", f"không có nội dung mã “{c}”")
        parsed.append(
            (
                row.text("code", max_length=40),
                content_codes,
                {
                    "name": row.text("name", max_length=300),
                    "level": row.choice("level", [ProgrammeLevel.NATIONAL]),
                    "start_year": start,
                    "end_year": end,
                    "legal_basis": row.ref("legal_basis", documents, "văn bản số", required=False),
                    "planned_state_funds": row.integer("planned_state_funds", required=False, minimum=0),
                    "planned_funds_source": row.text("planned_funds_source", required=False, max_length=300),
                    "source": row.text("source", required=False, max_length=300),
                },
            )
        )
    run.check(table)
    programmes = {}
    for code, content_codes, values in parsed:
        programme = up.upsert(Programme, {"code": code}, values)
        programmes[code] = programme
        for order, content_code in enumerate(content_codes, start=1):
            up.upsert(
                ProgrammeContent,
                {"programme": programme, "content": contents[content_code]},
                {"order": order},
            )

    table = run.table(
        "programmes",
        "targets.csv",
        ["programme", "indicator", "value", "qualifier", "back_computed", "source", "note"],
    )
    parsed = []
    for row in table.rows():
        programme = row.ref("programme", programmes, "chương trình mã")
        indicator = row.ref("indicator", indicators, "chỉ tiêu mã")
        if (
            programme
            and indicator
            and not programme.programme_contents.filter(content=indicator.content).exists()
        ):
            row.error(
                "indicator",
                f"chỉ tiêu thuộc nội dung “{indicator.content.code}”, không có trong chương trình",
            )
        parsed.append(
            (
                programme,
                indicator,
                {
                    "value": row.decimal("value", minimum=0),
                    "qualifier": row.choice("qualifier", TargetQualifier.values),
                    "back_computed": row.boolean("back_computed"),
                    "source": row.text("source", max_length=500),
                    "note": row.text("note", required=False, max_length=500),
                },
            )
        )
    run.check(table)
    for programme, indicator, values in parsed:
        up.upsert(Target, {"programme": programme, "indicator": indicator}, values)
