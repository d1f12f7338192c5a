"""Every write on a periodic report: opening it, saving its values, the workflow steps.

Pages, the API and commands call these functions; each re-reads the report under lock, checks the
actor against the action table (``periodic.actions``) and records a :class:`ReportEvent`; the audit
trail records the field changes (``AuditedModel``) in the same transaction. An approved report is
locked: no value changes until the agency unlocks it, with a reason.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from khuyencong.core.audit import audit_context
from khuyencong.core.bounds import MAX_VND
from khuyencong.core.exceptions import ConflictError
from khuyencong.core.formatting import parse_vnd, parse_whole_number
from khuyencong.core.permissions import VIEW, Scope, get_scope
from khuyencong.core.text import fold
from khuyencong.periodic.models import (
    FormField,
    PeriodicReport,
    Prefill,
    ReportEvent,
    ReportForm,
    ReportValue,
    SectionKind,
    State,
    ValueType,
)
from khuyencong.periodic.periods import period_matching
from khuyencong.reporting import dimensions as dims
from khuyencong.reporting.derived import change_on_previous
from khuyencong.reporting.engine import aggregate

FIRST_YEAR = 2010  # the first year a report is filed for (the programme's records begin in 2014)
MAX_COMMENT = 2000  # a comment beside a figure (why it differs from last year, above the plan)

# The report's own figures, whoever opens it: the report itself is what the scope restricts.
REPORT_SCOPE = Scope(national_read=True)
# “Far from the same period last year”: more than this share up or down.
FAR_FROM_LAST_YEAR = Decimal(50)


def locked_message(report: PeriodicReport) -> str:
    return _(
        "The report %(report)s has been approved and is locked: its values cannot be changed. "
        "Ask the agency to unlock it, with a reason."
    ) % {"report": report.period_label}


# --- opening a report ----------------------------------------------------------------------------


def files_for(scope: Scope, province_id: int | None) -> bool:
    """Whether the user fills in the reports of this province: its own officers (those of today's
    province also file for the units it absorbed). The agency reviews, it does not fill in."""
    return province_id is not None and province_id in scope.province_write


def report_open(
    *, user, form: ReportForm, province, start: datetime.date, end: datetime.date
) -> PeriodicReport:
    """The province's report of ``form`` for the period (a new draft, pre-filled, if none yet)."""
    scope = get_scope(user)
    if not files_for(scope, province.pk):
        raise PermissionDenied(_("You cannot file reports for this province."))
    if not form.active:
        raise ValidationError({"form": [_("This report form is no longer in use.")]})
    if period_matching(form.period_type, start, end, form.months) is None:
        raise ValidationError(
            {"period": [_("This is not a period of the form “%(form)s”.") % {"form": form}]}
        )
    if start.year < FIRST_YEAR or start > timezone.localdate():
        raise ValidationError(
            {
                "period": [
                    _("A report is filed for a period that has begun, from %(year)s on.")
                    % {"year": FIRST_YEAR}
                ]
            }
        )
    with transaction.atomic(), audit_context(user=user, reason=_("report opened")):
        report = PeriodicReport.objects.filter(
            form=form, province=province, period_start=start, period_end=end
        ).first()
        if report is not None:
            return report
        report = PeriodicReport(form=form, province=province, period_start=start, period_end=end)
        report.full_clean()
        report.save()
        ReportEvent.objects.create(report=report, user=user, action="open", to_state=State.DRAFT)
        refresh_prefilled(report)
        return report


# --- the values ------------------------------------------------------------------------------------


def fields_of(form: ReportForm) -> list[FormField]:
    return list(
        FormField.objects.filter(section__form=form)
        .select_related("section", "indicator", "content")
        .order_by("section__order", "order", "id")
    )


def _period(report: PeriodicReport) -> dims.Period:
    return dims.custom(report.period_start, report.period_end)


def _place(report: PeriodicReport) -> dict[str, Any]:
    """Whose money a report carries: a period from 01/07/2025 on is reported by one of today's
    provinces, which holds its predecessors' projects too (the ledger keeps the province as it
    was: a former Hà Giang project's payment in Q3 2025 is the new Tuyên Quang's); an earlier
    period, the province as it was alone."""
    from khuyencong.geo.queries import REORGANISATION_2025

    if report.period_start >= REORGANISATION_2025:
        return {"province_now": report.province}
    return {"province": report.province}


