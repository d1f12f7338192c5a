"""Pages: choose a kind and download its template → upload → preview (every error, nothing
written) → confirm → result. The import itself runs in ``services.run_import`` (no request needed)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from khuyencong.core.generic import workspace_required
from khuyencong.core.models import Job
from khuyencong.core.permissions import VIEW
from khuyencong.exchange import jobs, services
from khuyencong.exchange.kinds import KINDS, get_kind, kind_choices
from khuyencong.exchange.models import ImportBatch
from khuyencong.exchange.readers import DATA_SHEET, max_bytes, max_rows
from khuyencong.exchange.templates_xlsx import template_csv, template_xlsx


def importable(user) -> list[tuple[str, str]]:
    """The kinds of data the user's role writes (each row is still checked through the services)."""
    return [(k.key, str(k.label)) for k in KINDS.values() if k.may_import(user)]


def _may_import(user) -> bool:
    return bool(importable(user))


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of data"), choices=[])
    file = forms.FileField(label=gettext_lazy("File (.xlsx or .csv)"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = importable(user) if user is not None else kind_choices()
        self.fields["kind"].widget.attrs["class"] = "form-select"
        self.fields["file"].widget.attrs.update({"class": "form-control", "accept": ".xlsx,.csv"})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise ValidationError(
                _(
                    "The file is %(size)s MB; at most %(limit)s MB can be imported. Split it into several files."
                )
                % {"size": upload.size // 2**20, "limit": max_bytes() // 2**20}
            )
        return upload


@workspace_required
def start(request):
    if not _may_import(request.user):
        raise PermissionDenied(_("Your role cannot import data."))
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        initial={"kind": request.GET.get("kind")},
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = services.batch_create(
            user=request.user, kind=form.cleaned_data["kind"], file=upload, file_name=upload.name
        )
        return _follow(jobs.queue_check(request.user, batch), batch)
    batches = ImportBatch.objects.restrict(request.user, VIEW).filter(user=request.user)[:20]
    return render(
        request,
        "exchange/start.html",
        {
            "form": form,
            "kinds": list(KINDS.values()),
            "batches": batches,
            "max_mb": max_bytes() // 2**20,
            "max_rows": max_rows(),
            "active_menu": getattr(get_kind(request.GET.get("kind")), "menu", "establishments"),
        },
    )


@workspace_required
def template(request, kind: str, fmt: str):
    declared = get_kind(kind)
    if declared is None or fmt not in ("xlsx", "csv"):
        raise Http404
    if fmt == "csv":
        response = HttpResponse(template_csv(declared), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            template_xlsx(declared),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="mau-{declared.key}.{fmt}"'
    return response


def _follow(job, batch: ImportBatch):
    """To the batch's page when the job has already run (a small file, or the test settings' queue),
    else to the job's page: its progress bar, then a link back to the batch."""
    if job.state == Job.State.DONE:
        return redirect(batch)
    return redirect(job)


EXPORT_LIMIT = 500_000


@workspace_required
def export(request, kind: str, fmt: str):
    """The records of a kind the user may see, in its template's columns: edit and import it back
    (an unchanged file changes nothing)."""
    import tempfile

    from django.http import FileResponse, StreamingHttpResponse
    from django.utils import timezone
    from django.utils.text import capfirst

    from khuyencong.core.spreadsheets import CsvLines, xlsx_rows

    declared = get_kind(kind)
    if declared is None or fmt not in ("xlsx", "csv"):
        raise Http404
    records = declared.export_queryset(request.user)[:EXPORT_LIMIT]
    headers = [str(capfirst(c.title)) for c in declared.columns]
    if fmt == "csv":

        def rows():
            lines = CsvLines()
            yield lines.row(headers)
            for values in declared.export_rows(records.iterator(chunk_size=2000)):
                yield lines.row(values)

        response: HttpResponse | StreamingHttpResponse | FileResponse = StreamingHttpResponse(
            rows(), content_type="text/csv; charset=utf-8"
        )
    else:
        output = tempfile.TemporaryFile()  # noqa: SIM115 – FileResponse closes (and so deletes) it
        try:
            xlsx_rows(
                output,
                DATA_SHEET,
                headers,
                declared.export_rows(records.iterator(chunk_size=2000)),
                numeric=[c.type in ("money", "integer") for c in declared.columns],
            )
        except BaseException:
            output.close()
            raise
        output.seek(0)
        response = FileResponse(
            output, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="du-lieu-{declared.key}-{stamp}.{fmt}"'
    return response


def _batch_of(request, pk: int) -> ImportBatch:
    return get_object_or_404(
        ImportBatch.objects.restrict(request.user, VIEW).select_related("user", "job"), pk=pk
    )


RECORDS_PER_PAGE = 100


def _written_records(batch: ImportBatch, kind, number):
    """One page of the records the import wrote, each with its name and code and a link to its page:
    one query for the page of links and one for the records' names (whatever the page's length)."""
    paginator = Paginator(
        batch.records.order_by("row", "pk").only("pk", "row", "action", "object_id"), RECORDS_PER_PAGE
    )
    page = paginator.get_page(number)
    rows = list(page.object_list)
    labels = kind.record_labels([r.object_id for r in rows]) if kind is not None else {}
    for record in rows:
        record.label, record.url = labels.get(record.object_id, (_("(no longer exists)"), None))
    page.object_list = rows
    return page


@workspace_required
def batch(request, pk: int):
    found = _batch_of(request, pk)
    page = Paginator(found.errors or [], 200).get_page(request.GET.get("page"))
    kind = get_kind(found.kind)
    records = None
    if found.state == "imported":
        records = _written_records(found, kind, request.GET.get("records"))
    job = found.job if found.job_id else None
    return render(
        request,
        "exchange/batch.html",
        {
            "batch": found,
            "errors_page": page,
            "records": records,
            "kind": kind,
            "job": job,
            "active_menu": kind.menu if kind else "establishments",
        },
    )


@workspace_required
@require_POST
def confirm(request, pk: int):
    found = _batch_of(request, pk)
    try:
        job = jobs.queue_import(request.user, found)
    except PermissionDenied:
        raise
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(found)
    return _follow(job, found)
