"""Generic, scope-aware views that every app's pages are declared on (NetBox style).

``ObjectListView`` – filter form (django-filter), sortable columns, pagination, CSV/Excel/JSON
export of the filtered list; ``ObjectDetailView`` – one object, 404 outside the user's scope. Both fetch
through ``Model.objects.restrict(user, "view")``: the scope is applied where the data is read.
"""

from __future__ import annotations

import tempfile
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from khuyencong.core.counting import Tally, TallyPaginator
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
        qs = self.get_queryset()[:EXPORT_LIMIT]
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
                xlsx_rows(
                    output,
                    str(self.title),
                    headers,
                    ([c.export_value(obj) for c in columns] for obj in qs.iterator(chunk_size=2000)),
                    numeric=[c.kind in {"money", "number"} for c in columns],
                )
            except BaseException:
                output.close()
                raise
            output.seek(0)
            response = FileResponse(
                output, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
        response["Content-Disposition"] = f'attachment; filename="{self.export_filename(fmt)}"'
        return response


class ObjectDetailView(WorkspaceMixin, ScopedQuerysetMixin, DetailView):
    def can_change(self) -> bool:
        obj = self.object
        return type(obj)._default_manager.restrict(self.request.user, CHANGE).filter(pk=obj.pk).exists()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_change"] = self.can_change()
        return context
