"""Reads: the reports a user may see, a report's figures beside last year and the plan, the
completeness of a period, the province's reminders."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from khuyencong.core.formatting import format_money, format_number
from khuyencong.core.permissions import VIEW, Scope
from khuyencong.core.text import fold
from khuyencong.periodic.models import (
    FormField,
    PeriodicReport,
    Prefill,
    ReportEvent,
    ReportForm,
    SectionKind,
    State,
    ValueType,
)
from khuyencong.periodic.periods import deadline, describe, period_key, periods_of
from khuyencong.periodic.services import (
    REPORT_SCOPE,
    fields_of,
    last_year_values,
    plan_of_year,
    registry_documents,
)
from khuyencong.reporting.derived import change_on_previous, percent_of_plan
from khuyencong.reporting.dimensions import Period


def reports_for(scope: Scope) -> QuerySet[PeriodicReport]:
    return PeriodicReport.objects.within(scope, VIEW).select_related("form", "province")


@dataclass
class Line:
    """One field of the report page: its value, where it came from and its comparisons."""

    field: FormField
    value: Any = None
    comment: str = ""
    last_year: Any = None
    change: Decimal | None = None
    plan: int | None = None
    of_plan: Decimal | None = None
    typed: bool = False
    region_share: Decimal | None = None  # funds: the province's share of its region (approved reports)
    document: Any = None  # legal section: the registry's document with the number typed

    def _show(self, value: Any) -> str:
        if value is None or value == "":
            return "–"
        kind = self.field.value_type
        if kind == ValueType.MONEY:
            return format_money(int(value))
        if kind == ValueType.INTEGER:
            return format_number(int(value))
        if kind == ValueType.DECIMAL:
            return format_number(Decimal(value), 2)
        if kind == ValueType.YES_NO:
            return str(_("Yes") if value else _("No"))
        return str(value)

    @property
    def shown(self) -> str:
        return self._show(self.value)

    @property
    def last_year_shown(self) -> str:
        return self._show(self.last_year)

    @property
    def plan_shown(self) -> str:
        return self._show(self.plan)

    @property
    def input_value(self) -> str:
        """The value as the edit page's input holds it: money and whole numbers grouped as the page
        shows them (“9.000.000”, read back by the same rule), what was typed as it was typed."""
        if self.value is None:
            return ""
        if self.field.value_type == ValueType.YES_NO:
            return (
                "1" if self.value in (True, "1", "true", "on") else "0" if self.value in (False, "0") else ""
            )
        if self.field.value_type in (ValueType.MONEY, ValueType.INTEGER) and isinstance(self.value, int):
            return format_number(self.value)
        return str(self.value)


@dataclass
class Section:
    title: str
    kind: str
    lines: list[Line] = field(default_factory=list)


def region_shares(report: PeriodicReport) -> dict[str, Decimal | None]:
    """Per funds field (its code), the province's share of its economic region: what the approved
    reports of the province for the report's period say, over those of every province of the
    region for the same period – the engine's periodic figures (``reporting.measures``). Empty
    until the report is approved (a draft's figures are in no total), or for a province without a
    region."""
    from khuyencong.geo.queries import region_map
    from khuyencong.reporting import measures as ms
    from khuyencong.reporting.derived import share_of_total
    from khuyencong.reporting.dimensions import custom
    from khuyencong.reporting.engine import aggregate

    region = region_map().get(report.province_id)
    if report.state != State.APPROVED or region is None:
        return {}
    money = {m.figure: m.name for m in ms.PERIODIC_MEASURES if m.rule == ms.FLOW and m.money}
    funds = SectionKind.LEDGER_FUNDS
    codes = {f.code for f in fields_of(report.form) if f.section.kind == funds and f.code in money}
    if not codes:
        return {}
    figures = aggregate(
        REPORT_SCOPE,
        [money[c] for c in sorted(codes)],
        by=["province"],
        filters={"region": region, "period": custom(report.period_start, report.period_end)},
        labels=False,
    )
    mine = next((row for row in figures.rows if row.key == report.province_id), None)
    return {
        code: share_of_total(int(mine.value(money[code])), int(figures.total.value(money[code])))
        if mine
        else None
        for code in codes
    }


def report_sections(report: PeriodicReport, fresh: dict[int, int] | None = None) -> list[Section]:
    """The report's sections with each value, the same period last year (±%) and, for the funds,
    the share of the year's plan and of the region (:func:`region_shares`) – the figures computed
    by the engine and ``reporting.derived``. ``fresh``: what the engine knows now for the pre-filled
    fields (``services.prefilled_values``), shown in place of what is stored unless the province
    typed its own figure – a page shows today's figures without writing them (saving stores them)."""
    rows = {v.field_id: v for v in report.values.select_related("field")}
    shares = region_shares(report)
    before = last_year_values(report)
    documents = registry_documents(report)
    sections: dict[int, Section] = {}
    for f in fields_of(report.form):
        section = sections.setdefault(f.section_id, Section(f.section.title_shown, f.section.kind))
        row = rows.get(f.pk)
        typed = bool(row and row.typed)
        value = row.value if row else None
        if fresh is not None and f.pk in fresh and not typed:
            value = fresh[f.pk]
        line = Line(f, value, row.comment if row else "", typed=typed)
        if f.section.kind == SectionKind.LEGAL_DOCUMENTS and f.value_type == ValueType.TEXT and value:
            line.document = documents.get(fold(str(value)))
        if f.is_number:
            line.region_share = shares.get(f.code)
            line.last_year = before.get(f.pk)
            if line.value is not None and line.last_year is not None:
                line.change = change_on_previous(line.value, line.last_year)
            if f.prefill == Prefill.LEDGER:
                line.plan = plan_of_year(report, f)
                if line.value is not None:
                    line.of_plan = percent_of_plan(int(line.value), line.plan)
        section.lines.append(line)
    return list(sections.values())


def timeline(report: PeriodicReport) -> QuerySet[ReportEvent]:
    return report.events.select_related("user").order_by("at", "id")


# --- completeness ---------------------------------------------------------------------------------

ON_TIME, LATE, MISSING, NOT_DUE = "on_time", "late", "missing", "not_due"


@dataclass
class Completeness:
    form: ReportForm
    period: Period
    deadline: datetime.date
    rows: list[dict] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r["status"] == status)

    @property
    def counts(self) -> dict[str, int]:
        return {s: self.count(s) for s in (ON_TIME, LATE, MISSING, NOT_DUE)}

    @property
    def period_label(self) -> str:
        return describe(self.period.start, self.period.end)


