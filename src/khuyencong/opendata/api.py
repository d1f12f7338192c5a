"""``/api/v1/open-data/``: the open data as JSON, readable without a token – the resources of the
Data Package and their rows, page by page (the files of ``/du-lieu-mo/`` stream whole resources)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from khuyencong.opendata import package

MAX_PAGE_SIZE = 1000


class OpenDataResourceSerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    rows = serializers.URLField(help_text="The rows as JSON, page by page (this API).")
    csv = serializers.URLField(help_text="The whole resource as CSV (UTF-8), streamed.")
    json = serializers.URLField(help_text="The whole resource as one JSON document, streamed.")
    schema = serializers.DictField(help_text="Its Table Schema (fields, primaryKey, foreignKeys).")


class PageParams(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, max_value=10_000_000, default=1)
    page_size = serializers.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, default=100)


class OpenDataView(APIView):
    """The resources of the open data (no token needed)."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="open_data_list",
        responses=inline_serializer(
            "OpenDataPackage",
            {
                "title": serializers.CharField(),
                "licenses": serializers.ListField(child=serializers.DictField()),
                "datapackage": serializers.URLField(),
                "zip": serializers.URLField(),
                "resources": OpenDataResourceSerializer(many=True),
            },
        ),
    )
    def get(self, request):
        """The Data Package's resources: what each holds, its Table Schema, where its rows are."""
        from django.urls import reverse

        def url(name, *args):
            return request.build_absolute_uri(reverse(name, args=args))

        return Response(
            {
                "title": str(package.descriptor_title()),
                "licenses": [package.LICENCE],
                "datapackage": url("opendata:datapackage"),
                "zip": url("opendata:zip"),
                "resources": [
                    {
                        "name": r.name,
                        "title": str(r.title),
                        "description": str(r.description),
                        "rows": url("api-open-data-rows", r.name),
                        "csv": url("opendata:csv", r.name),
                        "json": url("opendata:json", r.name),
                        "schema": r.schema(),
                    }
                    for r in package.resources()
                ],
            }
        )


class OpenDataRowsView(APIView):
    """The rows of one resource, page by page (no token needed)."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="open_data_rows",
        parameters=[
            OpenApiParameter("resource", str, OpenApiParameter.PATH, enum=package.NAMES),
            PageParams,
        ],
        responses=inline_serializer(
            "OpenDataRows",
            {
                "resource": serializers.CharField(),
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": serializers.ListField(
                    child=serializers.DictField(),
                    help_text="The rows, one object per row whose keys are the schema's field names.",
                ),
            },
        ),
    )
    def get(self, request, resource: str):
        """``count`` rows in all; this page's ``results`` (keys: the Table Schema's field names)."""
        found = package.get(resource)
        if found is None:
            raise NotFound()
        params = PageParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        page, size = params.validated_data["page"], params.validated_data["page_size"]
        start = (page - 1) * size
        count, rows = found.page(start, start + size)

        def link(number: int) -> str:
            query = request.query_params.copy()
            query["page"] = str(number)
            query["page_size"] = str(size)
            return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

        return Response(
            {
                "resource": found.name,
                "count": count,
                "next": link(page + 1) if start + size < count else None,
                "previous": link(page - 1) if page > 1 and start - size < count else None,
                "results": list(found.as_dicts(rows)),
            }
        )


__all__ = ["OpenDataRowsView", "OpenDataView"]