def prefilled_values(report: PeriodicReport) -> dict[int, int]:
    """What the engine knows for the report's pre-filled fields: per field id, the ledger measure
    for the province (see :func:`_place`) and the period, or the projects' approved indicator
    results."""
    values: dict[int, int] = {}
    indicators: dict[int, Any] | None = None  # the projects' results, asked once for every field
    for field in fields_of(report.form):
        if field.prefill == Prefill.LEDGER:
            filters: dict[str, Any] = {**_place(report), "period": _period(report)}
            if field.source:
                filters["source"] = field.source
            if field.content_id:
                filters["content"] = field.content_id
            total = aggregate(REPORT_SCOPE, [field.measure], filters=filters, labels=False).total
            values[field.pk] = int(total.value(field.measure))
        elif field.prefill == Prefill.INDICATOR and field.indicator_id:
            if indicators is None:
                figure = aggregate(
                    REPORT_SCOPE,
                    ["indicator_actual"],
                    by=["indicator"],
                    filters={**_place(report), "period": _period(report)},
                    labels=False,
                )
                indicators = {row.keys["indicator"]: row.value("indicator_actual") for row in figure.rows}
            values[field.pk] = int(indicators.get(field.indicator_id, 0))
    return values


def _store(value_row: ReportValue, field: FormField, value: Any) -> None:
    if field.value_type in (ValueType.MONEY, ValueType.INTEGER):
        value_row.number = value
    elif field.value_type == ValueType.DECIMAL:
        value_row.decimal = value
    elif field.value_type == ValueType.YES_NO:
        value_row.flag = value
    else:
        value_row.text = value or ""


def refresh_prefilled(report: PeriodicReport) -> None:
    """Write the engine's figures into a report still being prepared: the ledger's values always
    (they are locked), the indicators' until the province changes them by hand."""
    if not report.is_editable:
        return
    stored = {v.field_id: v for v in report.values.select_related("field")}
    fields = {f.pk: f for f in fields_of(report.form)}
    for field_id, value in prefilled_values(report).items():
        field = fields[field_id]
        row = stored.get(field_id)
        if row is None:
            row = ReportValue(report=report, field=field)
        elif row.typed:
            continue  # the province's own figure stands
        if row.pk is None or row.value != value:
            _store(row, field, value)
            row.save()


