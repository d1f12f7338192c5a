"""``/du-lieu-mo/``: the open data, for everyone – no account, no sign-in."""

from __future__ import annotations

import json

from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from khuyencong.core.spreadsheets import json_rows
from khuyencong.opendata import cache, package, queries


def _resource(name: str) -> package.Resource:
    resource = package.get(name)
    if resource is None:
        raise Http404
    return resource


def index(request):
    """The page: the licence, what each file holds (with its columns), when the data last changed and
    the downloads."""
    groups = {"data": [], "table": [], "reference": []}
    for resource in package.resources():
        groups[resource.group].append(resource)
    return render(
        request,
        "opendata/index.html",
        {
            "groups": groups,
            "last_updated": queries.last_updated(),
            "licence": package.LICENCE,
            "attribution": package.ATTRIBUTION,
            "publisher": package.PUBLISHER,
        },
    )


def datapackage(request):
    response = HttpResponse(
        json.dumps(package.descriptor(), ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def resource_csv(request, name: str):
    """One resource as CSV (UTF-8), streamed line by line."""
    resource = _resource(name)
    response = StreamingHttpResponse(resource.csv_lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{resource.name}.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def resource_json(request, name: str):
    """One resource as one JSON document, streamed row by row (the API pages it)."""
    resource = _resource(name)
    response = StreamingHttpResponse(
        json_rows(
            str(resource.title),
            [(f.name, str(f.title)) for f in resource.fields],
            ([f.json_value(v) for f, v in zip(resource.fields, row, strict=True)] for row in resource.rows()),
        ),
        content_type="application/json",
    )
    response["Content-Disposition"] = f'attachment; filename="{resource.name}.json"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def package_zip(request):
    """The whole package – ``datapackage.json`` and every CSV – as one zip, built once per version of
    the data (``opendata/cache.py``) and sent from the file."""
    path = cache.package_zip()
    stamp = timezone.localdate().strftime("%Y%m%d")
    try:
        handle = path.open("rb")
    except FileNotFoundError:  # replaced by a newer version between the two lines: build again
        handle = cache.package_zip().open("rb")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{package.PACKAGE_NAME}-{stamp}.zip",
        content_type="application/zip",
    )