def completeness(
    scope: Scope, form: ReportForm, period: Period, today: datetime.date | None = None
) -> Completeness:
    """Every province that had to report (those existing at the period's end): on time (first
    submitted by the deadline), late (after it), not at all (no submission yet, deadline passed),
    or not yet due."""
    from khuyencong.geo.queries import provinces_on

    today = today or timezone.localdate()
    due = deadline(period, form.deadline_days)
    result = Completeness(form, period, due)
    reports = {
        r.province_id: r
        for r in reports_for(scope)
        .filter(form=form, period_start=period.start, period_end=period.end)
        .annotate(first_submitted=Min("events__at", filter=_submit_events()))
    }
    provinces = provinces_on(period.end)
    if not scope.national_read:
        provinces = provinces.filter(pk__in=scope.province_read)
    for province in provinces:
        report = reports.get(province.pk)
        first = getattr(report, "first_submitted", None) if report else None
        if first is not None:
            day = timezone.localtime(first).date()
            status = ON_TIME if day <= due else LATE
        else:
            status = MISSING if today > due else NOT_DUE
        result.rows.append({"province": province, "report": report, "submitted": first, "status": status})
    return result


def _submit_events():
    from django.db.models import Q

    return Q(events__action="submit")


def current_periods(form: ReportForm, today: datetime.date) -> list[Period]:
    """The form's periods of this year and last year that have ended, the latest first."""
    periods = periods_of(form.period_type, today.year - 1, form.months) + periods_of(
        form.period_type, today.year, form.months
    )
    return sorted((p for p in periods if p.end < today), key=lambda p: p.end, reverse=True)


def period_choices(forms: list[ReportForm], today: datetime.date) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for form in forms:
        for period in current_periods(form, today):
            seen.setdefault(period_key(period), describe(period.start, period.end))
    return list(seen.items())


# --- the province's reminder ---------------------------------------------------------------------------


def reminders(scope: Scope, today: datetime.date | None = None) -> list:
    """For a provincial officer: each active form's latest ended period whose report is not yet
    submitted – before its deadline (how many days are left) or after it (overdue)."""
    from khuyencong.core.navigation import Card
    from khuyencong.geo.models import AdministrativeUnit

    if scope.national_write or not scope.current_write:
        return []
    today = today or timezone.localdate()
    cards = []
    provinces = list(
        AdministrativeUnit.objects.filter(pk__in=scope.current_write).order_by("name").only("pk", "name")
    )
    due_periods = [
        (form, ended[0])
        for form in ReportForm.objects.filter(active=True)
        if (ended := current_periods(form, today))
    ]
    # the reports of those periods, all in one query
    wanted = Q(pk__in=[])
    for form, period in due_periods:
        wanted |= Q(form=form, period_start=period.start, period_end=period.end)
    reports = (
        {
            (r.form_id, r.province_id, r.period_start, r.period_end): r
            for r in PeriodicReport.objects.filter(wanted, province__in=[p.pk for p in provinces]).order_by()
        }
        if due_periods and provinces
        else {}
    )
    for form, period in due_periods:
        due = deadline(period, form.deadline_days)
        for province in provinces:
            report = reports.get((form.pk, province.pk, period.start, period.end))
            if report is not None and report.state not in (State.DRAFT, State.RETURNED):
                continue
            left = (due - today).days
            if left >= 0:
                note = _("deadline %(date)s – %(days)s days left") % {"date": f"{due:%d/%m/%Y}", "days": left}
            else:
                note = _("deadline %(date)s – overdue by %(days)s days") % {
                    "date": f"{due:%d/%m/%Y}",
                    "days": -left,
                }
            if report is not None:
                url = reverse("periodic:edit", args=[report.pk])
                value = report.get_state_display()
            else:
                url = (
                    reverse("periodic:open")
                    + f"?form={form.pk}&period={period_key(period)}&province={province.pk}"
                )
                value = _("not started")
            cards.append(
                Card(
                    _("Report %(period)s – %(province)s")
                    % {"period": describe(period.start, period.end), "province": province.name},
                    capfirst(str(value)),
                    url,
                    "calendar-check",
                    note=note,
                )
            )
    return cards