def parse_value(field: FormField, raw: Any) -> Any:
    """A typed value from what a person typed (or JSON sent); ``ValidationError`` naming the field."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if not isinstance(raw, (str, int, float, Decimal)):  # a list or an object sent as a value
        raise ValidationError(
            {field.code: [_("%(field)s: not a single value.") % {"field": field.label_shown}]}
        )
    text = str(raw).strip() if not isinstance(raw, bool) else raw
    try:
        number: int | Decimal | None = None
        if field.is_number and isinstance(raw, bool):
            raise ValueError
        if field.value_type == ValueType.MONEY:
            if isinstance(raw, float) and not raw.is_integer():
                raise ValueError
            number = parse_vnd(text if not isinstance(raw, (int, float)) else int(raw))
        elif field.value_type == ValueType.INTEGER:
            if isinstance(raw, float) and not raw.is_integer():
                raise ValueError
            # JSON gives a number; typed, “1.500” is one thousand five hundred and “3.5” is refused
            number = int(raw) if isinstance(raw, (int, float)) else parse_whole_number(str(text))
        elif field.value_type == ValueType.DECIMAL:
            number = Decimal(str(text).replace(" ", "").replace(",", "."))
            if not number.is_finite():
                raise ValueError
        if number is not None:
            if not -MAX_VND < number < MAX_VND:
                raise ValidationError(
                    {field.code: [_("%(field)s: the number is too large.") % {"field": field.label_shown}]}
                )
            return number
        if field.value_type == ValueType.YES_NO:
            if raw in (True, "true", "1", "yes", "co", "có", "on", 1):
                return True
            if raw in (False, "false", "0", "no", "khong", "không", 0):
                return False
            raise ValueError
    except (ValueError, InvalidOperation, TypeError):
        messages: dict[str, str] = {
            ValueType.MONEY: _("enter a whole amount in đồng"),
            ValueType.INTEGER: _("enter a whole number"),
            ValueType.DECIMAL: _("enter a number"),
            ValueType.YES_NO: _("choose yes or no"),
        }
        raise ValidationError(
            {
                field.code: [
                    _("%(field)s: %(reason)s.")
                    % {"field": field.label_shown, "reason": messages[field.value_type]}
                ]
            }
        ) from None
    if len(str(text)) > 10_000:
        raise ValidationError(
            {field.code: [_("%(field)s: the text is too long.") % {"field": field.label_shown}]}
        )
    return str(text)


def _lock(user, report: PeriodicReport, action: str = "") -> tuple[PeriodicReport, Scope]:
    scope = get_scope(user)
    locked = PeriodicReport.objects.select_for_update().restrict(user, VIEW).filter(pk=report.pk).first()
    if locked is None:
        raise PermissionDenied(_("This report is outside your scope."))
    if action:
        from khuyencong.periodic.actions import REPORT_ACTIONS

        step = REPORT_ACTIONS[action]
        if locked.state not in step.sources:
            raise ValidationError(
                _("“%(action)s” is not possible while the report is “%(state)s”.")
                % {"action": step.label, "state": locked.get_state_display()}
            )
        if not step.allowed(scope, locked):
            raise PermissionDenied(_("Your role cannot “%(action)s” this report.") % {"action": step.label})
    return locked, scope


# the document's own lines (its number and signer), saved with the values: model field → longest text
HEADER_FIELDS = {"number": 40, "signer_name": 120}


def report_save_values(
    *,
    user,
    report: PeriodicReport,
    values: dict[str, Any],
    comments: dict[str, str] | None = None,
    header: dict[str, Any] | None = None,
) -> PeriodicReport:
    """Save what the province typed (by field code) and the document's number and signer
    (``header``: keys of :data:`HEADER_FIELDS`). Pre-filled ledger values are not typed: they are
    refreshed from the ledger. An approved report refuses any change (``ConflictError``); a
    submitted or accepted one is not editable until returned."""
    comments = comments or {}
    header = header or {}
    with transaction.atomic(), audit_context(user=user, reason=_("report values saved")):
        report, scope = _lock(user, report)
        if report.is_locked:
            raise ConflictError(locked_message(report))
        if not files_for(scope, report.province_id):
            raise PermissionDenied(_("Only the province's officers edit its report."))
        if not report.is_editable:
            raise ValidationError(
                _("The report is “%(state)s”: it can be changed only as a draft or after being returned.")
                % {"state": report.get_state_display()}
            )
        fields = {f.code: f for f in fields_of(report.form)}
        unknown = sorted((set(values) | set(comments)) - set(fields))
        if unknown:
            raise ValidationError(
                {"values": [_("The form has no field %(codes)s.") % {"codes": ", ".join(unknown)}]}
            )
        errors: dict[str, list[str]] = {}
        parsed: dict[str, Any] = {}
        for code, raw in values.items():
            field = fields[code]
            if field.locked:  # the ledger's figure, refreshed below: not typed
                if raw not in (None, ""):
                    errors[code] = [
                        _("%(field)s: this figure comes from the money ledger and cannot be typed.")
                        % {"field": field.label_shown}
                    ]
                continue
            try:
                parsed[code] = parse_value(field, raw)
            except ValidationError as error:
                errors.update(error.message_dict)
        for name in sorted(set(header) - set(HEADER_FIELDS)):
            errors[name] = [_("The report has no field %(codes)s.") % {"codes": name}]
        for name, longest in HEADER_FIELDS.items():
            text = header.get(name)
            if text is not None and not isinstance(text, str):
                errors[name] = [_("%(field)s: not a single value.") % {"field": capfirst(_field_label(name))}]
            elif text is not None and len(text.strip()) > longest:
                errors[name] = [
                    _("%(field)s: at most %(n)s characters.")
                    % {"field": capfirst(_field_label(name)), "n": longest}
                ]
        for code, comment in comments.items():
            if comment and len(comment) > MAX_COMMENT:
                errors[code] = [
                    _("%(field)s: the comment is longer than %(n)s characters.")
                    % {"field": fields[code].label_shown, "n": MAX_COMMENT}
                ]
        if errors:
            raise ValidationError(errors)
        stored = {v.field.code: v for v in report.values.select_related("field")}
        for code in set(parsed) | set(comments):
            field = fields[code]
            row = stored.get(code) or ReportValue(report=report, field=field)
            if code in parsed:
                if field.prefill == Prefill.INDICATOR and parsed[code] != row.value:
                    row.typed = parsed[code] is not None  # emptied: the projects' figure again
                _store(row, field, parsed[code])
            if code in comments:
                row.comment = (comments[code] or "").strip()
            row.save()  # the audit records only what changed
        changed = [n for n in HEADER_FIELDS if n in header and getattr(report, n) != header[n].strip()]
        for name in changed:
            setattr(report, name, header[name].strip())
        if changed:
            report.save(update_fields=[*changed, "updated_at"])
        refresh_prefilled(report)
        return report


def _field_label(name: str) -> str:
    return str(getattr(PeriodicReport._meta.get_field(name), "verbose_name", name))


# --- validation on submit ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    section: str
    field: str
    code: str
    reason: str

    def __str__(self) -> str:
        return _("%(section)s – %(field)s: %(reason)s") % {
            "section": self.section,
            "field": self.field,
            "reason": self.reason,
        }


def last_year_values(report: PeriodicReport) -> dict[int, Any]:
    """Per numeric field id, what the same period a year earlier reported: the province's own
    approved report of the same form; for a province formed on 01/07/2025 whose earlier period its
    predecessors reported (the new Tuyên Quang's Q2 2026 against Q2 2025 of former Hà Giang and
    former Tuyên Quang), the sum of the predecessors' approved reports – only when every one of
    them is approved (a partial sum would compare the whole province with a part of it). Empty when
    there is nothing to compare with."""
    from khuyencong.geo.queries import predecessors_of, valid_unit_ids

    earlier = _period(report).previous_year()
    same_period = PeriodicReport.objects.filter(
        form=report.form, period_start=earlier.start, period_end=earlier.end, state=State.APPROVED
    )
    own = same_period.filter(province=report.province).first()
    if own is not None:
        filed = [own]
    else:
        born = report.province.valid_from
        if born is None or born <= earlier.start:
            return {}
        filers = valid_unit_ids(predecessors_of([report.province_id])[report.province_id], earlier.start)
        filed = list(same_period.filter(province__in=filers))
        if not filers or {r.province_id for r in filed} != filers:
            return {}
    totals: dict[int, Any] = {}
    for value in ReportValue.objects.filter(report__in=filed).select_related("field"):
        if value.field.is_number and value.value is not None:
            totals[value.field_id] = totals.get(value.field_id, 0) + value.value
    return totals


def registry_documents(report: PeriodicReport) -> dict[str, Any]:
    """The legal-document registry's documents of the report's province and of the provinces it
    was formed from, by their number folded (``1234/QĐ-UBND`` matches ``1234/qd-ubnd``)."""
    from khuyencong.geo.queries import predecessors_of
    from khuyencong.programmes.models import LegalDocument

    provinces = predecessors_of([report.province_id])[report.province_id]
    found = LegalDocument.objects.filter(province__in=provinces).order_by("-issued_on", "number")
    return {fold(d.number): d for d in reversed(list(found))}  # the latest of equal numbers wins


def plan_of_year(report: PeriodicReport, field: FormField) -> int:
    """The approved plan of the report's year for a ledger field's source/content, for the same
    place as the report's money (:func:`_place`: from 01/07/2025 today's province with its
    predecessors' projects)."""
    filters: dict[str, Any] = {**_place(report), "plan_year": report.period_end.year}
    if field.source:
        filters["source"] = field.source
    if field.content_id:
        filters["content"] = field.content_id
    return int(aggregate(REPORT_SCOPE, ["plan"], filters=filters, labels=False).total.value("plan"))


