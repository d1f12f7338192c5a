"""Load support norms, advance rules and appraisal criteria (``projects/data``)."""

from __future__ import annotations

from khuyencong.core.loading import LoadRun
from khuyencong.programmes.models import Content, LegalDocument
from khuyencong.projects.models import AdvanceRule, CriteriaSet, Criterion, NormBasis, SupportNorm


def load_project_reference(run: LoadRun) -> None:
    up = run.upserter
    contents = {c.code: c for c in Content.objects.all()}
    documents = {d.number: d for d in LegalDocument.objects.all()}

    table = run.table(
        "projects",
        "support_norms.csv",
        [
            "code",
            "content",
            "name",
            "max_percent",
            "max_amount",
            "basis",
            "legal_basis",
            "article",
            "valid_from",
            "valid_until",
            "note",
        ],
    )
    norms = []
    for row in table.rows():
        percent = row.decimal("max_percent", required=False, minimum=0)
        amount = row.integer("max_amount", required=False, minimum=0)
        if percent is None and amount is None:
            row.error("max_percent", "cần tỷ lệ tối đa hoặc mức trần (hoặc cả hai)")
        if percent is not None and percent > 100:
            row.error("max_percent", "không quá 100")
        norms.append(
            (
                {
                    "code": row.text("code", max_length=60),
                    "valid_from": row.date("valid_from", required=True),
                },
                {
                    "content": row.ref("content", contents, "nội dung mã"),
                    "name": row.text("name", max_length=300),
                    "max_percent": percent,
                    "max_amount": amount,
                    "basis": row.choice("basis", NormBasis.values),
                    "legal_basis": row.ref("legal_basis", documents, "văn bản số"),
                    "article": row.text("article", required=False, max_length=100),
                    "valid_until": row.date("valid_until"),
                    "note": row.text("note", required=False, max_length=500),
                },
            )
        )
    run.check(table)
    for key, values in norms:
        up.upsert(SupportNorm, key, values)

    table = run.table(
        "projects",
        "advance_rules.csv",
        [
            "content",
            "max_percent",
            "min_progress",
            "legal_basis",
            "valid_from",
            "valid_until",
            "note",
        ],
    )
    rules = []
    for row in table.rows():
        rules.append(
            (
                {
                    "content": row.ref("content", contents, "nội dung mã"),
                    "valid_from": row.date("valid_from", required=True),
                },
                {
                    "max_percent": row.decimal("max_percent", minimum=0),
                    "min_progress": row.integer("min_progress", minimum=0),
                    "legal_basis": row.ref("legal_basis", documents, "văn bản số"),
                    "valid_until": row.date("valid_until"),
                    "note": row.text("note", required=False, max_length=500),
                },
            )
        )
    run.check(table)
    for key, values in rules:
        up.upsert(AdvanceRule, key, values)

    table = run.table(
        "projects",
        "criteria.csv",
        [
            "set_code",
            "set_name",
            "effective_from",
            "order",
            "criterion",
            "weight",
            "max_score",
            "description",
        ],
    )
    sets: dict[str, CriteriaSet] = {}
    criteria = []
    for row in table.rows():
        code = row.text("set_code", max_length=40)
        if code not in sets:
            name = row.text("set_name", max_length=300)
            sets[code] = up.upsert(
                CriteriaSet,
                {"code": code},
                {"name": name, "effective_from": row.date("effective_from", required=True)},
            )
        criteria.append(
            (
                sets[code],
                row.integer("order", minimum=1),
                {
                    "name": row.text("criterion", max_length=300),
                    "weight": row.decimal("weight", minimum=0),
                    "max_score": row.integer("max_score", minimum=1),
                    "description": row.text("description", required=False),
                },
            )
        )
    run.check(table)
    for criteria_set, order, values in criteria:
        up.upsert(Criterion, {"criteria_set": criteria_set, "order": order}, values)
