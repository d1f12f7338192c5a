"""Generic, scope-aware views that every app's pages are declared on (NetBox style).

``ObjectListView`` – filter form (django-filter), sortable columns, pagination, CSV/Excel/JSON
export of the filtered list; ``ObjectDetailView`` – one object, 404 outside the user's scope. Both fetch
through ``Model.objects.restrict(user, "view")``: the scope is applied where the data is read.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from khuyencong.core.counting import Tally, TallyPaginator
from khuyencong.core.formatting import format_number
from khuyencong.core.permissions import CHANGE, VIEW, get_scope
from khuyencong.core.spreadsheets import CsvLines, json_rows, xlsx_rows
from khuyencong.core.tables import Column

# the rows a sheet of Excel holds below its header; the export streams, so memory does not limit it
EXPORT_LIMIT = 1_048_575
EXPORT_FORMATS = ("csv", "xlsx", "json")


def workspace_required(view):
    """For function views: sign-in required (302 to the login page), and a workspace role (403)."""
    from functools import wraps

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not get_scope(request.user).can_use_workspace:
            raise PermissionDenied(_("Your account has no role in the management workspace."))
        return view(request, *args, **kwargs)

    return wrapper


class WorkspaceMixin:
    """Pages of the management workspace need a signed-in user with a workspace role.

    ``public = True`` pages (reference data) answer everyone, signed in or not.
    """

    public = False

    def dispatch(self, request, *args, **kwargs):
        if not self.public:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not get_scope(request.user).can_use_workspace:
                raise PermissionDenied(_("Your account has no role in the management workspace."))
        return super().dispatch(request, *args, **kwargs)

    @property
    def scope(self):
        return get_scope(self.request.user)


class ScopedQuerysetMixin:
    model = None
    queryset = None

    def base_queryset(self):
        return self.queryset.all() if self.queryset is not None else self.model._default_manager.all()

    def get_queryset(self):
        return self.base_queryset().restrict(self.request.user, VIEW)


class ObjectListView(WorkspaceMixin, ScopedQuerysetMixin, ListView):
    template_name = "core/object_list.html"
    filterset_class = None
    columns: list[Column] = []
    default_sort: str | None = None
    paginate_by = 50
    paginator_class = TallyPaginator
    title = ""
    create_url_name: str | None = None
    export_name = "export"

    def get_paginate_by(self, queryset):
        try:
            size = int(self.request.GET.get("page_size", self.paginate_by))
        except ValueError:
            size = self.paginate_by
        return max(10, min(size, 500))

    def get_queryset(self):
        qs = super().get_queryset()
        self.filterset = None
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(self.request.GET or None, queryset=qs, request=self.request)
            qs = qs.none() if self.filterset.is_bound and not self.filterset.is_valid() else self.filterset.qs
        sort = self.request.GET.get("sort") or self.default_sort
        self.current_sort = sort
        if sort:
            field = sort.lstrip("-")
            allowed = {c.sort: c for c in self.get_columns() if c.sort}
            if field in allowed:
                qs = qs.order_by(("-" if sort.startswith("-") else "") + field, "pk")
        return qs

    def can_create(self) -> bool:
        return False

    def get_columns(self) -> list[Column]:
        """The columns to show; override to adapt them to the filters (e.g. hide a constant column)."""
        return self.columns

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        paginator = context.get("paginator")
        tally = paginator.tally if paginator else Tally(len(context["object_list"]))
        context.update(
            title=self.title,
            columns=self.get_columns(),
            filterset=self.filterset,
            current_sort=self.current_sort,
            can_create=self.can_create(),
            create_url_name=self.create_url_name,
            total=tally.value,
            total_display=str(tally),  # “about 1,000,000” above the exact limit, as on the home page
        )
        return context

    def get(self, request, *args, **kwargs):
        export = request.GET.get("export")
        if export in EXPORT_FORMATS:
            return self.export(export)
        return super().get(request, *args, **kwargs)

    # --- export -----------------------------------------------------------------------------

    def export_columns(self) -> list[Column]:
        return [c for c in self.get_columns() if c.export]

    def export_filename(self, ext: str) -> str:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return f"{slugify(self.export_name)}-{stamp}.{ext}"

    def export(self, fmt: str):
        everything = self.get_queryset()
        qs = everything[:EXPORT_LIMIT]
        threshold = settings.KC_JOBS_EXPORT_ROWS
        # a job needs someone to show it to: a long public list (reference data) still streams to a visitor
        if (
            threshold
            and self.scope.can_use_workspace
            and everything.order_by().values("pk")[: threshold + 1].count() > threshold  # ids only: no sums
        ):
            return self.export_as_job(fmt)
        columns = self.export_columns()
        headers = [str(c.export_header) for c in columns]
        if fmt == "csv":

            def rows():
                lines = CsvLines()  # every cell through the shared guard against formula injection
                yield lines.row(headers)
                for obj in qs.iterator(chunk_size=2000):
                    yield lines.row(c.export_value(obj) for c in columns)

            response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        elif fmt == "json":
            # the same columns under their keys, numbers as numbers, streamed row by row
            response = StreamingHttpResponse(
                json_rows(
                    str(self.title),
                    [(c.key, c.export_header) for c in columns],
                    ([c.json_value(obj) for c in columns] for obj in qs.iterator(chunk_size=2000)),
                ),
                content_type="application/json",
            )
        else:
            # written to a temporary file row by row as the rows are read, then streamed from it:
            # the memory is the same for ten rows and for the whole country
            output = tempfile.TemporaryFile()  # noqa: SIM115 – FileResponse closes (and so deletes) it
            try:
                self.write_xlsx(output, qs, columns)
            except BaseException:
                output.close()
                raise
            output.seek(0)
            response = FileResponse(output, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{self.export_filename(fmt)}"'
        return response

    def write_xlsx(self, output, rows, columns: list[Column], progress=None) -> None:
        xlsx_rows(
            output,
            str(self.title),
            [str(c.export_header) for c in columns],
            _reported(
                ([c.export_value(obj) for c in columns] for obj in rows.iterator(chunk_size=2000)), progress
            ),
            numeric=[c.kind in {"money", "number"} for c in columns],
        )

    def export_as_job(self, fmt: str):
        """A list too long to wait for: the export runs in the job queue, and the user watches its
        progress on the job's page and downloads the file from there."""
        from django.contrib import messages
        from django.shortcuts import redirect

        from khuyencong.core import jobs

        query = self.request.GET.copy()
        query.pop("export", None)
        view = type(self)
        job = jobs.enqueue(
            EXPORT_JOB,
            user=self.request.user,
            params={
                "view": f"{view.__module__}.{view.__qualname__}",
                "kwargs": {k: v for k, v in self.kwargs.items() if isinstance(v, str | int)},
                "path": self.request.path,
                "query": query.urlencode(),
                "fmt": fmt,
            },
            title=_("Export of the list “%(list)s” (%(format)s)")
            % {"list": self.title, "format": fmt.upper()},
        )
        messages.info(
            self.request,
            _(
                "The list has more than %(n)s rows: it is exported in the background; "
                "this page shows how far it is."
            )
            % {"n": format_number(settings.KC_JOBS_EXPORT_ROWS)},
        )
        return redirect(job.get_absolute_url())


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_JOB = "core.list_export"