def check(report: PeriodicReport) -> tuple[list[Problem], list[Problem]]:
    """The errors that block a submission and the warnings that only ask for a comment."""
    fields = fields_of(report.form)
    rows = {v.field_id: v for v in report.values.select_related("field")}
    by_code = {f.code: f for f in fields}
    before = last_year_values(report)
    documents = registry_documents(report)
    errors: list[Problem] = []
    warnings: list[Problem] = []

    def problem(field: FormField, reason: str) -> Problem:
        return Problem(field.section.title_shown, field.label_shown, field.code, reason)

    for field in fields:
        row = rows.get(field.pk)
        value = row.value if row else None
        comment = row.comment.strip() if row else ""
        if field.required and value is None:
            errors.append(problem(field, _("required, not filled in")))
            continue
        if (
            value
            and field.section.kind == SectionKind.LEGAL_DOCUMENTS
            and field.value_type == ValueType.TEXT
            and fold(str(value)) not in documents
        ):
            warnings.append(
                problem(
                    field,
                    _("“%(number)s” is not in the province's legal-document registry; add it there")
                    % {"number": value},
                )
            )
        if value is None or not field.is_number:
            continue
        if value < 0:
            errors.append(problem(field, _("cannot be negative")))
            continue
        if field.parts:
            codes = [c.strip() for c in field.parts.split("+") if c.strip()]
            parts = [rows.get(by_code[c].pk) if c in by_code else None for c in codes]
            if all(p is not None and p.value is not None for p in parts):
                total = sum(p.value for p in parts)  # type: ignore[union-attr]
                if total != value:
                    names = " + ".join(by_code[c].label_shown for c in codes)
                    errors.append(
                        problem(
                            field,
                            _("%(total)s does not equal %(parts)s (%(sum)s)")
                            % {"total": value, "parts": names, "sum": total},
                        )
                    )
        if field.prefill == Prefill.LEDGER:
            plan = plan_of_year(report, field)
            if value > plan and not comment:
                errors.append(
                    problem(
                        field,
                        _("the amount is above the approved plan of %(year)s; explain why in the comment")
                        % {"year": report.period_end.year},
                    )
                )
        old = before.get(field.pk)
        if old is not None and not comment:
            change = change_on_previous(value, old)
            if change is not None and abs(change) > FAR_FROM_LAST_YEAR:
                warnings.append(
                    problem(
                        field,
                        _("%(change)s%% on the same period of last year; add a comment")
                        % {"change": f"{change:+.2f}".replace(".", ",")},
                    )
                )
    return errors, warnings


