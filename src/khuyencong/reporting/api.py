"""``/api/v1/reports/``: the report pages' figures for the caller's scope, from the same engine."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from khuyencong.core.api.fields import ObjectField
from khuyencong.core.api.jobs import JobSerializer
from khuyencong.core.bounds import validate_plausible_date
from khuyencong.core.permissions import get_scope
from khuyencong.documents.writers import json_data
from khuyencong.projects.models import FundingSource, LedgerKind
from khuyencong.reporting import catalogue, reports


class ReportParamsSerializer(serializers.Serializer):
    plan_year = serializers.IntegerField(
        min_value=2010, max_value=2100, required=False, help_text="Default: this year."
    )
    source = serializers.ChoiceField(
        choices=FundingSource.choices, required=False, allow_blank=True, help_text="Default: all."
    )
    geography = serializers.ChoiceField(
        choices=[("now", "today's provinces"), ("asis", "provinces as they were")],
        required=False,
        default="now",
    )
    on = serializers.DateField(
        required=False,
        validators=[validate_plausible_date],
        help_text="The plan as it stood on this date (default today).",
    )


class ConsolidationRowSerializer(serializers.Serializer):
    key = serializers.IntegerField(allow_null=True, help_text="Province or content id; null for the total.")
    label = serializers.CharField(allow_blank=True)
    proposals = serializers.IntegerField()
    amounts = serializers.DictField(child=serializers.IntegerField(), help_text="Sum per ledger kind (VND).")
    leverage = serializers.FloatField(allow_null=True)


class ConsolidationSerializer(serializers.Serializer):
    plan_year = serializers.IntegerField()
    source = serializers.CharField(allow_null=True)
    geography = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    on = serializers.DateField(allow_null=True)
    provinces = ConsolidationRowSerializer(many=True)
    contents = ConsolidationRowSerializer(many=True)
    total = ConsolidationRowSerializer()


class PlanAtSerializer(serializers.Serializer):
    on = serializers.DateField()
    amount = serializers.IntegerField()
    projects = serializers.IntegerField()


class PlanVersionSerializer(serializers.Serializer):
    decision = serializers.IntegerField()
    number = serializers.CharField()
    date = serializers.DateField()
    kind = serializers.CharField()
    title = serializers.CharField()
    change = serializers.IntegerField()
    plan = serializers.IntegerField()
    lines = serializers.IntegerField()


class ExecutedSerializer(serializers.Serializer):
    amount = serializers.IntegerField()
    projects = serializers.IntegerField()


class PlanReportSerializer(serializers.Serializer):
    plan_year = serializers.IntegerField()
    source = serializers.CharField(allow_null=True)
    at = PlanAtSerializer()
    versions = PlanVersionSerializer(many=True)
    executed = ExecutedSerializer()


YEAR = OpenApiParameter("plan_year", int, description="Plan year (default: this year).")
SOURCE = OpenApiParameter(
    "source", str, enum=["kcqg", "kcdp", "other"], description="Funding source (default: all)."
)
GEOGRAPHY = OpenApiParameter(
    "geography",
    str,
    enum=["now", "asis"],
    description="`now`: today's provinces (default); `asis`: the provinces as they were.",
)
ON = OpenApiParameter(
    "on", OpenApiTypes.DATE, description="The plan as it stood on this date (default today)."
)
AS_OF = OpenApiParameter(
    "on", OpenApiTypes.DATE, description="Every figure as it stood on this date (default: as it stands now)."
)


def _row(row) -> dict:
    kinds = [*LedgerKind.values, "plan", "paid"]  # every ledger kind is a measure of the same name
    return {
        "key": row.key,
        "label": row.label,
        "proposals": row.proposals,
        "amounts": {kind: row.value(kind) for kind in kinds},
        "leverage": row.leverage,
    }


class CatalogueParameterSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    required = serializers.BooleanField()
    initial = serializers.JSONField(allow_null=True, help_text="The value used when none is given.")
    choices = serializers.ListField(child=serializers.CharField(), required=False)


class CatalogueEntrySerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Read it at /api/v1/reports/<name>/.")
    title = serializers.CharField()
    description = serializers.CharField()
    parameters = CatalogueParameterSerializer(many=True)


def _catalogue_entry(report) -> dict:
    from django import forms

    initial = report.initial()
    parameters = []
    for name, field in report.form.base_fields.items():
        row = {
            "name": name,
            "label": str(field.label or name),
            "required": field.required,
            "initial": getattr(initial.get(name), "code", initial.get(name)),
        }
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            row["choices"] = [str(value) for value, _label in field.choices]
        parameters.append(row)
    return {
        "name": report.slug,
        "title": str(report.title),
        "description": str(report.description),
        "parameters": parameters,
    }


class ReportViewSet(viewsets.ViewSet):
    """Reports over the money ledger, for your scope: the same figures as the report pages."""

    @extend_schema(responses=CatalogueEntrySerializer(many=True))
    def list(self, request):
        """The standard reports of the catalogue (the page /bao-cao/): each one's name, title,
        description and parameters with their defaults."""
        return Response(
            CatalogueEntrySerializer(
                [_catalogue_entry(r) for r in catalogue.REPORTS.values()], many=True
            ).data
        )

    def _params(self, request) -> dict:
        serializer = ReportParamsSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        today = timezone.localdate()
        return {
            "plan_year": data.get("plan_year") or today.year,
            "source": data.get("source") or None,
            "geography": data.get("geography") or "now",
            "on": data.get("on"),
        }

    @extend_schema(parameters=[YEAR, SOURCE, GEOGRAPHY, AS_OF], responses=ConsolidationSerializer)
    @action(detail=False, methods=["get"])
    def consolidation(self, request):
        """Proposals and money of a plan year by province and by content, with the total (the
        agency's consolidation table). ``amounts`` holds the sum of every ledger kind, plus ``plan``
        (allocated + amended) and ``paid`` (advanced + disbursed)."""
        params = self._params(request)
        table = reports.consolidation(
            get_scope(request.user), params["plan_year"], params["source"], params["geography"], params["on"]
        )
        body = {
            "plan_year": table.plan_year,
            "source": table.source,
            "geography": table.geography,
            "on": table.on,
            "columns": list(reports.COLUMNS),
            "provinces": [_row(r) for r in table.provinces],
            "contents": [_row(r) for r in table.contents],
            "total": _row(table.total),
        }
        return Response(ConsolidationSerializer(body).data)

    @extend_schema(parameters=[YEAR, SOURCE, ON], responses=PlanReportSerializer)
    @action(detail=False, methods=["get"])
    def plan(self, request):
        """The plan of a year as it stood on a date, every issued decision that made it (with the
        plan after each), and its execution (settled projects) on the same date."""
        params = self._params(request)
        scope = get_scope(request.user)
        year, source = params["plan_year"], params["source"]
        figures = reports.plan_and_execution(scope, year, source, params["on"] or timezone.localdate())
        body = {
            "plan_year": year,
            "source": source,
            "at": figures["at"],
            "versions": [
                {
                    "decision": v["decision"].pk,
                    "number": v["decision"].number,
                    "date": v["decision"].date,
                    "kind": v["decision"].kind,
                    "title": v["decision"].title,
                    "change": v["change"],
                    "plan": v["plan"],
                    "lines": v["lines"],
                }
                for v in reports.plan_versions(scope, year, source)
            ],
            "executed": figures["executed"],
        }
        return Response(PlanReportSerializer(body).data)


# --- the pivot explorer ---------------------------------------------------------------------------------


class PivotColumnSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True)
    label = serializers.CharField(allow_blank=True)


class PivotLineSerializer(serializers.Serializer):
    keys = serializers.ListField(
        child=serializers.CharField(allow_null=True), help_text="One per row dimension."
    )
    labels = serializers.ListField(child=serializers.CharField(allow_blank=True))
    cells = serializers.ListField(
        child=serializers.DictField(child=serializers.IntegerField()),
        help_text="One per column value, in the order of `column_values`: the measures' figures.",
    )
    total = serializers.DictField(child=serializers.IntegerField())


class PivotSerializer(serializers.Serializer):
    rows = serializers.ListField(child=serializers.CharField())
    columns = serializers.CharField(allow_null=True)
    measures = serializers.ListField(child=serializers.CharField())
    geography = serializers.CharField()
    on = serializers.DateField(allow_null=True)
    column_values = PivotColumnSerializer(many=True)
    lines = PivotLineSerializer(many=True)
    column_totals = serializers.ListField(child=serializers.DictField(child=serializers.IntegerField()))
    total = serializers.DictField(child=serializers.IntegerField())


def _pivot_parameters() -> list[OpenApiParameter]:
    from khuyencong.reporting import pivot

    dimensions = ", ".join(pivot.DIMENSIONS)
    return [
        OpenApiParameter(
            "rows", str, required=True, description=f"One or two of: {dimensions} (comma-separated)."
        ),
        OpenApiParameter("columns", str, description=f"At most one of: {dimensions}."),
        OpenApiParameter(
            "measures",
            str,
            required=True,
            description=f"Up to 4 of: {', '.join(pivot.MEASURES)} (comma-separated).",
        ),
        OpenApiParameter("year_from", int, description="First plan year."),
        OpenApiParameter("year_to", int, description="Last plan year."),
        SOURCE,
        OpenApiParameter("content", int, description="Content id."),
        OpenApiParameter("province", int, description="Province id (of the 34 or of the 63)."),
        OpenApiParameter("region", int, description="Economic region id."),
        OpenApiParameter("status", str, description="Project status."),
        OpenApiParameter("kind", str, description="Kind of project."),
        OpenApiParameter(
            "geography", str, enum=["34", "63"], description="Provinces: today's 34 (default) or the 63."
        ),
        OpenApiParameter("on", OpenApiTypes.DATE, description="Every figure as of this date."),
    ]


class PivotViewSet(viewsets.ViewSet):
    """The pivot explorer's cross table for your scope: the same figures as the page."""

    @extend_schema(parameters=_pivot_parameters(), responses=PivotSerializer)
    def list(self, request):
        """Measures by one or two row dimensions and at most one column dimension, with the row
        totals, column totals and grand total (whole đồng; a project split over cells counts once in
        the totals of projects)."""
        from khuyencong.reporting import pivot
        from khuyencong.reporting.pivot_forms import PivotForm

        params = request.query_params
        rows = [r.strip() for r in params.get("rows", "").split(",") if r.strip()]
        if len(rows) > pivot.MAX_ROW_DIMENSIONS:
            from django.utils.translation import gettext

            message = gettext("Choose at most %(n)d dimensions for the rows.") % {
                "n": pivot.MAX_ROW_DIMENSIONS
            }
            raise serializers.ValidationError({"rows": [message]})
        data = {k: params.get(k) for k in params if k not in ("rows", "measures")}
        data.update({"rows": rows[0] if rows else "", "rows2": rows[1] if len(rows) > 1 else ""})
        measures = [m.strip() for m in params.get("measures", "").split(",") if m.strip()]
        form = PivotForm({**data, "measures": measures})
        if not form.is_valid():
            raise serializers.ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
        try:
            result = form.build(get_scope(request.user))
        except pivot.PivotError as error:
            raise serializers.ValidationError({error.field: [error.message]}) from None
        return Response(PivotSerializer(pivot.as_json(result)).data)


# --- the standard reports of the catalogue: /api/v1/reports/<name>/ ------------------------------------

STANDARD_EXPORT = OpenApiParameter(
    "export",
    str,
    enum=["xlsx", "pdf", "csv"],
    description="Download the report as a file instead of JSON (CSV: the table named by `table`).",
)
STANDARD_PARAMS = [
    OpenApiParameter("from_year", int, description="First plan year (default: the last complete phase)."),
    OpenApiParameter("to_year", int, description="Last plan year (at most ten years)."),
    OpenApiParameter(
        "geography",
        str,
        enum=["63", "34"],
        description="Provinces as they were (63) or today's (34); default by the years (Appendix 2).",
    ),
    OpenApiParameter("year", int, description="Plan year (annual, conference and quarterly reports)."),
    OpenApiParameter("quarter", int, description="Quarter, 1 to 4 (quarterly summary)."),
    OpenApiParameter(
        "source", str, enum=["kcqg", "kcdp", "other"], description="Funding source (default: all)."
    ),
    OpenApiParameter("months", int, description="The first months of the year, 1 to 12 (conference report)."),
    OpenApiParameter("area", str, description="Code of the conference area (conference report)."),
    OpenApiParameter("table", int, description="With `export=csv`: which table, from 1 (default 1)."),
    STANDARD_EXPORT,
    OpenApiParameter(
        "programme",
        str,
        description="Code of the national programme (phase), e.g. kcqg-2014-2020 (Appendix 3, phase report).",
    ),
]


class StandardReportSerializer(serializers.Serializer):
    report = serializers.CharField()
    title = serializers.CharField()
    parameters = serializers.DictField()
    tables = serializers.ListField(child=serializers.DictField(), help_text="Each table as in the JSON file.")


class StandardReportView(APIView):
    """A standard report of the catalogue for your scope: the same tables as its page
    (``/bao-cao/<name>/``). Money in whole VND."""

    @extend_schema(
        parameters=[
            OpenApiParameter("name", str, OpenApiParameter.PATH, enum=sorted(catalogue.REPORTS)),
            *STANDARD_PARAMS,
        ],
        responses={
            (200, "application/json"): StandardReportSerializer,
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
        },
    )
    def get(self, request, name: str):
        from khuyencong.core.parsing import parse_id
        from khuyencong.reporting.views import report_file

        report = catalogue.get(name)
        if report is None:
            raise NotFound()
        form, built = report.run(get_scope(request.user), request.query_params)
        if built is None:
            raise ValidationError(catalogue.errors(form))
        export = request.query_params.get("export")
        if export:
            if export not in ("xlsx", "pdf", "csv"):
                raise ValidationError({"export": [_("Choose xlsx, pdf or csv.")]})
            return report_file(report, built, export, (parse_id(request.query_params.get("table")) or 1) - 1)
        body = {
            "report": report.slug,
            "title": built.title,
            "parameters": catalogue.parameters(form),
            "tables": [json_data(t) for t in built.tables],
        }
        return Response(StandardReportSerializer(body).data)


# --- published snapshots: /api/v1/reports/<name>/published/ ---------------------------------------------

CAUSES_CAP = 100


class PublishedSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    report = serializers.CharField()
    title = serializers.CharField()
    parameters = serializers.DictField()
    as_of = serializers.DateField(help_text="The figures as recorded up to this date.")
    published_at = serializers.DateTimeField()
    publisher = serializers.CharField()
    number = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)
    url = serializers.CharField(help_text="The publication's page.")