def _reported(rows: Iterator[Any], progress) -> Iterator[Any]:
    if progress is None:
        yield from rows
        return
    count = 0
    for row in rows:
        count += 1
        if count % 500 == 0:
            progress(count)
        yield row
    progress(count)


def export_list_job(ctx, *, view: str, kwargs: dict, path: str, query: str, fmt: str) -> None:
    """The job of a long list's export: the list view is rebuilt for the user who asked (their scope,
    their filters and sort) and its rows written to the job's result file."""
    from django.http import HttpRequest, QueryDict
    from django.utils.module_loading import import_string

    from khuyencong.core.jobs import JobError

    try:
        view_class = import_string(view)
    except ImportError:
        view_class = None
    if not (isinstance(view_class, type) and issubclass(view_class, ObjectListView)) or fmt not in {
        "csv",
        "json",
        "xlsx",
    }:
        raise JobError(_("This list can no longer be exported."))
    user = ctx.user
    if user is None or not get_scope(user).can_use_workspace:
        raise JobError(_("Your account has no role in the management workspace."))
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.GET = QueryDict(query)
    request.META = {
        "QUERY_STRING": query,
        "REQUEST_METHOD": "GET",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
    }
    request.user = user
    instance = view_class()
    instance.setup(request, **kwargs)
    instance.object_list = qs = instance.get_queryset()[:EXPORT_LIMIT]
    total = qs.count()
    columns = instance.export_columns()
    ctx.progress(0, total, _("Writing the rows"))

    def progress(done: int) -> None:
        ctx.progress(done, total, _("Writing the rows"))

    with tempfile.NamedTemporaryFile(suffix=f".{fmt}") as output:
        if fmt == "csv":
            lines = CsvLines()
            output.write(lines.row([str(c.export_header) for c in columns]).encode("utf-8"))
            rows = ([c.export_value(obj) for c in columns] for obj in qs.iterator(chunk_size=2000))
            for values in _reported(rows, progress):
                output.write(lines.row(values).encode("utf-8"))
        elif fmt == "json":
            rows = ([c.json_value(obj) for c in columns] for obj in qs.iterator(chunk_size=2000))
            pieces = json_rows(
                str(instance.title), [(c.key, c.export_header) for c in columns], _reported(rows, progress)
            )
            for piece in pieces:
                output.write(piece.encode("utf-8"))
        else:
            instance.write_xlsx(output, qs, columns, progress)
        output.flush()
        ctx.attach_file(output.name, instance.export_filename(fmt))
    ctx.set_result({_("Rows exported"): ctx.done})


class ObjectDetailView(WorkspaceMixin, ScopedQuerysetMixin, DetailView):
    def can_change(self) -> bool:
        obj = self.object
        return type(obj)._default_manager.restrict(self.request.user, CHANGE).filter(pk=obj.pk).exists()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_change"] = self.can_change()
        return context
