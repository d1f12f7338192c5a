"""Load the report forms, their sections and fields (``periodic/data``)."""

from __future__ import annotations

from khuyencong.core.loading import LoadRun
from khuyencong.periodic.models import FormField, FormSection, Prefill, ReportForm, SectionKind, ValueType
from khuyencong.periodic.periods import PeriodType
from khuyencong.programmes.models import Content, Indicator
from khuyencong.projects.models import FundingSource
from khuyencong.reporting.measures import LEDGER, MEASURES


def load_report_forms(run: LoadRun) -> None:
    up = run.upserter
    table = run.table(
        "periodic",
        "forms.csv",
        ["code", "order", "name", "name_en", "period_type", "months", "deadline_days", "active"],
    )
    rows = []
    for row in table.rows():
        period_type = row.choice("period_type", PeriodType.values)
        months = row.integer("months", required=False, minimum=1)
        if period_type == PeriodType.FIRST_MONTHS and not months:
            row.error("months", "cần số tháng N cho kỳ “N tháng đầu năm”")
        if months is not None and months > 12:
            row.error("months", "không quá 12")
        rows.append(
            (
                {"code": row.text("code", max_length=60)},
                {
                    "order": row.integer("order", minimum=0),
                    "name": row.text("name", max_length=300),
                    "name_en": row.text("name_en", required=False, max_length=300),
                    "period_type": period_type,
                    "months": months,
                    "deadline_days": row.integer("deadline_days", minimum=0),
                    "active": row.boolean("active"),
                },
            )
        )
    run.check(table)
    forms = {key["code"]: up.upsert(ReportForm, key, values) for key, values in rows}
    forms.update({f.code: f for f in ReportForm.objects.exclude(code__in=list(forms))})

    table = run.table("periodic", "sections.csv", ["form", "code", "order", "title", "title_en", "kind"])
    rows = []
    for row in table.rows():
        rows.append(
            (
                {"form": row.ref("form", forms, "biểu mẫu mã"), "code": row.text("code", max_length=60)},
                {
                    "order": row.integer("order", minimum=0),
                    "title": row.text("title", max_length=300),
                    "title_en": row.text("title_en", required=False, max_length=300),
                    "kind": row.choice("kind", SectionKind.values),
                },
            )
        )
    run.check(table)
    sections = {}
    for key, values in rows:
        section = up.upsert(FormSection, key, values)
        sections[(section.form.code, section.code)] = section

    contents = {c.code: c for c in Content.objects.all()}
    indicators = {i.code: i for i in Indicator.objects.all()}
    ledger_measures = [name for name, m in MEASURES.items() if m.fact == LEDGER and m.is_money]
    columns = [
        "form",
        "section",
        "code",
        "order",
        "label",
        "label_en",
        "value_type",
        "required",
        "unit",
        "unit_en",
        "prefill",
        "measure",
        "source",
        "content",
        "indicator",
        "parts",
        "help_text",
        "help_text_en",
    ]
    table = run.table("periodic", "fields.csv", columns)
    rows = []
    for row in table.rows():
        section = sections.get((row.values.get("form", ""), row.values.get("section", "")))
        if section is None:
            row.error("section", "không có phần này trong biểu mẫu")
        value_type = row.choice("value_type", ValueType.values)
        prefill = row.choice("prefill", [v for v in Prefill.values if v], required=False)
        measure = row.choice("measure", ledger_measures, required=False)
        indicator = row.ref("indicator", indicators, "chỉ tiêu mã", required=False)
        if prefill == Prefill.LEDGER and (not measure or value_type != ValueType.MONEY):
            row.error("measure", "trường lấy từ sổ kinh phí cần một đại lượng tiền (vd. paid) và kiểu money")
        if prefill == Prefill.INDICATOR and indicator is None:
            row.error("indicator", "trường lấy từ kết quả đề án cần mã chỉ tiêu")
        rows.append(
            (
                {"section": section, "code": row.text("code", max_length=60)},
                {
                    "order": row.integer("order", minimum=0),
                    "label": row.text("label", max_length=300),
                    "label_en": row.text("label_en", required=False, max_length=300),
                    "value_type": value_type,
                    "required": row.boolean("required"),
                    "unit": row.text("unit", required=False, max_length=50),
                    "unit_en": row.text("unit_en", required=False, max_length=50),
                    "prefill": prefill,
                    "measure": measure,
                    "source": row.choice("source", FundingSource.values, required=False),
                    "content": row.ref("content", contents, "nội dung mã", required=False),
                    "indicator": indicator,
                    "parts": row.text("parts", required=False, max_length=200),
                    "help_text": row.text("help_text", required=False, max_length=300),
                    "help_text_en": row.text("help_text_en", required=False, max_length=300),
                },
            )
        )
    run.check(table)
    for key, values in rows:
        up.upsert(FormField, key, values)