class DifferenceSerializer(serializers.Serializer):
    table = serializers.CharField()
    row = serializers.CharField()
    column = serializers.CharField()
    column_key = serializers.CharField()
    published = serializers.JSONField(help_text="The published figure (VND, or a decimal as text).")
    today = serializers.JSONField(help_text="Today's figure.")
    change = serializers.JSONField(help_text="Today's minus the published (null for a text).")
    published_text = serializers.CharField()
    today_text = serializers.CharField()
    change_text = serializers.CharField(allow_blank=True)


class EntrySinceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.IntegerField()
    project_code = serializers.CharField()
    project_name = serializers.CharField()
    kind = serializers.CharField()
    amount = serializers.IntegerField(help_text="VND")
    value_date = serializers.DateField()
    recorded_by = serializers.CharField(allow_blank=True)
    recorded_at = serializers.DateTimeField(allow_null=True)


class StatusChangeSinceSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    project_code = serializers.CharField()
    project_name = serializers.CharField()
    from_status = serializers.CharField(allow_blank=True)
    to_status = serializers.CharField()
    at = serializers.DateTimeField()
    recorded_by = serializers.CharField(allow_blank=True)


class EntriesSinceSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = EntrySinceSerializer(many=True, help_text=f"The first {CAUSES_CAP}, oldest first.")


class StatusChangesSinceSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = StatusChangeSinceSerializer(many=True, help_text=f"The first {CAUSES_CAP}, oldest first.")


class PublishedDetailSerializer(PublishedSummarySerializer):
    tables = serializers.ListField(
        child=serializers.DictField(), help_text="The tables as published (as in the JSON file)."
    )
    differences = DifferenceSerializer(
        many=True, allow_null=True, help_text="Cells where today's figures differ (null: cannot recompute)."
    )
    entries_since = EntriesSinceSerializer()
    status_changes_since = StatusChangesSinceSerializer()


class PublishSerializer(serializers.Serializer):
    parameters = ObjectField(
        required=False, help_text="The report's parameters, as for GET /api/v1/reports/<name>/."
    )
    number = serializers.CharField(required=False, allow_blank=True, max_length=100)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class PublicationQueuedSerializer(serializers.Serializer):
    job = JobSerializer(help_text="The publishing job, as GET /api/v1/jobs/{id}/ shows it.")
    publication = PublishedSummarySerializer(
        allow_null=True, help_text="The publication, when the job has already run (else null)."
    )


def _summary(publication) -> dict:
    from django.urls import reverse

    return {
        "id": publication.pk,
        "report": publication.report,
        "title": publication.title,
        "parameters": publication.parameters,
        "as_of": publication.as_of,
        "published_at": publication.published_at,
        "publisher": publication.publisher_name,
        "number": publication.number,
        "note": publication.note,
        "url": reverse("reports:published", args=[publication.report, publication.pk]),
    }