# --- the workflow --------------------------------------------------------------------------------------


def _event(report: PeriodicReport, user, action: str, before: str, reason: str = "") -> None:
    ReportEvent.objects.create(
        report=report, user=user, action=action, from_state=before, to_state=report.state, reason=reason
    )


def _move(report: PeriodicReport, action: str, **fields: Any) -> str:
    from khuyencong.periodic.actions import REPORT_ACTIONS

    before = report.state
    report.state = REPORT_ACTIONS[action].target or before
    for name, value in fields.items():
        setattr(report, name, value)
    report.save()
    return before


def _reason(reason: str | None, message: str) -> str:
    if not reason or not str(reason).strip():
        raise ValidationError({"reason": [message]})
    return str(reason).strip()


def report_submit(*, user, report: PeriodicReport) -> PeriodicReport:
    """Send the report to the agency: refreshes the ledger's figures, then checks it (errors block)."""
    with transaction.atomic(), audit_context(user=user, reason=_("report submitted")):
        report, _scope = _lock(user, report, "submit")
        refresh_prefilled(report)
        errors, _warnings = check(report)
        if errors:
            raise ValidationError([str(p) for p in errors])
        before = _move(report, "submit", submitted_at=timezone.now())
        _event(report, user, "submit", before)
        return report


def report_return(*, user, report: PeriodicReport, reason: str) -> PeriodicReport:
    reason = _reason(reason, _("Say why the report is returned."))
    with transaction.atomic(), audit_context(user=user, reason=reason):
        report, _scope = _lock(user, report, "return")
        before = _move(report, "return")
        _event(report, user, "return", before, reason)
        return report


def report_accept(*, user, report: PeriodicReport) -> PeriodicReport:
    with transaction.atomic(), audit_context(user=user, reason=_("report accepted")):
        report, _scope = _lock(user, report, "accept")
        before = _move(report, "accept")
        _event(report, user, "accept", before)
        return report


def report_approve(*, user, report: PeriodicReport) -> PeriodicReport:
    """Approve and lock: from now on its values are what the province reported."""
    with transaction.atomic(), audit_context(user=user, reason=_("report approved")):
        report, _scope = _lock(user, report, "approve")
        before = _move(report, "approve", approved_at=timezone.now(), approved_by=user)
        _event(report, user, "approve", before)
        return report


def report_unlock(*, user, report: PeriodicReport, reason: str) -> PeriodicReport:
    reason = _reason(reason, _("Say why the approved report is unlocked."))
    with transaction.atomic(), audit_context(user=user, reason=reason):
        report, _scope = _lock(user, report, "unlock")
        before = _move(report, "unlock", approved_at=None, approved_by=None)
        _event(report, user, "unlock", before, reason)
        return report


__all__ = [
    "Problem",
    "check",
    "locked_message",
    "parse_value",
    "prefilled_values",
    "refresh_prefilled",
    "report_accept",
    "report_approve",
    "report_open",
    "report_return",
    "report_save_values",
    "report_submit",
    "report_unlock",
]
