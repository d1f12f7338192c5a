"""``/api/v1/periodic/``: the report forms, the reports within your scope with their values and
timeline, saving values and the workflow actions (the same services and action table as the pages)."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from khuyencong.core.api.exceptions import form_errors
from khuyencong.core.api.fields import ObjectField
from khuyencong.core.api.viewsets import ReferenceViewSet, ScopedReadOnlyViewSet, VisibleObjectMixin
from khuyencong.core.audit import json_value
from khuyencong.core.permissions import get_scope
from khuyencong.geo.models import AdministrativeUnit, Level
from khuyencong.periodic.actions import REPORT_ACTIONS
from khuyencong.periodic.filters import ReportFilterSet
from khuyencong.periodic.models import FormField, FormSection, PeriodicReport, ReportEvent, ReportForm
from khuyencong.periodic.services import HEADER_FIELDS, fields_of, report_open, report_save_values


class FormFieldSerializer(serializers.ModelSerializer):
    locked = serializers.BooleanField(read_only=True)
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = FormField
        fields = [
            "code",
            "order",
            "label",
            "value_type",
            "required",
            "unit",
            "prefill",
            "measure",
            "source",
            "indicator",
            "parts",
            "locked",
        ]


class FormSectionSerializer(serializers.ModelSerializer):
    fields = FormFieldSerializer(many=True, read_only=True)  # type: ignore[assignment]

    class Meta:
        model = FormSection
        fields = ["code", "order", "title", "kind", "fields"]


class ReportFormSerializer(serializers.ModelSerializer):
    sections = FormSectionSerializer(many=True, read_only=True)

    class Meta:
        model = ReportForm
        fields = ["id", "code", "name", "period_type", "months", "deadline_days", "active", "sections"]


class ReportEventSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)
    # the states as plain codes (the report's ``state`` documents their values once)
    from_state = serializers.CharField(read_only=True)
    to_state = serializers.CharField(read_only=True)

    class Meta:
        model = ReportEvent
        fields = ["at", "user", "action", "from_state", "to_state", "reason"]


class PeriodicReportListSerializer(serializers.ModelSerializer):
    form = serializers.SlugRelatedField(slug_field="code", read_only=True)
    province_name = serializers.CharField(source="province.name", read_only=True)
    period = serializers.CharField(source="period_label", read_only=True)

    class Meta:
        model = PeriodicReport
        fields = [
            "id",
            "form",
            "province",
            "province_name",
            "period_start",
            "period_end",
            "period",
            "state",
            "submitted_at",
            "approved_at",
            "number",
            "signer_name",
        ]


class ReportValueSerializer(serializers.Serializer):
    section = serializers.CharField()
    code = serializers.CharField()
    label = serializers.CharField()
    value_type = serializers.CharField()
    value = serializers.JSONField(allow_null=True)
    comment = serializers.CharField(allow_blank=True)
    locked = serializers.BooleanField()


class PeriodicReportSerializer(PeriodicReportListSerializer):
    values = serializers.SerializerMethodField()
    events = ReportEventSerializer(many=True, read_only=True)

    class Meta(PeriodicReportListSerializer.Meta):
        fields = [*PeriodicReportListSerializer.Meta.fields, "values", "events"]

    @extend_schema_field(ReportValueSerializer(many=True))
    def get_values(self, report) -> list[dict]:
        stored = {v.field_id: v for v in report.values.select_related("field")}
        rows = []
        for f in fields_of(report.form):
            row = stored.get(f.pk)
            rows.append(
                {
                    "section": f.section.code,
                    "code": f.code,
                    "label": f.label_shown,
                    "value_type": f.value_type,
                    "value": json_value(row.value) if row else None,
                    "comment": row.comment if row else "",
                    "locked": f.locked,
                }
            )
        return rows


class ReportOpenSerializer(serializers.Serializer):
    form = serializers.SlugRelatedField(slug_field="code", queryset=ReportForm.objects.all())
    province = serializers.PrimaryKeyRelatedField(
        queryset=AdministrativeUnit.objects.filter(level=Level.PROVINCE)
    )
    period_start = serializers.DateField()
    period_end = serializers.DateField()


class ReportValuesSerializer(serializers.Serializer):
    values = ObjectField(child=serializers.JSONField(allow_null=True), required=False)
    comments = ObjectField(child=serializers.CharField(allow_blank=True, allow_null=True), required=False)
    number = serializers.CharField(allow_blank=True, required=False, max_length=40)
    signer_name = serializers.CharField(allow_blank=True, required=False, max_length=120)


class ReportFormViewSet(ReferenceViewSet):
    """The report forms with their sections and fields (public reference data)."""

    base_queryset = ReportForm.objects.prefetch_related("sections__fields__indicator")
    serializer_class = ReportFormSerializer
    pagination_class = None
    filter_backends: list = []


class PeriodicReportViewSet(VisibleObjectMixin, ScopedReadOnlyViewSet):
    """Periodic reports within your scope (a province its own, the agency all, leaders read).

    Filters: ``form``, ``year``, ``period`` (``YYYY-MM-DD_YYYY-MM-DD``), ``state``, ``province``.
    ``POST`` opens a report (a provincial officer); ``values/`` saves values by field code (an
    approved report answers 409); ``actions/<name>/`` performs a workflow step."""

    base_queryset = PeriodicReport.objects.select_related("form", "province")
    filterset_class = ReportFilterSet
    ordering = ["-period_end", "province__name"]
    ordering_fields = ["period_end", "state", "id"]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action != "list":
            queryset = queryset.prefetch_related("values", "events__user")
        return queryset

    def get_serializer_class(self):
        if self.action == "list":
            return PeriodicReportListSerializer
        if self.action == "create":
            return ReportOpenSerializer
        if self.action == "save_values":
            return ReportValuesSerializer
        return PeriodicReportSerializer

    def can_write(self, scope) -> bool:
        """Opening a report: a province's officer."""
        return bool(scope.current_write)

    def _answer(self, report, code=status.HTTP_200_OK):
        report = self.get_queryset().get(pk=report.pk)
        return Response(
            PeriodicReportSerializer(report, context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(request=ReportOpenSerializer, responses=PeriodicReportSerializer)
    def create(self, request):
        data = ReportOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        start: datetime.date = data.validated_data["period_start"]
        end: datetime.date = data.validated_data["period_end"]
        report = report_open(
            user=request.user,
            form=data.validated_data["form"],
            province=data.validated_data["province"],
            start=start,
            end=end,
        )
        return self._answer(report, status.HTTP_201_CREATED)

    @extend_schema(request=ReportValuesSerializer, responses=PeriodicReportSerializer)
    @action(detail=True, methods=["post"], url_path="values", url_name="values", filter_backends=[])
    def save_values(self, request, pk=None):
        """Save values (and comments) by field code, and the document's `number` and `signer_name`; the
        ledger's values are not typed."""
        report = self.get_visible_object()
        data = ReportValuesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report_save_values(
            user=request.user,
            report=report,
            values=data.validated_data.get("values", {}),
            comments=data.validated_data.get("comments", {}),
            header={n: data.validated_data[n] for n in HEADER_FIELDS if n in data.validated_data},
        )
        return self._answer(report)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(
        detail=True,
        methods=["get"],
        url_path="actions",
        url_name="actions",
        pagination_class=None,
        filter_backends=[],
    )
    def available_actions(self, request, pk=None):
        """The actions you may perform on this report now, with the fields each one takes."""
        report = self.get_object()
        return Response(
            [
                {
                    "name": a.name,
                    "label": str(a.label),
                    "danger": a.danger,
                    "fields": list(a.form.base_fields) if a.form else [],
                }
                for a in REPORT_ACTIONS.available(get_scope(request.user), report)
            ]
        )

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses=PeriodicReportSerializer,
        description="Perform a workflow step: `submit`, `accept`, `approve` (no fields); `return` and "
        "`unlock` take `reason`. Unknown action: 404; not available to you now: 403; a rule broken: 400.",
        parameters=[OpenApiParameter("name", str, OpenApiParameter.PATH, enum=REPORT_ACTIONS.names())],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"actions/(?P<name>[a-z_]+)",
        url_name="perform-action",
        filter_backends=[],
    )
    def perform_action(self, request, pk=None, name=None):
        report = self.get_visible_object()
        if name not in REPORT_ACTIONS:
            raise exceptions.NotFound(_("There is no action “%(name)s”.") % {"name": name})
        available = {a.name for a in REPORT_ACTIONS.available(get_scope(request.user), report)}
        if name not in available:
            raise exceptions.PermissionDenied(
                _("“%(action)s” is not available to you for this report now (it is “%(state)s”).")
                % {"action": REPORT_ACTIONS[name].label, "state": report.get_state_display()}
            )
        form = REPORT_ACTIONS.form(name, report, data=request.data)
        if not form.is_valid():
            raise exceptions.ValidationError(form_errors(form))
        REPORT_ACTIONS.perform(name, user=request.user, obj=report, data=form.cleaned_data)
        return self._answer(report)
