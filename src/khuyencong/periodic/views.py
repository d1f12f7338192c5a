"""Periodic report pages: the list, opening a report, the report, its edit page, its actions (one
page for every action of ``periodic.actions``) and the completeness table of a period."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from khuyencong.core.exceptions import ConflictError
from khuyencong.core.generic import ObjectListView, workspace_required
from khuyencong.core.permissions import VIEW, get_scope
from khuyencong.core.tables import Column
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.periodic import queries
from khuyencong.periodic.actions import ACTION_LABELS, REPORT_ACTIONS
from khuyencong.periodic.filters import ReportFilterSet
from khuyencong.periodic.models import PeriodicReport, ReportForm
from khuyencong.periodic.periods import parse_period_key, period_key, period_matching
from khuyencong.periodic.services import (
    HEADER_FIELDS,
    check,
    fields_of,
    files_for,
    locked_message,
    prefilled_values,
    registry_documents,
    report_open,
    report_save_values,
)


class ReportListView(ObjectListView):
    model = PeriodicReport
    filterset_class = ReportFilterSet
    template_name = "periodic/report_list.html"
    title = gettext_lazy("Periodic reports")
    export_name = "bao-cao-dinh-ky"
    default_sort = "-period_end"
    columns = [
        Column(
            "form", gettext_lazy("Report form"), accessor="form.name_shown", sort="form__order", link=True
        ),
        Column(
            "period", pgettext_lazy("reporting period", "Period"), accessor="period_label", sort="period_end"
        ),
        Column("province", gettext_lazy("Province"), accessor="province.name", sort="province__name"),
        Column("state", gettext_lazy("State"), kind="choice", sort="state"),
        Column("submitted_at", gettext_lazy("Submitted at"), kind="datetime", sort="submitted_at"),
        Column("approved_at", gettext_lazy("Approved at"), kind="datetime", sort="approved_at"),
    ]

    def base_queryset(self):
        return PeriodicReport.objects.select_related("form", "province")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = get_scope(self.request.user)
        context["can_open"] = bool(scope.current_write) and not scope.national_write
        context["active_menu"] = "reports"
        return context


def _report(request, pk: int) -> PeriodicReport:
    return get_object_or_404(
        PeriodicReport.objects.restrict(request.user, VIEW).select_related("form", "province", "approved_by"),
        pk=pk,
    )


# --- opening a report -------------------------------------------------------------------------------


class OpenForm(forms.Form):
    form = forms.ModelChoiceField(label=gettext_lazy("Report form"), queryset=ReportForm.objects.none())
    period = forms.ChoiceField(label=pgettext_lazy("reporting period", "Period"))
    province = forms.ModelChoiceField(
        label=gettext_lazy("Province"), queryset=AdministrativeUnit.objects.none()
    )

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        active = list(ReportForm.objects.filter(active=True))
        self.fields["form"].queryset = ReportForm.objects.filter(active=True)
        self.fields["period"].choices = queries.period_choices(active, timezone.localdate())
        self.fields["province"].queryset = AdministrativeUnit.objects.filter(pk__in=scope.current_write)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def clean(self):
        data = super().clean()
        form, period = data.get("form"), parse_period_key(data.get("period"))
        if form and period and period_matching(form.period_type, *period, form.months) is None:
            self.add_error("period", _("This is not a period of the form “%(form)s”.") % {"form": form})
        return data


@workspace_required
def report_open_view(request):
    scope = get_scope(request.user)
    if not scope.current_write or scope.national_write:
        raise PermissionDenied(_("Only a province's officers file its reports."))
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = OpenForm(data, scope=scope)
    if request.method == "POST" and form.is_valid():
        start, end = parse_period_key(form.cleaned_data["period"])  # type: ignore[misc]
        try:
            report = report_open(
                user=request.user,
                form=form.cleaned_data["form"],
                province=form.cleaned_data["province"],
                start=start,
                end=end,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            return redirect("periodic:edit", pk=report.pk)
    context = {"form": form, "state": _("not started"), "active_menu": "reports"}
    return render(request, "periodic/report_open.html", context)


# --- the report ---------------------------------------------------------------------------------------


@workspace_required
def report_detail(request, pk: int):
    report = _report(request, pk)
    scope = get_scope(request.user)
    errors, warnings = check(report) if report.is_editable else ([], [])
    return render(
        request,
        "periodic/report_detail.html",
        {
            "object": report,
            "sections": queries.report_sections(
                report, fresh=prefilled_values(report) if report.is_editable else None
            ),
            "events": queries.timeline(report),
            "action_labels": ACTION_LABELS,
            "actions": REPORT_ACTIONS.available(scope, report),
            "can_edit": report.is_editable and files_for(scope, report.province_id),
            "errors": errors,
            "warnings": warnings,
            "active_menu": "reports",
        },
    )


def _posted_values(request, fields) -> tuple[dict, dict]:
    values, comments = {}, {}
    for f in fields:
        if f.locked:
            pass
        elif f"v-{f.code}" in request.POST:  # a field the page did not send is left as it is
            values[f.code] = request.POST.get(f"v-{f.code}", "")
        if f"c-{f.code}" in request.POST:
            comments[f.code] = request.POST.get(f"c-{f.code}", "")
    return values, comments


@workspace_required
def report_edit(request, pk: int):
    report = _report(request, pk)
    scope = get_scope(request.user)
    if report.is_locked:
        context = {"object": report, "locked": locked_message(report), "active_menu": "reports"}
        return render(request, "periodic/report_edit.html", context, status=409)
    if not files_for(scope, report.province_id):
        raise PermissionDenied(_("Only the province's officers edit its report."))
    if not report.is_editable:
        messages.error(
            request,
            _("The report is “%(state)s”: it can be changed only as a draft or after being returned.")
            % {"state": report.get_state_display()},
        )
        return redirect(report)
    fields = fields_of(report.form)
    field_errors: dict[str, list[str]] = {}
    general: list[str] = []
    posted: dict = {}
    status = 200
    if request.method == "POST":
        values, comments = _posted_values(request, fields)
        header = {n: request.POST[f"h-{n}"] for n in HEADER_FIELDS if f"h-{n}" in request.POST}
        posted = {"values": values, "comments": comments, "header": header}
        try:
            report_save_values(
                user=request.user, report=report, values=values, comments=comments, header=header
            )
        except ConflictError as error:
            general.append(str(error.message))
            status = 409
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                codes = {f.code for f in fields} | set(HEADER_FIELDS)
                for name, texts in error.message_dict.items():
                    if name in codes:
                        field_errors[name] = [str(m) for m in texts]
                    else:
                        general.extend(str(m) for m in texts)
            else:
                general.extend(error.messages)
            status = 400
        else:
            messages.success(request, _("The report has been saved."))
            if request.POST.get("then") == "submit":
                return redirect("periodic:action", pk=report.pk, action="submit")
            return redirect(report)
    # what the ledger and the projects know now is shown; it is stored when the report is saved
    sections = queries.report_sections(report, fresh=prefilled_values(report))
    if posted:  # show what was typed, not what is stored
        for section in sections:
            for line in section.lines:
                code = line.field.code
                if code in posted["values"]:
                    line.value = posted["values"][code]
                if code in posted["comments"]:
                    line.comment = posted["comments"][code]
    return render(
        request,
        "periodic/report_edit.html",
        {
            "object": report,
            "sections": sections,
            "header": {n: posted.get("header", {}).get(n, getattr(report, n)) for n in HEADER_FIELDS},
            "documents": sorted(registry_documents(report).values(), key=lambda d: (d.issued_on, d.number)),
            "field_errors": field_errors,
            "general_errors": general,
            "active_menu": "reports",
        },
        status=status,
    )


@workspace_required
def report_action(request, pk: int, action: str):
    report = _report(request, pk)
    if action not in REPORT_ACTIONS:
        raise Http404
    available = {a.name: a for a in REPORT_ACTIONS.available(get_scope(request.user), report)}
    if action not in available:
        raise PermissionDenied(_("This action is not available for this report now."))
    posted = request.method == "POST"
    form = REPORT_ACTIONS.form(
        action,
        report,
        request.POST if posted else None,
        initial=None if posted else available[action].initial(report, request.GET),
    )
    if posted and form.is_valid():
        try:
            REPORT_ACTIONS.perform(action, user=request.user, obj=report, data=form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(name if name in form.fields else None, message)
            else:
                for message in error.messages:
                    form.add_error(None, message)
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": available[action].label})
            return redirect(report)
    errors, warnings = check(report) if action == "submit" else ([], [])
    return render(
        request,
        "periodic/report_action.html",
        {
            "object": report,
            "action": available[action],
            "form": form,
            "errors": errors,
            "warnings": warnings,
            "active_menu": "reports",
        },
    )


# --- completeness ---------------------------------------------------------------------------------------


class CompletenessForm(forms.Form):
    form = forms.ModelChoiceField(
        label=gettext_lazy("Report form"), queryset=ReportForm.objects.none(), required=False
    )
    period = forms.ChoiceField(label=pgettext_lazy("reporting period", "Period"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        forms_ = list(ReportForm.objects.all())
        self.fields["form"].queryset = ReportForm.objects.all()
        self.fields["period"].choices = queries.period_choices(forms_, timezone.localdate())
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"


@workspace_required
def completeness_view(request):
    scope = get_scope(request.user)
    if not scope.national_read:
        raise PermissionDenied(_("The completeness of reporting is the agency's table."))
    chooser = CompletenessForm(request.GET or None)
    report_form = None
    period = None
    if chooser.is_bound and chooser.is_valid():
        report_form = chooser.cleaned_data.get("form")
        span = parse_period_key(chooser.cleaned_data.get("period"))
        if report_form is not None and span is not None:
            period = period_matching(report_form.period_type, *span, report_form.months)
            if period is None:
                chooser.add_error(
                    "period", _("This is not a period of the form “%(form)s”.") % {"form": report_form}
                )
    if report_form is None and not chooser.errors:
        report_form = ReportForm.objects.filter(active=True).first()
    if report_form is not None and period is None and not chooser.errors:
        ended = queries.current_periods(report_form, timezone.localdate())
        period = ended[0] if ended else None
    table = queries.completeness(scope, report_form, period) if report_form and period else None
    return render(
        request,
        "periodic/completeness.html",
        {
            "chooser": chooser,
            "table": table,
            "period_key": period_key(period) if period else "",
            "active_menu": "reports",
        },
    )


EXPORT_FORMATS = ("xlsx", "csv", "json", "pdf")


@workspace_required
def report_export(request, pk: int, fmt: str):
    """The report as Excel, CSV, JSON or an administrative document (PDF): the figures of its page, within
    the same scope."""
    from khuyencong.documents.responses import download

    report = _report(request, pk)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    name = f"{report.form.name_shown} {report.province.name} {report.period_label}"
    if fmt == "pdf":
        table, header = queries.report_document(report)
        return download(table, fmt, name, header)
    return download(queries.report_table(report), fmt, name)