def _publications(request, name: str):
    from khuyencong.reporting import snapshots
    from khuyencong.reporting.models import PublishedReport

    if catalogue.get(name) is None or not snapshots.may_read(get_scope(request.user)):
        raise NotFound()
    return PublishedReport.objects.restrict(request.user).filter(report=name)


REPORT_NAME = OpenApiParameter("name", str, OpenApiParameter.PATH, enum=sorted(catalogue.REPORTS))


class PublishedReportsView(APIView):
    """The publications of a standard report (readers of the whole country; 404 for others), and
    publishing it (the agency)."""

    @extend_schema(parameters=[REPORT_NAME], responses=PublishedSummarySerializer(many=True))
    def get(self, request, name: str):
        """The report's publications, newest first."""
        publications = _publications(request, name).defer("tables", "chart")
        return Response(PublishedSummarySerializer([_summary(p) for p in publications], many=True).data)

    @extend_schema(
        parameters=[REPORT_NAME],
        request=PublishSerializer,
        responses={
            202: OpenApiResponse(
                PublicationQueuedSerializer,
                description="The publication is queued as a job (Location: the job in /api/v1/jobs/). "
                "Poll the job until its state is “done” (its result's url is the publication's page; the "
                "publication is then first in GET /api/v1/reports/{name}/published/) or “failed”. "
                "“publication” is filled when the job has already run.",
            )
        },
    )
    def post(self, request, name: str):
        """Publish the report with ``parameters`` as the figures stand now (the agency only: 403 for
        everyone else). The parameters are checked at once (400); the figures are computed and frozen by
        the job queue, as from the page."""
        from rest_framework.exceptions import PermissionDenied

        from khuyencong.reporting import snapshots

        report = catalogue.get(name)
        if report is None:
            raise NotFound()
        if not snapshots.may_publish(get_scope(request.user)):
            raise PermissionDenied(_("Only the agency publishes reports."))
        body = PublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        parameters = {k: v for k, v in (data.get("parameters") or {}).items() if v is not None}
        # a rule broken (a ValidationError) answers 400 through the API's exception handler
        job = snapshots.queue_publication(
            user=request.user,
            report=report,
            data=parameters,
            number=data.get("number", ""),
            note=data.get("note", ""),
        )
        found = snapshots.publication_of(job)
        publication = _summary(found) if found is not None else None
        answer = {"job": job, "publication": publication}
        return Response(
            PublicationQueuedSerializer(answer).data,
            status=202,
            headers={"Location": reverse("job-detail", args=[job.pk])},
        )


