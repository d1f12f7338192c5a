"""Periodic report values (báo cáo định kỳ): **one row per figure** – form, province, period, the
field's code, the value (and a comment) – written through ``periodic/services.py``
(``report_open``, ``report_save_values``): the same parsing, refusals and scope as the report page.

Why one row per figure rather than one row per report with a column per field: a form is data (a
new form or field is added without code) and forms differ, so a fixed set of columns fits every
form; the template lists every field the province types, with its label and unit, in the order of
the form – the officer fills the “value” column top to bottom as on paper; several periods or
reports are simply more rows.

Natural key: **form + province + period + field code**. Rules, as on the page: a province imports
only its own reports (the agency reviews, it does not fill provinces' reports); the ledger's figures
are not typed; a submitted or accepted report is not changed until it is returned; an **approved
report refuses every row** with the page's message, naming the row, and nothing is written.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

from khuyencong.core.exceptions import ConflictError
from khuyencong.core.permissions import VIEW
from khuyencong.core.text import fold
from khuyencong.exchange import values
from khuyencong.exchange.kinds import Column, Kind, Parsed, read_cell, register, rehearse, today


def _forms() -> list[tuple[str, str]]:
    from khuyencong.periodic.models import ReportForm

    # the codes in the drop-down list (the template's rows use them); a name is accepted too
    return [(f.code, f.code) for f in ReportForm.objects.filter(active=True).order_by("order", "code")]


def _provinces() -> list[tuple[str, str]]:
    from khuyencong.exchange.kinds.establishments import _provinces as provinces

    return provinces()


COLUMNS = [
    Column("form", _("report form"), _("The form's code or name (e.g. bao-cao-quy)."), type="choice", required=True, choices=_forms, example="bao-cao-quy"),
    Column("province", _("province"), _("The province that files the report; a period before 1 July 2025 is filed by the province as it was (e.g. Hà Giang)."), type="province", required=True, choices=_provinces, example="Tuyên Quang", validation_list=False),
    Column("period", _("reporting period"), _("As reports write it: Quý II/2026 (or Quý 2/2026, Q2/2026), 6 tháng đầu năm 2026, 9 tháng đầu năm 2026, Năm 2026, Tháng 03/2026 – a period of the form's type."), type="period", required=True, example="Quý II/2026"),
    Column("field_code", _("field code"), _("The code of the form's field (the template lists them all); the ledger's figures are filled by the system and are not typed."), type="code", required=True, example="can-bo-tong-so"),
    Column("field_label", _("field"), _("The field's label, for the reader; not read on import."), example="Tổng số cán bộ, viên chức của Trung tâm"),
    Column("value", _("value"), _("The figure, by the field's type: an amount in đồng (1.234.567, 1,5 tỷ), a whole number, a number, Có/Không, or text. Empty: the figure is cleared (a pre-filled indicator goes back to the projects' figure)."), example="18"),
    Column("unit", _("unit"), _("The field's unit, for the reader; not read on import."), example="người"),
    Column("comment", _("comment"), _("Why the figure differs from last year or is above the plan (the check on submission asks for it)."), max_length=2000),
]  # fmt: skip

_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}


def _period_words(text: str) -> str:
    """A period as comparable words: folded, punctuation as spaces, roman quarters as digits,
    “q2” as “quy 2”, leading zeros dropped (“thang 03” = “thang 3”)."""
    words = re.sub(r"[^a-z0-9]+", " ", fold(text)).split()
    out: list[str] = []
    for word in words:
        match = re.fullmatch(r"q(\d)", word)
        if match:
            out += ["quy", match.group(1)]
        elif out and out[-1] == "quy" and word in _ROMAN:
            out.append(_ROMAN[word])
        elif word.isdigit():
            out.append(str(int(word)))
        else:
            out.append(word)
    return " ".join(out)


class Context:
    def __init__(self, user) -> None:
        from khuyencong.core.permissions import get_scope
        from khuyencong.periodic.models import ReportForm

        self.user = user
        self.checking = True
        self.scope = get_scope(user)
        self.places = values.Places()
        self.forms = {f.pk: f for f in ReportForm.objects.all()}
        self.form_choices: list[tuple[str, str]] = [(str(f.pk), f.code) for f in self.forms.values()] + [
            (str(f.pk), f.name) for f in self.forms.values()
        ]
        self.fields: dict[int, dict[str, Any]] = {}  # form id → code → FormField
        self.periods: dict[tuple[int, int], dict[str, Any]] = {}  # (form, year) → words → Period
        self.reports: dict[tuple, Any] = {}  # (form, province, start, end) → PeriodicReport
        self._visible: dict[int, bool] = {}

    def visible(self, report) -> bool:
        from khuyencong.periodic.models import PeriodicReport

        if report.pk not in self._visible:
            self._visible[report.pk] = (
                PeriodicReport.objects.restrict(self.user, VIEW).filter(pk=report.pk).exists()
            )
        return self._visible[report.pk]

    def fields_of(self, form) -> dict[str, Any]:
        from khuyencong.periodic.services import fields_of

        if form.pk not in self.fields:
            self.fields[form.pk] = {f.code: f for f in fields_of(form)}
        return self.fields[form.pk]

    def period(self, form, text: str):
        from khuyencong.periodic.periods import describe, periods_of

        years = re.findall(r"(?<!\d)(\d{4})(?!\d)", text)
        if len(years) != 1:
            return None
        year = int(years[0])
        if (form.pk, year) not in self.periods:
            found: dict[str, Any] = {}
            try:
                periods = periods_of(form.period_type, year, form.months)
            except ValueError:
                periods = []
            for period in periods:
                for language in ("vi", "en"):
                    with override(language):
                        found[_period_words(describe(period.start, period.end))] = period
                if period.end.month - period.start.month == 2:  # a quarter: “Quý 2 năm 2026”
                    q = (period.start.month + 2) // 3
                    found[f"quy {q} nam {year}"] = period
            self.periods[(form.pk, year)] = found
        return self.periods[(form.pk, year)].get(_period_words(text))


class PeriodicValuesKind(Kind):
    key = "periodic"
    label = _("Periodic report values (báo cáo định kỳ)")
    description = _(
        "One row per figure of a province's periodic report: form, province, period, field code, value, "
        "comment. The template lists every field the province types."
    )
    natural_key = _("The form, the province, the period and the field's code.")
    notes = _(
        "One row per figure rather than a column per field: forms are data and differ, and the template "
        "lists the form's fields top to bottom as on paper – fill the value column. A report that does not "
        "exist yet is opened as a draft. A submitted or accepted report is changed only after it is "
        "returned; an approved report refuses every row of the file, and nothing is written."
    )
    columns = COLUMNS
    menu = "reports"
    list_url = "periodic:list"
    list_label = _("Periodic reports")

    def prepare(self, user) -> Context:
        return Context(user)

    def may_import(self, user) -> bool:
        from khuyencong.core.permissions import get_scope

        return bool(get_scope(user).province_write)

    def example_rows(self) -> list[list[str]]:
        """Every field the province types of each form in use, in the form's order, for Q-period
        of this year's first period: the officer fills the value column."""
        from khuyencong.periodic.models import ReportForm
        from khuyencong.periodic.periods import describe, periods_of
        from khuyencong.periodic.services import fields_of

        rows: list[list[str]] = []
        year = today().year
        for form in ReportForm.objects.filter(active=True).order_by("order", "code"):
            try:
                first = periods_of(form.period_type, year, form.months)[0]
            except (ValueError, IndexError):
                continue
            with override("vi"):
                period = describe(first.start, first.end)
            for field in fields_of(form):
                if field.locked:
                    continue
                rows.append([form.code, "Tuyên Quang", period, field.code, field.label, "", field.unit, ""])
        return rows or [self.example_row()]

    def record_url(self, object_id: int) -> str | None:
        from django.urls import reverse

        from khuyencong.periodic.models import ReportValue

        report_id = ReportValue.objects.filter(pk=object_id).values_list("report_id", flat=True).first()
        return reverse("periodic:detail", args=[report_id]) if report_id else None

    def record_labels(self, object_ids: list[int]) -> dict[int, tuple[str, str | None]]:
        from django.urls import reverse

        from khuyencong.periodic.models import ReportValue

        found = (
            ReportValue.objects.filter(pk__in=object_ids)
            .select_related("field")
            .only("pk", "report_id", "field__code", "field__label", "field__label_en")
        )
        return {
            v.pk: (f"{v.field.code} – {v.field.label_shown}", reverse("periodic:detail", args=[v.report_id]))
            for v in found
        }

    def records_of(self, obj: Any) -> Any | None:
        from khuyencong.periodic.models import PeriodicReport, ReportValue

        if isinstance(obj, PeriodicReport):
            return ReportValue.objects.filter(report=obj).values("pk")
        return None

    # --- reading a row ------------------------------------------------------------------------

    def parse(self, row: int, cells: dict[str, Any], context: Context) -> Parsed:
        parsed = Parsed(row)
        raw_form = cells.get("form")
        form = None
        if values.clean_text(raw_form or ""):
            try:
                form = context.forms[int(values.parse_choice(raw_form, context.form_choices))]
            except values.ValueProblem as problem:
                parsed.error("form", str(problem), raw_form)
        else:
            parsed.error("form", gettext("This column is required."), "")
        period_text = values.clean_text(cells.get("period") or "")
        period = None
        if not period_text:
            parsed.error("period", gettext("This column is required."), "")
        elif form is not None:
            period = context.period(form, period_text)
            if period is None:
                parsed.error(
                    "period",
                    gettext("“%(value)s” is not a period of the form “%(form)s” (write e.g. Quý II/2026).")
                    % {"value": period_text, "form": form.name_shown},
                    period_text,
                )
        province = None
        raw_province = cells.get("province")
        if not values.clean_text(raw_province or ""):
            parsed.error("province", gettext("This column is required."), "")
        elif period is not None:
            try:
                province = context.places.province(raw_province, period.start)
            except values.ValueProblem as problem:
                parsed.error("province", str(problem), raw_province)
        code = values.clean_text(cells.get("field_code") or "")
        field = None
        if not code:
            parsed.error("field_code", gettext("This column is required."), "")
        elif form is not None:
            field = context.fields_of(form).get(code) or context.fields_of(form).get(code.lower())
            if field is None:
                parsed.error(
                    "field_code",
                    gettext("The form “%(form)s” has no field “%(code)s”.")
                    % {"form": form.name_shown, "code": code},
                    code,
                )
        if field is not None and "value" in cells:
            raw = cells.get("value")
            try:
                parsed.data["value"] = self._value(field, raw)
            except values.ValueProblem as problem:
                parsed.error("value", f"{field.label_shown}: {problem}", raw)
        if "comment" in cells:
            try:
                parsed.data["comment"] = read_cell(self.column("comment"), cells.get("comment")) or ""
            except values.ValueProblem as problem:
                parsed.error("comment", str(problem), cells.get("comment"))
        if form and province and period and field:
            parsed.data.update(form=form, province=province, period=period, field=field)
            parsed.key = (form.pk, province.pk, period.start, period.end, field.code)
        return parsed

    @staticmethod
    def _value(field, raw: Any) -> Any:
        """What the service's ``parse_value`` is given: the amount or number read the way every
        import reads them (1,5 tỷ; 1.234), the rest as written – the service parses and refuses."""
        from khuyencong.periodic.models import ValueType

        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        if field.locked:
            return values.clean_text(raw)  # refused by the service, naming the field
        if field.value_type == ValueType.MONEY:
            return values.parse_money(raw)
        if field.value_type == ValueType.INTEGER:
            return values.parse_integer(raw)
        if field.value_type == ValueType.DECIMAL:
            return str(values.parse_number(raw))
        if field.value_type == ValueType.YES_NO:
            return values.parse_bool(raw)
        return values.clean_text(raw) if not isinstance(raw, str) else raw.strip()

    # --- finding and checking the reports --------------------------------------------------------

    def _report(self, parsed: Parsed, context: Context):
        from khuyencong.periodic.models import PeriodicReport

        d = parsed.data
        key = (d["form"].pk, d["province"].pk, d["period"].start, d["period"].end)
        if key not in context.reports:
            context.reports[key] = (
                PeriodicReport.objects.filter(
                    form=d["form"], province=d["province"], period_start=key[2], period_end=key[3]
                )
                .select_related("form", "province")
                .first()
            )
        return key, context.reports[key]

    def resolve(self, rows: list[Parsed], context: Context) -> None:
        from khuyencong.periodic.models import ReportValue
        from khuyencong.periodic.services import files_for, locked_message

        groups: dict[tuple, list[Parsed]] = {}
        for parsed in rows:
            if parsed.errors or parsed.key is None:
                continue
            key, report = self._report(parsed, context)
            province = parsed.data["province"]
            if report is not None and not context.visible(report):
                report = None  # not revealed: refused below as another province's report
            if not files_for(context.scope, province.pk):
                parsed.error(
                    "province",
                    gettext(
                        "You cannot file reports for this province (%(province)s): a province imports only its own reports."
                    )
                    % {"province": province.name},
                    province.name,
                )
                continue
            if report is not None and report.is_locked:
                parsed.error("", locked_message(report))
                continue
            field = parsed.data["field"]
            stored = None
            if report is not None:
                stored = ReportValue.objects.filter(report=report, field=field).first()
            parsed.extra["report"] = report
            changes = {}
            if "value" in parsed.data:
                current = stored.value if stored else None
                new = parsed.data["value"]
                if _differs(field, current, new):
                    changes["value"] = new
            if "comment" in parsed.data and (stored.comment if stored else "") != parsed.data["comment"]:
                changes["comment"] = parsed.data["comment"]
            parsed.extra["changes"] = changes
            if not changes:
                parsed.extra["action"] = "unchanged"
                continue
            parsed.extra["action"] = "updated" if stored is not None else "created"
            groups.setdefault(key, []).append(parsed)
        if context.checking:
            for group in groups.values():
                self._rehearse(group, context)

    def _rehearse(self, group: list[Parsed], context: Context) -> None:
        """The group's values saved through the services in a savepoint, then undone: every
        refusal of the page, placed on its row."""
        from khuyencong.periodic.services import report_open, report_save_values

        first = group[0].data
        by_code = {p.data["field"].code: p for p in group}
        report = group[0].extra["report"]

        def attempt():
            opened = report or report_open(
                user=context.user,
                form=first["form"],
                province=first["province"],
                start=first["period"].start,
                end=first["period"].end,
            )
            report_save_values(
                user=context.user,
                report=opened,
                values={
                    c: p.extra["changes"]["value"]
                    for c, p in by_code.items()
                    if "value" in p.extra["changes"]
                },
                comments={
                    c: p.extra["changes"]["comment"]
                    for c, p in by_code.items()
                    if "comment" in p.extra["changes"]
                },
            )

        try:
            rehearse(attempt)
        except (PermissionDenied, ConflictError) as error:
            message = str(error.message) if isinstance(error, ConflictError) else str(error)
            for parsed in group:
                parsed.error("", message)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.message_dict.items():
                    target = by_code.get(name)
                    for message in errors:
                        if target is not None:
                            target.error("value", message, target.data.get("value") or "")
                        else:
                            for parsed in group:
                                parsed.error("" if name != "period" else "period", message)
            else:
                for parsed in group:
                    for message in error.messages:
                        parsed.error("", message)

    def write(self, parsed: Parsed, context: Context) -> tuple[str, Any]:
        from khuyencong.periodic.models import ReportValue
        from khuyencong.periodic.services import report_open, report_save_values

        action = parsed.extra["action"]
        d = parsed.data
        key, report = self._report(parsed, context)
        if action == "unchanged":
            return "unchanged", None
        if report is None:
            report = report_open(
                user=context.user, form=d["form"], province=d["province"], start=key[2], end=key[3]
            )
            context.reports[key] = report
        changes = parsed.extra["changes"]
        code = d["field"].code
        try:
            report = report_save_values(
                user=context.user,
                report=report,
                values={code: changes["value"]} if "value" in changes else {},
                comments={code: changes["comment"]} if "comment" in changes else {},
            )
        except ConflictError as error:
            raise ValidationError(str(error.message)) from error
        context.reports[key] = report
        return action, ReportValue.objects.get(report=report, field=d["field"])

    # --- export in the template's columns --------------------------------------------------------

    def export_queryset(self, user) -> Any:
        from khuyencong.periodic.models import Prefill, ReportValue

        return (
            ReportValue.objects.restrict(user, VIEW)
            .exclude(field__prefill=Prefill.LEDGER)
            # the projects' figures the province did not change are the projects', not the file's
            .exclude(field__prefill=Prefill.INDICATOR, typed=False)
            .select_related("report__form", "report__province", "field")
            .order_by("report__period_end", "report__province__name", "field__section__order", "field__order")
        )

    def export_values(self, v: Any) -> list[Any]:
        from khuyencong.periodic.models import ValueType

        value = v.value
        if v.field.value_type == ValueType.YES_NO and value is not None:
            value = capfirst(gettext("yes")) if value else capfirst(gettext("no"))
        elif v.field.value_type == ValueType.DECIMAL and value is not None:
            value = f"{value.normalize():f}".replace(".", ",")
        return [
            v.report.form.code,
            v.report.province.name,
            v.report.period_label,
            v.field.code,
            v.field.label_shown,
            "" if value is None else value,
            v.field.unit_shown,
            v.comment,
        ]


def _differs(field, current: Any, new: Any) -> bool:
    from decimal import Decimal

    from khuyencong.periodic.models import ValueType

    if current in (None, "") and new in (None, ""):
        return False
    if current is None or new is None:
        return True
    if field.value_type == ValueType.DECIMAL:
        return Decimal(str(current)) != Decimal(str(new))
    return current != new


PERIODIC = register(PeriodicValuesKind())
