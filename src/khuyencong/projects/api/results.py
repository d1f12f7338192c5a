"""A project's reported results through the API, as on its page: the reports by indicator, and the
DOIT's or the agency's review of each (approved: it counts in the actuals from then on)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from khuyencong.core.parsing import parse_id
from khuyencong.projects.models import ResultReport
from khuyencong.projects.services import implementation


class ResultReportSerializer(serializers.ModelSerializer):
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    unit = serializers.CharField(source="indicator.unit", read_only=True)

    class Meta:
        model = ResultReport
        fields = [
            "id",
            "indicator",
            "indicator_code",
            "indicator_name",
            "unit",
            "value",
            "period_end",
            "state",
            "note",
        ]
        read_only_fields = fields


class ResultReviewSerializer(serializers.Serializer):
    approve = serializers.BooleanField(help_text="true: approve (it counts); false: reject.")


REPORT_ID = OpenApiParameter("report_id", int, OpenApiParameter.PATH, description="The result report's id.")


class ResultsMixin:
    """``results`` and ``results/<report_id>/review`` on the projects' viewset."""

    @extend_schema(responses=ResultReportSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def results(self, request, pk=None):
        """The results reported for the project, by indicator and date, with their review state."""
        project = self.get_object()
        reports = project.result_reports.select_related("indicator").order_by(
            "indicator__order", "period_end", "id"
        )
        return Response(ResultReportSerializer(reports, many=True).data)

    @extend_schema(parameters=[REPORT_ID], request=ResultReviewSerializer, responses=ResultReportSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=r"results/(?P<report_id>[^/.]+)/review",
        filter_backends=[],
    )
    def review_result(self, request, pk=None, report_id=None):
        """Approve or reject a reported result (the DOIT of the project's province or the agency; each
        report is reviewed once: 400 after). A project outside your scope: 404; not yours to review: 403."""
        project = self.get_visible_object()
        number = parse_id(report_id)
        report = project.result_reports.filter(pk=number).first() if number else None
        if report is None:
            raise NotFound()
        body = ResultReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reviewed = implementation.review_result(
            user=request.user, report=report, approve=body.validated_data["approve"]
        )
        return Response(ResultReportSerializer(reviewed).data)