def _json_value(value):
    from decimal import Decimal

    return str(value) if isinstance(value, Decimal) else value


class PublishedReportView(APIView):
    """One publication: its frozen tables, where today's figures differ cell by cell, and the
    records entered since it within the report's selection."""

    @extend_schema(
        parameters=[
            REPORT_NAME,
            OpenApiParameter("id", int, OpenApiParameter.PATH, description="The publication's id."),
        ],
        responses=PublishedDetailSerializer,
    )
    def get(self, request, name: str, pk: str):
        from khuyencong.core.parsing import parse_id
        from khuyencong.reporting import snapshots

        number = parse_id(pk)
        publication = _publications(request, name).filter(pk=number).first() if number else None
        if publication is None:
            raise NotFound()
        scope = get_scope(request.user)
        today = snapshots.today_built(publication, scope)
        differences = None
        if today is not None:
            differences = [
                {
                    "table": d.table,
                    "row": d.row,
                    "column": d.column,
                    "column_key": d.column_key,
                    "published": _json_value(d.published_value),
                    "today": _json_value(d.today_value),
                    "change": _json_value(d.change_value),
                    "published_text": d.published,
                    "today_text": d.today,
                    "change_text": d.change,
                }
                for d in snapshots.differences(
                    snapshots.published_tables(publication, marked=False), today.tables
                )
            ]
        entries = snapshots.entries_since(publication, scope)
        shown = snapshots.with_recorders(list(entries[:CAUSES_CAP]), scope)
        changes = snapshots.status_changes_since(publication, scope)
        events = snapshots.with_actors(list(changes[:CAUSES_CAP]), scope)
        body = {
            **_summary(publication),
            "tables": [json_data(t) for t in snapshots.published_tables(publication)],
            "differences": differences,
            "entries_since": {
                "count": entries.count(),
                "results": [
                    {
                        "id": row.entry.pk,
                        "project": row.entry.project_id,
                        "project_code": row.entry.project.code,
                        "project_name": row.entry.project.name,
                        "kind": row.entry.kind,
                        "amount": row.entry.amount,
                        "value_date": row.entry.value_date,
                        "recorded_by": row.recorded_by,
                        "recorded_at": row.recorded_at,
                    }
                    for row in shown
                ],
            },
            "status_changes_since": {
                "count": changes.count(),
                "results": [
                    {
                        "project": e.project_id,
                        "project_code": e.project.code,
                        "project_name": e.project.name,
                        "from_status": e.from_status,
                        "to_status": e.to_status,
                        "at": e.at,
                        "recorded_by": e.who,
                    }
                    for e in events
                ],
            },
        }
        return Response(PublishedDetailSerializer(body).data)