# --- the report as a table (Excel, CSV) -------------------------------------------------------------------


def report_table(report: PeriodicReport):
    """The report's sections and values as one table of ``documents`` – the same figures as its page
    (``report_sections``): money in whole đồng, the comparisons beside each number."""
    from khuyencong.documents.tables import NUMBER, PERCENT, TEXT, Column, Table

    table = Table(
        report.form.name_shown,
        [
            Column("label", _("Indicator"), kind=TEXT, width=48),
            Column("unit", _("Unit"), kind=TEXT, width=10),
            Column("value", _("Reported"), kind=NUMBER, summed=False),
            Column("last_year", _("Same period last year"), kind=NUMBER, summed=False),
            Column("change", _("Change on the same period last year (%)"), kind=PERCENT),
            Column("plan", _("Plan of the year"), kind=NUMBER, summed=False),
            Column("of_plan", _("Share of the plan"), kind=PERCENT),
            Column("comment", pgettext("periodic report", "Comment"), kind=TEXT, width=30),
        ],
        subtitle=_("%(province)s – %(period)s (%(start)s–%(end)s) – %(state)s")
        % {
            "province": report.province.full_name,
            "period": report.period_label,
            "start": f"{report.period_start:%d/%m/%Y}",
            "end": f"{report.period_end:%d/%m/%Y}",
            "state": report.get_state_display(),
        },
        unit=None,
        numbered=False,
        sheet_name=report.period_label,
    )
    for section in report_sections(report):
        table.section(section.title)
        for line in section.lines:
            f = line.field
            if f.is_number:
                value: Any = None if line.value is None else Decimal(line.value)
                if f.value_type != ValueType.DECIMAL and value is not None:
                    value = int(value)
                last = line.last_year
                table.row(
                    f.label_shown,
                    unit=f.unit_shown,
                    value=value,
                    last_year=None
                    if last is None
                    else (Decimal(last) if f.value_type == ValueType.DECIMAL else int(last)),
                    change=line.change,
                    plan=line.plan,
                    of_plan=line.of_plan,
                    comment=line.comment,
                )
            else:
                table.row(
                    f.label_shown,
                    unit=f.unit_shown,
                    value=None if line.value is None else line.shown,
                    comment=line.comment,
                )
    return table


# --- the report as an administrative document (PDF) -----------------------------------------------------

AGENCY = "Cục Đổi mới sáng tạo, Chuyển đổi xanh và Khuyến công (Bộ Công Thương)"


def report_document(report: PeriodicReport):
    """The report as the province's Department of Industry and Trade sends it (Decree
    30/2020/NĐ-CP), its table and its header: the provincial People's Committee above the
    Department, the number the Department's clerk gives on issuing (“Số:    /BC-SCT” until the
    province types it), the province and the date of approval (or of submission, or today for a
    report not yet sent), “BÁO CÁO” over the form's title and period (the table's title, heading
    the document once), the recipients and the Director's signature block (with the signer's name
    once typed)."""
    from django.utils.text import capfirst

    from khuyencong.documents.tables import DocumentHeader

    moment = report.approved_at or report.submitted_at
    date = timezone.localtime(moment).date() if moment else timezone.localdate()
    name = report.form.name_shown
    kind = _("Report")
    if name.lower().startswith(kind.lower() + " "):
        name = capfirst(name[len(kind) + 1 :])
    table = report_table(report)
    table.title = f"{name} – {report.period_label}"
    return table, DocumentHeader(
        issuer="Sở Công Thương",
        parent=f"UBND {report.province.full_name}",
        number=report.number or "\u00a0" * 8 + "/BC-SCT",
        place=report.province.name,
        date=date,
        document_type=kind,
        signer_position=_("Director"),
        signer_name=report.signer_name,
        recipients=[AGENCY, "Lưu: VT"],
    )
